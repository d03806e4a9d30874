"""Settings that are valid but change nothing in a run of the length asked are said before the
run (sim/scenario/no_effect.py), on the command line as warnings; a mutual-aid stay that ends
before it starts is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_kit import run_a_week_of
from office_runs import reference_scenario
from sim.scenario.loader import ScenarioError, plan_from_text
from sim.scenario.no_effect import without_effect
from sim.scenario.plans import DO_NOTHING, Plan

ROOT = Path(__file__).resolve().parents[1]
DOWN = {"system": "case_system", "start": {"day": 30, "hour": 0}, "duration_days": 2}


def test_an_outage_after_the_end_of_the_run_is_said():
    scenario = reference_scenario().with_changes(outages={"down": [DOWN]})
    assert without_effect(scenario, [DO_NOTHING], weeks=4) == [
        "outages.down[0] starts on day 30, 00:00, after the run's 28 days: it has no effect (make "
        "the run longer or start it earlier)"
    ]
    assert without_effect(scenario, [DO_NOTHING], weeks=5) == []


def test_an_outage_of_no_length_and_a_late_record_loss_are_said():
    outages = {
        "slow": [{**DOWN, "start": {"day": 1}, "duration_days": 0, "factor": 2}],
        "record_loss": [{"at": {"day": 40, "hour": 9}, "share": 0.1, "reconstruction_minutes": 30}],
    }
    found = without_effect(reference_scenario().with_changes(outages=outages), [], weeks=2)
    assert found[0].startswith("outages.slow[0] lasts no time")
    assert found[1].startswith("outages.record_loss[0] happens on day 40, 09:00")


def test_a_switch_or_mutual_aid_after_the_end_is_said():
    plan = Plan.model_validate(
        {
            "name": "Late",
            "levers": {"mutual_aid": {"staff": 2, "from_day": 20}},
            "switches": [{"at": {"day": 3000}, "levers": {"overtime": {"hours_per_week": 4}}}],
        }
    )
    found = without_effect(reference_scenario(), [plan], weeks=2)
    assert len(found) == 2
    assert "levers.mutual_aid starts on day 20, after the run's 14 days" in found[0]
    assert "switches[0] comes on day 3000, 09:00" in found[1]


def test_mutual_aid_that_ends_before_it_starts_is_refused():
    with pytest.raises(ScenarioError) as caught:
        plan_from_text("name: Aid\nlevers:\n  mutual_aid: {staff: 3, from_day: 10, until_day: 5}\n")
    problem = caught.value.problems[0]
    assert problem.field == "levers.mutual_aid" or "until_day" in problem.message
    assert "until_day (5) is not after from_day (10)" in problem.message


def test_the_command_line_warns_before_running(tmp_path):
    done = run_a_week_of(
        tmp_path,
        "Late outage",
        "outages:\n  down:\n    - {system: case_system, start: {day: 30}, duration_days: 2}\n",
    )
    assert done.returncode == 0, done.stderr
    assert "warning: outages.down[0] starts on day 30, 09:00, after the run's 7 days" in (
        done.stderr
    )
