"""The evaluation of a tabletop exercise in the app (AppTest): the evaluator's page (the
capabilities with their critical tasks and objectives, a timestamped observation saved as the
exercise's next step, refused rather than written over a step it has not seen, the ratings),
and on the facilitator's page the exercise's date, participants added during play and the hot
wash, all in the after-action report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_test_kit import button, by_label, exercise_library, no_crash, page, texts
from exercise_drill import EVALUATED, PLANNED
from sim.exercise import log as play
from sim.exercise.store import ExerciseStore
from sim.scenario.evaluation import Action
from sim.scenario.loader import load_exercise

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def exercises(folders, tmp_path, monkeypatch) -> Iterator[Path]:
    yield from exercise_library(tmp_path, monkeypatch, "evaluated-drill.yaml", EVALUATED)


def saved_exercise(folder: Path) -> str:
    """The evaluated drill started and saved, as the facilitator's Start button saves it."""
    log = play.start(load_exercise(folder.parent / "exercise-library" / "evaluated-drill.yaml"))
    return ExerciseStore(folder).save(log)


def observe(at, capability: str, task: str, kind: str, text: str):
    by_label(at.selectbox, "Capability").set_value(capability)
    at = at.run()
    by_label(at.selectbox, "Critical task").set_value(task)
    by_label(at.radio, "Kind").set_value(kind)
    by_label(at.text_area, "What was seen").input(text)
    button(at, "Add observation").click()
    return at.run()


def add_participant(at, name: str, role: str, function: str = ""):
    by_label(at.text_input, "Name or post").input(name)
    by_label(at.selectbox, "Role").set_value(role)
    by_label(at.text_input, "Function").input(function)
    button(at, "Add participant").click()
    return at.run()


def test_the_evaluator_records_timestamped_observations_against_critical_tasks(exercises):
    exercise_id = saved_exercise(exercises)
    at = page("exercise_evaluator", exercise_id=exercise_id)
    no_crash(at)
    left_open = page("exercise_evaluator", exercise_id=exercise_id)  # a second evaluator
    shown = texts(at)
    assert "Small drill (evaluated)" in shown and "Day 7, 09:00" in shown
    assert "Check risk before every contact" in shown  # the critical tasks
    assert "Keep seeing people with a current risk check" in shown  # the objectives tied
    assert "recorded at the exercise's clock (day 7, 09:00)" in shown.lower()
    assert by_label(at.text_input, "By (evaluator)").value == "Continuity evaluator"
    by_label(at.selectbox, "Capability").set_value("Staff workload")
    at = at.run()
    assert by_label(at.selectbox, "Critical task").options == [
        "none: the capability as a whole",
        "Plan the catch-up in paid hours",
    ]
    at = observe(
        at,
        "Staff workload",
        "Plan the catch-up in paid hours",
        "area for improvement",
        "Nobody costed the re-keying.",
    )
    no_crash(at)
    assert not at.error
    log = ExerciseStore(exercises).load(exercise_id)
    (seen,) = log.observations
    assert (seen.capability, seen.critical_task, seen.kind, seen.by) == (
        "Staff workload",
        "Plan the catch-up in paid hours",
        "area for improvement",
        "Continuity evaluator",
    )
    assert seen.at == log.clock and seen.recorded is not None
    assert abs(seen.recorded - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert by_label(at.text_area, "What was seen").value == ""  # a new, empty form
    assert any("Nobody costed the re-keying." in list(d.value["observation"]) for d in at.dataframe)

    # the page left open on the step before: refused, what was typed kept, saved after a reload
    left_open = observe(
        left_open,
        "Continuity of supervision",
        "Check risk before every contact",
        "strength",
        "Risk checked from the printed register.",
    )
    no_crash(left_open)
    refusal = " ".join(e.value for e in left_open.error)
    assert "an observation of 'Staff workload' was added by Continuity evaluator" in refusal
    assert len(ExerciseStore(exercises).load(exercise_id).observations) == 1
    assert by_label(left_open.text_area, "What was seen").value.startswith("Risk checked")
    button(left_open, "Reload").click()
    left_open = left_open.run()
    button(left_open, "Add observation").click()
    left_open = left_open.run()
    no_crash(left_open)
    kinds = [o.kind for o in ExerciseStore(exercises).load(exercise_id).observations]
    assert kinds == ["area for improvement", "strength"]

    by_label(left_open.selectbox, "Rating").set_value("S")
    button(left_open, "Save ratings").click()
    left_open = left_open.run()
    no_crash(left_open)
    log = ExerciseStore(exercises).load(exercise_id)
    assert [(r.capability, r.rating) for r in log.ratings] == [("Continuity of supervision", "S")]
    assert "Continuity of supervision: rated S: performed with some challenges" in [
        e.label for e in left_open.expander
    ]


def test_an_observation_without_text_or_evaluator_is_not_saved(exercises):
    exercise_id = saved_exercise(exercises)
    at = page("exercise_evaluator", exercise_id=exercise_id)
    by_label(at.text_input, "By (evaluator)").input("")
    at = observe(at, "Staff workload", "none: the capability as a whole", "observation", "Seen")
    assert "by whom" in " ".join(e.value for e in at.error)
    assert ExerciseStore(exercises).load(exercise_id).observations == ()
    assert "Open this page from the Exercise page" in texts(page("exercise_evaluator"))


def test_the_facilitator_dates_the_exercise_adds_a_participant_and_holds_the_hot_wash(
    exercises, downloads
):
    at = page("exercise")
    by_label(at.selectbox, "Exercise").set_value("Small drill (evaluated)")
    at = at.run()
    by_label(at.number_input, "Replications behind every number").set_value(2)
    by_label(at.date_input, "Date the exercise is held").set_value(dt.date(2027, 3, 10))
    button(at, "Start").click()
    at = at.run()
    no_crash(at)
    exercise_id = at.session_state["exercise_id"]
    assert f"evaluator?exercise={exercise_id}" in texts(at)  # the evaluators' page, linked
    assert ExerciseStore(exercises).load(exercise_id).exercise.date == dt.date(2027, 3, 10)

    at = add_participant(at, "IT service manager", "controller", "the supplier's contact")
    no_crash(at)
    log = ExerciseStore(exercises).load(exercise_id)
    assert [(p.name, p.role) for p in log.participants_added] == [
        ("IT service manager", "controller")
    ]
    assert by_label(at.text_input, "Name or post").value == ""  # a new, empty form
    at = add_participant(at, "it service manager", "observer")
    assert "already a participant" in " ".join(e.value for e in at.error)

    by_label(at.radio, "About").set_value("to improve")
    by_label(at.text_area, "What was said").input("Nobody knew who phones the police.")
    by_label(at.selectbox, "Said by").set_value("IT service manager")
    button(at, "Add to the hot wash").click()
    at = at.run()
    no_crash(at)
    log = ExerciseStore(exercises).load(exercise_id)
    assert [(h.kind, h.by) for h in log.hot_wash] == [("to improve", "IT service manager")]
    assert "Nobody knew who phones the police. (IT service manager)" in texts(at)

    button(at, "Prepare the after-action report").click()
    at = at.run()
    no_crash(at)
    html = downloads["Download report (HTML)"]["content"]().decode()
    for text in ("10 March 2027", "IT service manager", "during play", "Nobody knew who phones"):
        assert text in html, text


def test_the_improvement_plan_is_saved_from_the_page_with_every_hseep_column(exercises):
    store = ExerciseStore(exercises)
    exercise_id = saved_exercise(exercises)
    log, step = store.load_step(exercise_id)
    planned = (Action.model_validate(PLANNED), Action(action="Agree a phone route"))
    store.save(play.set_actions(log, planned), exercise_id, follows=step)
    at = page("exercise", exercise_id=exercise_id)
    no_crash(at)
    button(at, "Save improvement plan").click()  # saved as shown: nothing dropped on the way
    at = at.run()
    no_crash(at)
    assert not at.error
    log = store.load(exercise_id)
    assert log.actions == planned and log.steps[-1] == "Improvement plan: 2 actions"
    assert store.latest_number(exercise_id) == 3


def test_the_report_waits_for_a_reload_to_hold_an_evaluators_observation(exercises, downloads):
    exercise_id = saved_exercise(exercises)
    facilitator = page("exercise", exercise_id=exercise_id)
    evaluator = page("exercise_evaluator", exercise_id=exercise_id)
    evaluator = observe(
        evaluator, "Staff workload", "Plan the catch-up in paid hours", "strength", "Costed."
    )
    assert len(ExerciseStore(exercises).load(exercise_id).observations) == 1
    button(facilitator, "Prepare the after-action report").click()
    facilitator = facilitator.run()
    no_crash(facilitator)
    warned = " ".join(w.value for w in facilitator.warning)
    assert "an observation of 'Staff workload' was added by Continuity evaluator" in warned
    assert "reload it first, so that the report holds everything saved" in warned
    assert "Download report (HTML)" not in downloads  # no report from the step before
    button(facilitator, "Reload").click()
    facilitator = facilitator.run()
    button(facilitator, "Prepare the after-action report").click()
    facilitator = facilitator.run()
    no_crash(facilitator)
    assert "Costed." in downloads["Download report (HTML)"]["content"]().decode()
