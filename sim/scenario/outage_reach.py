"""What each outage of a scenario takes away and makes late, for the rules that say whether a
lever has anything to act on (:mod:`sim.scenario.lever_reach`).

A system is *lacking* for a task when it is down or capped (a login cap at this headcount), when an
office cap keeps staff at home without kit, or, for a task on another organisation's case,
when cross-organisation access is down. Work is *made late* by a system lacking or slow, a
surge (its task), lost emails (the messages: recall requests, risk escalations, transfer forms,
and the court results whose allocation notices are lost), lost records (rebuilding them), lost
completed work (its task, done again) and staff away (their role's work). A record loss, a
surge and lost work leave work behind them, so each counts from its moment to the end of the
run; a lost email counts until it is noticed (``detection_days`` after its window).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.domain.calendar import DAY
from sim.domain.vocabulary import ROLES, TASK_NAMES, Role, TaskName
from sim.scenario.schema import TEAM_TASKS, Scenario, filled_posts, headcount

LOST_MESSAGES: tuple[TaskName, ...] = ("recall_request", "risk_escalation", "case_transfer")
# a lost email also holds up the allocation its notice asks for (seed 001, S5)
LATE_FROM_LOST_EMAIL: tuple[TaskName, ...] = (
    *LOST_MESSAGES,
    "court_results_entry",
    "case_allocation",
)
# Work that exists only through a lever or an outage of its own (re-keying, rebuilding records)
FOLLOW_UPS = ("paper_rekeying", "record_reconstruction")
WINDOWS = ("down", "login_cap", "slow", "email_loss", "office_cap", "staff_absent")
MOMENTS = ("record_loss", "surges", "work_lost")


@dataclass(frozen=True)
class Disruption:
    """One outage that changes something, and when it acts (from ``start`` to ``end``)."""

    kind: str
    entry: Any
    start: float
    end: float


def disruptions(scenario: Scenario, run_end: float) -> list[Disruption]:
    """The scenario's outages that change something in a run ending at ``run_end``."""
    staff = headcount(scenario)
    found = []
    for kind in WINDOWS:
        for w in getattr(scenario.outages, kind):
            if w.start_minute < run_end and w.has_effect(staff):
                noticed = w.detection_days * DAY if kind == "email_loss" else 0.0
                found.append(Disruption(kind, w, w.start_minute, w.end_minute + noticed))
    for kind in MOMENTS:
        for m in getattr(scenario.outages, kind):
            if m.at.minute < run_end and m.has_effect(staff):
                found.append(Disruption(kind, m, m.at.minute, run_end))
    return found


def holders(scenario: Scenario) -> tuple[Role, ...]:
    """The roles that hold cases."""
    held = scenario.caseload.holder_roles.values()
    return tuple(r for r in ROLES if any(r in roles for roles in held))


def doers(scenario: Scenario, task: str) -> tuple[Role, ...]:
    """Who does ``task``: its team's roles, or (not a team task) the case holder's roles."""
    return scenario.tasks.get(task).roles if task in TEAM_TASKS else holders(scenario)


def across_organisations(scenario: Scenario, task: str) -> bool:
    """Whether ``task`` uses a system on cases of another organisation than its doer's."""
    if not scenario.tasks.get(task).systems:
        return False
    staffing = scenario.office.staffing
    cases = {o for o, share in scenario.caseload.organisations.items() if share > 0}
    workers = {
        staffing.role(r).organisation
        for r in doers(scenario, task)
        if filled_posts(staffing.role(r))
    }
    return any(w != c for w in workers for c in cases)


def lacking(scenario: Scenario, task: str, d: Disruption) -> bool:
    """Whether ``d`` leaves ``task`` without a system it needs."""
    systems = scenario.tasks.get(task).systems
    if not systems:
        return False
    if d.kind in ("down", "login_cap"):
        if d.entry.system == "cross_organisation_access":
            return across_organisations(scenario, task)
        return d.entry.system in systems
    return d.kind == "office_cap" and d.entry.home_kit_share < 1


def made_late(scenario: Scenario, d: Disruption) -> set[str]:
    """The tasks ``d`` makes late."""
    tasks = [t for t in TASK_NAMES if t not in FOLLOW_UPS]
    if d.kind == "slow":
        return {t for t in tasks if d.entry.system in scenario.tasks.get(t).systems}
    if d.kind == "staff_absent":
        return {t for t in tasks if d.entry.role in doers(scenario, t)}
    fixed: dict[str, set[str]] = {
        "email_loss": set(LATE_FROM_LOST_EMAIL),
        "record_loss": {"record_reconstruction"},
    }
    if d.kind in fixed:
        return fixed[d.kind]
    if d.kind in ("surges", "work_lost"):
        return {d.entry.task}
    return {t for t in tasks if lacking(scenario, t, d)}
