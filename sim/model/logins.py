"""Capped concurrent logins: a pool of sessions for a system, with or without a rota.

During a ``login_cap`` window at most N people can be logged in to the system.

* **Without a rota** (first come, first served): a person who needs the system logs in when a
  session is free and stays logged in (seeing people, idle or not, as users of a case system
  do) until they leave for the day or the cap is lifted. With none free they wait, in turn, and
  the time spent waiting is lost (``login_wait`` hours); under a paper fallback, work it covers
  is written on paper instead of waiting.
* **With a rota** (the plan's ``login_rota`` lever): at the start of each slot (every
  ``slot_hours`` from the start of each working day, so slots fit the working day) the N
  sessions go to people at work: the rota's priority roles first (in order), then everyone
  else; within each, whoever has had the fewest slots that day, then the fewest in all. So no
  one at work gets a second slot in a day before everyone at work has had one (no role is
  starved while the sessions can go round). A holder keeps
  the session for the whole slot, used or not. Without a slot, work needing the system is set
  aside (or done on paper, under a paper fallback) until the person's next slot or the end of
  the cap; a risk check of a triage-protected RoSH level is done through a colleague who holds
  a session, at ``CHECK_VIA_COLLEAGUE_MINUTES`` more.

All of it is kept in one :class:`LoginCaps` object per run, whose one entry point,
:meth:`LoginCaps.admit`, says whether a person may do a piece of work now. Session hours are
counted either way, so the cap can be checked: they never exceed N times the window's length.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import pandas as pd

from sim.domain.calendar import DAY, Calendar
from sim.model.staff import Staff
from sim.model.work import WorkItem
from sim.scenario.plans import Levers, LoginRota, Plan
from sim.scenario.schema import Scenario

CHECK_VIA_COLLEAGUE_MINUTES = 10.0  # assumption (range 5-20): asking a colleague with a session


@dataclass(frozen=True)
class Admission:
    """Whether a piece of work may go ahead under the login caps: ``blocked`` names the capped
    system it cannot use now (None: it may go ahead), ``set_aside`` where it waits for the
    person's next slot (a rota), ``extra_minutes`` what asking a colleague adds."""

    blocked: str | None = None
    set_aside: Callable[[WorkItem], None] | None = None
    extra_minutes: float = 0.0


ADMITTED = Admission()


class Hooks(Protocol):
    """What the login caps ask of the office while the run goes: to call something at a
    minute, and to put work set aside back in its queue. Passed in, never kept, so the caps
    hold no reference to the office (a finished run is then freed without a cycle)."""

    def at(self, t: float, callback: Callable[[], object]) -> None: ...

    def release(self, item: WorkItem) -> None: ...


class LoginCapWindow:
    """One capped window of one system: its sessions, who waits for one, and the rota's slots."""

    def __init__(self, env: Any, system: str, start: float, end: float, sessions: int):
        self.env = env
        self.system = system
        self.start = start
        self.end = end
        self.sessions = sessions
        self.rota: LoginRota | None = None  # the plan's rota, decided when the window opens
        self.in_use = 0
        self.waiting: deque = deque()
        self.logged_in: dict[Staff, float] = {}  # first come, first served: since when
        self.holders: dict[int, float] = {}  # rota: staff id -> session held until
        self.slots_had: dict[int, int] = {}
        self.slots_on: dict[tuple[int, int], int] = {}  # rota: (staff id, day) -> slots that day
        self.deals: list[float] = []  # rota: the moments slots are dealt
        self.set_aside: dict[int, list[WorkItem]] = {}  # rota: staff id -> items for a slot
        self.session_minutes = 0.0
        self.wait_minutes = 0.0
        self.peak_in_use = 0  # most sessions held at once

    def active(self, now: float) -> bool:
        return self.start <= now < self.end

    def log_in(self, staff: Staff) -> Any:
        """Log ``staff`` in: None if a session was free, else an event that fires when one is
        handed over to them (they are logged in from then)."""
        if self.in_use < self.sessions:
            self.in_use += 1
            self.peak_in_use = max(self.peak_in_use, self.in_use)
            self.logged_in[staff] = self.env.now
            return None
        ticket = self.env.event()
        ticket.callbacks.append(lambda _e: self.logged_in.__setitem__(staff, self.env.now))
        self.waiting.append(ticket)
        return ticket

    def log_out(self, staff: Staff) -> None:
        since = self.logged_in.pop(staff, None)
        if since is None:
            return
        self.session_minutes += self.env.now - since
        if self.waiting and self.env.now < self.end:
            self.waiting.popleft().succeed()  # the session passes straight to the next in turn
        else:
            self.in_use = max(self.in_use - 1, 0)

    def next_deal(self, now: float) -> float | None:
        """The first slot start after ``now`` (None: none left in the window)."""
        i = bisect.bisect_right(self.deals, now)
        return self.deals[i] if i < len(self.deals) else None

    def has_slot(self, staff: Staff, now: float) -> bool:
        return self.holders.get(staff.id, -1.0) > now

    def set_aside_until_slot(self, staff: Staff, item: WorkItem) -> None:
        self.set_aside.setdefault(staff.id, []).append(item)


class LoginCaps:
    """Every effective login cap of a run and who holds, waits for or has a slot in each.

    Built with the office from the scenario; :meth:`schedule` puts the windows' opening, slots
    and closing on the clock; :meth:`admit` is asked before each piece of work, :meth:`ticket`
    gives the event a person must wait for before a session is theirs, and :meth:`log_out` ends
    their session at the end of their day. ``staff`` is the office's own list of people (mutual
    aid joins it)."""

    def __init__(
        self,
        env: Any,
        scenario: Scenario,
        plan: Plan,
        headcount: int,
        calendar: Calendar,
        staff: list[Staff],
    ):
        self.env = env
        self.plan = plan
        self.headcount = headcount
        self.calendar = calendar
        self.staff = staff
        self.windows = [
            LoginCapWindow(
                env, cap.system, cap.start_minute, cap.end_minute, cap.sessions_for(headcount)
            )
            for cap in scenario.outages.login_cap
            if cap.has_effect(headcount)
        ]
        self.session: dict[Staff, LoginCapWindow] = {}  # first come: the window held
        self.tickets: dict[Staff, Any] = {}  # first come: the event to wait for

    def __bool__(self) -> bool:
        return bool(self.windows)

    def levers(self) -> Levers:
        return self.plan.levers_at(self.env.now)

    def schedule(self, hooks: Hooks) -> None:
        """Put each window's opening and closing on the clock."""
        for window in self.windows:
            hooks.at(window.start, partial(self._open, window, hooks))
            hooks.at(window.end, partial(self._close, window, hooks))

    def admit(self, item: WorkItem, staff: Staff, needs: Collection[str], now: float) -> Admission:
        """Whether ``staff`` may do ``item`` (which needs the systems ``needs``) now."""
        for window in self._binding(needs, now):
            if window.rota is not None:
                if not window.has_slot(staff, now):
                    return self._without_a_slot(item, staff, window)
            elif self.session.get(staff) is not window:
                paper = self.levers().paper_fallback
                if window.in_use >= window.sessions and paper and item.task in paper.tasks:
                    return Admission(window.system)  # no session free: on paper, not waiting
                self.session[staff] = window
                ticket = window.log_in(staff)
                if ticket is not None:
                    self.tickets[staff] = ticket
        return ADMITTED

    def _binding(self, needs: Collection[str], now: float) -> list[LoginCapWindow]:
        """The caps in force now on the systems ``needs``: of two caps on one system at once,
        the tighter."""
        tightest: dict[str, LoginCapWindow] = {}
        for window in self.windows:
            if window.active(now) and window.system in needs:
                held = tightest.get(window.system)
                if held is None or window.sessions < held.sessions:
                    tightest[window.system] = window
        return list(tightest.values())

    def next_slot(self, systems: Collection[str], now: float) -> float | None:
        """The next moment a rota deals sessions of a capped system in ``systems`` (None: no
        rota in force on them)."""
        times = [
            t
            for w in self._binding(systems, now)
            if w.rota is not None and (t := w.next_deal(now)) is not None
        ]
        return min(times) if times else None

    def can_use(self, staff: Staff, needs: Collection[str], now: float) -> bool:
        """Whether ``staff`` could use the systems ``needs`` now under the caps (without
        taking a session): a rota slot, or a first-come session held or free."""
        for window in self._binding(needs, now):
            if window.rota is not None:
                if not window.has_slot(staff, now):
                    return False
            elif staff not in window.logged_in and window.in_use >= window.sessions:
                return False
        return True

    def give_up(self, staff: Staff, ticket: Any) -> None:
        """``staff`` stops waiting for a first-come session (the risk check's wait is over)."""
        window = self.session.pop(staff, None)
        if window is not None and ticket in window.waiting:
            window.waiting.remove(ticket)

    def ticket(self, staff: Staff) -> Any:
        """The event ``staff`` must wait for before their session is theirs (None: no wait)."""
        return self.tickets.pop(staff, None)

    def waited(self, staff: Staff, minutes: float) -> None:
        """``staff`` waited ``minutes`` for the session of the window they hold."""
        window = self.session.get(staff)
        if window is not None:
            window.wait_minutes += minutes

    def log_out(self, staff: Staff) -> None:
        """Leave any first-come session (at the end of the day)."""
        window = self.session.pop(staff, None)
        if window is not None:
            window.log_out(staff)

    def _without_a_slot(self, item: WorkItem, staff: Staff, window: LoginCapWindow) -> Admission:
        triage = self.levers().triage
        if (
            item.task == "risk_check"
            and triage is not None
            and item.case is not None
            and item.case.rosh_level in triage.protect_levels
        ):
            item.how = "colleague"
            return Admission(extra_minutes=CHECK_VIA_COLLEAGUE_MINUTES)
        return Admission(window.system, set_aside=lambda it: window.set_aside_until_slot(staff, it))

    def _open(self, window: LoginCapWindow, hooks: Hooks) -> None:
        window.rota = self.levers().login_rota
        if window.rota is None:
            return
        window.deals = self.slot_starts(window, window.rota.slot_hours * 60.0)
        for t in window.deals:
            hooks.at(t, lambda: self._deal_slots(window, hooks))

    def slot_starts(self, window: LoginCapWindow, slot: float) -> list[float]:
        """Slot starts aligned to the working day: on each working day of the window, every
        ``slot`` minutes from the start of the day to its end (a window opening mid-slot deals
        a first, shorter slot at once)."""
        starts = [window.start]
        first, last = self.calendar.day_of(window.start), self.calendar.day_of(window.end)
        for day in range(first, last + 1):
            if not self.calendar.is_working_day(day):
                continue
            t, day_end = self.calendar.day_start(day), (day + 1) * DAY
            while t < min(window.end, day_end):
                if t > window.start:
                    starts.append(t)
                t += slot
        return starts

    def _deal_slots(self, window: LoginCapWindow, hooks: Hooks) -> None:
        """Give out this slot's sessions (at each slot start within the window)."""
        rota = window.rota
        assert rota is not None
        now = window.env.now
        slot_end = min(now + rota.slot_hours * 60.0, window.end)
        day = self.calendar.day_of(now)
        order: dict[str, int] = {role: i for i, role in enumerate(rota.priority)}
        later = len(order)
        at_work = [
            s for s in self.staff if (sh := s.shift_on.get(day)) and sh.start <= now < sh.end
        ]
        at_work.sort(
            key=lambda s: (
                order.get(s.role, later),
                window.slots_on.get((s.id, day), 0),
                window.slots_had.get(s.id, 0),
                s.id,
            )
        )
        window.holders = {}
        window.peak_in_use = max(window.peak_in_use, min(len(at_work), window.sessions))
        for person in at_work[: window.sessions]:
            window.holders[person.id] = slot_end
            window.slots_had[person.id] = window.slots_had.get(person.id, 0) + 1
            window.slots_on[(person.id, day)] = window.slots_on.get((person.id, day), 0) + 1
            window.session_minutes += min(slot_end, person.shift_on[day].end) - now
            for item in window.set_aside.pop(person.id, []):
                hooks.release(item)

    def _close(self, window: LoginCapWindow, hooks: Hooks) -> None:
        """The cap is lifted: everyone waiting gets in, and set-aside work returns."""
        now = window.env.now
        for person, since in window.logged_in.items():
            window.session_minutes += now - since
            self.session.pop(person, None)
        window.logged_in = {}
        while window.waiting:
            window.waiting.popleft().succeed()
        for items in window.set_aside.values():
            for item in items:
                hooks.release(item)
        window.set_aside = {}
        window.holders = {}

    def table(self) -> pd.DataFrame:
        """One row per capped window: the cap, its use and the time lost waiting for one."""
        rows = [
            (
                w.system,
                w.start,
                w.end,
                w.sessions,
                self.headcount,
                "rota" if w.rota else "first come",
                w.peak_in_use,
                w.session_minutes / 60.0,
                w.wait_minutes / 60.0,
            )
            for w in self.windows
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "system",
                "start_minute",
                "end_minute",
                "sessions",
                "headcount",
                "allocation",
                "peak_sessions_in_use",
                "session_hours",
                "login_wait_hours",
            ],
        )
