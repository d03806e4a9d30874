"""Experiments: every plan run on the same replications, compared with paired statistics.

Replication r of a scenario uses the random streams keyed by (seed, r, source) under every plan
and in the no-outage baseline, so demand, absences, failures to attend and the outage are the
same: differences between plans are the plans' doing (common random numbers, docs/experiments.md).

:func:`compare` returns an :class:`Experiment` of tidy tables:

* ``runs``: plan, replication, measure, value (every headline measure of every run);
* ``backlog``: plan, replication, day, backlog (total backlog, work not done, at each day's
  end: fan charts), and beside it ``rekeying_debt`` (paper records awaiting re-keying) and
  ``rekeying_debt_hours`` (the hours they need), never folded into the backlog;
* ``comparison``: per plan and measure, the mean with its 95% t-interval, the paired difference
  from "do nothing" and from the no-outage baseline with their intervals, the probability the
  plan is better than doing nothing, and its rank among the plans (1 = best); the mean is over
  the ``replications`` with a value, and ``without_value`` counts the rest (for time to recover:
  runs that had not recovered by the end, so that mean is a lower bound: read ``recovery``);
* ``recovery``: per plan, time to recover and the recovery day, P50 and P90 over replications;
* ``objectives``: per plan and prioritised activity, the probability of breaching RTO, MTPD, MBCO,
  each run against the no-outage run of its replication (:mod:`sim.experiments.objectives`);
* ``workload``: plan, replication and each person's week (hours worked against contract, WMT
  capacity %, overtime and double handling): the evidence behind the workload measures;
* ``login_roles`` (only with a login cap): plan, replication, each capped window and role: the
  people, the sessions given, session hours, login wait hours and hours worked in the window,
  so a plan's result under a cap is read beside whom the cap served.

With a stopping rule (:mod:`sim.experiments.stopping`) the manifest's ``stopping`` keeps the
rule, the most replications, why it stopped and at how many; without one (a fixed count) there
is none. The manifest says how to make it again: seed, replications, weeks, version, the
scenario and plans as YAML text (``scenario_yaml``, ``plans_yaml``) with their hashes, the
disruption's first and last day (``disruption_days``) for charts, and the recovery rule time to
recover was measured by (``recovery_rule``, :class:`sim.results.recovery.RecoveryRule` as data).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from sim.domain.calendar import DAY
from sim.experiments.comparison import (  # noqa: F401  (re-exported: part of this module's API)
    COMPARED,
    comparison_table,
    plan_labels,
    recovery_table,
)
from sim.experiments.engines import (
    NO_OUTAGE,
    WORKLOAD_COLUMNS,
    Progress,
    RunOutcome,
    RunSpec,
    run_all,
)
from sim.experiments.objectives import objectives_table
from sim.experiments.progressive import Refiner
from sim.experiments.stopping import Stop, StoppingRule
from sim.results.login_tables import LOGIN_ROLE_COLUMNS
from sim.results.measures import MEASURES
from sim.results.recovery import (
    RULE,
    baseline_of,
    disruption_start,
    recovery_days,
    restoration_minute,
)
from sim.results.tables import Tables
from sim.scenario.loader import to_yaml
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario, digest, run_settings
from sim.version import __version__


@dataclass(frozen=True)
class Experiment(Tables):
    """The tables and manifest of one comparison of plans."""


def specs_for(
    scenario: Scenario,
    plans: Sequence[Plan],
    replications: range,
    seed: int,
    weeks: int,
    as_at_minute: float | None = None,
    baselines: bool = True,
) -> list[RunSpec]:
    """Every run of the experiment: the no-outage baseline (if the scenario has an outage and
    ``baselines``) and each plan, for each replication number."""
    labelled = [(plan.name, scenario, plan) for plan in plans]
    if baselines and restoration_minute(scenario) is not None:
        labelled.insert(0, (NO_OUTAGE, baseline_of(scenario), DO_NOTHING))
    return [
        RunSpec(label, sc, plan, seed, r, weeks, as_at_minute=as_at_minute)
        for r in replications
        for label, sc, plan in labelled
    ]


def compare(
    scenario: Scenario,
    plans: Sequence[Plan] = (DO_NOTHING,),
    replications: int = 10,
    *,
    seed: int | None = None,
    weeks: int | None = None,
    engine: str = "pool",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
    stopping: StoppingRule | None = None,
    executor: Executor | None = None,
    partial: Callable[[Experiment], None] | None = None,
    refresh_s: float = 1.0,
    as_at_minute: float | None = None,
    baselines: bool = True,
    share_past: bool = True,
    reference: str = DO_NOTHING.name,
) -> Experiment:
    """Run every plan (and the no-outage baseline) for ``replications`` replications and compare
        them. Every plan is paired, replication by replication, with the ``reference`` plan: "do
    nothing" by default, added if missing; any other reference must be among ``plans`` (carrying
    on as decided, at a tabletop decision). The manifest's ``reference`` names it. With
        ``stopping``, ``replications`` is the most run: replications are added in batches until the
        rule says the answer is clear (:mod:`sim.experiments.stopping`), and the manifest's
        ``stopping`` says why and at how many.
        ``executor``: a process pool owned by the caller (see
        :func:`sim.experiments.engines.run_all`).

        ``partial(experiment)`` is given the comparison so far while the runs go on
        (:class:`sim.experiments.progressive.Refiner` says when), each from the replications every
        plan has finished, so its statistics stay paired. Its manifest's
        ``partial`` says how many replications it holds of how many asked for; the final result
        has none. If ``partial`` raises (a user stopping), the runs not yet started are cancelled
        and the exception propagates.

        With ``as_at_minute``, every run's headline measures as they stood at that minute are kept
        too, in the table ``as_at`` (:mod:`sim.results.as_at`). With ``baselines`` False, the plans
        alone are run: no "do nothing", no no-outage baseline, so no paired differences and no time
        to recover (the office as it stands under one plan, in a tabletop exercise). With
        ``share_past`` (the default) a replication's plans simulate the past they share once
        (:mod:`sim.experiments.shared_past`): the same numbers, less CPU."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    plans = list(plans)
    if baselines and reference == DO_NOTHING.name and all(p.name != reference for p in plans):
        plans.insert(0, DO_NOTHING)
    names = [p.name for p in plans]
    if baselines and reference not in names:
        raise ValueError(f"the reference plan {reference!r} is not among {', '.join(names)}")
    if len(set(names)) != len(names):
        raise ValueError(
            f"two plans share a name ({', '.join(names)}); give each plan its own name"
        )
    seed, weeks = run_settings(scenario, seed, weeks)
    most, done = replications, 0  # the replications asked for: a fixed count or the most
    outcomes: list[RunOutcome] = []
    stop: Stop | None = None  # why the stopping rule stopped (None: a fixed count)

    def experiment_of(runs: list[RunOutcome], asked: int) -> Experiment:
        stopped = None if stop is None or stopping is None else stopping_data(stopping, stop, most)
        return _experiment(
            scenario,
            plans,
            runs,
            seed,
            weeks,
            engine,
            asked,
            stopped,
            as_at_minute,
            baselines,
            reference,
        )

    refiner = None if partial is None else Refiner(experiment_of, partial, refresh_s)
    runs_before = [0]  # runs of the batches before this one
    if stopping is not None:  # progress over the most runs, not batch by batch
        per_replication = len(specs_for(scenario, plans, range(1), seed, weeks, None, baselines))
        progress = _over_batches(progress, runs_before, most * per_replication)
    while True:
        replications = most if stopping is None else stopping.next_count(done, most)
        batch = specs_for(
            scenario, plans, range(done, replications), seed, weeks, as_at_minute, baselines
        )
        if refiner is not None:
            refiner.expect(batch, most)
        outcomes += run_all(
            batch,
            engine=engine,
            workers=workers,
            progress=progress,
            address=address,
            executor=executor,
            arrived=None if refiner is None else refiner.arrived,
            share_past=share_past,
        )
        done = replications
        if stopping is None:
            break
        runs_before[0] = len(outcomes)
        stop = stopping.decide(outcomes, most, reference)
        if stop is not None:
            break
    return experiment_of(outcomes, done)


def stopping_data(rule: StoppingRule, stop: Stop, maximum: int) -> dict:
    """What the manifest keeps of a comparison run under a stopping rule: the rule, the most
    replications, why it stopped and at how many."""
    return {
        "rule": rule.as_dict(),
        "maximum": maximum,
        "stopped_by": stop.why,
        "reason": stop.reason,
        "replications": stop.replications,
    }


def _over_batches(progress: Progress | None, before: list[int], total: int) -> Progress | None:
    """``progress`` told of the runs done over every batch so far (``before[0]``: the runs of
    the earlier batches) against ``total``, the runs of the most replications."""
    if progress is None:
        return None
    report = progress

    def overall(done: int, _batch_total: int) -> None:
        report(before[0] + done, total)

    return overall


def _experiment(
    scenario: Scenario,
    plans: list[Plan],
    outcomes: list[RunOutcome],
    seed: int,
    weeks: int,
    engine: str,
    asked: int,
    stopping: dict | None,
    as_at_minute: float | None = None,
    baselines: bool = True,
    reference: str = DO_NOTHING.name,
) -> Experiment:
    """The comparison of ``outcomes`` (every plan's runs of the same replications); when they
    are fewer than the ``asked`` replications, a partial one, saying so in its manifest."""
    names = [p.name for p in plans]
    replications = len({o.replication for o in outcomes})
    start, restored = disruption_start(scenario), restoration_minute(scenario)
    horizon = None if restored is None else weeks * 7 - restored / DAY
    add_recovery(outcomes, restored, horizon)
    censored = {} if horizon is None else {"time_to_recover_days": horizon}
    tables = tables_from(outcomes, names, censored, reference)
    tables["objectives"] = objectives_table(outcomes, scenario, names, weeks)
    tables["workload"] = workload_table(outcomes)
    if any(o.login_roles for o in outcomes):
        tables["login_roles"] = pd.DataFrame(
            [(o.label, o.replication, *row) for o in outcomes for row in o.login_roles],
            columns=["plan", "replication", *LOGIN_ROLE_COLUMNS],
        )
    manifest = {
        "scenario": scenario.name,
        "scenario_hash": scenario.digest(),
        "plans": names,
        "plan_hashes": [digest(p) for p in plans],
        "seed": seed,
        "replications": replications,
        "weeks": weeks,
        "engine": engine,
        "version": __version__,
        "runs": len(outcomes),
        "events": sum(o.events for o in outcomes),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "disruption_days": (
            None if start is None or restored is None else [start / DAY, restored / DAY]
        ),
        "recovery_rule": RULE.as_dict(),
        "scenario_yaml": to_yaml(scenario),
        "plans_yaml": [to_yaml(p) for p in plans],
    }
    if replications < asked:
        manifest["partial"] = {"replications_done": replications, "replications_asked": asked}
    if not baselines:
        manifest["baselines"] = False
    else:
        manifest["reference"] = reference
    if stopping is not None:
        manifest["stopping"] = stopping
    if as_at_minute is not None:
        manifest["as_at_minute"] = as_at_minute
        tables["as_at"] = as_at_table(outcomes)
    return Experiment(manifest, tables)


def as_at_table(outcomes: list[RunOutcome]) -> pd.DataFrame:
    """Each run's headline measures as they stood at the experiment's ``as_at_minute``."""
    rows = [
        (o.label, o.replication, m, v, MEASURES[m].unit)
        for o in outcomes
        for m, v in o.as_at.items()
    ]
    return pd.DataFrame(rows, columns=["plan", "replication", "measure", "value", "unit"])


def workload_table(outcomes: list[RunOutcome]) -> pd.DataFrame:
    """Each run's people by week: plan, replication and :data:`WORKLOAD_COLUMNS`."""
    rows = [(o.label, o.replication, *row) for o in outcomes for row in o.workload]
    return pd.DataFrame(rows, columns=["plan", "replication", *WORKLOAD_COLUMNS])


def add_recovery(outcomes: list[RunOutcome], restored: float | None, horizon: float | None) -> None:
    """Each plan's run's time to recover against the no-outage run of the same replication
    (NaN: not recovered by the end of the run, censored there). Nothing when there is no
    outage, or the run ends before it does (``horizon``, the days from restoration to the end,
    is not positive): then there is no recovery to measure."""
    if restored is None or horizon is None or horizon <= 0:
        return
    base = {o.replication: o.backlog for o in outcomes if o.label == NO_OUTAGE}
    for o in outcomes:
        if o.label == NO_OUTAGE or o.replication not in base:
            continue
        found = recovery_days(
            o.backlog, base[o.replication], restored, RULE.tolerance, RULE.hold_days
        )
        o.measures["time_to_recover_days"] = math.nan if found is None else found
        o.units["time_to_recover_days"] = "days"


DEBT_COLUMNS = ("rekeying_debt", "rekeying_debt_hours")  # beside the backlog in ``backlog``


def _daily_rows(o: RunOutcome):
    """A run's backlog, re-keying debt and its hours by day (no debt kept: zero)."""
    days = len(o.backlog)
    debt = o.rekeying_debt or (0.0,) * days
    hours = o.rekeying_debt_hours or (0.0,) * days
    return zip(o.backlog, debt, hours, strict=True)


def tables_from(
    outcomes: list[RunOutcome],
    plan_names: list[str],
    censored: dict[str, float] | None = None,
    reference: str = DO_NOTHING.name,
) -> dict[str, pd.DataFrame]:
    runs = pd.DataFrame(
        [
            (o.label, o.replication, m, v, o.units.get(m, ""))
            for o in outcomes
            for m, v in o.measures.items()
        ],
        columns=["plan", "replication", "measure", "value", "unit"],
    )
    backlog = pd.DataFrame(
        [
            (o.label, o.replication, day, v, debt, hours)
            for o in outcomes
            for day, (v, debt, hours) in enumerate(_daily_rows(o))
        ],
        columns=["plan", "replication", "day", "backlog", *DEBT_COLUMNS],
    )
    return {
        "runs": runs,
        "backlog": backlog,
        "comparison": comparison_table(runs, plan_names, censored, reference),
        "recovery": recovery_table(runs, plan_names),
    }
