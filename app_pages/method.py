"""Method: the model, its measures, and every assumption with its source, in plain words."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.widgets import experiment_banner, scenario_line, scenario_or_problems

SUMMARY = """
**What is simulated.** One probation office: its staff as individuals (roles, contracted
hours, part-time days, sickness and leave), its caseload (each case with a RoSH level, an
owning organisation and a supervision cadence), and the work they make: supervision
appointments with a risk check before each contact, recording, court results entry and
allocation, first appointments, recalls, risk escalations, enforcement and breach, assessment
reviews and transfers. Work goes to the person free to do it by one priority rule, and each task
needs the IT systems it needs (NDelius, OASys, email, the court feed, another organisation's
records).

**What goes wrong.** A scenario sets outages: systems down or slow, logins capped so only some
staff can work at once, emails lost, records lost, fewer desks, or a surge of work. Without a
system, work waits; with a contingency plan, the office works around it (paper records to
re-key later, a printed risk register, day lists, a login rota, triage, overtime, mutual aid,
another channel, home working), each at a cost the model counts.

**How plans are compared.** Every plan runs on the same replications: replication *r* draws
the same court results, absences, failures to attend and outage under every plan (common random
numbers), so differences between plans are the plans' doing. Each plan is compared with doing
nothing replication by replication (paired differences with 95% t-intervals), and with the same
office without the outage, which sets the backlog it must return to (time to recover: back within
10 items or 25% of that backlog for 7 days in a row).

**How many replications.** Until the answer is clear, at most the number asked for: after 10
replications, then after every 5 more, the comparison stops once every headline measure's paired
interval against doing nothing is within 10% of doing nothing's mean (or half an item, an hour,
half a day), or once the verdict's answer (the plan named best on each headline, and each plan's
call against doing nothing) has held over the last 3 replications: the
sequential procedure for relative precision of Law (Simulation Modeling and Analysis, 2015,
section 9.4.1) on paired differences. The results say why it stopped and at how many. A fixed
count runs exactly the number asked for.

**What is measured.** Backlog: work not done (items past their due time and not done); beside
it, never in it, the re-keying debt (paper records awaiting re-keying, with the hours they need);
missed risk checks by RoSH level; late recalls and their delay; late first
appointments; time to recover; continuity objectives (RTO, MTPD, MBCO) as probabilities of
breach, each run judged against the same replication's no-outage run (a supervision contact held
without a risk check counts as not delivered safely; an activity too rare to judge in the run is
not assessable at this volume); workload as hours worked against contracted hours and as WMT
capacity %, with the 110%-for-4-weeks rule; overtime and double-handling hours.

**What is not.** Pre-sentence reports, programmes and unpaid work, partnership meetings, travel,
and any system not named above. Staff do not quit or fall sick because of the outage.
"""


def render() -> None:
    st.title("Method")
    st.markdown(SUMMARY)
    st.subheader("Assumptions and their sources")
    st.caption(
        "Every value in a scenario file cites its public source or is marked as an "
        "assumption with a plausible range; a value changed in the app says so."
    )
    current = scenario_or_problems()
    experiment = state.experiment()
    choices: dict[str, str] = {}
    if current is not None:
        choices["in_use"] = f"the scenario in use: {current.scenario.name}"
    if experiment is not None and (
        current is None or experiment.manifest["scenario_hash"] != current.digest
    ):
        choices["on_screen"] = (
            f"the experiment on screen: {experiment.manifest['scenario']} "
            f"(run {experiment.manifest.get('run_id') or 'not saved'})"
        )
    if not choices:
        return
    shown = (
        st.radio(
            "Sources of",
            list(choices),
            format_func=lambda k: choices[k],
            key="method_of",
            horizontal=True,
        )
        if len(choices) > 1
        else next(iter(choices))
    )
    if shown == "in_use" and current is not None:
        scenario_line(current)
        rows = current.sources()
    elif experiment is not None:
        experiment_banner(experiment, "method")
        rows = experiment.tables.get("sources")
        if rows is None:
            st.info(
                "This experiment was saved without its parameter sources; its settings are "
                "in the manifest's scenario YAML."
            )
            return
    else:
        return
    only_assumptions = st.toggle("Only assumptions", key="method_assumptions")
    if only_assumptions:
        rows = rows[rows["source or assumption"].str.contains("assumption", case=False)]
    st.markdown(f"{len(rows)} values")
    st.dataframe(
        rows,
        hide_index=True,
        column_config={"source or assumption": st.column_config.TextColumn(width="large")},
    )
    with st.expander("The model in detail (docs/model.md)"):
        st.markdown((state.ROOT / "docs" / "model.md").read_text(encoding="utf-8"))
