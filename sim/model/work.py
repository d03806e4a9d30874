"""Work items and the queues staff take them from.

A :class:`WorkItem` is one piece of work for one task type: created at a moment, due at a
deadline, ready to start at ``ready`` (an appointment is not ready before its booked time), done
by one member of staff. Every item ever created is in the office's ledger, so at the end of a run
each one is exactly one of: done, done late, pending or cancelled (the conservation law the tests
check).

The priority rule: a member of staff always takes, from the queues open to them (their own
cases' queue and the team queues of their role), the ready item with the lowest
``(priority, due, creation order)``: the task's priority class first, then earliest deadline,
then first come first served.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sim.model.caseload import Case

STATUSES = ("done", "done_late", "pending", "cancelled")
# of an appointment (rebooked: the person left unseen after the longest wait; booked again)
OUTCOMES = ("booked", "held", "failed_to_attend", "deferred", "rebooked")
# How an item was done when it was not done the usual way (None: the usual way):
#   paper          on paper under the paper fallback, to be re-keyed
#   manual         reception check-in worked out by phone, without the case system
#   phone          a message sent by the alternative channel instead of email
#   print          a risk check done from the printed risk register
#   colleague      a risk check done through a colleague who holds a login session
#   no_information a risk check that could not be done: nothing to check against
#   lost           a message lost in an email failure (resent once noticed)
#   held           a message held in an email failure, not arrived when confirmed by phone
#                  (chased by phone)
#   redo           a re-keyed paper record that had to be re-keyed again
How = Literal[
    "paper", "manual", "phone", "print", "colleague", "no_information", "lost", "held", "redo"
]
Outcome = Literal["booked", "held", "failed_to_attend", "deferred", "rebooked"]


class Appointment:
    """One supervision appointment and its journey's record (see :mod:`sim.model.supervision`):
    the contact item's id in the ledger (an id, not the item, so that the two do not refer to
    each other), which number of the case's contacts it is (its attendance draw), whether it is
    the case's first, who sees the person, and how it went."""

    __slots__ = (
        "contact_id",
        "booked",
        "number",
        "first",
        "seen_by",
        "outcome",
        "risk_checked",
        "from_print",
        "by_phone",
        "gave_up",
        "check_in_id",
        "check_id",
        "checked_in",
        "check_settled",
    )

    def __init__(self, number: int, first: bool):
        self.contact_id = -1
        self.booked = -1.0  # the booked start (minute), once booked
        self.check_in_id = -1  # the reception check-in's item, once the person has arrived
        self.check_id = -1  # the pre-contact risk check's item, once it is prepared
        self.checked_in = False  # through reception (or seen by phone: no check-in)
        self.check_settled = False  # the risk check is done, or given up under its rule
        self.number = number
        self.first = first
        self.seen_by: Any = None  # the Staff who sees the person (the holder or a colleague)
        self.outcome: Outcome = "booked"
        self.risk_checked = False  # the contact had the current risk information
        self.from_print = False  # ... from the printed risk register
        self.by_phone = False  # held by phone (the practitioner working at home)
        self.gave_up = False  # no risk information within the maximum wait: go ahead without


class WorkItem:
    """One piece of work: a task for a case, with its times, who did it and how."""

    __slots__ = (
        "id",
        "task",
        "case",
        "created",
        "due",
        "priority",
        "systems",
        "duration",
        "started",
        "finished",
        "cancelled",
        "staff",
        "on_done",
        "arrived",
        "appointment",
        "how",
        "delivered",
        "follows",
        "worked",
        "left",
    )

    def __init__(
        self,
        id: int,
        task: str,
        case: Case | None,
        created: float,
        due: float,
        priority: int,
        systems: tuple[str, ...],
        duration: float,
        on_done: Callable[[Any, WorkItem], None] | None = None,
        appointment: Appointment | None = None,
        follows: WorkItem | None = None,
    ):
        self.id = id
        self.task = task
        self.case = case
        self.created = created
        self.due = due
        self.priority = priority
        self.systems = systems
        self.duration = duration
        self.on_done = on_done
        self.started: float | None = None
        self.finished: float | None = None
        self.cancelled: float | None = None
        self.staff: int | None = None
        self.arrived: float | None = None  # appointment steps: when the person arrived
        self.appointment = appointment  # the appointment a contact or its step belongs to
        self.how: How | None = None
        self.delivered: float | None = None  # messages: when the recipient has it
        self.follows = follows  # the item this one follows up: a paper record, a lost message
        self.worked = 0.0  # minutes worked on it so far (a broken-off item resumes later)
        self.left = 1.0  # the share of its work still to do (less once broken off)

    def status(self) -> str:
        if self.cancelled is not None:
            return "cancelled"
        if self.finished is None:
            return "pending"
        return "done_late" if self.finished > self.due else "done"

    def __repr__(self) -> str:
        return f"WorkItem({self.id}, {self.task}, due={self.due:.0f}, {self.status()})"


def appointment_of(item: WorkItem) -> Appointment:
    """The appointment a supervision contact, or one of its steps, belongs to."""
    if item.appointment is None:
        raise ValueError(f"{item} is not part of an appointment")
    return item.appointment


def case_of(item: WorkItem) -> Case:
    """The case ``item`` is for (every item of an office's work has one)."""
    if item.case is None:
        raise ValueError(f"{item} is for no case")
    return item.case


class WorkQueue:
    """A priority queue of ready work items (see the module's priority rule)."""

    __slots__ = ("name", "_heap", "idle")

    def __init__(self, name: str):
        self.name = name
        self._heap: list[tuple[int, float, int, WorkItem]] = []
        # staff who serve this queue and are waiting for work (in the order they began to)
        self.idle: dict = {}

    def put(self, item: WorkItem) -> None:
        heapq.heappush(self._heap, (item.priority, item.due, item.id, item))

    def head_entry(self) -> tuple[int, float, int, WorkItem] | None:
        """The next live ``(priority, due, id, item)`` entry, dropping cancelled ones from the
        top. Entries compare by the priority rule (ids are unique, so items are never compared)."""
        heap = self._heap
        while heap and heap[0][3].cancelled is not None:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def remove_at(self, i: int) -> WorkItem:
        """Remove and return the item at heap position ``i``."""
        heap = self._heap
        entry = heap[i]
        heap[i] = heap[-1]
        heap.pop()
        heapq.heapify(heap)
        return entry[3]

    def first_where(self, wanted) -> tuple[tuple, int] | None:
        """The first live entry, by the priority rule, whose item satisfies ``wanted``, and its
        heap position (a linear search: for the rare cases that cannot use the heap's order)."""
        best = None
        for i, entry in enumerate(self._heap):
            item = entry[3]
            if item.cancelled is None and wanted(item) and (best is None or entry < best[0]):
                best = (entry, i)
        return best

    def pop_first_arrived(self, before: float) -> WorkItem | None:
        """Remove and return the first item for a person who arrived before ``before``."""
        found = self.first_where(lambda it: it.arrived is not None and it.arrived < before)
        return None if found is None else self.remove_at(found[1])

    def pop(self) -> WorkItem:
        return heapq.heappop(self._heap)[3]

    def __len__(self) -> int:
        return len(self._heap)

    def items(self) -> list[WorkItem]:
        return [entry[3] for entry in self._heap]
