"""Staying late: the unpaid stay to clear one's own overdue work, and paid overtime beyond it.

At the end of the contracted day:

* a practitioner of the office with overdue work in their own queue stays to clear it, unpaid,
  for at most ``UNPAID_LATE_LIMIT``, while any remains (as staff absorb backlogs in unpaid
  hours, union bulletins); nobody else does;
* under the plan's overtime lever, staff of its roles stay on for a day's share of the weekly
  cap more, while there is overdue work in any queue they serve (their own cases, the team
  queues of their role, their role's duty queue): paid hours of work beyond what they would
  have given anyway.

How the time is then counted (paid first, unpaid beyond, and the paid hours that would have
been unpaid anyway) is :func:`sim.model.working_day.record_late`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.domain.calendar import HOUR, WEEK
from sim.model.protocol import Office
from sim.model.staff import Staff
from sim.model.work import WorkQueue
from sim.scenario.schema import PRACTITIONER_ROLES

# Assumption (range 0.5-2 h): the longest a practitioner stays, unpaid, to clear overdue work.
UNPAID_LATE_LIMIT = 1 * HOUR


def has_overdue(staff: Staff, t: float, queues: Iterable[WorkQueue] = ()) -> bool:
    """Whether ``staff``'s own queue (or ``queues``) holds work past its deadline at ``t``."""
    return any(
        it.due < t and it.cancelled is None
        for queue in (queues or (staff.own_queue,))
        for it in queue.items()
    )


def unpaid_stay(office: Office, staff: Staff, day_end: float) -> float:
    """Minutes ``staff`` stays after ``day_end``, unpaid, to clear overdue work of their own
    (0: none)."""
    if staff.helper or staff.role not in PRACTITIONER_ROLES:
        return 0.0
    return UNPAID_LATE_LIMIT if has_overdue(staff, day_end) else 0.0


def has_work_to_clear(staff: Staff, day_end: float) -> bool:
    """Whether ``staff``, staying late, still has overdue work to clear: in their own queue,
    or, on overtime, in any queue they serve."""
    if staff.paid_stay and has_overdue(staff, day_end, staff.queues):
        return True
    return bool(staff.unpaid_stay) and has_overdue(staff, day_end)


def overtime_granted(office: Office, staff: Staff, day_end: float) -> float:
    """Minutes of paid overtime ``staff`` may work after ``day_end``, beyond any unpaid stay
    (0: none): a day's share of the plan's weekly cap, while the week's cap lasts and there is
    overdue work in a queue they serve."""
    overtime = office.levers().overtime
    if overtime is None or staff.role not in overtime.roles:
        return 0.0
    if not has_overdue(staff, day_end, staff.queues):
        return 0.0
    week = int(day_end // WEEK)
    per_week = overtime.hours_per_week * HOUR
    used = staff.overtime_minutes[week] if week <= staff.weeks else per_week
    days = max(len({s.day % 7 for s in staff.shifts}), 1)
    return max(0.0, min(per_week / days, per_week - used))
