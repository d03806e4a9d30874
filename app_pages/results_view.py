"""An experiment's results as the Compare and History pages show them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.widgets import chart, csv_download, plain, stem
from sim import charts
from sim.experiment import NO_OUTAGE, Experiment, plan_labels
from sim.report_content import report_content
from sim.report_html import render_html
from sim.report_pdf import render_pdf
from sim.verdict import verdict
from sim.vocabulary import pretty

PAIRED_COLUMNS = {"plan": "plan", "measure": "measure", "mean": "mean",
                  "ci_low": "95% low", "ci_high": "95% high",
                  "vs_do_nothing_mean": "vs do nothing", "vs_do_nothing_low": "diff 95% low",
                  "vs_do_nothing_high": "diff 95% high",
                  "probability_better": "P(better than do nothing)", "rank": "rank"}
RECALL_MEASURES = {"late_recalls": "late recalls (count)",
                   "recall_delay_mean": "mean delay to delivery (hours)"}


def report_downloads(experiment: Experiment, key: str) -> None:
    """Buttons that make the after-action report (HTML, PDF) when pressed, not before."""
    manifest, tables = experiment.manifest, experiment.tables
    name = stem(manifest)

    def html() -> str:
        return render_html(report_content(tables, manifest, state.ROOT))

    def pdf() -> bytes:
        return render_pdf(report_content(tables, manifest, state.ROOT))

    cols = st.columns(2)
    cols[0].download_button("Download report (HTML)", data=html, file_name=f"report-{name}.html",
                            mime="text/html", key=f"{key}-report-html", on_click="ignore")
    cols[1].download_button("Download report (PDF)", data=pdf, file_name=f"report-{name}.pdf",
                            mime="application/pdf", key=f"{key}-report-pdf", on_click="ignore")


def labels_of(experiment: Experiment) -> list[str]:
    """The plans in the experiment's order, then the no-outage baseline if it was run."""
    return plan_labels(experiment.manifest["plans"], experiment["runs"])


def heading(experiment: Experiment) -> None:
    m = experiment.manifest
    st.caption(f"{plain(m['scenario'])}: {len(m['plans'])} plans × {m['replications']} "
               f"replications × {m['weeks']} weeks, seed {m['seed']}"
               + (f", run id {m['run_id']}" if m.get("run_id") else ""))


def show_verdict(experiment: Experiment) -> None:
    st.subheader("Verdict")
    for sentence in verdict(experiment.tables):
        st.markdown(f"- {plain(sentence)}")


def render_experiment(experiment: Experiment, key: str) -> None:
    """Verdict, charts and tables of one experiment; ``key`` keeps widget keys unique."""
    labels, m, name = labels_of(experiment), experiment.manifest, stem(experiment.manifest)
    heading(experiment)
    report_downloads(experiment, key)
    show_verdict(experiment)
    st.subheader("Backlog over time")
    chart(lambda: charts.backlog_fan(experiment["backlog"], labels, m.get("disruption_days")),
          f"backlog-{name}", f"{key}-fan")
    st.subheader("Missed risk checks by RoSH level")
    chart(lambda: charts.missed_risk_checks(experiment["runs"], labels), f"risk-checks-{name}",
          f"{key}-risk")
    st.subheader("Recalls")
    st.dataframe(measure_table(experiment, RECALL_MEASURES), hide_index=True)
    if m.get("disruption_days"):
        st.subheader("Time to recover")
        horizon = charts.recovery_horizon(m)
        if horizon is None:
            st.info("The run ends before the outage does, so there is no recovery to show; "
                    "run more weeks to see it.")
        else:
            chart(lambda: charts.recovery_curve(experiment["runs"], labels, horizon),
                  f"recovery-{name}", f"{key}-recovery")
        st.dataframe(experiment["recovery"], hide_index=True)
    st.subheader("Paired differences from doing nothing")
    st.caption("Each plan against doing nothing on the same replications (common random "
               "numbers). Lower is better for every measure; P(better) is the share of "
               "replications in which the plan did better.")
    st.dataframe(paired_table(experiment), hide_index=True)
    cols = st.columns(3)
    with cols[0]:
        csv_download(experiment["comparison"], "Download comparison (CSV)", f"comparison-{name}",
                     f"{key}-csv-comparison")
    with cols[1]:
        csv_download(experiment["runs"], "Download every run (CSV)", f"runs-{name}",
                     f"{key}-csv-runs")
    with cols[2]:
        csv_download(experiment["backlog"], "Download backlog by day (CSV)", f"backlog-{name}",
                     f"{key}-csv-backlog")


def paired_table(experiment: Experiment) -> pd.DataFrame:
    table = experiment["comparison"]
    table = table[table["plan"] != NO_OUTAGE][list(PAIRED_COLUMNS)].rename(columns=PAIRED_COLUMNS)
    table["measure"] = table["measure"].map(pretty)
    return table.round(2)


def measure_table(experiment: Experiment, measures: dict[str, str]) -> pd.DataFrame:
    """Mean and 95% interval of some measures per plan, from the comparison table."""
    table = experiment["comparison"]
    table = table[table["measure"].isin(measures)].copy()
    table["measure"] = table["measure"].map(measures)
    return table[["plan", "measure", "mean", "ci_low", "ci_high", "replications"]].round(2)
