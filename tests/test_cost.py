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
