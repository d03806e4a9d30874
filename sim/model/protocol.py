"""What the model's rules and processes need from the office: the :class:`Office` protocol.

The flows (supervision, intake, case events), the rules (fallback, logins, the office cap, lost
messages and records) and the working day of each member of staff are written against this
protocol, not against :class:`sim.model.office.OfficeModel`, which implements it. So none of
them imports the office, and the office imports them without a cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from sim.domain.calendar import Calendar
from sim.model.caseload import Allocator, Case
from sim.model.logins import LoginCaps
from sim.model.random_streams import Streams
from sim.model.staff import Staff
from sim.model.systems import SystemsLayer
from sim.model.work import Appointment, WorkItem, WorkQueue
from sim.scenario.plans import Levers
from sim.scenario.schema import Scenario


class Office(Protocol):
    """One run's office as its rules and processes see it."""

    # the clock, the calendar, the scenario and the random streams
    env: Any  # simpy.Environment
    calendar: Calendar
    scenario: Scenario
    streams: Streams
    horizon_days: int
    weeks: int
    # the people and the cases
    staff: list[Staff]
    headcount: int
    by_role: dict[str, list[Staff]]
    allocator: Allocator
    team_posts: list[int]
    cases: list[Case]
    active_cases: list[Case]
    next_case_id: int
    # the diary: day -> cases with a contact, a review or an order end that day
    contact_buckets: dict[int, list[Case]]
    review_buckets: dict[int, list[Case]]
    end_buckets: dict[int, list[Case]]
    appointments_booked: dict[tuple[int, int], int]
    cover_turn: dict[str, int]
    # the systems, the capped logins, and what the run counts
    systems: SystemsLayer
    logins: LoginCaps
    disrupted: bool
    counts: Counter[str]
    items: list[WorkItem]
    email_draw: Callable[[], float]
    rekey_error_draw: Callable[[], float]

    def levers(self) -> Levers: ...

    def at(self, t: float, callback: Callable[[], object]) -> None: ...

    def new_item(
        self,
        task: str,
        case: Case | None,
        *,
        due: float | None = None,
        on_done: Callable[[Any, WorkItem], None] | None = None,
        appointment: Appointment | None = None,
        follows: WorkItem | None = None,
        cancellable: bool = False,
    ) -> WorkItem: ...

    def add_work(self, task: str, case: Case | None, **kwargs: Any) -> WorkItem: ...

    def release(self, item: WorkItem, queue: WorkQueue | None = None) -> None: ...

    def hold(self, item: WorkItem, queue: WorkQueue | None = None) -> int: ...

    def resume(self, item: WorkItem, token: int | None = None) -> None: ...

    def due_after(self, task: str, t: float) -> float: ...

    def add_case(self, case: Case) -> None: ...

    def end_case(self, case: Case, reason: str) -> None: ...

    def last_print(self, refresh_days: float, now: float) -> float | None: ...

    def information_back_at(self, missing: tuple[str, ...], now: float) -> float: ...

    def risk_information_available(self, case: Case, staff: Staff) -> bool: ...

    # handing out work (sim.model.dispatch) and the working day (sim.model.working_day)
    def take(self, staff: Staff) -> WorkItem | None: ...

    def take_as_helper(self, staff: Staff) -> WorkItem | None: ...

    def take_after_hours(self, staff: Staff, day_end: float) -> WorkItem | None: ...

    def go_idle(self, staff: Staff) -> None: ...

    def wake_up(self, staff: Staff) -> None: ...

    def overtime_granted(self, staff: Staff, day_end: float) -> float: ...

    def unpaid_stay(self, staff: Staff, day_end: float) -> float: ...

    def has_work_to_clear(self, staff: Staff, day_end: float) -> bool: ...

    def plan_work(self, item: WorkItem, staff: Staff) -> float | None: ...
