"""An experiment's results as the Compare and History pages show them."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_pages.login_served_view import show_login_served
from app_pages.robustness_view import answer_of
from app_pages.widgets import chart, csv_download, experiment_banner, plain, stem, table
from sim.experiments.compare import NO_OUTAGE, Experiment, plan_labels
from sim.experiments.comparison import reference_of, tie_counts
from sim.outputs import charts
from sim.outputs.evidence import with_provenance
from sim.outputs.readable import CONVENTIONS, conventions, probability_text, rank_text
from sim.outputs.recovery_words import (
    censored_sentence,
    nothing_to_recover,
    ranked_on_recovery,
    recovery_note,
    recovery_range_rows,
    rule_sentence,
    too_short_sentence,
)
from sim.outputs.report_content import report_content
from sim.outputs.report_html import render_html
from sim.outputs.report_pdf import render_pdf
from sim.outputs.verdict import verdict
from sim.results.measures import headlined, label
from sim.scenario.plans import reference_words

BACKLOG_CAPTION = (
    "Backlog: work not done (items past due and not done) at the end of each day. Paper records "
    "awaiting re-keying are not backlog: where a plan left any, the re-keying debt (records, "
    "with the hours they need) is drawn beside it in the panel below, never added to it."
)


def report_downloads(experiment: Experiment, key: str) -> None:
    """Buttons that make the after-action report (HTML, PDF) when pressed, not before."""
    manifest, tables = experiment.manifest, experiment.tables
    name, robust = stem(manifest), answer_of(experiment)  # with the robustness, once it is in

    def html() -> str:
        return render_html(report_content(tables, manifest, robust))

    def pdf() -> bytes:
        return render_pdf(report_content(tables, manifest, robust))

    formats: tuple[tuple[str, Callable[[], str | bytes], str, str], ...] = (
        ("HTML", html, "html", "text/html"),
        ("PDF", pdf, "pdf", "application/pdf"),
    )
    for col, (words, make, ending, mime) in zip(st.columns(2), formats, strict=True):
        col.download_button(
            f"Download report ({words})",
            data=make,
            file_name=f"report-{name}.{ending}",
            mime=mime,
            key=f"{key}-report-{ending}",
            on_click="ignore",
        )


def labels_of(experiment: Experiment) -> list[str]:
    """The plans in the experiment's order, then the no-outage baseline if it was run."""
    return plan_labels(experiment.manifest["plans"], experiment["runs"])


def heading(experiment: Experiment, key: str) -> None:
    """What every results page starts with: what the results are of, and the report."""
    experiment_banner(experiment, key)
    report_downloads(experiment, key)


def show_verdict(experiment: Experiment) -> None:
    st.subheader("Verdict")
    for sentence in verdict(experiment.tables, experiment.manifest):
        st.markdown(f"- {plain(sentence)}")


def render_experiment(experiment: Experiment, key: str) -> None:
    """Verdict, charts and tables of one experiment; ``key`` keeps widget keys unique."""
    labels, m, name = labels_of(experiment), experiment.manifest, stem(experiment.manifest)
    heading(experiment, key)
    show_verdict(experiment)
    st.subheader("Backlog and re-keying debt over time")
    st.caption(BACKLOG_CAPTION)
    chart(
        lambda: charts.stamped(
            charts.backlog_fan(experiment["backlog"], labels, m.get("disruption_days")), m
        ),
        f"backlog-{name}",
        f"{key}-fan",
    )
    st.subheader("Missed risk checks by RoSH level")
    chart(
        lambda: charts.stamped(charts.missed_risk_checks(experiment["runs"], labels), m),
        f"risk-checks-{name}",
        f"{key}-risk",
    )
    st.subheader("Recalls")
    table(
        measure_table(experiment, headlined("recalls")),
        f"{CONVENTIONS['recall_delay']} {CONVENTIONS['interval']}",
    )
    show_login_served(experiment, labels)
    if nothing_to_recover(m):
        st.subheader("Time to recover")
        st.info(nothing_to_recover(m))
    elif m.get("disruption_days"):
        st.subheader("Time to recover")
        st.caption(rule_sentence(m))
        short = too_short_sentence(m)
        if short:
            st.warning(short)
        horizon = charts.recovery_horizon(m)
        if horizon is None:
            st.info(
                "The run ends before the outage does, so there is no recovery to show; "
                "run more weeks to see it."
            )
        else:
            chart(
                lambda: charts.stamped(
                    charts.recovery_curve(experiment["runs"], labels, horizon), m
                ),
                f"recovery-{name}",
                f"{key}-recovery",
            )
        table(experiment["recovery"], CONVENTIONS["percentile"])
        ends = recovery_range_rows(experiment["backlog"], m)
        if len(ends):
            st.markdown("**Under the low and high ends of the tolerance's range**")
            st.dataframe(ends, hide_index=True)
            st.caption(recovery_note(m))
    against = reference_words(reference_of(m))
    st.subheader(f"Paired differences from {against}")
    st.caption(
        " ".join(
            conventions(reference_of(m))[c]
            for c in (
                "lower_is_better",
                "interval",
                "paired",
                "probability_better",
                "rank",
                "rekeying_debt",
            )
        )
    )
    short = too_short_sentence(m)
    unranked = f"Time to recover is not ranked. {short}" if short else None
    unranked = unranked or censored_sentence(experiment["recovery"], m)
    if unranked and (experiment["comparison"]["measure"] == "time_to_recover_days").any():
        st.caption(unranked)
    st.dataframe(paired_table(experiment), hide_index=True)
    cols = st.columns(3)
    downloads = (
        ("comparison", "Download comparison (CSV)"),
        ("runs", "Download every run (CSV)"),
        ("backlog", "Download backlog by day (CSV)"),
    )
    for col, (table_name, words) in zip(cols, downloads, strict=True):
        with col:
            csv_download(
                with_provenance(experiment[table_name], m),
                words,
                f"{table_name}-{name}",
                f"{key}-csv-{table_name}",
            )


def _with_interval(mean: float, low: float, high: float, signed: bool = False) -> str:
    if mean != mean:
        return "-"
    form = "{:+,.2f}" if signed else "{:,.2f}"
    if low != low:
        return form.format(mean)
    return f"{form.format(mean)} ({form.format(low)} to {form.format(high)})"


def paired_table(experiment: Experiment) -> pd.DataFrame:
    """Each plan against the experiment's reference plan (doing nothing, unless its manifest
    names another), one row per plan and measure, narrow enough to read:
    mean with its interval, the paired difference with its interval, P(better), rank."""
    rows = experiment["comparison"]
    rows = rows[rows["plan"] != NO_OUTAGE]
    ties = tie_counts(experiment["runs"], reference_of(experiment.manifest))
    rank = rows["rank"]
    if not ranked_on_recovery(experiment["recovery"], experiment.manifest):
        rank = rank.where(rows["measure"] != "time_to_recover_days")  # too soon or too censored
    return pd.DataFrame(
        {
            "measure": rows["measure"].map(label),
            "plan": rows["plan"],
            "mean (95% interval)": [
                _with_interval(r.mean, r.ci_low, r.ci_high) for r in rows.itertuples()
            ],
            f"difference from {reference_words(reference_of(experiment.manifest))} "
            "(95% interval)": [
                _with_interval(r.vs_reference_mean, r.vs_reference_low, r.vs_reference_high, True)
                for r in rows.itertuples()
            ],
            "P(better)": [
                probability_text(
                    r.probability_better,
                    replications=int(r.replications),
                    ties=ties.get((r.plan, r.measure)),
                )
                for r in rows.itertuples()
            ],
            "rank": [rank_text(r) for r in rank],
        }
    )


def measure_table(
    experiment: Experiment, measures: tuple[str, ...], against_baseline: bool = False
) -> pd.DataFrame:
    """Mean and 95% interval of some measures per plan, from the comparison table; with
    ``against_baseline``, also the paired difference from the same replications' no-outage
    runs (when the experiment has them)."""
    found = experiment["comparison"]
    found = found[found["measure"].isin(measures)]
    plans = {plan: i for i, plan in enumerate(dict.fromkeys(found["plan"]))}
    place = {name: i for i, name in enumerate(measures)}
    found = found.sort_values(  # a plan's measures together, in the registry's order
        ["plan", "measure"],
        key=lambda column: column.map(plans if column.name == "plan" else place),
        kind="stable",
    )
    columns = ["plan", "measure", "mean", "ci_low", "ci_high", "replications"]
    if against_baseline and "vs_no_outage_mean" in found:
        columns += ["vs_no_outage_mean", "vs_no_outage_low", "vs_no_outage_high"]
    return found[columns]
