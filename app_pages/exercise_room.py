"""Room: the exercise as the room sees it on a projector, in large type and with no controls.

It shows the exercise whose id is in the address (``?exercise=ID``, as the facilitator's page
links it), reads it from the exercise store every two seconds, and so follows each step the
facilitator takes. The first screen is a slide (:mod:`app_pages.room_layout`): at a decision
point, the clock, the question, each option's headline measures and the fan chart; between
them, the clock, every inject of the moment, the systems' status and the office now. Below it,
for whoever scrolls: the systems' status, the office now, every option's measures and the
verdict.
Read-only: the page never changes the exercise."""

from __future__ import annotations

import streamlit as st

from app_pages import exercise_views as views
from app_pages import room_layout as layout
from app_pages.jobs import Job
from app_pages.widgets import plain
from sim.exercise.log import ExerciseLog
from sim.exercise.projection import Step
from sim.exercise.store import ExerciseStoreError
from sim.experiments.compare import Experiment
from sim.outputs.verdict import verdict

FAN_CAPTION = (
    "Backlog (work not done) at the end of each day: median and P10-P90 band over "
    "replications; below it, where an option leaves paper records to re-key, the re-keying "
    "debt, never added to the backlog. The dashed line is now; the shaded days, the outage."
)


def render() -> None:
    exercise_id = st.query_params.get("exercise") or st.session_state.get("exercise_id")
    if not exercise_id:  # the navigation stays, to find the Exercise page
        st.title("Room view")
        st.info("Open this page from the Exercise page's link: its address names the exercise.")
        return
    layout.style()
    st.fragment(lambda: room(exercise_id), run_every=2.0)()


def room(exercise_id: str) -> None:
    try:
        log = views.store().load(exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        return
    step, job = views.step_job(log)
    found = views.answer(job)
    point = log.pending()
    if point is None:
        between(log, step, job)
        return
    layout.decision(log, point, step, job, found)
    st.markdown("## Systems")
    views.systems_status(log, big=True)
    st.markdown("## The office now")
    views.office_now(job, step, big=True)
    if found is not None:
        details(log, step, found)


def between(log: ExerciseLog, step: Step, job: Job) -> None:
    """Between decision points: the clock, every inject of the moment, the systems' status,
    the office now and the last decision."""
    layout.top_bar(log)
    layout.moment(views.injects_of_the_moment(log), big=True)
    if log.decisions:
        st.markdown(f"## Last decision: {plain(log.decisions[-1].option.name)}")
    st.markdown("## Systems")
    views.systems_status(log, big=True)
    st.markdown("## The office now")
    views.office_now(job, step, big=True)


def details(log: ExerciseLog, step: Step, found: Experiment) -> None:
    """Below the slide: what each option changes, all its measures and the verdict."""
    st.markdown("## Each option, projected")
    st.caption(FAN_CAPTION)
    views.options_list(log, step)
    names = [p.name for p in step.plans]
    st.dataframe(views.options_frame(found, names), hide_index=True)
    for sentence in verdict(found.tables, found.manifest):
        st.markdown(f"- {plain(sentence)}")
