"""Room: the exercise as the room sees it on a projector, in large type and with no controls.

It shows the exercise whose id is in the address (``?exercise=ID``, as the facilitator's page
links it), reads it from the exercise store every two seconds, and so follows each step the
facilitator takes: the clock, the latest inject, the systems' status, the office now and, at a
decision point, the question and each option projected side by side."""

from __future__ import annotations

import streamlit as st

from app_pages import exercise_views as views
from app_pages.widgets import plain
from sim.exercise.store import ExerciseStoreError

LARGE = """
<style>
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.4rem; }
[data-testid="stMetric"] [data-testid="stMetricLabel"] p {
  font-size: 1.3rem !important; white-space: normal;
}
[data-testid="stMetric"] [data-testid="stMetricValue"],
[data-testid="stMetric"] [data-testid="stMetricValue"] * { font-size: 3.2rem !important; }
[data-testid="stMetric"] [data-testid="stMetricDelta"],
[data-testid="stMetric"] [data-testid="stMetricDelta"] * { font-size: 1.2rem !important; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.3rem !important; }
</style>
"""


def render() -> None:
    exercise_id = st.query_params.get("exercise") or st.session_state.get("exercise_id")
    if not exercise_id:
        st.title("Room view")
        st.info("Open this page from the Exercise page's link: its address names the exercise.")
        return
    st.html(LARGE)
    st.fragment(lambda: room(exercise_id), run_every=2.0)()


def room(exercise_id: str) -> None:
    try:
        log = views.store().load(exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        return
    st.title(log.exercise.name)
    views.clock_line(log, big=True)
    views.latest_injects(log, count=1, big=True)
    point = log.pending()
    if point is not None:
        st.markdown(f"## Decision: {plain(point.question)}")
    step, job = views.step_job(log)
    st.markdown("## Systems")
    views.systems_status(log, big=True)
    st.markdown("## The office now")
    views.office_now(job, step, big=True)
    if step.point is not None:
        st.markdown("## Each option, projected")
        views.options_list(log, step)
        views.projection(log, job, step, "room")
    elif log.decisions:
        last = log.decisions[-1]
        st.markdown(f"## Last decision: {plain(last.option.name)}")
