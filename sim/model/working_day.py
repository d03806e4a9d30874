"""A member of staff at work: the SimPy process that takes work and does it.

On each shift a person repeatedly takes the next item by the priority rule (see
:mod:`sim.model.work`) from the queues open to them, asks the office whether it can be done
(systems, login caps, the plan's levers), and works on it for its duration. With nothing to do
they wait until work arrives or their working day ends; time idle with work set aside for a
login session is **login wait**. A practitioner breaks off desk work when a person arrives for
them (the work resumes later where it stopped), so appointments start on time. Work started
before the day ends is always finished, and a practitioner with people in the building for an
appointment stays to see them (for at most ``AFTER_HOURS_LIMIT``).

**Staying late.** A practitioner with overdue work of their own at the end of the day stays to
clear it, unpaid, for at most ``UNPAID_LATE_LIMIT``
(:meth:`~sim.model.office.OfficeModel.unpaid_stay`). The plan's overtime lever adds paid hours
beyond that (:meth:`~sim.model.office.OfficeModel.overtime_granted`): staff of its roles stay
on, while there is overdue work in any queue they serve, for up to the day's share of the weekly
cap more. The time past the end of the contracted day is paid first (up to the overtime granted)
and unpaid beyond it; the paid hours the person would have worked unpaid anyway are counted
apart (``overtime_for_unpaid_minutes``): good for staff, not added capacity.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.domain.calendar import HOUR
from sim.domain.floors import MIN_WORK_MINUTES
from sim.model.protocol import Office
from sim.model.staff import Staff
from sim.model.work import WorkItem

# Assumption (range 0.5-3 h): the longest anyone stays after their day to see people waiting.
AFTER_HOURS_LIMIT = 2 * HOUR
# Work that only exists because of an outage: its hours are double handling, as are those of
# any item that follows another up (a resent message, a re-keyed record, a redone form).
DOUBLE_HANDLING_TASKS = frozenset({"paper_rekeying", "record_reconstruction"})
APPOINTMENT = "appointment"  # the cause of breaking off desk work: a person has arrived


def working_days(office: Office, staff: Staff) -> Generator[Any, Any, None]:
    """The SimPy process of ``staff``: shift after shift, take work and do it."""
    env = office.env
    take = office.take_as_helper if staff.helper else office.take
    for shift in staff.shifts:
        if env.now >= shift.end:
            continue  # the work in hand ran through this whole shift
        if env.now < shift.work_start:
            yield env.timeout(shift.work_start - env.now)
        day_end = shift.end
        staff.day_end = day_end
        leave_by = day_end + AFTER_HOURS_LIMIT
        stay_until = None  # set when the day ends: unpaid stay, then any overtime granted
        # (a shift of almost no length can end a rounding error before its work starts)
        env.timeout(max(day_end - env.now, 0.0)).callbacks.append(lambda _e: office.wake_up(staff))
        waiting_late = False
        while True:
            if env.now < day_end:
                item = take(staff)
            else:
                if stay_until is None:
                    paid = staff.paid_stay = office.overtime_granted(staff, day_end)
                    unpaid = staff.unpaid_stay = office.unpaid_stay(staff, day_end)
                    stay_until = day_end + unpaid + paid
                if env.now < stay_until and office.has_work_to_clear(staff, day_end):
                    item = take(staff) or office.take_after_hours(staff, day_end)
                elif env.now < leave_by:  # after hours: people already in the building only
                    item = office.take_after_hours(staff, day_end)
                else:
                    break
            if item is None:
                if env.now >= day_end:
                    if not staff.expecting:
                        break
                    if not waiting_late:
                        waiting_late = True
                        env.timeout(max(leave_by - env.now, 0.0)).callbacks.append(
                            lambda _e: office.wake_up(staff)
                        )
                yield from _idle(office, staff)
                continue
            if office.disrupted:
                duration = office.plan_work(item, staff)
                if duration is None:  # held back: parked, or set aside for a login
                    continue
            else:
                duration = item.duration
            # what is left of work broken off before; any work takes at least a second, so the
            # clock moves on (sim.domain.floors); a step with no work in it (a risk check gone
            # ahead without its information) takes none
            duration *= item.left
            if 0.0 < duration < MIN_WORK_MINUTES:
                duration = MIN_WORK_MINUTES
            if item.started is None:  # (work broken off and resumed keeps its first start)
                item.started = env.now
            item.staff = staff.id
            staff.current = item
            staff.began = env.now
            try:
                yield env.timeout(duration)
            except simpy.Interrupt as stop:
                _stopped(office, staff, item, duration, stop.cause)
                continue
            staff.current = None
            item.finished = env.now
            _worked(office, staff, item, staff.began, duration)
            if item.on_done is not None:
                item.on_done(office, item)
        office.logins.log_out(staff, office)
        record_late(staff, day_end, env.now)
        staff.day_end = None
        staff.paid_stay = staff.unpaid_stay = None


def _idle(office: Office, staff: Staff) -> Generator[Any, Any, None]:
    """Wait for work; time spent so with work set aside for a login is login wait."""
    window = office.logins.waiting_window(staff) if office.logins else None
    since = office.env.now
    office.go_idle(staff)
    yield staff.wake
    if window is not None:
        waited = office.env.now - since
        office.logins.waited(staff, window, waited)
        staff.record(staff.login_wait_minutes, since, waited)


def _stopped(office: Office, staff: Staff, item: WorkItem, duration: float, cause: Any) -> None:
    """``item`` was stopped part way. Broken off for a person who has arrived: the time spent
    counts as work done and the rest waits in its queue. Stopped by a failed system (the one
    rule for work in progress, :mod:`sim.model.fallback`): the time spent is lost, counted as
    double handling, and the whole item returns to its queue."""
    began = staff.began
    spent = office.env.now - began
    staff.current = None
    staff.breaking_off = False
    if cause == APPOINTMENT:
        _worked(office, staff, item, began, spent)
        item.left *= max(1.0 - spent / duration, 0.0) if duration > 0 else 0.0
        office.counts["work_broken_off_for_appointments"] += 1
    else:
        staff.record(staff.double_handling_minutes, began, spent)
        staff.record(staff.task_minutes, began, spent)
        office.counts["work_interrupted_by_failures"] += 1
        if not item.worked:  # nothing of it was kept: it starts again from nothing
            item.started = None
        item.staff = None
    # broken off: back to the person's own queue, to resume it; stopped: back to its queue
    office.release(item, staff.own_queue if cause == APPOINTMENT else None)


def break_off_for_appointment(staff: Staff) -> None:
    """A person is ready to be seen by ``staff`` (or due soon, for the risk check): desk work in
    hand (not a step of an appointment, not work done another way such as on paper) is broken
    off at once."""
    item = staff.current
    if (
        item is not None
        and item.appointment is None
        and item.how is None
        and not staff.breaking_off
    ):
        staff.breaking_off = True
        staff.process.interrupt(APPOINTMENT)


def _worked(office: Office, staff: Staff, item: WorkItem, began: float, minutes: float) -> None:
    """``minutes`` of work on ``item`` from ``began``: the item's and the person's."""
    item.worked += minutes
    record_task(staff, item, began, minutes)
    if office.logins:
        office.logins.task_done(staff, began, minutes)


def record_task(staff: Staff, item: WorkItem, began: float, minutes: float) -> None:
    """``minutes`` of work on ``item`` from ``began``, in task hours (and double handling)."""
    staff.record(staff.task_minutes, began, minutes)
    if item.follows is not None or item.task in DOUBLE_HANDLING_TASKS:
        staff.record(staff.double_handling_minutes, began, minutes)


def record_late(staff: Staff, day_end: float, now: float) -> None:
    """Time worked from the end of the contracted day until ``now``: paid first, up to the
    overtime granted that day (``staff.paid_stay``), unpaid (extra hours) beyond it. Of the paid
    time, what the person would have worked unpaid anyway (staying up to ``staff.unpaid_stay``
    to clear their own overdue work) is counted in ``overtime_for_unpaid_minutes``."""
    if now > day_end:
        late = now - day_end
        paid = min(late, staff.paid_stay or 0.0)
        staff.record(staff.overtime_minutes, day_end, paid)
        staff.record(staff.extra_minutes, day_end + paid, late - paid)  # after the paid part
        in_place_of_unpaid = paid - max(late - (staff.unpaid_stay or 0.0), 0.0)
        if in_place_of_unpaid > 0:
            staff.record(staff.overtime_for_unpaid_minutes, day_end, in_place_of_unpaid)


def hours_under_way(office: Office, staff: Staff) -> None:
    """When the run stops, the time ``staff`` has spent so far on the work in hand and past the
    end of their day, which their process would only have recorded on finishing it: counted,
    split at midnight like all hours, so no hour worked before the end of the run is lost."""
    now = office.env.now
    item = staff.current
    if item is not None:
        _worked(office, staff, item, staff.began, now - staff.began)
    if staff.day_end is not None:
        if now > staff.day_end and staff.paid_stay is None:
            # still on work started before the day ended: what the day's end would have granted
            staff.paid_stay = office.overtime_granted(staff, staff.day_end)
            staff.unpaid_stay = office.unpaid_stay(staff, staff.day_end)
        record_late(staff, staff.day_end, now)
