"""Handing work to staff: who takes what next, and waking people who are waiting for work.

The priority rule lives here: a member of staff takes, from the queues open to them, the ready
item with the lowest ``(priority, due, creation order)`` (see :mod:`sim.model.work`). Idle staff
wait
on an event; putting work in a queue wakes the longest-waiting idle person who serves it.
"""

from __future__ import annotations

from typing import Any

from sim.model.staff import Staff
from sim.model.systems import SystemsLayer
from sim.model.work import WorkItem, WorkQueue


class Dispatcher:
    """The clock, the systems layer and the hand-over of work between queues and staff.

    On its own (the degenerate configuration checked against queueing theory) nothing is
    disrupted and nobody works overtime; the office model refines both."""

    disrupted = False
    logins: Any = None  # no login caps

    def __init__(self, env: Any, systems: SystemsLayer):
        self.env = env
        self.systems = systems

    def overtime_granted(self, staff: Staff, day_end: float) -> float:
        """Minutes of overtime ``staff`` may work after ``day_end``: here, none."""
        return 0.0

    def unpaid_stay(self, staff: Staff, day_end: float) -> float:
        """Minutes ``staff`` stays after ``day_end`` unpaid: here, none."""
        return 0.0

    def has_work_to_clear(self, staff: Staff, day_end: float) -> bool:
        return False

    def dispatch(self, item: WorkItem, queue: WorkQueue) -> None:
        """Put a ready item in ``queue`` and wake someone who can take it."""
        queue.put(item)
        if queue.idle:
            self.wake_up(next(iter(queue.idle)))

    def take(self, staff: Staff) -> WorkItem | None:
        """The next item for ``staff`` by the priority rule, or None."""
        best = None
        best_entry = None
        for queue in staff.queues:
            entry = queue.head_entry()
            if entry is not None and (best_entry is None or entry < best_entry):
                best, best_entry = queue, entry
        return best.pop() if best is not None else None

    def take_after_hours(self, staff: Staff, day_end: float) -> WorkItem | None:
        """After hours: only appointment steps for people who arrived before ``day_end``."""
        for queue in staff.queues:
            item = queue.pop_first_arrived(day_end)
            if item is not None:
                return item
        return None

    def go_idle(self, staff: Staff) -> None:
        staff.idle = True
        staff.wake = self.env.event()
        for queue in staff.queues:
            queue.idle[staff] = None

    def wake_up(self, staff: Staff) -> None:
        if staff.idle:
            staff.idle = False
            for queue in staff.queues:
                queue.idle.pop(staff, None)
            staff.wake.succeed()
