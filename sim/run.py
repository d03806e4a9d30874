"""One run of the office model: build it from a scenario, run it, return its result tables."""

from __future__ import annotations

import gc
import itertools
import platform
import traceback
from collections import Counter
from collections.abc import Generator
from contextlib import contextmanager
from functools import partial

import numpy as np
import simpy

from sim.domain.calendar import DAY
from sim.domain.errors import ModelError, RunLimitError
from sim.model import disruptions, office_cap
from sim.model.daily_round import Progress, daily_round
from sim.model.intake import initial_caseload
from sim.model.office import OfficeModel
from sim.model.plan_branches import PlanBranches, PlanInForce
from sim.model.random_streams import Streams
from sim.model.systems import SystemsLayer
from sim.model.watchdog import NO_LIMITS, RunLimits, run_until
from sim.model.working_day import hours_under_way, working_days
from sim.results.login_tables import login_roles_table, login_sessions_table
from sim.results.tables import RunResult, build_tables
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario, digest, office_calendar, run_settings
from sim.version import __version__


def manifest(
    scenario: Scenario, plan: Plan, seed: int, replication: int, weeks: int, events: int
) -> dict:
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario.digest(),
        "plan": plan.name,
        "plan_hash": digest(plan),
        "seed": seed,
        "replication": replication,
        "weeks": weeks,
        "version": __version__,
        "simpy": simpy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "events": events,
    }


class _FromProgress(Exception):
    """An exception raised by the caller's progress callback (a cancel), passed on as it is."""


def _reporting(progress: Progress | None) -> Progress | None:
    if progress is None:
        return None

    def report(fraction: float) -> None:
        try:
            progress(fraction)
        except Exception as exc:
            raise _FromProgress(exc) from exc  # (SimPy re-raises a copy made from its args)

    return report


def model_error(
    exc: BaseException,
    scenario: Scenario,
    plan: Plan,
    seed: int | None,
    replication: int,
    weeks: int | None,
) -> ModelError:
    """A :class:`ModelError` for ``exc``, naming where it happened and the run that shows it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    seed, weeks = run_settings(scenario, seed, weeks)
    return ModelError(
        f"internal error: the model failed ({type(exc).__name__}: {exc}{where}) on scenario "
        f"'{scenario.name}' ({scenario.digest()}), plan '{plan.name}' ({digest(plan)}), seed "
        f"{seed}, replication {replication}, {weeks} weeks. This is a bug in the simulator, not "
        "a mistake in the input: please report it with these details."
    )


@contextmanager
def _cyclic_gc_paused():
    """A run makes many small, long-lived objects and no garbage cycles that matter; the cyclic
    collector would only rescan them again and again, at a cost growing with office size."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _let_go(office: OfficeModel, processes: list[Generator]) -> None:
    """Once the tables are built, let the run's objects be freed by reference counting as soon
    as it returns. A run that ends mid-week leaves staff processes suspended, their frames
    referring to the office, and events pending whose callbacks refer to it too: one reference
    cycle holding every case and work item, which only a pass of the cyclic collector over all
    of them would free (about 1 s in a two-week run at London size). Nothing runs again, so the
    processes are closed and the pending events dropped (SimPy's scheduled-event heap: it has
    no public way to drop them); the office's tables and records are kept."""
    for process in processes:
        process.close()
    office.env._queue.clear()


def _busiest(office: OfficeModel) -> tuple[str, int] | None:
    """The task of which the current instant made most work items, and how many (the scan
    stops at the first item made earlier, or after 100,000)."""
    now, made = office.env.now, Counter[str]()
    for item in itertools.islice(reversed(office.items), 100_000):
        if item.created != now:
            break
        made[item.task] += 1
    return made.most_common(1)[0] if made else None


def simulate(
    scenario: Scenario,
    *,
    plan: Plan | PlanBranches = DO_NOTHING,
    seed: int | None = None,
    replication: int = 0,
    weeks: int | None = None,
    progress: Progress | None = None,
    limits: RunLimits = NO_LIMITS,
) -> RunResult:
    """Run the scenario once and return its tables.

    ``plan`` is the contingency plan in force (default: do nothing). ``seed`` and ``weeks``
    default to the scenario's run settings; ``replication`` selects an
    independent set of random streams under the same seed. ``progress`` is called with the
    fraction of simulated time done, once a simulated day. ``limits``: the events or CPU-seconds
    the run may spend (:class:`~sim.model.watchdog.RunLimits`; a run making no progress in
    simulated time is always stopped), past which :class:`RunLimitError` says why. Any other
    exception from the model is a bug and is raised as a :class:`ModelError` (one from
    ``progress`` is passed on as it is).

    ``plan`` may also be several plans sharing a past (:mod:`sim.model.plan_branches`): the run
    then returns the tables of the branch it ends under (``plan.current``), the very tables of
    that plan's own run; where the branches part, ``plan`` calls its ``part`` (the caller forks
    there, or runs the other branches again).
    """
    return _guarded(scenario, plan, seed, replication, weeks, progress, limits)


def _plan_of(plan: PlanInForce) -> Plan:
    return plan.current if isinstance(plan, PlanBranches) else plan  # type: ignore[return-value]


def _guarded(
    scenario: Scenario,
    plan: PlanInForce,
    seed: int | None,
    replication: int,
    weeks: int | None,
    progress: Progress | None,
    limits: RunLimits,
) -> RunResult:
    if weeks is not None and weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    with _cyclic_gc_paused():
        try:
            settings = run_settings(scenario, seed, weeks)
            return _simulate(scenario, plan, settings, replication, _reporting(progress), limits)
        except _FromProgress as stop:
            raise stop.args[0] from None
        except RunLimitError as stop:
            raise RunLimitError(
                f"{stop} (scenario '{scenario.name}', plan '{_plan_of(plan).name}', replication "
                f"{replication})"
            ) from None
        except Exception as exc:
            raise model_error(exc, scenario, _plan_of(plan), seed, replication, weeks) from exc


def _simulate(
    scenario: Scenario,
    plan: PlanInForce,
    settings: tuple[int, int],  # the seed and weeks
    replication: int,
    progress: Progress | None,
    limits: RunLimits,
) -> RunResult:
    seed, weeks = settings
    horizon_days = weeks * 7
    streams = Streams(seed, replication)
    calendar = office_calendar(scenario, horizon_days)
    systems = SystemsLayer(scenario.outages)
    office = OfficeModel(scenario, streams, calendar, systems, horizon_days, plan)
    initial_caseload(office, streams.generator("caseload"))
    work = [working_days(office, person) for person in office.staff]
    for person, days in zip(office.staff, work, strict=True):
        person.process = office.env.process(days)
    for minute, system in systems.failures():
        office.at(minute, lambda system=system: office.system_failed(system))
    disruptions.schedule(office)
    office.logins.schedule(office)
    office.schedule_switches()
    office_cap.schedule(office, office.headcount)
    rounds = daily_round(office, streams, progress)
    office.env.process(rounds)
    run_until(office.env, horizon_days * DAY, limits, partial(_busiest, office))
    for person in office.staff:
        hours_under_way(office, person)
    # events processed (as an unshared run of the plan counts them)
    events = next(office.env._eid) - len(office.env._queue) - office.idle_switches
    tables = build_tables(office, horizon_days)
    tables["login_sessions"] = login_sessions_table(office.logins)
    tables["login_roles"] = login_roles_table(office.logins)
    _let_go(office, [*work, rounds])
    if progress is not None:
        progress(1.0)
    return RunResult(manifest(scenario, _plan_of(plan), seed, replication, weeks, events), tables)
