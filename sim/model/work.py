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
from typing import Any

STATUSES = ("done", "done_late", "pending", "cancelled")


class WorkItem:
    """One piece of work: a task for a case, with its times and who did it."""

    __slots__ = (
        "id", "task", "case", "created", "due", "priority", "systems", "duration",
        "started", "finished", "cancelled", "staff", "on_done", "detail", "arrived",
    )

    def __init__(self, id: int, task: str, case: Any, created: float, due: float,
                 priority: int, systems: tuple[str, ...], duration: float,
                 on_done: Callable[[Any, WorkItem], None] | None = None, detail: dict | None = None):
        self.id = id
        self.task = task
        self.case = case
        self.created = created
        self.due = due
        self.priority = priority
        self.systems = systems
        self.duration = duration
        self.on_done = on_done
        self.detail = detail
        self.started: float | None = None
        self.finished: float | None = None
        self.cancelled: float | None = None
        self.staff: int | None = None
        self.arrived: float | None = None  # appointment steps: when the person arrived

    def status(self) -> str:
        if self.cancelled is not None:
            return "cancelled"
        if self.finished is None:
            return "pending"
        return "done_late" if self.finished > self.due else "done"

    def __repr__(self) -> str:
        return f"WorkItem({self.id}, {self.task}, due={self.due:.0f}, {self.status()})"


class WorkQueue:
    """A priority queue of ready work items (see the module's priority rule)."""

    __slots__ = ("name", "_heap", "idle")

    def __init__(self, name: str):
        self.name = name
        self._heap: list[tuple[int, float, int, WorkItem]] = []
        self.idle: dict = {}  # staff who serve this queue and are waiting for work (insertion order)

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
