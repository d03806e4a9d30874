"""The cost of an experiment said before it runs (sim/experiments/cost.py): runs counted as
compare runs them, CPU-seconds from the benchmark figures, and the app's limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from office_runs import reference_scenario
from sim.experiments.compare import specs_for
from sim.experiments.cost import (
    APP_LIMIT_CPU_S,
    comparison_estimate,
    run_cpu_seconds,
    specs_estimate,
)
from sim.scenario.loader import load_plan
from sim.scenario.plans import DO_NOTHING
from sim.scenario.scaling import scaled

ROOT = Path(__file__).resolve().parents[1]

S02 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"


@pytest.mark.parametrize("with_outage", [False, True])
def test_the_runs_counted_are_the_runs_compare_makes(with_outage):
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(S02) if with_outage else reference_scenario()
    plans = [load_plan(ROOT / "scenarios" / "plans" / "paper-fallback.yaml")]
    estimate = comparison_estimate(scenario, plans, 7, 8)
    assert estimate.runs == len(specs_for(scenario, [DO_NOTHING, *plans], range(7), 1, 8))


def test_cost_grows_with_runs_weeks_and_size():
    office = reference_scenario()
    one = run_cpu_seconds(office, 8)
    assert run_cpu_seconds(office, 16) == pytest.approx(2 * one)
    big = run_cpu_seconds(scaled(office, 25), 8)
    assert 25 * 1.5 * one < big < 25 * 1.8 * one  # a case-week costs more in a bigger office
    estimate = comparison_estimate(office, [], 10, 8)
    assert estimate.cpu_seconds == pytest.approx(10 * one)
    assert "10 runs" in estimate.words(2) and "on 2 workers" in estimate.words(2)


def test_runs_of_offices_of_several_sizes_cost_each_its_own():
    """A national run's PDUs differ in size: each run is costed at its own office's size."""
    from sim.experiments.national import national_specs
    from sim.scenario.loader import load_national

    service = load_national(
        ROOT / "scenarios" / "national" / "ndelius-upgrade-england-and-wales.yaml"
    )
    specs = national_specs(service, DO_NOTHING, 1, 4)
    estimate = specs_estimate(specs)
    assert estimate.runs == len(specs)
    each = sum(run_cpu_seconds(spec.scenario, 4) for spec in specs)
    assert estimate.cpu_seconds == pytest.approx(each)
    assert estimate.cpu_seconds != pytest.approx(len(specs) * run_cpu_seconds(specs[0].scenario, 4))


def test_a_comparison_over_the_apps_limit_is_not_started(folders):
    from app_test_kit import button, by_label, no_crash, page

    assert comparison_estimate(reference_scenario(), [], 200, 104).cpu_seconds > APP_LIMIT_CPU_S
    at = page("compare")
    by_label(at.number_input, "Replications").set_value(200)
    by_label(at.number_input, "Weeks to simulate").set_value(104)
    button(at, "Run").click().run()
    no_crash(at)
    [refused] = [e.value for e in at.error]
    assert "was not started" in refused and "python -m sim compare" in refused
    assert "compare_job" not in at.session_state or at.session_state["compare_job"] is None


def test_an_office_making_more_work_a_case_is_estimated_to_cost_more():
    """Cost follows the work items a caseload makes, not only its cases: an office whose cases
    each send five risk escalations a week (once estimated at the reference office's cost, then
    ran 20 times longer) costs about as many times more as it makes work items."""
    from sim import simulate
    from sim.experiments.cost import work_items_per_week

    office = scaled(reference_scenario(), 0.2)
    heavy = office.with_changes(**{"caseload.risk_escalations_per_case_per_week": 5.0})
    for scenario in (office, heavy):  # the estimate of work items is that of a run
        made = len(simulate(scenario, seed=1, weeks=2)["work_items"]) / 2
        assert work_items_per_week(scenario) == pytest.approx(made, rel=0.2)
    ratio = run_cpu_seconds(heavy, 4) / run_cpu_seconds(office, 4)
    assert ratio == pytest.approx(work_items_per_week(heavy) / work_items_per_week(office))
    assert ratio > 2


def test_contacts_asked_for_beyond_the_diaries_are_an_upper_bound():
    from sim import simulate
    from sim.experiments.cost import work_items_per_week

    office = scaled(reference_scenario(), 0.2)
    daily = office.with_changes(
        **{
            "caseload.contact_interval_days": dict.fromkeys(
                office.caseload.contact_interval_days, 1
            )
        }
    )
    made = len(simulate(daily, seed=1, weeks=2)["work_items"]) / 2
    assert work_items_per_week(daily) >= made
    assert run_cpu_seconds(daily, 4) > 2 * run_cpu_seconds(office, 4)


def test_a_run_over_a_minute_is_said_before_it_starts(capsys):
    from sim.cli.common import say_long_run

    office = reference_scenario()
    say_long_run(office, 4)
    assert capsys.readouterr().err == ""  # under a minute: nothing said
    say_long_run(scaled(office, 40), 52)
    assert "estimated cost: about" in capsys.readouterr().err
