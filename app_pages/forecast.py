"""Forecast (directors): when the office recovers, and which continuity objectives hold."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.results_view import BACKLOG_CAPTION, heading, labels_of
from app_pages.widgets import chart, csv_download, experiment_or_hint, stem, table
from sim.outputs import charts
from sim.outputs.evidence import with_provenance
from sim.outputs.forecast import (
    AMBER_FROM,
    RED_FROM,
    STATUS_COLOURS,
    objective_rows,
    recovery_dates,
)
from sim.outputs.readable import CONVENTIONS
from sim.outputs.recovery_words import NOTHING_TO_RECOVER, rule_sentence, too_short_sentence

LATER = "after the run"


def render() -> None:
    st.title("Forecast")
    experiment = experiment_or_hint("forecast")
    if experiment is None:
        return
    heading(experiment, "forecast")
    name, manifest = stem(experiment.manifest), experiment.manifest
    began = st.date_input(
        "The outage began on",
        value=date.today(),
        key="forecast_began",
        help="Dates below count from this day: the outage's length, then the "
        "time to recover after it ended.",
    )
    st.subheader("Recovery date")
    dates = recovery_dates(experiment["recovery"], manifest, began)
    if dates.empty:
        st.info(NOTHING_TO_RECOVER)
    else:
        cols = st.columns(min(len(dates), 4))
        for i, row in enumerate(dates.itertuples()):
            p50 = row.recovered_p50.strftime("%d %b %Y") if row.recovered_p50 else LATER
            p90 = row.recovered_p90.strftime("%d %b %Y") if row.recovered_p90 else LATER
            cols[i % len(cols)].metric(
                row.plan,
                p50,
                f"P90: {p90}",
                delta_color="off",
                delta_arrow="off",
                help="P50 recovery date",
            )
        st.caption(
            "P50: half the replications had recovered by then; P90: nine in ten. "
            "'After the run': the run ended before that share had recovered; run more "
            f"weeks to see it. {rule_sentence(manifest)} " + CONVENTIONS["percentile"]
        )
        short = too_short_sentence(manifest)
        if short:
            st.warning(short)
        table(dates.fillna({"recovered_p50": LATER, "recovered_p90": LATER}))
        csv_download(
            with_provenance(dates, manifest),
            "Download recovery dates (CSV)",
            f"recovery-dates-{name}",
            "forecast-csv-dates",
        )
    st.subheader("Continuity objectives")
    objectives = experiment.tables.get("objectives")
    if objectives is None or objectives.empty:
        st.info("The scenario sets no continuity objectives (RTO, MTPD, MBCO).")
    else:
        rows = objective_rows(objectives)
        st.dataframe(status_coloured(rows), hide_index=True)
        st.caption(
            f"{CONVENTIONS['breach']} Status: met (green) below {AMBER_FROM:.0%}, at "
            f"risk (amber) below {RED_FROM:.0%}, breached (red) from {RED_FROM:.0%}. "
            + CONVENTIONS["objectives"]
        )
        csv_download(
            with_provenance(rows, manifest),
            "Download objectives (CSV)",
            f"objectives-{name}",
            "forecast-csv-objectives",
        )
    st.subheader("Backlog forecast")
    st.caption(BACKLOG_CAPTION)
    chart(
        lambda: charts.stamped(
            charts.backlog_fan(
                experiment["backlog"],
                labels_of(experiment),
                manifest.get("disruption_days"),
                "Backlog forecast",
                outage_began=began,
            ),
            manifest,
        ),
        f"backlog-forecast-{name}-{began:%Y%m%d}",
        "forecast-fan",
    )


def status_coloured(rows: pd.DataFrame):
    """The objectives table with each status cell in its colour (the status also in words)."""
    return rows.style.map(
        lambda s: f"background-color: {STATUS_COLOURS.get(s, '')}; color: #101828",
        subset=["status"],
    )
