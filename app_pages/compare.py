"""Compare: run the plans on shared replications and read the verdict, charts and tables."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.results_view import paired_table, render_experiment
from app_pages.robustness_view import robustness_section
from app_pages.run_cost import long_run_confirmed
from app_pages.widgets import (
    BROWSER_MAX_INT,
    code,
    plain,
    running_job,
    scenario_line,
    scenario_or_problems,
    show_warnings,
)
from sim.experiments.cost import (
    APP_LIMIT_CPU_S,
    APP_RUN_LIMIT_CPU_S,
    comparison_estimate,
)
from sim.experiments.stopping import StoppingRule
from sim.outputs.readable import partial_words
from sim.results.measures import headlined, label
from sim.results.recovery import RULE
from sim.scenario.no_effect import without_effect
from sim.scenario.plans import DO_NOTHING

MAX_REPLICATIONS = 200
# How many replications: added until the answer is clear (the stopping rule), or a fixed count
UNTIL_CLEAR, FIXED = "Until the answer is clear", "A fixed count"
JOB = "compare_job"
FIRST_ANSWER = "compare_first_answer"  # (the partial comparison, its table) last shown
# shown while a comparison runs, from its first replications
FIRST_MEASURES = tuple(label(m) for m in headlined("first_answer"))


def render() -> None:
    st.title("Compare plans")
    current = scenario_or_problems()
    if current is None:
        return
    scenario = current.scenario
    scenario_line(current)
    st.caption("Choose another scenario or edit this one on the Scenarios page.")
    available = state.plans()
    default = [n for n in state.scenario_plan_names(scenario) if n in available]
    with st.form(state.widget_key("compare")):
        chosen = st.multiselect(
            "Plans to compare",
            list(available),
            default=default,
            key=state.widget_key("compare_plans"),
            help="Do nothing is always run too: every plan is compared with it, on the same "
            "replications.",
        )
        how_many = st.radio(
            "How many replications",
            (UNTIL_CLEAR, FIXED),
            key="compare_how_many",
            horizontal=True,
            help="Until the answer is clear: replications are added, 10 then 5 at a time, "
            "until every headline's paired interval is within 10% or the verdict's answer has "
            "held over the last 3 (the Method page says how), at most the number below. A "
            "fixed count: exactly that many.",
        )
        cols = st.columns(3)
        replications = cols[0].number_input(
            "Replications",
            1,
            MAX_REPLICATIONS,
            30,
            key="compare_replications",
            help="Runs per plan, each with its own random demand, absences and failures to "
            "attend, the same for every plan. More replications, narrower intervals. Until "
            "the answer is clear: the most; a fixed count: exactly this many.",
        )
        weeks = cols[1].number_input(
            "Weeks to simulate",
            1,
            104,
            max(1, min(scenario.run.weeks, 104)),
            key=state.widget_key("compare_weeks"),
            help="Long enough to see the recovery after the outage: at least "
            f"{RULE.margin_days:g} days after it ends, or plans are not ranked on time to "
            "recover.",
        )
        seed = cols[2].number_input(
            "Seed",
            0,
            BROWSER_MAX_INT,
            min(scenario.run.seed, BROWSER_MAX_INT),
            key=state.widget_key("compare_seed"),
            help="Same scenario, plans, seed and replications: the "
            "same numbers, and the saved result is reused.",
        )
        submitted = st.form_submit_button("Run", type="primary")
    if submitted:
        plans = [DO_NOTHING] + [available[n] for n in chosen if n != DO_NOTHING.name]
        stopping = StoppingRule() if how_many == UNTIL_CLEAR else None
        st.session_state["compare_warnings"] = without_effect(scenario, plans, int(weeks))
        cost = comparison_estimate(scenario, plans, int(replications), int(weeks))
        workers = state.board().workers
        if cost.cpu_seconds > APP_LIMIT_CPU_S or cost.longest_run_s > APP_RUN_LIMIT_CPU_S:
            st.error(
                f"This comparison would take {plain(cost.words(workers))}, more than the app "
                f"runs for anyone ({APP_LIMIT_CPU_S / 60:.0f} CPU-minutes in all, "
                f"{APP_RUN_LIMIT_CPU_S / 60:.0f} for one run), so it was not started. Fix: "
                "fewer replications, weeks or plans, a smaller office, or run it from the "
                "command line: "
                f"{code('python -m sim compare SCENARIO --reps ' + str(replications))}."
            )
            return
        at_most = stopping is not None
        if not long_run_confirmed(scenario, plans, cost, workers, replications, weeks, at_most):
            return
        most = "up to " if at_most else ""
        st.caption(f"Estimated cost: {most}{plain(cost.words(workers))}.")
        notes = {"scenario_source": current.source}
        if current.file is not None and current.original is None:
            notes["scenario_file"] = current.file.name
        job = state.board().start(
            scenario,
            plans,
            int(replications),
            int(seed),
            int(weeks),
            notes,
            {"sources": current.sources()},
            stopping=stopping,
        )
        st.session_state[JOB] = job.key
    show_warnings(st.session_state.get("compare_warnings", []))
    key = st.session_state.get(JOB)
    if key is not None:
        progress(key)
    for kind, text in st.session_state.pop("compare_messages", []):
        getattr(st, kind)(text)
    experiment = state.experiment()
    if experiment is None or experiment.manifest["scenario_hash"] != current.digest:
        if experiment is not None:
            st.info(
                f"The results on screen (Forecast and Workload pages) are of "
                f"{plain(experiment.manifest['scenario'])} (digest "
                f"{code(experiment.manifest['scenario_hash'])}), not of this scenario. "
                "Press **Run** to compare this scenario's plans."
            )
        elif key is None:
            st.info("Choose plans and press **Run**.")
        return
    render_experiment(experiment, "compare")
    robustness_section(experiment, scenario)


@st.fragment(run_every=1.0)
def progress(key: tuple) -> None:
    """The running job's progress bar and cancel button, refreshed every second; the whole
    page is redrawn when the job ends."""
    job = state.board().get(key)
    if job is None:
        st.session_state.pop(JOB, None)
        st.session_state.pop(FIRST_ANSWER, None)
        return
    if running_job(job, "Simulating", "compare_cancel"):
        if job.partial is not None:
            first_answer(job.partial)
        return
    st.session_state.pop(JOB, None)
    st.session_state.pop(FIRST_ANSWER, None)
    messages = []
    if job.cancelled and job.partial is not None:
        state.set_experiment(job.partial)
        messages.append(
            (
                "warning",
                "The run was cancelled: the results below are partial (how many "
                "replications they hold is said below) and were not saved.",
            )
        )
    elif job.cancelled:
        messages.append(
            ("warning", "The run was cancelled before a first answer; nothing was saved.")
        )
    if job.error:
        messages.append(("error", f"The run did not finish cleanly: {plain(job.error)}"))
    if job.result is not None:
        state.set_experiment(job.result)
    st.session_state["compare_messages"] = messages
    st.rerun()


def first_answer(partial) -> None:
    """The comparison so far, while the run goes on: the headline measures plan by plan."""
    st.markdown(
        f"**First answer, refined as replications arrive** ({partial_words(partial.manifest)}):"
    )
    kept = st.session_state.get(FIRST_ANSWER)
    if kept is None or kept[0] is not partial:  # made once per new partial, not every second
        kept = (partial, first_answer_table(partial))
        st.session_state[FIRST_ANSWER] = kept
    st.table(kept[1])


def first_answer_table(partial):
    """The headline measures of a partial comparison, plan by plan, as a plain table."""
    shown = paired_table(partial)
    shown = shown[shown["measure"].isin(FIRST_MEASURES)].set_index(["measure", "plan"])
    # a plain table draws a lone "-" as a list bullet: none (doing nothing against itself) is
    # shown as a dash instead
    shown = shown.replace("-", "\u2013").astype(str).replace({"nan": "\u2013", "<NA>": "\u2013"})
    # a plain table: drawn at once on each refresh, where an interactive grid flickers
    return shown
