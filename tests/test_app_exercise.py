"""The tabletop exercise in the app (AppTest), on a small drill (the reference office over three
weeks; the June 2014 exercise is played in the browser test): the facilitator starts it, moves
the clock to a decision point, sees the office now and each option projected, records a
decision and plays on; the room's view follows the same exercise with no controls; a new
session (a restart, a closed browser) resumes it from the store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_test_kit import button, by_label, exercise_library, no_crash, page, texts
from exercise_drill import SMALL
from sim.exercise.store import ExerciseStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def exercises(folders, tmp_path, monkeypatch) -> Iterator[Path]:
    yield from exercise_library(tmp_path, monkeypatch, "small-drill.yaml", SMALL)


def until(at, ready, seconds: float = 240):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        at = at.run()
        no_crash(at)
        if ready(at):
            return at
        time.sleep(0.5)
    raise AssertionError("timed out: " + texts(at)[-800:])


def start_drill(at):
    by_label(at.selectbox, "Exercise").set_value("Small drill")
    by_label(at.number_input, "Replications behind every number").set_value(2)
    button(at, "Start").click()
    return at.run()


def next_stop(at):
    label = next(b.label for b in at.button if b.label.startswith("Next inject"))
    button(at, label).click()
    return at.run()


@pytest.mark.slow  # in make test, not the quick tier
def test_the_facilitator_plays_to_a_decision_and_the_room_follows(exercises):
    at = page("exercise")
    no_crash(at)
    at = start_drill(at)
    no_crash(at)
    exercise_id = at.session_state["exercise_id"]
    assert "Small drill" in texts(at) and "Day 7, 09:00" in texts(at)
    at = next_stop(at)
    assert "NDelius down" in texts(at) and "Day 8, 09:00" in texts(at)
    at = next_stop(at)
    assert "Decision point: Paper or wait?" in texts(at) and "Day 9" in texts(at)
    assert button(at, next(b.label for b in at.button if b.label.startswith("Next"))).disabled

    def decided_possible(at):
        return any(b.label == "Record decision" and not b.disabled for b in at.button)

    at = until(at, decided_possible)
    shown = texts(at)
    assert "The office now" in shown and "Each option projected" in shown
    assert "Levers in force now: no levers." in shown
    metrics = {m.label for m in at.metric}
    assert "missed risk checks so far (contacts)" in metrics, metrics
    options = next(d.value for d in at.dataframe if "option" in d.value.columns)
    assert list(options["option"]) == ["Wait", "Paper"]  # Wait carries on: the reference
    _backlog_and_rekeying_debt_side_by_side(at, options)

    # the room's view of the same exercise: large type, no buttons, no inputs
    room = page("exercise_room", exercise_id=exercise_id)
    no_crash(room)
    assert "Decision: Paper or wait?" in texts(room) and "Day 9" in texts(room)
    assert not room.button and not room.text_input and not room.selectbox
    _backlog_and_rekeying_debt_side_by_side(
        room, next(d.value for d in room.dataframe if "option" in d.value.columns)
    )

    by_label(at.radio, "Option taken").set_value("Paper")
    by_label(at.text_area, "Why").input("Keep seeing people")
    button(at, "Record decision").click()
    at = at.run()
    no_crash(at)
    assert "Decision point" not in texts(at) and "Paper" in texts(at)
    assert "Levers in force now: paper fallback." in texts(at)

    # a new session (a restart, a closed browser) resumes from the store
    again = page("exercise", exercise_id=exercise_id)
    no_crash(again)
    assert "Day 9, 09:00" in texts(again)
    again = next_stop(again)
    assert "Press call" in texts(again)
    room = page("exercise_room", exercise_id=exercise_id)
    assert "Press call" in texts(room) and "Last decision: Paper" in texts(room)


def _backlog_and_rekeying_debt_side_by_side(at, options) -> None:
    """The office now shows the backlog (work not done) and the re-keying debt beside it, in
    records and hours; each option's projection shows both, and the verdict states the debt
    the Paper option leaves (the Wait option leaves none)."""
    labels = [m.label for m in at.metric]
    backlog = "backlog now: work not done (at the end of the last day ended) (items)"
    records = "re-keying debt now: paper records awaiting re-keying"
    hours = "re-keying debt now: hours of re-keying owed"
    assert labels[:3] == [backlog, records, hours], labels
    assert next(m for m in at.metric if m.label == records).value == "0"  # no paper yet
    backlog_column = next(c for c in options.columns if c.startswith("mean backlog"))
    debt_column = next(c for c in options.columns if c.startswith("peak re-keying debt"))
    assert (
        list(options.columns).index(debt_column) == list(options.columns).index(backlog_column) + 1
    )
    debt = dict(zip(options["option"], options[debt_column], strict=True))
    assert debt["Wait"].startswith("0.0") and not debt["Paper"].startswith("0.0")
    shown = texts(at)
    assert "Paper leaves " in shown and "to re-key at its peak" in shown
    assert "re-keying debt, never added to the backlog" in shown


def test_an_inject_added_now_is_delivered_and_saved(exercises):
    at = start_drill(page("exercise"))
    exercise_id = at.session_state["exercise_id"]
    by_label(at.text_input, "Title").input("Email down")
    by_label(at.text_area, "What the room is told").input("The email system has just failed.")
    by_label(at.selectbox, "What changes in the model").set_value("down")
    at = at.run()
    button(at, "Deliver this inject now").click()
    at = at.run()
    no_crash(at)
    assert "Email down" in texts(at)
    log = ExerciseStore(exercises).load(exercise_id)
    assert log.delivered[-1] == "live-1" and log.live_injects[0].effect.down
    assert by_label(at.text_input, "Title").value == ""  # a fresh form for the next one


def test_ratings_are_saved_and_the_report_downloads_with_timeline_and_plan(exercises, downloads):
    at = start_drill(page("exercise"))
    exercise_id = at.session_state["exercise_id"]
    by_label(at.selectbox, "Rating").set_value("S")
    by_label(at.text_input, "Summary (why this rating)").input("Day lists kept check-in going")
    button(at, "Save ratings").click()
    at = at.run()
    no_crash(at)
    log = ExerciseStore(exercises).load(exercise_id)
    assert [(r.capability, r.rating) for r in log.ratings] == [("Continuity of supervision", "S")]
    button(at, "Prepare the after-action report").click()
    at = at.run()
    no_crash(at)
    html = downloads["Download report (HTML)"]["content"]().decode()
    assert "Timeline of injects and decisions" in html and "Improvement plan" in html
    assert "Day lists kept check-in going" in html
    assert downloads["Download report (PDF)"]["content"]().startswith(b"%PDF")
    assert downloads["Download improvement plan (CSV)"]["content"]().startswith(
        b"issue,corrective action,"
    )


def test_a_plan_reopened_from_another_exercise_keeps_its_capabilities(exercises):
    """An action whose capability this exercise does not rate is offered as it is in the
    plan's editor, with a note, and saved again unchanged."""
    import json

    at = start_drill(page("exercise"))
    exercise_id = at.session_state["exercise_id"]
    plan = (
        "action,capability,owner,due,status\n"
        "Print day lists,Court results and enforcement,Reception,2027-01-15,open\n"
    )
    upload = next(u for u in at.get("file_uploader") if u.label.startswith("Reopen a plan"))
    upload.upload("earlier-plan.csv", plan.encode()).run()
    at = at.run()
    button(at, "Use its 1 action(s)").click()
    at = at.run()
    no_crash(at)
    log = ExerciseStore(exercises).load(exercise_id)
    assert [a.capability for a in log.actions] == ["Court results and enforcement"]
    assert "Not a capability of this exercise, kept as it is" in texts(at)
    editor = next(d for d in at.dataframe if "capability" in d.value.columns)
    config = json.loads(editor.proto.columns)["capability"]
    options = config["type_config"]["options"]
    assert "Court results and enforcement" in options and "Continuity of supervision" in options
    button(at, "Save improvement plan").click()
    at = at.run()
    no_crash(at)
    saved = ExerciseStore(exercises).load(exercise_id).actions
    assert [a.capability for a in saved] == ["Court results and enforcement"]


def test_the_next_decisions_projection_starts_before_the_room_gets_there(exercises):
    from app_pages import exercise_views as views
    from sim.exercise import log as play
    from sim.scenario.loader import load_exercise

    exercise = load_exercise(views.EXERCISES / "june-2014-split-week.yaml")
    log = play.start(exercise)
    ahead = views.next_decision(log)  # the next stop is the first decision point
    assert ahead is not None and ahead.pending().id == "keep-going"
    assert views.step_inputs(ahead) == views.step_inputs(play.advance_to_next(log))
    at_point = play.advance_to_next(log)
    assert views.next_decision(at_point) is None  # the room is at it
    decided = play.decide(at_point, "keep-going", at_point.options("keep-going")[0])
    assert views.next_decision(decided) is None  # an inject comes first: it changes the inputs


def test_runs_too_short_for_the_exercise_are_refused_with_the_fix(exercises):
    at = page("exercise")
    by_label(at.selectbox, "Exercise").set_value("Small drill")
    at = at.run()
    by_label(at.number_input, "Weeks every run lasts (how far each option is projected)").set_value(
        1
    )
    button(at, "Start").click()
    at = at.run()
    no_crash(at)
    assert "comes after the exercise's runs end (day 7, 00:00, after 1 week)" in texts(at)
    assert "exercise_id" not in at.session_state and not list(exercises.glob("*"))


def _ready_to_decide(at) -> bool:
    return any(b.label == "Record decision" and not b.disabled for b in at.button)


def test_two_facilitators_deciding_at_once_the_second_is_refused_with_who_decided_what(exercises):
    """Two browsers on one exercise at its first decision point: one records Wait, the other
    (its page drawn before) records Paper and is told Wait was recorded, by whom and when; the
    log holds Wait alone; what the second typed stays until it reloads."""
    first = next_stop(next_stop(start_drill(page("exercise"))))
    exercise_id = first.session_state["exercise_id"]
    first = until(first, _ready_to_decide)
    second = until(page("exercise", exercise_id=exercise_id), _ready_to_decide)
    assert "Paper or wait?" in texts(second)

    by_label(first.radio, "Option taken").set_value("Wait")
    by_label(first.selectbox, "Decided by").set_value("Team manager")
    button(first, "Record decision").click()
    first = first.run()
    no_crash(first)

    by_label(second.radio, "Option taken").set_value("Paper")
    by_label(second.selectbox, "Decided by").set_value("Facilitator")
    by_label(second.text_area, "Why").input("Keep seeing people")
    button(second, "Record decision").click()
    second = second.run()
    no_crash(second)
    refusal = " ".join(e.value for e in second.error)
    assert "a decision was recorded at decision point 'fallback' by Team manager at " in refusal
    assert "('Wait')" in refusal and "reload to see it" in refusal, refusal
    log = ExerciseStore(exercises).load(exercise_id)
    assert [(d.option.name, d.by) for d in log.decisions] == [("Wait", "Team manager")]
    assert by_label(second.text_area, "Why").value == "Keep seeing people"  # nothing typed lost

    button(second, "Reload").click()
    second = second.run()
    no_crash(second)
    assert "Decision point" not in texts(second) and "**Wait** (Team manager)" in texts(second)
    assert not second.error


def test_a_note_added_on_a_page_left_open_is_refused_kept_and_saved_after_a_reload(exercises):
    first = start_drill(page("exercise"))
    exercise_id = first.session_state["exercise_id"]
    left_open = page("exercise", exercise_id=exercise_id)
    by_label(first.text_area, "Note").input("Reception is on paper")
    by_label(first.text_input, "By").input("Evaluator")
    button(first, "Add note").click()
    first = first.run()
    no_crash(first)
    assert by_label(first.text_area, "Note").value == ""  # saved: a new, empty form

    left_open = left_open.run()  # drawn again: it says it shows an older step, and what changed
    moved_on = " ".join(w.value for w in left_open.warning)
    assert "This page shows step 1 of the exercise, and it has moved on since: " in moved_on
    assert "a note was added by Evaluator at " in moved_on and "Reception is on" in moved_on
    by_label(left_open.text_area, "Note").input("Call the duty manager")
    button(left_open, "Add note").click()
    left_open = left_open.run()
    no_crash(left_open)
    refusal = " ".join(e.value for e in left_open.error)
    assert "a note was added by Evaluator at " in refusal and "reload to see it" in refusal
    assert [n.text for n in ExerciseStore(exercises).load(exercise_id).notes] == [
        "Reception is on paper"
    ]
    assert by_label(left_open.text_area, "Note").value == "Call the duty manager"

    button(left_open, "Reload").click()
    left_open = left_open.run()
    assert "Reception is on paper" in texts(left_open)
    assert by_label(left_open.text_area, "Note").value == "Call the duty manager"  # still there
    button(left_open, "Add note").click()
    left_open = left_open.run()
    no_crash(left_open)
    assert not left_open.error
    assert [n.text for n in ExerciseStore(exercises).load(exercise_id).notes] == [
        "Reception is on paper",
        "Call the duty manager",
    ]


def test_once_everything_is_played_one_button_moves_the_clock_to_the_end(exercises, tmp_path):
    """Not twenty clicks of Forward one day: with no inject or decision point left, the first
    button takes play to its end, where neither moves the clock further."""
    from sim.exercise import log as play
    from sim.scenario.loader import load_exercise

    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    log = play.start(load_exercise(path))
    for point in ("fallback", "overtime"):
        while log.pending() is None:
            log = play.advance_to_next(log)
        log = play.decide(log, point, log.options(point)[0])
    exercise_id = ExerciseStore(exercises).save(log)
    at = page("exercise", exercise_id=exercise_id)
    no_crash(at)
    to_end = next(b for b in at.button if b.label.startswith("To the end of play"))
    assert "day 20, 23:00" in to_end.label
    to_end.click()
    at = at.run()
    no_crash(at)
    assert ExerciseStore(exercises).load(exercise_id).clock == log.end()
    assert button(at, "Forward one day").disabled
    assert next(b for b in at.button if b.label.startswith("To the end of play")).disabled
