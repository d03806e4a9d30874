"""A member of staff at work: the SimPy process that takes work and does it.

On each shift a person repeatedly takes the next item by the priority rule (see
:mod:`sim.model.work`) from the queues open to them, asks the systems layer whether it can be done,
and works on it for its duration. With nothing to do they wait until work arrives or their
working day ends. Work started before the day ends is always finished, and a practitioner with
people in the building for an appointment stays to see them (for at most ``AFTER_HOURS_LIMIT``);
time past the end of the contracted day is recorded as extra hours worked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.domain.calendar import HOUR, WEEK
from sim.model.roster import Person
from sim.model.work import WorkQueue

if TYPE_CHECKING:
    from sim.model.office import OfficeModel

# Assumption (range 0.5-3 h): the longest anyone stays after their day to see people waiting.
AFTER_HOURS_LIMIT = 2 * HOUR
# Work that only exists because of an outage: its hours are double handling.
DOUBLE_HANDLING_TASKS = frozenset({"paper_rekeying", "record_reconstruction"})


class Staff:
    """One person in post: their rosters, queues and the time they spend on each week."""

    __slots__ = (
        "id", "role", "organisation", "contracted_hours", "part_time", "shifts", "shift_on",
        "own_queue", "queues", "wake", "idle", "task_minutes", "extra_minutes", "weeks",
        "expecting", "current", "process", "double_handling_minutes", "overtime_minutes",
        "session", "login_ticket", "login_wait_minutes", "at_home", "home_kit", "set_aside",
        "helper",

    )

    def __init__(self, person: Person, weeks: int):
        self.id = person.staff_id
        self.role = person.role
        self.organisation = person.organisation
        self.contracted_hours = person.contracted_hours
        self.part_time = person.part_time
        self.shifts = person.shifts
        self.shift_on = {s.day: s for s in person.shifts}  # day -> Shift, for days at work
        self.own_queue = WorkQueue(f"staff:{self.id}")
        self.queues: list[WorkQueue] = [self.own_queue]
        self.wake = None
        self.idle = False
        self.expecting = 0  # people in the building for an appointment with this person
        self.weeks = weeks
        self.task_minutes = [0.0] * (weeks + 1)
        self.extra_minutes = [0.0] * (weeks + 1)  # staying late to see people waiting
        self.overtime_minutes = [0.0] * (weeks + 1)  # overtime under a plan's overtime lever
        self.double_handling_minutes = [0.0] * (weeks + 1)  # re-keying, redoing, lost work
        self.login_wait_minutes = [0.0] * (weeks + 1)  # waiting for a free login session
        self.session = None  # the capped login window whose session this person holds
        self.login_ticket = None  # an event to wait for before a session is theirs
        self.helper = False  # mutual aid from outside the office: holds no cases
        self.at_home = False  # working at home today (an office capacity cap)
        self.home_kit = True  # at home: able to log in
        self.set_aside: list = []  # work waiting for this person to be able to log in
        self.current = None  # the item being worked on
        self.process = None  # this person's SimPy process

    def present_on(self, day: int) -> bool:
        return day in self.shift_on

    def work(self, office: OfficeModel):
        """The SimPy process: shift after shift, take work and do it."""
        env = office.env
        take = office.take_as_helper if self.helper else office.take
        for shift in self.shifts:
            if env.now < shift.work_start:
                yield env.timeout(shift.work_start - env.now)
            day_end = shift.end
            leave_by = day_end + AFTER_HOURS_LIMIT
            overtime_until = None  # granted once, when the day ends (the plan's overtime lever)
            env.timeout(day_end - env.now).callbacks.append(lambda _e: office.wake_up(self))
            waiting_late = False
            while True:
                if env.now < day_end:
                    item = take(self)
                else:
                    if overtime_until is None:
                        overtime_until = office.overtime_granted(self, day_end)
                    if env.now < overtime_until:
                        item = take(self) or office.take_after_hours(self, day_end)
                    elif env.now < leave_by:  # after hours: people already in the building only
                        item = office.take_after_hours(self, day_end)
                    else:
                        break
                if item is None:
                    if env.now >= day_end:
                        if not self.expecting:
                            break
                        if not waiting_late:
                            waiting_late = True
                            env.timeout(leave_by - env.now).callbacks.append(
                                lambda _e: office.wake_up(self))
                    office.go_idle(self)
                    yield self.wake
                    continue
                if office.disrupted:
                    duration = office.plan_work(item, self)
                    if duration is None:  # parked until its systems are back
                        continue
                    if self.login_ticket is not None:  # no free session: wait in turn
                        waited_from = env.now
                        yield self.login_ticket
                        self.login_ticket = None
                        self.session.wait_minutes += env.now - waited_from
                        self._record(self.login_wait_minutes, waited_from, env.now - waited_from)
                else:
                    duration = item.duration
                item.started = env.now
                item.staff = self.id
                self.current = item
                try:
                    yield env.timeout(duration)
                except simpy.Interrupt:  # a system this work needs has failed (see sim.model.fallback)
                    self.current = None
                    self._record(self.double_handling_minutes, item.started, env.now - item.started)
                    self._record(self.task_minutes, item.started, env.now - item.started)
                    item.started = None
                    item.staff = None
                    office.counts["work_interrupted_by_failures"] += 1
                    office.release(item)
                    continue
                self.current = None
                item.finished = env.now
                self._record(self.task_minutes, item.started, duration)
                if item.task in DOUBLE_HANDLING_TASKS:
                    self._record(self.double_handling_minutes, item.started, duration)
                if item.on_done is not None:
                    item.on_done(office, item)
            self.log_out()
            if env.now > day_end:
                late = env.now - day_end
                overtime = min(late, (overtime_until or day_end) - day_end)
                self._record(self.overtime_minutes, day_end, overtime)
                self._record(self.extra_minutes, day_end, late - overtime)

    def log_out(self) -> None:
        """Leave any capped login session (at the end of the day)."""
        if self.session is not None:
            self.session.log_out(self)
            self.session = None

    def _record(self, per_week: list[float], at: float, minutes: float) -> None:
        week = int(at // WEEK)
        if week <= self.weeks:
            per_week[week] += minutes
