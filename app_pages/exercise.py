"""Exercise: the facilitator's view of a tabletop exercise.

Start an exercise from the library (or resume a saved one), move the clock to the next inject or
decision point (or by a day), show the room the office now, and at a decision point project
each option side by side, record the decision and play on. Every step is saved at once in the
exercise store, so a restart or a closed browser loses nothing: the exercise's id is in the
page's address (``?exercise=ID``), and the room's view (the Room page) follows the same id.
Each page plays on the step it loaded and saves the step after it: a change made on a page
that another facilitator has moved on from is refused with what they did, and the page offers
a reload (:mod:`app_pages.exercise_steps`)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import exercise_decision as decision
from app_pages import exercise_forms as forms
from app_pages import exercise_people as people
from app_pages import exercise_steps as steps
from app_pages import exercise_views as views
from app_pages import state
from app_pages.widgets import code, plain, show_problems, show_warnings
from sim.exercise import log as play
from sim.exercise.store import ExerciseStoreError
from sim.scenario.exercise import Exercise
from sim.scenario.exercise_warnings import exercise_without_effect
from sim.scenario.loader import ScenarioError, load_exercise
from sim.scenario.problems import validate

CURRENT = "exercise_id"
LAST_STEP = "exercise_last_steps"  # (exercise id, the job keys of the steps last in use)
ROOM = "room"  # the room's page (its url path in app.py)
PLAYER = "player"  # a player's page, on their own device
EVALUATOR = "evaluator"  # the evaluators' page (its url path in app.py)


def current_id() -> str | None:
    found = st.query_params.get("exercise") or st.session_state.get(CURRENT)
    if found and st.query_params.get("exercise") != found:
        st.query_params["exercise"] = found
    return found


def open_exercise(exercise_id: str) -> None:
    steps.forget()  # loaded afresh, from its newest step
    st.session_state[CURRENT] = exercise_id
    st.query_params["exercise"] = exercise_id
    st.rerun()


def leave() -> None:
    steps.forget()
    st.session_state.pop(CURRENT, None)
    st.query_params.clear()
    st.rerun()


def render() -> None:
    st.title("Tabletop exercise")
    exercise_id = current_id()
    if exercise_id is None:
        choose()
        return
    try:
        log = steps.opened(exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        if st.button("Choose another exercise", key="exercise_leave_missing"):
            leave()
        return
    header(log, exercise_id)
    steps.moved_on(exercise_id)
    for message in st.session_state.pop(forms.DONE, []):
        st.toast(plain(message), icon=":material/check:")
    controls(log, exercise_id)
    point = log.pending()
    step, job = views.step_job(log)
    ahead = views.next_decision(log)  # its projection starts now: ready when the room gets there
    finishing = decision.finish_decided(log, exercise_id)  # decided on a first answer
    keys = {job.key} | ({views.step_job(ahead)[1].key} if ahead is not None else set())
    let_go_of_steps_left(exercise_id, keys | {j.key for j in finishing})
    live(log, step, job, [job, *finishing])
    if point is not None:
        decision.decision(log, exercise_id, point, step, job)
        decision.propose_option(log, exercise_id, point)
    # keyed: each stays open or closed as the user left it while the page above it changes
    with st.expander("Add an inject now", key="exercise-inject"):
        forms.inject(log, exercise_id)
    with st.expander("Notes", key="exercise-notes"):
        forms.notes(log, exercise_id)
    with st.expander("Participants: add someone who joins", key="exercise-people"):
        people.participants(log, exercise_id)
    with st.expander("Evaluation: capabilities rated P, S, M or U", key="exercise-ratings"):
        forms.ratings(log, exercise_id)
    with st.expander("Hot wash (at the end of play)", key="exercise-hot-wash"):
        people.hot_wash(log, exercise_id)
    with st.expander("Improvement plan", key="exercise-plan"):
        forms.improvement_plan(log, exercise_id)
    with st.expander("After-action report", key="exercise-report"):
        forms.report(log, exercise_id, step, job)


def let_go_of_steps_left(exercise_id: str, keys: set[tuple]) -> None:
    """Cancel the runs of steps the facilitator has moved on from (or a projection made stale by
    an inject added now), if still running: their numbers would never be shown, and the pool is
    free for the step the room is at."""
    last = st.session_state.get(LAST_STEP)
    st.session_state[LAST_STEP] = (exercise_id, keys)
    if last is None or last[0] != exercise_id:
        return
    for key in last[1] - keys:
        old = state.board().get(key)
        if old is not None and old.running:
            old.cancel()


def choose() -> None:
    """Start an exercise from the library, or resume a saved one."""
    shipped = views.shipped()
    st.subheader("Start an exercise")
    name = st.selectbox("Exercise", list(shipped), key="exercise_choice")
    if name is None:
        st.info("No exercise file in the library (scenarios/exercises).")
        return
    try:
        exercise = load_exercise(shipped[name])
    except ScenarioError as exc:
        st.error(plain(str(exc)))
        return
    st.caption(plain(exercise.description))
    show_warnings(exercise_without_effect(exercise))
    with st.form("exercise_start"):
        cols = st.columns(3)
        replications = cols[0].number_input(
            "Replications behind every number",
            2,
            200,
            exercise.replications,
            key=f"exercise_replications-{name}",
            help="More replications, narrower ranges, slower answers. Every option at a "
            "decision point runs on the same replications.",
        )
        weeks = cols[1].number_input(
            "Weeks every run lasts (how far each option is projected)",
            1,
            104,
            exercise.run_weeks,
            key=f"exercise_weeks-{name}",
            help="Every run of the exercise starts at day 0 and lasts this long, so the options "
            "at a decision point share their past exactly and are projected to the same end.",
        )
        held = cols[2].date_input(
            "Date the exercise is held",
            exercise.date or dt.date.today(),
            key=f"exercise_date-{name}",
            format="YYYY-MM-DD",
        )
        started = st.form_submit_button("Start", type="primary")
    if started:
        settings = {"replications": int(replications), "weeks": int(weeks), "date": held}
        try:
            chosen = validate(
                {**exercise.model_dump(), **settings}, {}, "the exercise's settings", Exercise
            )
            exercise_id = views.store().save(play.start(chosen))
        except ScenarioError as exc:
            show_problems(exc)
            return
        except ExerciseStoreError as exc:
            st.error(plain(str(exc)))
            return
        open_exercise(exercise_id)
    found = views.store().list()
    saved = [r for r in found if not r["problem"]]
    st.subheader("Resume a saved exercise")
    for row in found:
        if row["problem"]:
            st.warning(f"Exercise {code(row['id'])} cannot be opened: {plain(row['problem'])}")
    if not saved:
        st.caption("No exercise saved yet." if not found else "No other exercise saved.")
        return
    labels = {
        f"{r['exercise']}: day {r['clock_day']}, {r['decisions']} decision(s) ({r['id']})": r["id"]
        for r in saved
    }
    chosen = st.selectbox("Saved exercise", list(labels), key="exercise_saved")
    if st.button("Resume", key="exercise_resume") and chosen is not None:
        open_exercise(labels[chosen])


def header(log: play.ExerciseLog, exercise_id: str) -> None:
    st.subheader(log.exercise.name)
    views.clock_line(log)
    step = steps.step_of(exercise_id)
    shown = f" (this page shows step {step.number})" if step is not None else ""
    st.caption(
        f"Exercise {code(exercise_id)}, saved at every step{shown}. "
        f"[Open the room's view]({ROOM}?exercise={exercise_id}) on the projector: it follows "
        "each step, with no controls. Players vote from their own devices on the "
        f"[player's page]({PLAYER}?exercise={exercise_id}); evaluators record observations "
        f"and ratings on [the evaluator's page]({EVALUATOR}?exercise={exercise_id})."
    )
    views.latest_injects(log)


def controls(log: play.ExerciseLog, exercise_id: str) -> None:
    point = log.pending()
    stop = log.next_stop()
    columns = st.columns(3)
    at_end = log.clock.minute >= log.end().minute
    if stop is None and point is None:  # nothing left to play: straight to the end
        label = f"To the end of play ({play.when(log.end())})"
        disabled = at_end
    else:
        label = "Next inject or decision point" + ("" if stop is None else f" ({play.when(stop)})")
        disabled = point is not None or stop is None
    moves = {
        "next": columns[0].button(label, key="exercise_next", disabled=disabled, type="primary"),
        "day": columns[1].button(
            "Forward one day", key="exercise_day", disabled=point is not None or at_end
        ),
    }
    if columns[2].button("Leave this exercise", key="exercise_leave"):
        leave()
    if point is not None:
        st.warning(f"Decision point: {plain(point.question)}")
    elif stop is None:
        st.success(
            "Every inject and decision point has been played. Move the clock on to see the "
            "office at a later day or to the end of play, hold the hot wash, rate the "
            "capabilities, and prepare the after-action report."
        )
    views.decisions_so_far(log)
    try:
        if moves["next"] and stop is None:
            forms.save(play.advance(log, log.end()), exercise_id)
        elif moves["next"]:
            forms.save(play.advance_to_next(log), exercise_id)
        elif moves["day"]:
            forms.save(play.advance_days(log, 1), exercise_id)
    except play.ExerciseError as exc:
        st.error(plain(str(exc)))


def live(log: play.ExerciseLog, step, job, watched: list) -> None:
    """The office now and, at a decision point, the options projected; refreshed every second
    while the runs ``watched`` go on (the step's, and those of decisions recorded on a first
    answer), the whole page redrawn when one ends or the step's first answer comes."""
    running = [j for j in watched if j.running]
    answered = views.answer(job) is not None

    def body() -> None:
        # a run ended, or the first answer came (the decision can be recorded on it)
        if any(not j.running for j in running) or answered != (views.answer(job) is not None):
            st.rerun(scope="app")
        if job.error:
            st.error(f"The runs did not finish cleanly: {plain(job.error)}")
        st.markdown("#### The office now")
        views.systems_status(log)
        views.office_now(job, step)
        if step.point is not None:
            st.markdown("#### Each option projected to the end of the exercise")
            views.options_list(log, step)
            views.projection(log, job, step, "exercise")

    st.fragment(body, run_every=1.0 if running else None)()
