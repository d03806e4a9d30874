"""Workload (union representatives): hours against contract, WMT capacity, and claims tested."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.results_view import heading, labels_of, measure_table
from app_pages.widgets import chart, csv_download, experiment_or_hint, plain, stem, table
from sim.domain.vocabulary import ROLES, pretty
from sim.experiments.compare import NO_OUTAGE
from sim.outputs import charts
from sim.outputs.charts import recovery_horizon
from sim.outputs.claims import (
    COMPARISON_WORDS,
    OFFICE_MEASURES,
    ROLE_MEASURES,
    Claim,
    answer,
    person_summary,
    role_summary,
)
from sim.outputs.evidence import evidence_pack, with_provenance
from sim.outputs.readable import CONVENTIONS
from sim.results.measures import headlined
from sim.scenario.library import file_name

AGAINST = {"threshold": "the threshold", "no_outage": "the no-outage run"}


@st.cache_data(max_entries=64, show_spinner=False)
def _by_role(name: str, plan: str, _workload: pd.DataFrame) -> pd.DataFrame:
    """:func:`sim.outputs.claims.role_summary`, once per experiment (``name``) and plan, not on
    every
    rerun of the page (each press of the claim tester is one)."""
    return role_summary(_workload, plan)


def render() -> None:
    st.title("Workload")
    experiment = experiment_or_hint("workload evidence")
    if experiment is None:
        return
    if "workload" not in experiment.tables:
        st.warning(
            "This experiment was saved before workload evidence was kept; run it again "
            "on the Compare page."
        )
        return
    heading(experiment, "workload")
    name, workload, manifest = (
        stem(experiment.manifest),
        experiment["workload"],
        experiment.manifest,
    )
    present = set(workload["plan"].unique())
    labels = [p for p in labels_of(experiment) if p in present]
    plan = st.selectbox("Plan", labels, key="workload_plan")
    plan_file = file_name(plan)
    st.caption(
        "WMT capacity % is the employer's Workload Measurement Tool: case points held "
        "over available points. The excessive-workload rule is over 110% for 4 "
        "consecutive weeks; here it is applied to WMT capacity and to hours worked "
        "against contracted hours."
    )
    st.subheader(f"By role under {plain(plan)} (mean over replications)")
    by_role = _by_role(name, plan, workload)
    table(by_role)
    csv_download(
        with_provenance(by_role, manifest, plan, f"mean of {manifest['replications']}"),
        "Download workload by role (CSV)",
        f"workload-roles-{plan_file}-{name}",
        "workload-csv-roles",
    )
    chart(
        lambda: charts.stamped(charts.workload_spread(workload, plan), manifest),
        f"workload-hours-{plan_file}-{name}",
        "workload-hours",
    )
    chart(
        lambda: charts.stamped(
            charts.workload_spread(workload, plan, "wmt_capacity", 110.0, "WMT capacity %"),
            manifest,
        ),
        f"workload-wmt-{plan_file}-{name}",
        "workload-wmt",
    )
    st.subheader("Across the office, per plan")
    table(
        measure_table(experiment, headlined("office_workload"), against_baseline=True),
        CONVENTIONS["interval"] + " Differences are from the same replication's run without "
        "the outage (the same people, cases and random numbers), so they show what the outage "
        "and the plan add: WMT counts cases, so it moves little; hours move with login waits, "
        "re-keying, slow manual work and unpaid time clearing backlog. The peak re-keying debt "
        "in hours is the re-keying still owed at its highest: work the office has yet to do, "
        "beside the hours already worked.",
    )
    st.subheader(f"Per person under {plain(plan)}")
    replication = st.selectbox(
        "Replication", sorted(set(workload["replication"])), key="workload_replication"
    )
    people = person_summary(workload, plan, replication)
    table(people)
    csv_download(
        with_provenance(people, manifest, plan, replication),
        "Download per person (CSV)",
        f"workload-people-{plan_file}-replication-{replication}-{name}",
        "workload-csv-people",
    )
    claim_tester(experiment, [p for p in labels if p != NO_OUTAGE] or labels)


def claim_tester(experiment, plans: list[str]) -> None:
    st.subheader("Test a claim")
    st.caption(
        "State a claim as a measure, a comparison, a threshold and a plan. The answer is "
        "the probability that it holds: the share of replications in which it did. "
        "Against the no-outage run, the claim is about the rise over the same "
        "replication without the outage: whether the outage (under that plan) caused "
        "it."
    )
    measures = {**ROLE_MEASURES, **OFFICE_MEASURES}
    has_baseline = NO_OUTAGE in set(experiment["runs"]["plan"])
    with st.form("claim"):
        cols: Sequence[Any] = st.columns(2)
        plan = cols[0].selectbox("Under plan", plans, key="claim_plan")
        measure = cols[1].selectbox(
            "Measure",
            list(measures),
            key="claim_measure",
            format_func=lambda m: measures[m][0].format(role="[role]"),
        )
        cols = st.columns(4)
        role = cols[0].selectbox(
            "Role (for a per-role measure)", ROLES, key="claim_role", format_func=pretty
        )
        comparison = cols[1].selectbox(
            "Is",
            list(COMPARISON_WORDS),
            key="claim_comparison",
            format_func=lambda c: COMPARISON_WORDS[c],
        )
        threshold = cols[2].number_input(
            "Threshold",
            value=0.25,
            step=0.05,
            format="%g",
            key="claim_threshold",
            help="A share as a fraction (a quarter is 0.25); hours, items or days as numbers.",
        )
        against = cols[3].selectbox(
            "Compared with",
            [*AGAINST] if has_baseline else ["threshold"],
            key="claim_against",
            format_func=lambda a: AGAINST[a],
        )
        submitted = st.form_submit_button("Test the claim")
    if submitted:
        st.session_state["claim_tested"] = Claim(
            plan=plan,
            measure=measure,
            comparison=comparison,
            threshold=threshold,
            against=against,
            role=role if measure in ROLE_MEASURES else None,
        )
    claim = st.session_state.get("claim_tested")
    if claim is None or claim.plan not in plans:
        return
    try:
        result = answer(experiment.tables, claim, recovery_horizon(experiment.manifest))
    except ValueError as exc:
        st.error(plain(str(exc)))
        return
    st.metric(
        "Probability the claim holds",
        f"{result.probability:.2f}",
        f"95% interval {result.low:.2f} to {result.high:.2f}",
        delta_color="off",
        delta_arrow="off",
    )
    st.markdown(plain(result.sentence()))
    st.caption(CONVENTIONS["wilson"])
    table(result.evidence, digits=3)
    st.download_button(
        "Download the evidence pack (ZIP): the answer, each replication, the "
        "manifest, the scenario and plans, and the commands that reproduce it",
        data=lambda: evidence_pack(result, experiment.manifest),
        file_name=f"claim-{file_name(claim.plan)}-{file_name(claim.measure)}-"
        f"{stem(experiment.manifest)}.zip",
        mime="application/zip",
        key="workload-evidence",
        on_click="ignore",
    )
