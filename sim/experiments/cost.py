"""What an experiment will cost before it runs: CPU-seconds from the number of runs, the size of
the office and the weeks, at the cost per case-week measured in ``benchmarks/bench_size.py``.

The cost of a case-week grows a little with the office (the run's working set outgrows the
processor's caches): 46 us at the reference office's 3,000 cases and 75 us at 25 times that
(2026-11-30, a shared 2-core machine), which ``(cases / 3000) ** 0.155`` follows. Outages and
plans move it by tens of percent either way, so the estimate is a guide, stated as "about".

An office whose cases make far more work than the reference office's (daily contacts, several
escalations a case a week, thousands of new cases) costs more per case-week: the estimate is
then scaled by the work items a week its caseload makes (:func:`work_items_per_week`, an upper
bound, since diaries and staff may not hold all the contacts asked for) against the reference
office's 2.14 a case-week.
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
# The most one run started from the app may take before it is stopped (sim.model.watchdog), so a
# run far costlier than its estimate frees its worker for other users' runs.
APP_RUN_LIMIT_CPU_S = 300.0
# A run that will take longer than this is said to cost so before it starts (app and CLI).
SAY_COST_OVER_S = 60.0
REFERENCE_ITEMS_PER_CASE_WEEK = 2.14  # work_items_per_week(reference office) / its 3,000 cases
ITEMS_PER_CONTACT = 4  # reception check-in, risk check, the contact, its recording
ITEMS_PER_NEW_CASE = 3  # court result entry, allocation, appointment letter


@dataclass(frozen=True)
class Estimate:
    runs: int
    cpu_seconds: float
    longest_run_s: float = 0.0  # the costliest single run (the app stops one past its limit)

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


def work_items_per_week(scenario: Scenario) -> float:
    """About how many work items a week the scenario's caseload asks for (an upper bound: the
    contacts asked for, not those the diaries hold)."""
    load = scenario.caseload
    contacts = load.cases * sum(
        share * 7 / load.contact_interval_days[level] for level, share in load.rosh_mix.items()
    )
    per_case = (
        load.licence_share * load.recalls_per_licence_case_per_week
        + load.risk_escalations_per_case_per_week
        + load.transfers_out_per_case_per_week
        + 1 / load.assessment_review_weeks
    )
    return (
        contacts * ITEMS_PER_CONTACT
        + load.new_cases_per_week * ITEMS_PER_NEW_CASE
        + load.cases * per_case
    )


def run_cpu_seconds(scenario: Scenario, weeks: int) -> float:
    """The estimated CPU-seconds of one run of ``scenario`` for ``weeks``."""
    cases = max(scenario.caseload.cases, 1)
    per_case_week = CPU_PER_CASE_WEEK_S * (cases / REFERENCE_CASES) ** GROWTH
    heavier = work_items_per_week(scenario) / (REFERENCE_ITEMS_PER_CASE_WEEK * cases)
    return cases * weeks * per_case_week * max(1.0, heavier)


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
    each = [run_cpu_seconds(s.scenario, s.weeks) for s in specs]
    return Estimate(len(specs), sum(each), max(each, default=0.0))


def ends_estimate(scenario: Scenario, plans: int, replications: int, weeks: int) -> Estimate:
    """The cost, at most, of rerunning ``plans`` plans at both ends of each of the scenario's
    assumptions (:mod:`sim.experiments.robustness`; runs that are the comparison's own are not
    run again, so it may cost less)."""
    runs, cpu, longest = 0, 0.0, 0.0
    for assumption in scenario.assumptions:
        if missing_field(scenario, assumption) is None:
            for end in (0, 1):
                one = run_cpu_seconds(scenario_at(scenario, assumption, end), weeks)
                runs += plans * replications
                cpu += plans * replications * one
                longest = max(longest, one)
    return Estimate(runs, cpu, longest)
