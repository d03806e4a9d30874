"""The validated scenario: an office, its caseload, its work and its IT systems.

Every model here is frozen and refuses unknown fields, so a scenario cannot change once loaded
and a misspelt field is an error, not a silent default. Units are fixed by the field names:
``*_hours``, ``*_minutes``, ``*_days``, ``*_weeks``, ``*_per_week``; shares are fractions 0-1.
Scenario files are read by :mod:`sim.scenario.loader`; this module never touches a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from sim.domain.calendar import WEEKDAYS, Calendar
from sim.domain.vocabulary import (  # noqa: F401  (re-exported: the scenario's words)
    PRACTITIONER_ROLES,
    ROLES,
    ROSH_LEVELS,
    SYSTEMS,
    TASK_NAMES,
    PractitionerRole,
    Role,
    RoSH,
    System,
    TaskName,
    Weekday,
)
from sim.domain.wmt import Tier, default_tier_mix
from sim.scenario.assumptions import MAX_ASSUMPTIONS, Assumption, check_scenario_paths
from sim.scenario.frozen import Frozen, Share, exactly_one  # noqa: F401  (re-exported)
from sim.scenario.objectives import Objective
from sim.scenario.outages import Outages
from sim.scenario.staffing import (  # noqa: F401  (re-exported: part of the scenario)
    Absence,
    Office,
    RoleSettings,
    Staffing,
    filled_posts,
)

IntervalDays = Annotated[int, Field(ge=1, le=365)]


def _plan_name(name: str) -> str:
    """A ``plans:`` entry names a file in the plans folder beside the scenario: refuse one that
    is absolute or climbs out of that folder (``../``), which would make a comparison read a
    file anywhere."""
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
        raise ValueError(
            "a plan is named by its file in the plans folder beside the scenario (plans/), and "
            "this path leads out of that folder; give the plan file's name in plans/, such as "
            "paper-fallback, copying the file there if it is elsewhere"
        )
    return name


PlanName = Annotated[str, AfterValidator(_plan_name)]


class RunSettings(Frozen):
    weeks: int = Field(8, ge=1, le=104, description="Length of the simulated run in weeks.")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Root of every random stream.")


class CalendarSettings(Frozen):
    working_days: tuple[Weekday, ...] = Field(
        ("mon", "tue", "wed", "thu", "fri"), min_length=1, description="Days the office works."
    )
    day_start_hour: float = Field(9.0, ge=0.0, le=16.0, description="Hour the working day starts.")

    @field_validator("working_days")
    @classmethod
    def _no_repeats(cls, days: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({d for d in days if days.count(d) > 1})
        if repeated:
            raise ValueError(f"{', '.join(repeated)} listed more than once; list each day once")
        return days


class Flags(Frozen):
    """Share of cases carrying each risk flag."""

    mappa: Share
    child_protection: Share
    domestic_abuse: Share


class RangeWeeks(Frozen):
    min: float = Field(gt=0, le=520)
    max: float = Field(gt=0, le=520)

    @model_validator(mode="after")
    def _ordered(self) -> RangeWeeks:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max}); swap them")
        return self


def _check_shares(shares: Mapping[Any, float], what: str) -> None:
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares add up to {total:g}; make them add up to 1")


class Caseload(Frozen):
    cases: int = Field(
        ge=0,
        le=150_000,
        description="People under supervision at the start; at most 150,000 in one office: a "
        "bigger service runs as a national file of several offices (python -m sim national).",
    )
    rosh_mix: dict[RoSH, Share] = Field(description="Share of cases at each RoSH level.")
    flags: Flags
    organisations: dict[str, Share] = Field(
        {"Probation Service": 1.0}, description="Share of cases owned by each organisation."
    )
    licence_share: float = Field(ge=0, le=1, description="Share of cases on licence (recallable).")
    contact_interval_days: dict[RoSH, IntervalDays] = Field(
        description="Calendar days between supervision contacts, by RoSH level."
    )
    holder_roles: dict[RoSH, Annotated[tuple[PractitionerRole, ...], Field(min_length=1)]] = Field(
        description="Practitioner roles that may hold cases at each RoSH level (least loaded "
        "first)."
    )
    new_cases_per_week: float = Field(ge=0, le=5_000)
    order_length_weeks: RangeWeeks
    failure_to_attend_probability: float = Field(ge=0, le=1)
    breach_after_failures: int = Field(2, ge=1, le=10)
    risk_check_max_wait_minutes: float = Field(
        30.0,
        ge=0,
        le=480,
        description="Longest a practitioner holds a person at reception to get the current risk "
        "information (a system, a login session or a rota slot) before the contact goes ahead "
        "without it or, under triage, is deferred (assumption: 30 min, range 15-60).",
    )
    appointment_max_wait_minutes: float = Field(
        120.0,
        ge=15,
        le=480,
        description="Longest a person waits, from arriving, for their contact to start (a "
        "practitioner busy, reception slow, no login); then they leave and the appointment is "
        "rebooked for a later day (assumption: 2 hours, range 1-3 hours).",
    )
    recalls_per_licence_case_per_week: float = Field(ge=0, le=1)
    risk_escalations_per_case_per_week: float = Field(ge=0, le=5)
    transfers_out_per_case_per_week: float = Field(ge=0, le=1)
    assessment_review_weeks: float = Field(16.0, gt=0, le=104)
    tier_mix: dict[RoSH, dict[Tier, Share]] = Field(
        default_factory=default_tier_mix,
        description="Share of cases in each WMT tier letter, by RoSH level (sources: "
        "sim.domain.wmt).",
    )

    @model_validator(mode="after")
    def _complete(self) -> Caseload:
        _check_shares(self.rosh_mix, "rosh_mix")
        _check_shares(self.organisations, "organisations")
        for table, name in (
            (self.rosh_mix, "rosh_mix"),
            (self.contact_interval_days, "contact_interval_days"),
            (self.holder_roles, "holder_roles"),
            (self.tier_mix, "tier_mix"),
        ):
            missing = [lvl for lvl in ROSH_LEVELS if lvl not in table]
            if missing:
                raise ValueError(
                    f"{name} has no entry for {', '.join(missing)}; give every RoSH level"
                )
        for level, shares in self.tier_mix.items():
            _check_shares(shares, f"tier_mix.{level}")
        if self.appointment_max_wait_minutes < self.risk_check_max_wait_minutes:
            raise ValueError(
                f"appointment_max_wait_minutes ({self.appointment_max_wait_minutes:g}) is shorter "
                f"than risk_check_max_wait_minutes ({self.risk_check_max_wait_minutes:g}): people "
                "would leave before the risk-check rule ends their wait; make it at least "
                f"{self.risk_check_max_wait_minutes:g}"
            )
        return self


class Duration(Frozen):
    """How long one task takes: a distribution with a mean in minutes."""

    distribution: Literal["lognormal", "exponential", "fixed"] = "lognormal"
    mean_minutes: float = Field(gt=0, le=24 * 60)
    cv: float = Field(0.5, ge=0, le=5, description="Coefficient of variation (lognormal only).")


class Deadline(Frozen):
    """When a task falls due, counted from the moment it is created."""

    hours: float | None = Field(None, gt=0, le=24 * 365)
    working_days: int | None = Field(None, ge=0, le=260)

    @model_validator(mode="after")
    def _exactly_one(self) -> Deadline:
        exactly_one(self, "hours", "working_days")
        return self


class Task(Frozen):
    """One kind of work: how long it takes, when it is due, who does it and what it needs."""

    duration: Duration
    deadline: Deadline
    systems: tuple[System, ...] = Field(
        (), description="IT systems the task cannot be done without."
    )
    roles: tuple[Role, ...] = Field(
        (), description="Team roles that do the task; empty: the practitioner holding the case."
    )
    priority: int = Field(ge=0, le=99, description="Lower is picked first (see docs/model.md).")


class Tasks(Frozen):
    reception_check_in: Task
    risk_check: Task
    supervision_contact: Task
    contact_recording: Task
    enforcement_action: Task
    breach_action: Task
    court_results_entry: Task
    case_allocation: Task
    appointment_letter: Task
    recall_request: Task
    risk_escalation: Task
    assessment_review: Task
    case_transfer: Task
    # Double handling after outages; the defaults are assumptions (ranges in docs/model.md).
    paper_rekeying: Task = Task(
        duration=Duration(mean_minutes=10, cv=0.5),
        deadline=Deadline(working_days=5),
        systems=("case_system",),
        priority=7,
    )
    record_reconstruction: Task = Task(
        duration=Duration(mean_minutes=60, cv=0.5),
        deadline=Deadline(working_days=10),
        systems=("case_system",),
        priority=5,
    )

    def get(self, name: str) -> Task:
        return getattr(self, name)


assert tuple(Tasks.model_fields) == TASK_NAMES, "Tasks fields and TaskName must list the same tasks"


class SystemSettings(Frozen):
    name: str = Field(min_length=1, max_length=80, description="What the office calls it.")
    description: str = ""


class Systems(Frozen):
    case_system: SystemSettings = SystemSettings(name="NDelius")
    assessment_system: SystemSettings = SystemSettings(name="OASys")
    email: SystemSettings = SystemSettings(name="Email")
    court_feed: SystemSettings = SystemSettings(name="Court results feed")
    cross_organisation_access: SystemSettings = SystemSettings(
        name="Cross-organisation record access"
    )


class Scenario(Frozen):
    """A complete, validated scenario: the single input of a simulation run."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    run: RunSettings = RunSettings()
    calendar: CalendarSettings = CalendarSettings()
    office: Office
    caseload: Caseload
    tasks: Tasks
    systems: Systems = Systems()
    outages: Outages = Outages()
    objectives: tuple[Objective, ...] = Field(
        (), description="Continuity objectives (RTO, MTPD, MBCO) per prioritised activity."
    )
    plans: tuple[PlanName, ...] = Field(
        (),
        description="Plan files (in the plans/ folder beside the scenario) this scenario "
        "compares, by name; a path out of that folder is refused.",
    )
    assumptions: tuple[Assumption, ...] = Field(
        (),
        max_length=MAX_ASSUMPTIONS,
        description="The assumptions its verdict may hang on, each with the two ends of its "
        "range: python -m sim robustness reruns the leading plans at both ends (at most "
        f"{MAX_ASSUMPTIONS}: each costs two reruns).",
    )

    @model_validator(mode="after")
    def _holders_in_post(self) -> Scenario:
        for level, roles in self.caseload.holder_roles.items():
            if not any(filled_posts(self.office.staffing.role(r)) for r in roles):
                raise ValueError(
                    f"{level} cases are held by {' or '.join(roles)}, with no filled posts; "
                    f"add staff to one of those roles or hold {level} cases in another role"
                )
        for name in sorted(TEAM_TASKS):
            team = self.tasks.get(name).roles
            if not team:
                raise ValueError(f"tasks.{name}.roles is empty; name the team role that does it")
            if not any(filled_posts(self.office.staffing.role(r)) for r in team):
                raise ValueError(
                    f"tasks.{name} is done by {' or '.join(team)}, with no filled posts; "
                    f"add staff to one of those roles or name another role in tasks.{name}.roles"
                )
        return self

    @model_validator(mode="after")
    def _assumptions_can_be_run(self) -> Scenario:
        if self.assumptions:
            check_scenario_paths(self)
        return self

    def digest(self) -> str:
        """A stable hash of the scenario's content (not of the file it came from)."""
        return digest(self)

    def with_changes(self, **changes: object) -> Scenario:
        """A new scenario with dotted-path fields replaced, validated again.

        ``scenario.with_changes(**{"run.weeks": 4, "office.staffing.probation_officer.count": 40})``
        """
        data = self.model_dump(mode="python")
        for path, value in changes.items():
            *parents, leaf = path.split(".")
            node = data
            for key in parents:
                node = node[key]
            if leaf not in node:
                raise KeyError(f"no field {path!r} in the scenario")
            node[leaf] = value
        return Scenario.model_validate(data)


# Tasks done by a team queue rather than by the practitioner who holds the case.
TEAM_TASKS = frozenset(
    {"reception_check_in", "court_results_entry", "case_allocation", "appointment_letter"}
)


def office_calendar(scenario: Scenario, horizon_days: int) -> Calendar:
    """The office's calendar (working days, start of the day) for a run of ``horizon_days``."""
    days = frozenset(WEEKDAYS.index(d) for d in scenario.calendar.working_days)
    return Calendar(
        working_weekdays=days,
        day_start_hour=scenario.calendar.day_start_hour,
        horizon_days=horizon_days,
    )


def run_settings(scenario: Scenario, seed: int | None, weeks: int | None) -> tuple[int, int]:
    """The seed and weeks of a run: those given, or (None) the scenario's own."""
    return (
        scenario.run.seed if seed is None else seed,
        scenario.run.weeks if weeks is None else weeks,
    )


def digest(model: Frozen) -> str:
    """A stable 16-hex-digit hash of a scenario's or plan's content."""
    text = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def headcount(scenario: Scenario) -> int:
    """The office's filled posts, all roles together."""
    return sum(filled_posts(scenario.office.staffing.role(r)) for r in ROLES)
