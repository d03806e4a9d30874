"""Runs that share a past (sim.experiments.shared_past): simulated once and forked where their
plans part, every run's outcome and tables are exactly those of its own unshared run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.domain.calendar import DAY
from sim.exercise import log as play
from sim.exercise.projection import step_inputs
from sim.experiments.compare import specs_for
from sim.experiments.engines import run_all
from sim.experiments.runs import RunStopped
from sim.experiments.shared_past import can_fork, groups_of, run_group
from sim.model.plan_branches import PlanBranches
from sim.run import simulate
from sim.scenario.loader import load_exercise, load_plan, load_scenario
from sim.scenario.plans import DO_NOTHING, Levers, Plan, Switch

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
PLANS = [load_plan(p) for p in sorted((ROOT / "scenarios" / "plans").glob("*.yaml"))]
EXERCISES = [
    ROOT / "scenarios/exercises/june-2014-split-week.yaml",
    ROOT / "scenarios/exercises/london-login-cap.yaml",
]
LONDON = "s01-login-cap-london.yaml"

pytestmark = pytest.mark.skipif(not can_fork(), reason="forking needs a POSIX system")


def _same_runs(specs) -> None:
    """Shared and forked, shared without forking, and unshared: the same outcomes."""
    alone = run_all(specs, engine="serial", share_past=False)
    shared = run_all(specs, engine="serial", share_past=True)
    assert [repr(o) for o in shared] == [repr(o) for o in alone]


def _plans(*names: str) -> list[Plan]:
    return [DO_NOTHING, *(p for p in PLANS if p.name in names)]


def test_a_comparisons_plans_forked_at_the_outage_give_their_own_runs_outcomes():
    scenario = load_scenario(ROOT / "scenarios/s02-ndelius-upgrade.yaml")
    plans = _plans("Paper fallback", "Overtime", "Mutual aid", "Decide paper on day 2")
    specs = specs_for(scenario, plans, range(1), 1, 4)
    groups = groups_of(specs)
    # the no-outage baseline, mutual aid (its lent staff are there from the start) and the
    # plans sharing a past
    assert sorted(map(len, groups)) == [1, 1, 4]
    alone = run_all(specs, engine="serial", share_past=False)
    for group in groups:
        together = [specs[i] for i in group]
        for fork in (True, False):  # forked, or the other branches simulated again
            outcomes = run_group(together, fork=fork)
            assert [repr(o) for o in outcomes] == [repr(alone[i]) for i in group]


def test_every_table_of_a_branch_is_that_of_its_unshared_run():
    scenario = load_scenario(ROOT / "scenarios/s02-ndelius-upgrade.yaml")
    plans = _plans("Paper fallback", "Triage", "Decide paper on day 2")
    for branch, plan in enumerate(plans):

        def follow(groups: list[list[int]], branch: int = branch) -> int:
            return next(i for i, group in enumerate(groups) if branch in group)

        shared = simulate(scenario, plan=PlanBranches(plans, follow), seed=3, weeks=4)
        alone = simulate(scenario, plan=plan, seed=3, weeks=4)
        assert shared.manifest == alone.manifest
        assert shared.tables.keys() == alone.tables.keys()
        for name, table in alone.tables.items():
            pd.testing.assert_frame_equal(shared.tables[name], table, check_exact=True)


def test_plans_that_never_part_share_the_whole_run_and_each_is_named_in_its_manifest():
    scenario = load_scenario(ROOT / "scenarios/s02-ndelius-upgrade.yaml")  # down from day 21
    paper = next(p for p in PLANS if p.name == "Paper fallback")
    specs = specs_for(scenario, [DO_NOTHING, paper], range(1), 1, 2, baselines=False)
    assert groups_of(specs) == [[0, 1]]
    _same_runs(specs)


def test_plans_in_an_office_nothing_disrupts_share_only_if_both_pull_levers_or_neither():
    scenario = load_scenario(ROOT / "scenarios/reference-office.yaml")  # no outage
    paper, triage = (next(p for p in PLANS if p.name == n) for n in ("Paper fallback", "Triage"))
    specs = specs_for(scenario, [DO_NOTHING, paper, triage], range(1), 1, 1)
    assert groups_of(specs) == [[0], [1, 2]]  # a lever pulled: each task is checked
    _same_runs(specs)


def test_a_decision_taken_mid_run_parts_the_branches_at_the_decision():
    scenario = load_scenario(ROOT / "scenarios/s02-ndelius-upgrade.yaml")
    paper = next(p for p in PLANS if p.name == "Paper fallback")
    at = scenario.outages.down[0].start.model_copy(update={"day": 22})
    decided = [
        Plan(name=f"{p.name} from day 22", switches=(Switch(at=at, levers=p.levers),))
        for p in (paper, DO_NOTHING)
    ]
    parted: list[float] = []
    branches = PlanBranches(decided, lambda groups: parted.append(len(groups)) or 0)
    simulate(scenario, plan=branches, seed=1, weeks=4)
    assert parted == [2]
    _same_runs(specs_for(scenario, decided, range(1), 1, 4, baselines=False))


def test_a_cancelled_run_stops_every_branch_forked_from_it(tmp_path):
    scenario = load_scenario(ROOT / "scenarios/s02-ndelius-upgrade.yaml")
    stop = tmp_path / "stop"
    stop.touch()
    specs = [
        s.__class__(**{**s.__dict__, "stop_file": str(stop)})
        for s in specs_for(scenario, _plans("Paper fallback"), range(1), 1, 4, baselines=False)
    ]
    with pytest.raises(RunStopped):
        run_group(specs)


def test_levers_are_read_one_at_a_time_so_branches_part_only_on_one_they_differ_on():
    paper = next(p for p in PLANS if p.name == "Paper fallback")
    parted: list[list[list[int]]] = []
    branches = PlanBranches([DO_NOTHING, paper], lambda groups: parted.append(groups) or 1)
    levers = branches.levers_at(0.0)
    assert levers.overtime is None and parted == []
    assert levers.paper_fallback == paper.levers.paper_fallback  # the second group goes on
    assert parted == [[[0], [1]]] and branches.current is paper
    assert branches.levers_at(5 * DAY) == paper.levers and Levers() != paper.levers


def test_a_forked_branch_counts_the_cpu_of_the_past_it_shares_against_its_limit():
    """A forked child's CPU clock starts again at zero; its run's limit still counts the shared
    past, so a branch that would pass the limit in its own run is stopped in the fork too."""
    import time

    from sim import RunLimitError, RunLimits
    from sim.experiments.shared_past import _shared

    scenario = load_scenario(ROOT / "scenarios/s02-ndelius-upgrade.yaml")  # part at day 21
    paper = next(p for p in PLANS if p.name == "Paper fallback")
    started = time.process_time()
    simulate(scenario, plan=paper, seed=1, weeks=12)
    limit = RunLimits(max_cpu_seconds=0.6 * (time.process_time() - started))  # past: 1/4
    specs = [
        s.__class__(**{**s.__dict__, "limits": limit})
        for s in specs_for(scenario, [DO_NOTHING, paper], range(1), 1, 12, baselines=False)
    ]
    outcomes, deferred = _shared(specs, fork=True)
    assert deferred == [] and set(outcomes) == {0, 1}
    assert all(isinstance(o, RunLimitError) for o in outcomes.values()), outcomes


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_library_scenario_under_every_plan_forks_exactly(path):
    scenario = load_scenario(path)
    plans = _plans(*(p.name for p in PLANS if p.name != DO_NOTHING.name))
    if path.name == LONDON:  # 25 times the office: the plans that act in its login cap
        plans = _plans("Login rota", "Paper fallback", "Triage")
    _same_runs(specs_for(scenario, plans, range(1), 1, 4))


@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_every_decision_of_both_exercises_forks_exactly(path):
    log = play.start(load_exercise(path))
    points = 0
    while log.next_stop() is not None:
        log = play.advance_to_next(log)
        point = log.pending()
        if point is None:
            continue
        step = step_inputs(log)
        specs = specs_for(
            step.scenario, step.plans, range(1), step.seed, step.weeks, step.as_at_minute
        )
        _same_runs(specs)
        log = play.decide(log, point.id, log.options(point.id)[-1])
        points += 1
    assert points >= 2
