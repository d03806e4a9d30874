"""Which saved step of an exercise the facilitator's page plays on, and saving the next one.

Each page (browser session) keeps the log it shows with the step it came from, and every change
it saves names that step (``follows``). If another page or the command line saved a step in
between, the store refuses the change (:class:`sim.exercise.store.StaleStepError`): the page
says who saved what and when, keeps what was typed, and offers a reload; it never writes over a
step it has not seen. While the page shows an older step than the newest, it says so too."""

from __future__ import annotations

import streamlit as st

from app_pages import exercise_views as views
from app_pages.widgets import plain
from sim.exercise.log import ExerciseLog
from sim.exercise.store import ExerciseStoreError, StaleStepError, StepId

OPENED = "exercise_opened"  # (exercise id, the log this page shows, the step it came from)
REFUSED = "exercise_refused"  # (exercise id, why this page's last change was not saved)
DONE = "exercise_done"  # what the last change did, said once the page is drawn again
FRESH = "exercise_fresh-"  # + a form's name: its round (a new, empty form once it is saved)


def opened(exercise_id: str) -> ExerciseLog:
    """The exercise as this page has it: loaded from its newest good step the first time (or
    after a reload), then as this page last saved it. ExerciseStoreError if it cannot be read."""
    kept = st.session_state.get(OPENED)
    if kept is not None and kept[0] == exercise_id:
        return kept[1]
    log, step = views.store().load_step(exercise_id)
    st.session_state[OPENED] = (exercise_id, log, step)
    return log


def step_of(exercise_id: str) -> StepId | None:
    kept = st.session_state.get(OPENED)
    return kept[2] if kept is not None and kept[0] == exercise_id else None


def forget() -> None:
    """Load the exercise afresh next time (another exercise opened, or a reload)."""
    st.session_state.pop(OPENED, None)
    st.session_state.pop(REFUSED, None)


def fresh(form: str) -> int:
    """The round of a form: its widgets' keys end with it, so what is typed stays through a
    refusal and a reload, and the form is new and empty once its change is saved."""
    return int(st.session_state.get(FRESH + form, 0))


def record(log: ExerciseLog, exercise_id: str) -> bool:
    """Save ``log`` as the step after this page's; False if another step came first (the
    refusal is shown at the top of the page). ExerciseStoreError if it cannot be saved."""
    try:
        _, step = views.store().save_step(log, exercise_id, follows=step_of(exercise_id))
    except StaleStepError as exc:
        st.session_state[REFUSED] = (exercise_id, str(exc))
        return False
    st.session_state[OPENED] = (exercise_id, log, step)
    st.session_state.pop(REFUSED, None)
    return True


def save(
    log: ExerciseLog, exercise_id: str, done: str | None = None, form: str | None = None
) -> None:
    """Save the exercise as its next step and draw the page again (saying ``done``; ``form``:
    the form whose change it is, drawn new and empty)."""
    try:
        saved = record(log, exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        return
    if saved and done:
        st.session_state.setdefault(DONE, []).append(f"{done} (saved).")
    if saved and form:
        st.session_state[FRESH + form] = fresh(form) + 1
    st.rerun()


def stale(exercise_id: str) -> bool:
    """Whether a step newer than the one this page shows has been saved (by another page, an
    evaluator, or the command line)."""
    step = step_of(exercise_id)
    return step is not None and views.store().latest_number(exercise_id) > step.number


def moved_on(exercise_id: str) -> None:
    """At the top of the page: why this page's last change was not saved, or that the exercise
    has moved on since this page loaded it; with a button that loads its newest step."""
    refused = st.session_state.get(REFUSED)
    step = step_of(exercise_id)
    if refused is not None and refused[0] == exercise_id:
        st.error(plain(refused[1][:1].upper() + refused[1][1:]))
    elif step is not None and stale(exercise_id):
        since = views.store().changes_since(exercise_id, step)
        if not since:
            return
        st.warning(
            plain(
                f"This page shows step {step.number} of the exercise, and it has moved on since: "
                f"{since}. Reload to see it: a change made here now would not be saved."
            )
        )
    else:
        return
    if st.button("Reload", key="exercise_reload", type="primary"):
        forget()
        st.rerun()
