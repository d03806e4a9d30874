"""The Compare page's section on how robust the verdict on screen is.

For an experiment whose scenario marks assumptions as mattering, "How robust is this verdict?"
reruns its leading plans at both ends of each assumption on its own replications
(:mod:`sim.experiments.robustness`), as a job on the app's board (never on the page's thread),
and shows the sentence and the table. The result is kept by the board, keyed by what its
numbers depend on, and is not saved in the results store: ``python -m sim report RUN_ID
--robustness`` puts the same section in a report.
"""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.jobs import RobustnessJob
from app_pages.widgets import code, csv_download, plain, running_job, stem
from sim.experiments.compare import Experiment
from sim.experiments.cost import APP_LIMIT_CPU_S
from sim.experiments.robustness import Robustness, robustness_estimate
from sim.outputs.evidence import with_provenance
from sim.outputs.robustness_section import shown_table
from sim.scenario.loader import ScenarioError, plan_from_text
from sim.scenario.schema import Scenario

JOB = "robustness_job"
RUN = "How robust is this verdict?"


def robustness_section(experiment: Experiment, scenario: Scenario) -> None:
    """The section, under the experiment's results (nothing if its scenario marks no
    assumptions or the experiment is partial)."""
    m = experiment.manifest
    if not scenario.assumptions or m.get("partial") or not m.get("plans_yaml"):
        return
    st.subheader("Robustness of the verdict")
    st.caption(
        "Reruns the leading plans on the same replications at both ends of each assumption "
        "the scenario marks as mattering: "
        + plain("; ".join(a.range_words() for a in scenario.assumptions))
        + "."
    )
    job = _job(experiment)
    if job is not None and job.answer is not None:
        show(job.answer, m)
        return
    if st.button(RUN, key="robustness_run"):
        try:
            plans = [plan_from_text(text, "stored plan") for text in m["plans_yaml"]]
        except ScenarioError as err:
            st.error(f"The plans kept with this experiment no longer load: {plain(str(err))}")
            return
        cost = robustness_estimate(scenario, plans, m["replications"], m["weeks"], None, True)
        workers = state.board().workers
        if cost.cpu_seconds > APP_LIMIT_CPU_S:
            st.error(
                f"This would take {plain(cost.words(workers))}, more than the app runs for "
                f"anyone ({APP_LIMIT_CPU_S / 60:.0f} CPU-minutes), so it was not started. Fix: "
                "run it from the command line: "
                f"{code('python -m sim robustness SCENARIO --reps ' + str(m['replications']))}."
            )
            return
        st.caption(f"Estimated cost: at most {plain(cost.words(workers))}.")
        job = state.board().start_robustness(experiment, scenario, plans)
        st.session_state[JOB] = job.key
    if job is not None:
        progress(job.key)


def answer_of(experiment: Experiment) -> Robustness | None:
    """How robust the experiment's verdict is, if this user has asked and it is done (the
    report then has the section too)."""
    job = _job(experiment)
    return None if job is None else job.answer


def _job(experiment: Experiment) -> RobustnessJob | None:
    """This experiment's robustness job on the board, if this user started one."""
    key = st.session_state.get(JOB)
    found = None if key is None else state.board().get(key)
    m = experiment.manifest
    same = (m["scenario_hash"], tuple(m.get("plan_hashes", ())), m["replications"], m["seed"])
    if not isinstance(found, RobustnessJob) or found.key[1:5] != same:
        return None
    return found


@st.fragment(run_every=1.0)
def progress(key: tuple) -> None:
    """The running job's progress and cancel button; the page is redrawn when it ends."""
    job = state.board().get(key)
    if not isinstance(job, RobustnessJob):
        st.session_state.pop(JOB, None)
        return
    if running_job(job, "Rerunning at the ends", "robustness_cancel"):
        return
    if job.cancelled or job.error:
        st.session_state.pop(JOB, None)
        st.warning(
            "Stopped: nothing to show." if job.cancelled else f"It did not finish: {job.error}"
        )
        return
    st.rerun()


def show(result: Robustness, manifest: dict) -> None:
    """The sentence, the table of each plan at each end, and its CSV."""
    st.markdown(plain(result.sentence))
    st.dataframe(shown_table(result), hide_index=True)
    csv_download(
        with_provenance(result["robustness"], manifest),
        "Download robustness (CSV)",
        f"robustness-{stem(manifest)}",
        "robustness-csv",
    )
