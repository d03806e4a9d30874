"""Every decision is compared with carrying on as decided, the path the room is on: the option
that changes nothing, or "Carry on as decided" run beside the options where none does; never
"do nothing", a path the room may have left at an earlier decision. The room's view, the
facilitator's page, the report and the command line read one comparison."""

from __future__ import annotations

import math

import pytest

from exercise_drill import SMALL
from sim.exercise import log as play
from sim.exercise import plans_in_play
from sim.exercise.options_compared import against_reference, compared_names
from sim.exercise.projection import projection_of, run_step, step_inputs
from sim.outputs.verdict import verdict
from sim.results.measures import MEASURES
from sim.scenario.exercise import Option
from sim.scenario.loader import ScenarioError, load_exercise
from sim.scenario.plans import CARRY_ON, DO_NOTHING


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def _to_point(log, point_id: str):
    while log.pending() is None:
        log = play.advance_to_next(log)
    assert log.pending().id == point_id
    return log


def _at_second_decision(small):
    log = _to_point(play.start(load_exercise(small)), "fallback")
    paper = next(o for o in log.options("fallback") if o.name == "Paper")
    return _to_point(play.decide(log, "fallback", paper), "overtime")


def test_the_second_decision_is_compared_with_the_path_the_room_took(small):
    log = _at_second_decision(small)
    step = step_inputs(log)
    assert step.reference == "Carry on as now"
    assert DO_NOTHING.name not in [p.name for p in step.plans]
    carry_on = next(p for p in step.plans if p.name == "Carry on as now")
    later = log.point("overtime").at.minute + 60
    assert carry_on.levers_at(later).paper_fallback is not None  # decision 1 stays in force
    assert carry_on.levers_at(later) == plans_in_play.plan_now(log).levers_at(later)


def test_where_no_option_carries_on_carrying_on_as_decided_runs_beside_them(small):
    log = _at_second_decision(small)
    both = (
        Option(name="Overtime", levers={"overtime": {"hours_per_week": 5}}),
        Option(name="Stop paper", stop=("paper_fallback",)),
    )
    step = step_inputs(log, both)
    assert step.reference == CARRY_ON
    assert [p.name for p in step.plans] == [CARRY_ON, "Overtime", "Stop paper"]
    later = log.point("overtime").at.minute + 60
    assert step.plans[0].levers_at(later) == plans_in_play.plan_now(log).levers_at(later)


def test_an_option_named_carry_on_as_decided_must_change_nothing():
    Option(name=CARRY_ON)
    with pytest.raises(ValueError, match="path the room is on"):
        Option(name=CARRY_ON, levers={"overtime": {"hours_per_week": 2}})


def test_an_exercise_file_with_such_an_option_is_refused_by_name(small, tmp_path):
    bad = SMALL.replace("      - name: Carry on as now\n", f"      - name: {CARRY_ON}\n").replace(
        "      - name: Overtime\n", f"      - name: {CARRY_ON.lower()}\n"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    with pytest.raises(ScenarioError, match="path the room is on"):
        load_exercise(path)


@pytest.mark.slow  # in make test, not the quick tier
def test_the_room_the_report_and_the_command_line_read_one_comparison(small):
    log = _at_second_decision(small)
    step = step_inputs(log)
    experiment = run_step(step, engine="serial")
    assert experiment.manifest["reference"] == "Carry on as now"
    projection = projection_of(log, step, experiment)
    assert projection.reference == "Carry on as now"
    assert compared_names(projection) == ["Carry on as now", "Overtime"]
    # the report's and the command line's table equals the room's (the experiment's comparison)
    comparison = experiment["comparison"].set_index(["plan", "measure"])
    table = against_reference(projection)
    assert set(table["option"]) == {"Overtime"}
    labels = {MEASURES[m].label: m for m in MEASURES}
    for row in table.itertuples(index=False):
        shown = comparison.loc[("Overtime", labels[row.measure])]
        for mine, theirs in (
            (row.difference, shown["vs_reference_mean"]),
            (row.low, shown["vs_reference_low"]),
            (row.high, shown["vs_reference_high"]),
        ):
            assert mine == pytest.approx(theirs, nan_ok=True) or (
                math.isnan(mine) and math.isnan(theirs)
            )
    assert (
        comparison.loc[("Carry on as now", "backlog_mean"), "vs_reference_mean"]
        != (comparison.loc[("Carry on as now", "backlog_mean"), "vs_reference_mean"])
    )  # the reference has no difference from itself
    words = " ".join(verdict(experiment.tables, experiment.manifest))
    assert "doing nothing" not in words
    assert "Carry on as now (carrying on as decided)" in words


@pytest.mark.slow  # in make test, not the quick tier
def test_a_decision_recorded_on_the_first_answer_keeps_its_numbers_then_and_as_they_ended(small):
    """The room may decide on the first answer: the log keeps the numbers it was recorded on,
    then those with every run in, beside them; replay checks the complete ones."""
    from sim.exercise.options_compared import recorded_on
    from sim.exercise.projection import completes, replay, unfinished

    exercise = load_exercise(small)
    exercise = exercise.model_copy(update={"replications": 4})
    log = _to_point(play.start(exercise), "fallback")
    step = step_inputs(log)
    first: list = []
    final = run_step(step, engine="serial", partial=first.append)
    assert first, "a first answer came before every run was in"
    at_decision = projection_of(log, step, first[0])
    assert at_decision.partial == (2, 4) and at_decision.replications == 2
    paper = next(o for o in log.options("fallback") if o.name == "Paper")
    decided = play.decide(play.add_projection(log, at_decision), "fallback", paper)
    assert unfinished(decided) == [at_decision]
    ended = completes(decided, at_decision, final)
    assert ended.partial is None and ended.replications == 4
    same = projection_of(log, step, final)  # the very numbers of the finished runs (NaN too)
    assert ended.model_dump_json() == same.model_dump_json()
    done = play.complete_projection(decided, ended)
    assert unfinished(done) == [] and done.projection("fallback") is ended
    assert done.steps[-1] == "Every run in for decision point 'fallback': 4 replications"
    words = recorded_on(done, "fallback", "Paper")
    assert words.startswith("Recorded on the first answer, 2 of at most 4 replications in: ")
    assert "with every run in (4 replications): " in words and "of mean backlog" in words
    assert replay(done) == [("fallback", True)]


def test_an_option_that_changes_what_another_does_is_refused_and_one_acting_on_nothing_warned(
    small,
):
    from sim.exercise.option_reach import option_warnings, same_effect

    log = _to_point(play.start(load_exercise(small)), "fallback")
    point = log.point("fallback")
    with pytest.raises(play.ExerciseError, match="same levers in force as 'Paper'"):
        play.propose(log, "fallback", Option(name="Paper again", levers={"paper_fallback": {}}))
    with pytest.raises(play.ExerciseError, match="same levers in force as 'Wait'"):
        play.propose(log, "fallback", Option(name="Hold on"))
    phone = Option(name="Phone", levers={"alternative_channel": {}})
    warnings = option_warnings(log, point, phone)
    assert warnings and all("option 'Phone' at decision point 'fallback'" in w for w in warnings)
    assert option_warnings(log, point, log.options("fallback")[1]) == []  # paper acts
    assert same_effect(play.propose(log, "fallback", phone), point) == []


def test_a_difference_is_written_one_way_and_a_shares_in_percentage_points():
    from sim.exercise.options_compared import difference_text

    assert difference_text(-33.24, -34.01, -32.4) == "-33.2 (-34.0 to -32.4)"
    assert difference_text(-0.004, -0.009, 0.001, "share") == "-0.4 points (-0.9 to +0.1)"
    assert difference_text(float("nan"), 0.0, 0.0) == "-"
