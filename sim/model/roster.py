"""Rosters: who is in post, which days each person works, and when they are absent.

Each filled post becomes one person. Full-time staff work every working day; part-time staff
work ``round(days × part_time_hours / contracted_hours)`` days a week, on weekdays rotated so
that part-timers do not all take the same day off. A working day at the office is
``contracted hours / days worked`` long. Its last ``case_work_share`` is spent on the modelled
tasks; the time before that on duties the model does not represent (meetings, travel, training),
so work arriving late in the day still meets someone at their desk.

Practitioners' posts are split into teams (``office.teams``, by default one per senior
probation officer post), post after post in turn; which posts are vacant is drawn from the
role's own stream (``vacancies:<role>``), so vacancies fall unevenly across teams as they do in
real offices, and a team with more of them carries more cases per person (cases are allocated
within the team of their patch: :class:`sim.model.caseload.Allocator`).

Absence is drawn once per person for the whole run from their own stream: sickness as
spells (geometric lengths, mean ``sickness_spell_days``, starting at a rate that gives
``sickness_days_per_year`` on average) and annual leave as whole weeks. A ``staff_absent``
disruption takes the first ``staff`` people of its role away for the shifts that start in its
window, on top of their own absences (no random number is drawn for it, so nothing else moves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.domain.calendar import HOUR, Calendar
from sim.model.plan_branches import PlanInForce
from sim.scenario.schema import PRACTITIONER_ROLES, ROLES, Absence, Scenario, filled_posts

WORKING_DAYS_PER_YEAR = 260.0


@dataclass(frozen=True)
class Shift:
    """One day at work ``[start, end)``, on the modelled tasks from ``work_start``."""

    day: int
    start: float
    work_start: float
    end: float


@dataclass(frozen=True)
class Person:
    """A member of staff in post, with the days they are at work."""

    staff_id: int
    role: str
    organisation: str
    contracted_hours: float
    part_time: bool
    shifts: tuple[Shift, ...]
    team: int = -1  # the practitioner team of their post (-1: not a practitioner)


def sickness_and_leave(
    absence: Absence, days_worked: int, n_days: int, rng: np.random.Generator
) -> np.ndarray:
    """Boolean array over calendar days: True where the person is absent."""
    absent = np.zeros(n_days, dtype=bool)
    per_week = max(days_worked, 1)
    year_days = WORKING_DAYS_PER_YEAR * per_week / 5.0
    # Sickness: alternating renewal process; fraction sick f = L / (L + H).
    f = min(absence.sickness_days_per_year / year_days, 0.95)
    spell = absence.sickness_spell_days
    draws = rng.random(n_days)
    lengths = rng.geometric(1.0 / spell, n_days)
    if f > 0:
        start_p = f / (spell * (1.0 - f))
        day = 0
        if rng.random() < f:  # start the run in the stationary state
            run = int(rng.geometric(1.0 / spell))
            absent[:run] = True
            day = run
        while day < n_days:
            if draws[day] < start_p:
                run = int(lengths[day])
                absent[day : day + run] = True
                day += run
            else:
                day += 1
    # Annual leave: whole weeks, each week taken with probability leave_days / year_days.
    leave_p = min(absence.annual_leave_days_per_year / year_days, 1.0)
    weeks = (n_days + 6) // 7
    leave_weeks = rng.random(weeks) < leave_p
    for w in np.flatnonzero(leave_weeks):
        absent[w * 7 : (w + 1) * 7] = True
    return absent


def build_people(
    scenario: Scenario,
    calendar: Calendar,
    n_days: int,
    absence_stream: Callable[[str], np.random.Generator],
) -> list[Person]:
    """Everyone in post, role by role in the order of ``ROLES``, with their shifts.

    Each person's absence comes from their own stream (``absence:<role>:<k>``), so changing one
    role's staffing leaves everyone else's absences as they were."""
    people: list[Person] = []
    working_weekdays = sorted(calendar.working_weekdays)
    for role in ROLES:
        settings = scenario.office.staffing.role(role)
        n = filled_posts(settings)
        n_part = int(round(n * settings.part_time_share))
        teams = team_of_posts(scenario, role, absence_stream)
        for k in range(n):
            part_time = k >= n - n_part
            hours = settings.part_time_hours if part_time else settings.contracted_hours
            if part_time:
                n_workdays = max(
                    1,
                    min(
                        len(working_weekdays),
                        round(len(working_weekdays) * hours / settings.contracted_hours),
                    ),
                )
                offset = k % len(working_weekdays)
                rotated = working_weekdays[offset:] + working_weekdays[:offset]
                weekdays = frozenset(rotated[:n_workdays])
            else:
                weekdays = frozenset(working_weekdays)
            day_hours = hours / len(weekdays)
            absent = sickness_and_leave(
                scenario.office.absence,
                len(weekdays),
                n_days,
                absence_stream(f"absence:{role}:{k}"),
            )
            away = [
                (w.start_minute, w.end_minute)
                for w in scenario.outages.staff_absent
                if w.role == role and k < w.staff
            ]
            shifts = []
            for day in range(n_days):
                if (day % 7) in weekdays and not absent[day]:
                    start = calendar.day_start(day)
                    if any(a <= start < b for a, b in away):
                        continue  # away for a disruption (staff_absent): the first of the role
                    end = start + day_hours * HOUR
                    shifts.append(
                        Shift(day, start, end - day_hours * settings.case_work_share * HOUR, end)
                    )
            people.append(
                Person(
                    len(people),
                    role,
                    settings.organisation,
                    hours,
                    part_time,
                    tuple(shifts),
                    teams[k] if teams else -1,
                )
            )
    return people


def team_posts(scenario: Scenario) -> list[int]:
    """Practitioner posts (filled or not) in each team: posts are dealt to the teams in turn,
    role after role. A case's patch is a team, with probability in proportion to its posts."""
    count = scenario.office.team_count()
    posts = [0] * count
    dealt = 0
    for role in PRACTITIONER_ROLES:
        for _ in range(scenario.office.staffing.role(role).count):
            posts[dealt % count] += 1
            dealt += 1
    return posts


def team_of_posts(
    scenario: Scenario, role: str, stream: Callable[[str], np.random.Generator]
) -> list[int]:
    """The team of each filled post of a practitioner ``role``, in the order people are built
    (empty for other roles): posts are dealt to teams in turn (continuing after the roles
    before it), and the vacant ones are drawn at random from the ``vacancies:<role>`` stream."""
    if role not in PRACTITIONER_ROLES:
        return []
    count = scenario.office.team_count()
    staffing = scenario.office.staffing
    before = sum(
        staffing.role(r).count for r in PRACTITIONER_ROLES[: PRACTITIONER_ROLES.index(role)]
    )
    settings = staffing.role(role)
    filled = filled_posts(settings)
    vacant = stream(f"vacancies:{role}").permutation(settings.count)[: settings.count - filled]
    open_posts = sorted(set(range(settings.count)) - set(vacant.tolist()))
    return [(before + post) % count for post in open_posts]


def mutual_aid_people(
    scenario: Scenario, plan: PlanInForce, calendar: Calendar, n_days: int, first_id: int
) -> list[Person]:
    """Staff lent from elsewhere by the plan's ``mutual_aid`` lever (in any of its switches):
    full-time, every working day from ``from_day`` to ``until_day``, no absence (assumption:
    a short loan). Numbered after the office's own staff, whose numbers do not change."""
    people: list[Person] = []
    for aid in sorted(plan.mutual_aid_loans(), key=lambda a: (a.from_day, a.role)):
        settings = scenario.office.staffing.role(aid.role)
        hours = settings.contracted_hours
        days = [
            d
            for d in range(aid.from_day, min(aid.until_day or n_days, n_days))
            if calendar.is_working_day(d)
        ]
        day_hours = hours / max(len(calendar.working_weekdays), 1)
        for _ in range(aid.staff):
            shifts = []
            for day in days:
                start = calendar.day_start(day)
                end = start + day_hours * HOUR
                shifts.append(
                    Shift(day, start, end - day_hours * settings.case_work_share * HOUR, end)
                )
            people.append(
                Person(
                    first_id + len(people),
                    aid.role,
                    settings.organisation,
                    hours,
                    False,
                    tuple(shifts),
                )
            )
    return people
