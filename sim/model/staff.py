"""A member of staff: who they are, the queues open to them and where their time goes, week by
week. Their working day, the SimPy process that takes work and does it, is
:mod:`sim.model.working_day`."""

from __future__ import annotations

from typing import Any

from sim.domain.calendar import WEEK
from sim.model.roster import Person
from sim.model.work import WorkItem, WorkQueue


def add_by_week(per_week: list[float], at: float, minutes: float) -> None:
    """Add ``minutes`` spent from minute ``at`` to the weeks of ``per_week`` they fall in, split
    at the midnight that starts a week, so time counts in the week it was spent. The last entry
    holds whatever falls after the run's last week."""
    last = len(per_week) - 1
    week = int(at // WEEK)
    if at + minutes <= (week + 1) * WEEK and week <= last:  # within one week
        if minutes > 0:
            per_week[week] += minutes
        return
    while minutes > 0:
        week = int(at // WEEK)
        if week > last:
            return
        part = min(minutes, (week + 1) * WEEK - at)
        per_week[week] += part
        at += part
        minutes -= part


class Staff:
    """One person in post: their rosters, queues and the time they spend on each week."""

    __slots__ = (
        "id",
        "role",
        "team",
        "organisation",
        "contracted_hours",
        "part_time",
        "shifts",
        "shift_on",
        "own_queue",
        "queues",
        "wake",
        "idle",
        "task_minutes",
        "extra_minutes",
        "weeks",
        "expecting",
        "current",
        "process",
        "double_handling_minutes",
        "overtime_minutes",
        "login_wait_minutes",
        "at_home",
        "home_kit",
        "kit_draw",
        "set_aside",
        "helper",
        "day_end",
        "paid_stay",
        "unpaid_stay",
        "breaking_off",
        "began",
        "overtime_for_unpaid_minutes",
    )

    def __init__(self, person: Person, weeks: int):
        self.id = person.staff_id
        self.role = person.role
        self.team = person.team  # the practitioner team of their post (-1: none)
        self.organisation = person.organisation
        self.contracted_hours = person.contracted_hours
        self.part_time = person.part_time
        self.shifts = person.shifts
        self.shift_on = {s.day: s for s in person.shifts}  # day -> Shift, for days at work
        self.own_queue = WorkQueue(f"staff:{self.id}")
        self.queues: list[WorkQueue] = [self.own_queue]
        self.wake: Any = None  # the event an idle person waits on
        self.idle = False
        self.expecting = 0  # people in the building for an appointment with this person
        self.weeks = weeks
        self.task_minutes = [0.0] * (weeks + 1)
        self.extra_minutes = [0.0] * (weeks + 1)  # staying late to see people waiting
        self.overtime_minutes = [0.0] * (weeks + 1)  # overtime under a plan's overtime lever
        self.double_handling_minutes = [0.0] * (weeks + 1)  # re-keying, redoing, lost work
        self.login_wait_minutes = [0.0] * (weeks + 1)  # waiting for a free login session
        self.helper = False  # mutual aid from outside the office: holds no cases
        self.at_home = False  # working at home today (an office capacity cap)
        self.home_kit = True  # at home: able to log in
        self.kit_draw = 1.0  # under an office cap: has kit at home when below the kit share
        # work held for this person's next day in the office (at home without kit): (item, token)
        self.set_aside: list[tuple[WorkItem, int]] = []
        self.current: WorkItem | None = None  # the item being worked on
        self.process: Any = None  # this person's SimPy process
        self.day_end: float | None = None  # end of the contracted day while at work that day
        # minutes granted past ``day_end``: paid overtime, and the unpaid stay (None: not yet)
        self.paid_stay: float | None = None
        self.unpaid_stay: float | None = None
        self.breaking_off = False  # an interrupt of the work in hand is on its way
        self.began = 0.0  # when the work in hand was begun (or resumed)
        # overtime paid for time the person would have worked unpaid anyway (not capacity)
        self.overtime_for_unpaid_minutes = [0.0] * (weeks + 1)

    def present_on(self, day: int) -> bool:
        return day in self.shift_on

    # ``staff.record(per_week, at, minutes)``: time spent, added to the weeks it falls in
    record = staticmethod(add_by_week)
