"""One run of an experiment and what the experiment keeps of it.

A run is described by a :class:`RunSpec` (scenario, plan, seed, replication, weeks) and
:func:`run_spec` returns a compact :class:`RunOutcome` (headline measures, daily backlog and
re-keying debt, whom a login cap served, people's weeks), small enough to send between
processes. A run's numbers depend only on its spec, so every engine
(:mod:`sim.experiments.engines`) gives identical results.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.domain.errors import RunLimitError
from sim.model.watchdog import NO_LIMITS, RunLimits
from sim.results.as_at import summary_as_at
from sim.results.objectives import Service, service_of
from sim.results.summary import by_risk
from sim.results.tables import RunResult
from sim.run import ModelError, model_error, simulate
from sim.scenario.plans import Plan
from sim.scenario.schema import Scenario

# What an outcome keeps of ``staff_weekly``: one row per person and week (workload evidence)
WORKLOAD_COLUMNS = (
    "staff_id",
    "role",
    "week",
    "contracted_hours",
    "hours_worked",
    "workload",
    "wmt_capacity",
    "overtime_hours",
    "double_handling_hours",
    "login_wait_hours",
)


@dataclass(frozen=True)
class RunSpec:
    """One simulation run: everything its numbers depend on."""

    label: str  # the plan's label in the experiment, or NO_OUTAGE
    scenario: Scenario
    plan: Plan
    seed: int
    replication: int
    weeks: int
    detail: bool = True  # keep people's weeks and the objectives' service (False: measures only)
    stop_file: str | None = None  # the run stops at the next simulated day once this file exists
    as_at_minute: float | None = None  # also keep the measures as they stood at this minute
    limits: RunLimits = NO_LIMITS  # what the run may spend before it is stopped (the app's pool)


class RunStopped(Exception):
    """A run stopped part way because its stop file appeared (its user cancelled)."""


@dataclass(frozen=True)
class RunOutcome:
    """What an experiment keeps of a run: headline measures, units, backlog (work not done) and
    re-keying debt (records and hours) by day, and each prioritised activity's service by day
    (to judge its continuity objectives).

    ``measures`` holds the run's summary measures plus missed risk checks by RoSH level
    (``missed_risk_checks_<level>``) and ``missed_high_risk_checks`` (high + very high);
    ``observations`` the number of observations each mean or share among them is over."""

    label: str
    replication: int
    measures: dict[str, float]
    units: dict[str, str]
    backlog: tuple[float, ...]  # total backlog at the end of each day
    events: int
    service: dict[str, Service] = field(default_factory=dict)  # per prioritised activity
    workload: tuple[tuple, ...] = ()  # rows of WORKLOAD_COLUMNS, one per person and week
    observations: dict[str, float] = field(default_factory=dict)
    as_at: dict[str, float] = field(default_factory=dict)  # measures at the spec's as_at_minute
    rekeying_debt: tuple[float, ...] = ()  # paper records awaiting re-keying at each day's end
    rekeying_debt_hours: tuple[float, ...] = ()  # ... and the hours of re-keying they need
    login_roles: tuple[tuple, ...] = ()  # rows of LOGIN_ROLE_COLUMNS: whom each login cap served


def run_spec(spec: RunSpec) -> RunOutcome:
    """Run one spec (the unit of work every engine runs). Any failure is a bug, raised as a
    :class:`sim.run.ModelError` naming the run."""
    try:
        return _outcome(spec)
    except (ModelError, RunStopped, RunLimitError):
        raise
    except Exception as exc:
        raise model_error(
            exc, spec.scenario, spec.plan, spec.seed, spec.replication, spec.weeks
        ) from exc


def stop_when(stop_file: str | None) -> Callable[[float], None] | None:
    """A run's progress hook: stop (:class:`RunStopped`) once ``stop_file`` exists."""
    if stop_file is None:
        return None

    def check(_fraction: float) -> None:
        if os.path.exists(stop_file):
            raise RunStopped(f"stopped: {stop_file} exists")

    return check


def _outcome(spec: RunSpec) -> RunOutcome:
    result = simulate(
        spec.scenario,
        plan=spec.plan,
        seed=spec.seed,
        replication=spec.replication,
        weeks=spec.weeks,
        progress=stop_when(spec.stop_file),
        limits=spec.limits,
    )
    return outcome_of(spec, result)


def outcome_of(spec: RunSpec, result: RunResult) -> RunOutcome:
    """What the experiment keeps of ``spec``'s run, from its tables."""
    summary = result["summary"]
    backlog = result["backlog_daily"].groupby("day")["backlog"].sum()
    measures = dict(zip(summary["measure"], map(float, summary["value"]), strict=True))
    units = dict(zip(summary["measure"], summary["unit"], strict=True))
    counted = summary.dropna(subset=["observations"])
    observations = dict(zip(counted["measure"], map(float, counted["observations"]), strict=True))
    extra = by_risk(result["risk_checks"])
    measures.update(extra)
    units.update(dict.fromkeys(extra, "contacts"))
    service, workload, login_roles = {}, (), ()
    if spec.detail:
        login_roles = tuple(result["login_roles"].itertuples(index=False, name=None))
        n_days = result.manifest["weeks"] * 7
        service = {
            o.activity: service_of(result["work_items"], o, n_days)
            for o in spec.scenario.objectives
        }
        staff = result["staff_weekly"][list(WORKLOAD_COLUMNS)]
        workload = tuple(staff.itertuples(index=False, name=None))
    as_at = {} if spec.as_at_minute is None else summary_as_at(result.tables, spec.as_at_minute)
    return RunOutcome(
        spec.label,
        spec.replication,
        measures,
        units,
        _daily(backlog),
        result.manifest["events"],
        service,
        workload,
        observations,
        as_at,
        _daily(result["rekeying_debt_daily"]["rekeying_debt"]),
        _daily(result["rekeying_debt_daily"]["rekeying_debt_hours"]),
        login_roles,
    )


def _daily(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values.to_numpy())
