"""What an experiment will cost before it runs: CPU-seconds from the number of runs, the size of
the office and the weeks, at the cost per case-week measured in ``benchmarks/bench_size.py``.

The cost of a case-week grows a little with the office (the run's working set outgrows the
processor's caches): 46 us at the reference office's 3,000 cases and 75 us at 25 times that
(2026-11-30, a shared 2-core machine), which ``(cases / 3000) ** 0.155`` follows. Outages and
plans move it by tens of percent either way, so the estimate is a guide, stated as "about".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.experiments.compare import specs_for
from sim.experiments.engines import RunSpec
from sim.scenario.assumptions import missing_field, scenario_at
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario

CPU_PER_CASE_WEEK_S = 46e-6  # at REFERENCE_CASES (bench_size.py, 2026-11-30)
REFERENCE_CASES = 3000
GROWTH = 0.155  # exponent of the growth with size: 25x costs 1.65x per case-week
# The most a comparison started from the app may cost: about 15 minutes of a 2-core machine.
# Bigger experiments run from the command line (python -m sim compare), where they hold nobody up.
APP_LIMIT_CPU_S = 1800.0


@dataclass(frozen=True)
class Estimate:
    runs: int
    cpu_seconds: float

    def wall_seconds(self, workers: int) -> float:
        return self.cpu_seconds / max(1, min(workers, self.runs or 1))

    def words(self, workers: int) -> str:
        """``about 2 CPU-minutes (about 1 minute on 2 workers) for 150 runs``."""
        return (
            f"about {_duration(self.cpu_seconds, 'CPU-')} (about "
            f"{_duration(self.wall_seconds(workers))} on {workers} worker"
            f"{'s' * (workers != 1)}) for {self.runs:,} runs"
        )


def _duration(seconds: float, prefix: str = "") -> str:
    if seconds < 90:
        whole = max(1, round(seconds))
        return f"{whole} {prefix}second{'s' * (whole != 1)}"
    if seconds < 5400:
        return f"{round(seconds / 60)} {prefix}minutes"
    return f"{seconds / 3600:.1f} {prefix}hours"


def run_cpu_seconds(scenario: Scenario, weeks: int) -> float:
    """The estimated CPU-seconds of one run of ``scenario`` for ``weeks``."""
    cases = max(scenario.caseload.cases, 1)
    per_case_week = CPU_PER_CASE_WEEK_S * (cases / REFERENCE_CASES) ** GROWTH
    return cases * weeks * per_case_week


def comparison_estimate(
    scenario: Scenario, plans: Sequence[Plan], replications: int, weeks: int
) -> Estimate:
    """The cost of comparing ``plans`` (do nothing included, as compare adds it) on
    ``replications``: the runs :func:`~sim.experiments.compare.specs_for` makes, the no-outage
    baseline among them when the scenario has an outage."""
    if not any(p.name == DO_NOTHING.name for p in plans):
        plans = [DO_NOTHING, *plans]
    return specs_estimate(specs_for(scenario, plans, range(replications), 0, weeks))


def specs_estimate(specs: Sequence[RunSpec]) -> Estimate:
    """The cost of the runs ``specs``, each at its own office's size and weeks."""
    return Estimate(len(specs), sum(run_cpu_seconds(s.scenario, s.weeks) for s in specs))


def ends_estimate(scenario: Scenario, plans: int, replications: int, weeks: int) -> Estimate:
    """The cost, at most, of rerunning ``plans`` plans at both ends of each of the scenario's
    assumptions (:mod:`sim.experiments.robustness`; runs that are the comparison's own are not
    run again, so it may cost less)."""
    runs, cpu = 0, 0.0
    for assumption in scenario.assumptions:
        if missing_field(scenario, assumption) is None:
            for end in (0, 1):
                runs += plans * replications
                cpu += (
                    plans
                    * replications
                    * run_cpu_seconds(scenario_at(scenario, assumption, end), weeks)
                )
    return Estimate(runs, cpu)
