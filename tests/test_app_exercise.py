"""The tabletop exercise in the app (AppTest): the facilitator starts the June 2014 exercise,
moves the clock to the first decision point, sees the office now and each option projected,
records a decision and plays on; the room's view follows the same exercise with no controls;
a new session (a restart, a closed browser) resumes it from the store."""

from __future__ import annotations

import time

import pytest

from app_test_kit import button, by_label, no_crash, page, texts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def exercises(folders, tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_EXERCISES_DIR", str(tmp_path / "exercises"))
    return tmp_path / "exercises"


def until(at, ready, seconds: float = 240):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        at = at.run()
        no_crash(at)
        if ready(at):
            return at
        time.sleep(0.5)
    raise AssertionError("timed out: " + texts(at)[-800:])


def start_june(at):
    by_label(at.selectbox, "Exercise").set_value("June 2014 split week")
    by_label(at.number_input, "Replications behind every number").set_value(2)
    button(at, "Start").click()
    return at.run()


def next_stop(at):
    label = next(b.label for b in at.button if b.label.startswith("Next inject"))
    button(at, label).click()
    return at.run()


def test_the_facilitator_plays_to_a_decision_and_the_room_follows(exercises):
    at = page("exercise")
    no_crash(at)
    at = start_june(at)
    no_crash(at)
    exercise_id = at.session_state["exercise_id"]
    assert "June 2014 split week" in texts(at)
    assert "Day 18, 09:00" in texts(at)
    at = next_stop(at)
    assert "Decision point" in texts(at) and "Day 21" in texts(at)
    assert button(at, next(b.label for b in at.button if b.label.startswith("Next"))).disabled

    def decided_possible(at):
        return any(b.label == "Record decision" and not b.disabled for b in at.button)

    at = until(at, decided_possible)
    shown = texts(at)
    assert "The office now" in shown and "Each option projected" in shown
    metrics = {m.label for m in at.metric}
    assert any(label.startswith("missed risk checks") for label in metrics), metrics
    options = next(d.value for d in at.dataframe if "option" in d.value.columns)
    assert list(options["option"]) == [
        "Do nothing",
        "Wait for NDelius",
        "Paper records and printed day lists",
    ]

    # the room's view of the same exercise: large type, no buttons, no inputs
    room = page("exercise_room", exercise_id=exercise_id)
    no_crash(room)
    assert "Decision: " in texts(room) and "Day 21" in texts(room)
    assert not room.button and not room.text_input and not room.selectbox

    by_label(at.radio, "Option taken").set_value("Paper records and printed day lists")
    by_label(at.text_area, "Why").input("Keep seeing people on the days booked")
    button(at, "Record decision").click()
    at = at.run()
    no_crash(at)
    assert "Decision point" not in texts(at)

    # a new session (a restart, a closed browser) resumes from the store
    again = page("exercise", exercise_id=exercise_id)
    no_crash(again)
    assert "Day 21, 09:00" in texts(again)
    again = next_stop(again)
    assert "The upgrade overruns" in texts(again)
    room = page("exercise_room", exercise_id=exercise_id)
    assert "The upgrade overruns" in texts(room)


def test_an_inject_added_now_is_delivered_and_saved(exercises):
    at = start_june(page("exercise"))
    exercise_id = at.session_state["exercise_id"]
    by_label(at.text_input, "Title").input("Email down")
    by_label(at.text_area, "What the room is told").input("The email system has just failed.")
    by_label(at.selectbox, "What changes in the model").set_value("down")
    at = at.run()
    button(at, "Deliver this inject now").click()
    at = at.run()
    no_crash(at)
    assert "Email down" in texts(at)
    from sim.exercise.store import ExerciseStore

    log = ExerciseStore(exercises).load(exercise_id)
    assert log.delivered[-1] == "live-1" and log.live_injects[0].effect.down


def test_ratings_are_saved_and_the_report_downloads_with_timeline_and_plan(exercises, downloads):
    at = start_june(page("exercise"))
    exercise_id = at.session_state["exercise_id"]
    by_label(at.selectbox, "Rating").set_value("S")
    by_label(at.text_input, "Observations").input("Day lists kept check-in going")
    button(at, "Save ratings").click()
    at = at.run()
    no_crash(at)
    from sim.exercise.store import ExerciseStore

    log = ExerciseStore(exercises).load(exercise_id)
    assert [(r.capability, r.rating) for r in log.ratings] == [("Continuity of supervision", "S")]
    button(at, "Prepare the after-action report").click()
    at = at.run()
    no_crash(at)
    html = downloads["Download report (HTML)"]["content"]().decode()
    assert "Timeline of injects and decisions" in html and "Improvement plan" in html
    assert "Day lists kept check-in going" in html
    assert downloads["Download report (PDF)"]["content"]().startswith(b"%PDF")
    assert downloads["Download improvement plan (CSV)"]["content"]().startswith(b"action,")
