"""A member of staff at work: the SimPy process that takes work and does it.

On each shift a person repeatedly takes the next item by the priority rule (see
:mod:`sim.model.work`) from the queues open to them, asks the office whether it can be done
(systems, login caps, the plan's levers), and works on it for its duration. With nothing to do
they wait until work arrives or their working day ends. Work started before the day ends is
always finished, and a practitioner with people in the building for an appointment stays to see
them (for at most ``AFTER_HOURS_LIMIT``). A practitioner with overdue work of their own at the
end of the day stays to clear it, unpaid, for at most ``UNPAID_LATE_LIMIT``
(:meth:`~sim.model.office.OfficeModel.stays_late_until`). Time past the end of the contracted
day is recorded as extra hours worked (unpaid), or overtime under the plan's overtime lever.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.domain.calendar import HOUR
from sim.model.fallback import risk_check_limit, work_without_systems
from sim.model.protocol import Office
from sim.model.staff import Staff
from sim.model.systems import Access
from sim.model.work import WorkItem

# Assumption (range 0.5-3 h): the longest anyone stays after their day to see people waiting.
AFTER_HOURS_LIMIT = 2 * HOUR
# Work that only exists because of an outage: its hours are double handling.
DOUBLE_HANDLING_TASKS = frozenset({"paper_rekeying", "record_reconstruction"})


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
        overtime_until = None  # granted once, when the day ends (the plan's overtime lever)
        unpaid_until = day_end  # staying late, unpaid, to clear one's own overdue work
        env.timeout(day_end - env.now).callbacks.append(lambda _e: office.wake_up(staff))
        waiting_late = False
        while True:
            if env.now < day_end:
                item = take(staff)
            else:
                if overtime_until is None:
                    overtime_until = office.overtime_granted(staff, day_end)
                    staff.overtime_until = overtime_until
                    unpaid_until = office.stays_late_until(staff, day_end)
                if env.now < overtime_until or (
                    env.now < unpaid_until and office.has_overdue(staff, day_end)
                ):
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
                office.go_idle(staff)
                yield staff.wake
                continue
            if office.disrupted:
                duration = office.plan_work(item, staff)
                if duration is None:  # parked until its systems are back
                    continue
                ticket = office.logins.ticket(staff)
                if ticket is not None:  # no free login session: wait in turn
                    waited_from = env.now
                    limit = risk_check_limit(office, item)
                    if limit is None:
                        yield ticket
                    else:  # a risk check waits no longer than its limit (sim.model.fallback)
                        yield ticket | env.timeout(max(limit - env.now, 0.0))
                    office.logins.waited(staff, env.now - waited_from)
                    staff.record(staff.login_wait_minutes, waited_from, env.now - waited_from)
                    if not ticket.triggered:
                        office.logins.give_up(staff, ticket)
                        duration = work_without_systems(office, item, staff, Access(item.systems))
                        if duration is None:
                            continue
            else:
                duration = item.duration
            item.started = env.now
            item.staff = staff.id
            staff.current = item
            try:
                yield env.timeout(duration)
            except simpy.Interrupt:  # a system this work needs has failed (sim.model.fallback)
                staff.current = None
                staff.record(staff.double_handling_minutes, item.started, env.now - item.started)
                staff.record(staff.task_minutes, item.started, env.now - item.started)
                item.started = None
                item.staff = None
                office.counts["work_interrupted_by_failures"] += 1
                office.release(item)
                continue
            staff.current = None
            item.finished = env.now
            record_task(staff, item, duration)
            if item.on_done is not None:
                item.on_done(office, item)
        office.logins.log_out(staff)
        record_late(staff, day_end, overtime_until or day_end, env.now)
        staff.day_end = staff.overtime_until = None


def record_task(staff: Staff, item: WorkItem, minutes: float) -> None:
    """``minutes`` of work on ``item`` since it started, in task hours (and double handling)."""
    assert item.started is not None
    staff.record(staff.task_minutes, item.started, minutes)
    if item.task in DOUBLE_HANDLING_TASKS:
        staff.record(staff.double_handling_minutes, item.started, minutes)


def record_late(staff: Staff, day_end: float, overtime_until: float, now: float) -> None:
    """Time worked from the end of the contracted day until ``now``: overtime up to
    ``overtime_until``, extra (unpaid) hours beyond it."""
    if now > day_end:
        late = now - day_end
        overtime = min(late, overtime_until - day_end)
        staff.record(staff.overtime_minutes, day_end, overtime)
        staff.record(staff.extra_minutes, day_end, late - overtime)


def hours_under_way(office: Office, staff: Staff) -> None:
    """When the run stops, the time ``staff`` has spent so far on the work in hand and past the
    end of their day, which their process would only have recorded on finishing it: counted,
    split at midnight like all hours, so no hour worked before the end of the run is lost."""
    now = office.env.now
    item = staff.current
    if item is not None and item.started is not None:
        record_task(staff, item, now - item.started)
    if staff.day_end is not None:
        overtime_until = staff.overtime_until
        if overtime_until is None:  # still on work started before the day ended
            overtime_until = office.overtime_granted(staff, staff.day_end)
        record_late(staff, staff.day_end, overtime_until, now)
