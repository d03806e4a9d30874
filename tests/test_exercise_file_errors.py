"""A mistake in an exercise file that concerns one inject, decision point, option, participant or
capability names that element (its id or name) and points at its line and field, not at the top
of the file; every moment in a message is said as the exercise says it ("day 24, 09:00"), never
in minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise_drill import SMALL
from sim.exercise import log as play
from sim.scenario.exercise import Inject
from sim.scenario.loader import ScenarioError, load_exercise
from sim.scenario.problems import validate

# case -> (the drill changed: old text, new text; the line the error is about: the last line
# holding this text once changed; its field; words the message must hold)
CASES = {
    "a decision point after the runs end": (
        ("at: {day: 14, hour: 9}", "at: {day: 30, hour: 9}"),
        "at: {day: 30, hour: 9}",
        "decision_points[1].at",
        ["decision point 'overtime'", "day 30, 09:00", "day 21, 00:00"],
    ),
    "an inject after the runs end": (
        ("at: {day: 12, hour: 9}", "at: {day: 40, hour: 9}"),
        "at: {day: 40, hour: 9}",
        "injects[1].at",
        ["inject 'press'", "day 40, 09:00"],
    ),
    "a decision point before the start": (
        ("at: {day: 9, hour: 9}", "at: {day: 2, hour: 9}"),
        "at: {day: 2, hour: 9}",
        "decision_points[0].at",
        ["decision point 'fallback'", "day 2, 09:00", "day 7, 09:00"],
    ),
    "an id used twice": (
        ("id: press", "id: fallback"),
        "id: fallback",
        "decision_points[0].id",
        ["'fallback' is used twice", "injects[1]"],
    ),
    "an option bringing mutual aid before its decision": (
        (
            "levers: {overtime: {hours_per_week: 5}}",
            "levers: {mutual_aid: {staff: 3, from_day: 10}}",
        ),
        "mutual_aid",
        "decision_points[1].options[1].levers.mutual_aid.from_day",
        ["option 'Overtime'", "'overtime'", "from_day 15"],
    ),
    "an option pulling and stopping one lever": (
        (
            "levers: {overtime: {hours_per_week: 5}}",
            "levers: {overtime: {hours_per_week: 5}}\n        stop: [overtime]",
        ),
        "stop: [overtime]",
        "decision_points[1].options[1].stop[0]",
        ["decision point 'overtime'", "option 'Overtime'", "both pulls and stops"],
    ),
    "an option's lever out of bounds": (
        ("hours_per_week: 5", "hours_per_week: 500"),
        "hours_per_week: 500",
        "decision_points[1].options[1].levers.overtime.hours_per_week",
        ["decision point 'overtime'", "option 'Overtime'"],
    ),
    "an option named twice": (
        ("- name: Wait\n", "- name: Paper\n"),
        "- name: Paper",
        "decision_points[0].options[1].name",
        ["decision point 'fallback'", "option 'Paper' is given twice"],
    ),
    "a participant with no such role": (
        ("{name: Team manager, role: player}", "{name: Team manager, role: boss}"),
        "role: boss",
        "participants[1].role",
        ["participant 'Team manager'", "facilitator"],
    ),
    "a capability named twice": (
        (
            "  - name: Continuity of supervision\n",
            "  - name: Continuity of supervision\n  - name: Continuity of supervision\n",
        ),
        "- name: Continuity of supervision",
        "capabilities[1].name",
        ["capability 'Continuity of supervision' is named twice"],
    ),
    "an inject's effect before the inject": (
        ("start: {day: 8, hour: 9}", "start: {day: 6, hour: 9}"),
        "start: {day: 6, hour: 9}",
        "injects[0].effect.down[0].start",
        ["inject 'case-system-down'", "day 6, 09:00", "day 8, 09:00"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_error_about_one_element_names_it_and_points_at_its_line(tmp_path: Path, case: str):
    (old, new), marker, field, words = CASES[case]
    assert old in SMALL
    text = SMALL.replace(old, new)
    path = tmp_path / "drill.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as refused:
        load_exercise(path)
    problems = refused.value.problems
    assert len(problems) == 1, str(refused.value)  # nothing that only follows from it
    problem = problems[0]
    lines = text.splitlines()
    expected = max(n for n, line in enumerate(lines, start=1) if marker in line)
    assert problem.line == expected, (str(problem), lines[expected - 1])
    assert problem.field == field, str(problem)
    for word in words:
        assert word in str(problem), (word, str(problem))
    assert "minute" not in str(problem)


def test_an_inject_added_in_the_room_says_its_moments_as_the_clock_does(tmp_path: Path):
    """The live-inject form (its effect before the inject) and an inject before the clock."""
    data = {
        "id": "live-1",
        "at": {"day": 24, "hour": 9},
        "title": "Email down",
        "told": "The email system has just failed.",
        "effect": {"down": [{"system": "email", "start": {"day": 23}, "duration_days": 1}]},
    }
    with pytest.raises(ScenarioError) as refused:
        validate(data, {}, "the inject in the form", model=Inject)
    words = str(refused.value)
    assert "day 23, 09:00" in words and "day 24, 09:00" in words, words
    assert "inject 'live-1'" in words and "minute" not in words
    assert refused.value.problems[0].field == "effect.down[0].start"

    path = tmp_path / "drill.yaml"
    path.write_text(SMALL)
    exercise = load_exercise(path)
    log = play.advance_days(play.start(exercise), 1)  # day 8, 09:00
    early = Inject.model_validate({**data, "at": {"day": 7, "hour": 12}, "effect": {}})
    with pytest.raises(play.ExerciseError) as stopped:
        play.add_inject(log, early)
    assert "day 7, 12:00" in str(stopped.value) and "day 8, 09:00" in str(stopped.value)
