"""Evaluator: an evaluator's page for a tabletop exercise, on their own laptop or tablet.

It shows the exercise whose id is in the address (``?exercise=ID``, as the facilitator's page
links it): a form to record a timestamped observation (capability, critical task, kind: strength,
area for improvement or observation, what was seen, by whom), then each capability with the
objectives tied to it, its critical tasks (the exercise evaluation guide), the observations so far
and its rating, and the ratings' form. Each change is saved as the exercise's next step through
the same mechanism as the facilitator's page (:mod:`app_pages.exercise_steps`): it follows the
step this page shows, and if another step came first it is refused, never written over, with
what was saved in between and a reload that keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import exercise_forms as forms
from app_pages import exercise_steps as steps
from app_pages import exercise_views as views
from app_pages.widgets import code, plain
from sim.exercise import evaluation as evaluate
from sim.exercise.log import ExerciseError, ExerciseLog, when
from sim.exercise.store import ExerciseStoreError
from sim.scenario.evaluation import KINDS, RATINGS, Observation

NO_TASK = "none: the capability as a whole"
BY = "evaluator_by"  # who this page's evaluator is, kept for the session
FACILITATOR = "exercise"  # the facilitator's page (its url path in app.py)


def render() -> None:
    st.title("Evaluator")
    exercise_id = st.query_params.get("exercise") or st.session_state.get("exercise_id")
    if not exercise_id:
        st.info("Open this page from the Exercise page's link: its address names the exercise.")
        return
    try:
        log = steps.opened(exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        return
    st.subheader(log.exercise.name)
    views.clock_line(log)
    step = steps.step_of(exercise_id)
    st.caption(
        f"Exercise {code(exercise_id)}{f', step {step.number}' if step else ''}. Each "
        "observation and rating is saved at once as the exercise's next step. "
        f"[The facilitator's page]({FACILITATOR}?exercise={exercise_id})."
    )
    # checked every few seconds: a change made on an older step than the newest would be refused
    st.fragment(lambda: steps.moved_on(exercise_id), run_every=5.0)()
    for message in st.session_state.pop(steps.DONE, []):
        st.toast(plain(message), icon=":material/check:")
    if not log.exercise.capabilities:
        st.info("This exercise lists no capabilities to evaluate.")
        return
    observe(log, exercise_id)
    st.markdown("#### The capabilities: critical tasks, observations so far and ratings")
    for i, capability in enumerate(log.exercise.capabilities):
        guide(log, capability.name, i)
    with st.expander("Rate the capabilities: P, S, M or U", key="evaluator-ratings"):
        forms.ratings(log, exercise_id)


def _evaluator(log: ExerciseLog) -> str:
    """The page's evaluator: as typed before in this session, or the exercise's first."""
    names = [p.name for p in evaluate.everyone(log) if p.role == "evaluator"]
    return st.session_state.setdefault(BY, names[0] if names else "")


def observe(log: ExerciseLog, exercise_id: str) -> None:
    """The form for an observation: its critical tasks follow the capability chosen."""
    st.markdown("#### Record an observation")
    form = steps.fresh("observation")  # what is typed stays until the observation is saved
    cols = st.columns(2)
    names = [c.name for c in log.exercise.capabilities]
    name = cols[0].selectbox("Capability", names, key=f"observe-capability-{form}")
    tasks = evaluate.capability(log, name or names[0]).critical_tasks
    task = cols[1].selectbox("Critical task", [NO_TASK, *tasks], key=f"observe-task-{form}")
    kind = st.radio(
        "Kind", KINDS, horizontal=True, key=f"observe-kind-{form}", format_func=str.capitalize
    )
    text = st.text_area("What was seen", max_chars=4000, key=f"observe-text-{form}")
    _evaluator(log)
    by = st.text_input("By (evaluator)", max_chars=200, key=BY)
    st.caption(
        f"Recorded at the exercise's clock ({when(log.clock)}) and the time it is written down."
    )
    if not st.button("Add observation", key="observe-add", type="primary"):
        return
    if not text.strip() or not by.strip():
        st.error("Say what was seen, and by whom (a name or post). Nothing typed is lost.")
        return
    observation = Observation(
        at=log.clock,
        recorded=dt.datetime.now(dt.UTC).replace(microsecond=0),
        by=by.strip(),
        capability=name or names[0],
        critical_task="" if task == NO_TASK else task,
        kind=kind,
        text=text.strip(),
    )
    try:
        observed = evaluate.observe(log, observation)
    except ExerciseError as exc:
        st.error(plain(str(exc)))
        return
    steps.save(observed, exercise_id, f"Observation of {observation.capability}", "observation")


def guide(log: ExerciseLog, name: str, index: int) -> None:
    """One capability as the evaluation guide has it, with its observations and rating."""
    capability = evaluate.capability(log, name)
    rated = next((r for r in log.ratings if r.capability == name), None)
    rating = (
        f"rated {rated.rating}: {RATINGS[rated.rating]}"
        + (f" (by {rated.evaluator})" if rated.evaluator else "")
        if rated
        else "not rated yet"
    )
    with st.expander(f"{name}: {rating}", expanded=True, key=f"evaluator-guide-{index}"):
        if capability.description:
            st.caption(plain(capability.description))
        objectives = evaluate.objectives_of(log, name)
        if objectives:
            st.markdown(
                "**Objectives tied to it**\n"
                + "\n".join(f"- {plain(o.text)} ({plain(o.id)})" for o in objectives)
            )
        st.markdown(
            "**Critical tasks**\n"
            + ("\n".join(f"- {plain(t)}" for t in capability.critical_tasks) or "none listed")
        )
        seen = evaluate.observations_of(log, name)
        if not seen:
            st.caption("No observation recorded yet.")
            return
        rows = [
            {
                "when": when(o.at),
                "kind": o.kind,
                "critical task": o.critical_task,
                "observation": o.text,
                "by": o.by,
            }
            for o in seen
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
