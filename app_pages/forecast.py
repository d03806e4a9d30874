"""Forecast (directors): when the office recovers, and which continuity objectives hold."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.results_view import heading, labels_of, report_downloads
from app_pages.widgets import STATUS_ICON, chart, csv_download, experiment_or_hint, stem
from sim import charts
from sim.forecast import AMBER_FROM, RED_FROM, objective_status, recovery_dates

LATER = "after the run"


def render() -> None:
    st.title("Forecast")
    experiment = experiment_or_hint("forecast")
    if experiment is None:
        return
    heading(experiment)
    report_downloads(experiment, "forecast")
    name = stem(experiment.manifest)
    began = st.date_input("The outage began on", value=date.today(), key="forecast_began",
                          help="Dates below count from this day: the outage's length, then the "
                               "time to recover after it ended.")
    st.subheader("Recovery date")
    dates = recovery_dates(experiment["recovery"], experiment.manifest, began)
    if dates.empty:
        st.info("This scenario has no outage, so there is nothing to recover from.")
    else:
        cols = st.columns(min(len(dates), 4))
        for i, row in enumerate(dates.itertuples()):
            p50 = row.recovered_p50.strftime("%d %b %Y") if row.recovered_p50 else LATER
            p90 = row.recovered_p90.strftime("%d %b %Y") if row.recovered_p90 else LATER
            cols[i % len(cols)].metric(row.plan, p50, f"P90: {p90}", delta_color="off",
                                       delta_arrow="off", help="P50 recovery date")
        st.caption("P50: half the replications had recovered by then; P90: nine in ten. "
                   "'After the run': the run ended before that share had recovered; run more "
                   "weeks to see it.")
        st.dataframe(dates, hide_index=True)
        csv_download(dates, "Download recovery dates (CSV)", f"recovery-dates-{name}",
                     "forecast-csv-dates")
    st.subheader("Continuity objectives")
    objectives = experiment.tables.get("objectives")
    if objectives is None or objectives.empty:
        st.info("The scenario sets no continuity objectives (RTO, MTPD, MBCO).")
    else:
        st.caption(f"Probability of breach over the replications: green below "
                   f"{AMBER_FROM:.0%}, amber below {RED_FROM:.0%}, red from {RED_FROM:.0%}.")
        st.dataframe(objectives_view(objectives), hide_index=True)
        csv_download(objectives, "Download objectives (CSV)", f"objectives-{name}",
                     "forecast-csv-objectives")
    st.subheader("Backlog forecast")
    chart(lambda: charts.backlog_fan(experiment["backlog"], labels_of(experiment),
                                     experiment.manifest.get("disruption_days"),
                                     "Backlog forecast"),
          f"backlog-forecast-{name}", "forecast-fan")


def objectives_view(objectives: pd.DataFrame) -> pd.DataFrame:
    """One row per plan and activity: each objective's status and probability of breach."""
    rated = objective_status(objectives)
    view = rated[["plan", "activity"]].copy()
    for kind, label in (("rto", "RTO"), ("mtpd", "MTPD"), ("mbco", "MBCO")):
        view[label] = [f"{STATUS_ICON[s]} ({p:.0%})"
                       for s, p in zip(rated[f"{kind}_status"], rated[f"p_{kind}_breached"])]
    view["RTO days"] = rated["rto_days"]
    view["MTPD days"] = rated["mtpd_days"]
    view["MBCO"] = rated["mbco"]
    view["median days to resume"] = rated["days_to_resume_p50"]
    return view
