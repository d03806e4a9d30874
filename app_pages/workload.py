"""Workload (union representatives): hours against contract, WMT capacity, and claims tested."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.results_view import heading, labels_of, measure_table, report_downloads
from app_pages.widgets import chart, csv_download, experiment_or_hint, plain, stem
from sim import charts
from sim.claims import (
    COMPARISON_WORDS,
    OFFICE_MEASURES,
    ROLE_MEASURES,
    Claim,
    answer,
    person_summary,
    role_summary,
)
from sim.experiment import NO_OUTAGE
from sim.vocabulary import ROLES, pretty

OFFICE_WORKLOAD = {"staff_over_110_for_4_weeks": "staff over 110% WMT capacity, 4 weeks",
                   "staff_over_110_hours_4_weeks": "staff over 110% of contracted hours, 4 weeks",
                   "overtime_hours": "overtime hours", "double_handling_hours":
                   "double-handling hours", "extra_hours": "hours beyond the contracted day"}


@st.cache_data(max_entries=64, show_spinner=False)
def _by_role(name: str, plan: str, _workload: pd.DataFrame) -> pd.DataFrame:
    """:func:`sim.claims.role_summary`, once per experiment (``name``) and plan, not on every
    rerun of the page (each press of the claim tester is one)."""
    return role_summary(_workload, plan)


def render() -> None:
    st.title("Workload")
    experiment = experiment_or_hint("workload evidence")
    if experiment is None:
        return
    if "workload" not in experiment.tables:
        st.warning("This experiment was saved before workload evidence was kept; run it again "
                   "on the Compare page.")
        return
    heading(experiment)
    report_downloads(experiment, "workload")
    name, workload = stem(experiment.manifest), experiment["workload"]
    present = set(workload["plan"].unique())
    labels = [p for p in labels_of(experiment) if p in present]
    plan = st.selectbox("Plan", labels, key="workload_plan")
    st.caption("WMT capacity % is the employer's Workload Measurement Tool: case points held "
               "over available points. The excessive-workload rule is over 110% for 4 "
               "consecutive weeks; here it is applied to WMT capacity and to hours worked "
               "against contracted hours.")
    st.subheader("By role (mean over replications)")
    by_role = _by_role(name, plan, workload)
    by_role["role"] = by_role["role"].map(pretty)
    by_role = by_role.rename(columns=pretty)
    st.dataframe(by_role.round(2), hide_index=True)
    csv_download(by_role, "Download workload by role (CSV)", f"workload-roles-{name}",
                 "workload-csv-roles")
    slug = plan.lower().replace(" ", "-")
    chart(lambda: charts.workload_spread(workload, plan), f"workload-hours-{slug}-{name}",
          "workload-hours")
    chart(lambda: charts.workload_spread(workload, plan, "wmt_capacity", 110.0,
                                         "WMT capacity %"),
          f"workload-wmt-{slug}-{name}", "workload-wmt")
    st.subheader("Across the office, per plan")
    st.dataframe(measure_table(experiment, OFFICE_WORKLOAD), hide_index=True)
    st.subheader("Per person")
    replication = st.selectbox("Replication", sorted(set(workload["replication"])),
                               key="workload_replication")
    people = person_summary(workload, plan, replication)
    people["role"] = people["role"].map(pretty)
    st.dataframe(people.round(2), hide_index=True)
    csv_download(people, "Download per person (CSV)", f"workload-people-{name}",
                 "workload-csv-people")
    claim_tester(experiment.tables, [p for p in labels if p != NO_OUTAGE] or labels)


def claim_tester(tables: dict, plans: list[str]) -> None:
    st.subheader("Test a claim")
    st.caption("State a claim as a measure, a comparison, a threshold and a plan. The answer is "
               "the probability that it holds: the share of replications in which it did.")
    measures = {**ROLE_MEASURES, **OFFICE_MEASURES}
    with st.form("claim"):
        cols = st.columns(2)
        plan = cols[0].selectbox("Under plan", plans, key="claim_plan")
        measure = cols[1].selectbox(
            "Measure", list(measures), key="claim_measure",
            format_func=lambda m: measures[m][0].format(role="[role]"))
        cols = st.columns(3)
        role = cols[0].selectbox("Role (for a per-role measure)", ROLES, key="claim_role",
                                 format_func=pretty)
        comparison = cols[1].selectbox("Is", list(COMPARISON_WORDS), key="claim_comparison",
                                       format_func=COMPARISON_WORDS.get)
        threshold = cols[2].number_input("Threshold", value=0.25, step=0.05, format="%g",
                                         key="claim_threshold",
                                         help="A share as a fraction (a quarter is 0.25); "
                                              "hours, items or days as numbers.")
        submitted = st.form_submit_button("Test the claim")
    if not submitted:
        return
    claim = Claim(plan=plan, measure=measure, comparison=comparison, threshold=threshold,
                  role=role if measure in ROLE_MEASURES else None)
    result = answer(tables, claim)
    st.metric("Probability the claim holds", f"{result.probability:.2f}",
              f"95% interval {result.low:.2f} to {result.high:.2f}", delta_color="off",
              delta_arrow="off")
    st.markdown(plain(result.sentence()))
    st.dataframe(result.evidence.round(3), hide_index=True)
