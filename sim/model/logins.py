"""Capped concurrent logins: a pool of sessions for a system, with or without a rota.

During a ``login_cap`` window at most N people can be logged in to the system.

* **Without a rota** (first come, first served): a person who needs the system logs in when a
  session is free and stays logged in (seeing people, idle or not, as users of a case system
  do) until they leave for the day or the cap is lifted. With none free they join the queue
  for the next session and set the work aside; meanwhile they do whatever needs no system (a
  risk check follows the one risk-check rule, :func:`sim.model.fallback.hold_risk_check`). A
  session passes to the first in the queue still at work when its holder leaves. Under a paper
  fallback, work it covers is written on paper instead of set aside.
* **With a rota** (the plan's ``login_rota`` lever), sessions are dealt slot by slot by the
  rule of :mod:`sim.model.login_rota`. Without a slot, work needing the system is set aside
  until the person's next slot (or done on paper, under a paper fallback); a risk check of a
  triage-protected RoSH level is done through a colleague who holds a session, at
  ``CHECK_VIA_COLLEAGUE_MINUTES`` more.

Levers act from the moment they are pulled: a rota pulled (or stopped) mid-window replaces the
allocation at once (:meth:`LoginCaps.levers_changed`). Time at work with nothing to do but work
set aside for a login is **login wait** (:meth:`LoginCaps.waited`), under either allocation.

All of it is kept in one :class:`LoginCaps` object per run, whose entry point,
:meth:`LoginCaps.admit`, says whether a person may do a piece of work now. Session hours are
counted either way, so the cap can be checked: they never exceed N times the window's length.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sim.domain.calendar import DAY, Calendar
from sim.model.login_rota import deal_order
from sim.model.plan_branches import PlanInForce
from sim.model.staff import Staff
from sim.model.work import WorkItem
from sim.scenario.plans import LoginRota
from sim.scenario.schema import Scenario

CHECK_VIA_COLLEAGUE_MINUTES = 10.0  # assumption (range 5-20): asking a colleague with a session

SetAside = Callable[[WorkItem, int], None]  # keeps a held item (and its hold token) for later


@dataclass(frozen=True)
class Admission:
    """Whether a piece of work may go ahead under the login caps: ``blocked`` names the capped
    system it cannot use now (None: it may go ahead), ``set_aside`` where it waits for the
    person's session or next slot, ``extra_minutes`` what asking a colleague adds."""

    blocked: str | None = None
    set_aside: SetAside | None = None
    extra_minutes: float = 0.0


ADMITTED = Admission()


def _keeper(kept: list[tuple[WorkItem, int]]) -> SetAside:
    """A :data:`SetAside` that keeps held items in ``kept``."""
    return lambda item, token: kept.append((item, token))


class Hooks(Protocol):
    """What the login caps ask of the office while the run goes: to call something at a
    minute, and to put work that was held back in its queue. Passed in, never kept, so the caps
    hold no reference to the office (a finished run is then freed without a cycle)."""

    env: Any  # simpy.Environment

    def at(self, t: float, callback: Callable[[], object]) -> None: ...

    def resume(self, item: WorkItem, token: int | None = None) -> None: ...


class LoginCapWindow:
    """One capped window of one system: who holds, waits for or has a slot of its sessions."""

    def __init__(self, system: str, start: float, end: float, sessions: int):
        self.system = system
        self.start = start
        self.end = end
        self.sessions = sessions
        self.rota: LoginRota | None = None  # the allocation in force (None: first come)
        self.allocations: list[str] = []  # the allocations used, in turn ("first come", "rota")
        self.generation = 0  # bumped when the allocation changes: older deals do nothing
        self.logged_in: dict[Staff, float] = {}  # first come: since when
        self.waiting: dict[Staff, list[tuple[WorkItem, int]]] = {}  # first come, in turn
        self.holders: dict[int, float] = {}  # rota: staff id -> session held until
        self.slots_had: dict[int, int] = {}
        self.slots_on: dict[tuple[int, int], int] = {}  # rota: (staff id, day) -> slots that day
        self.deals: list[float] = []  # rota: the moments slots are dealt
        self.set_aside: dict[int, list[tuple[WorkItem, int]]] = {}  # rota: staff id -> items
        self.session_minutes = 0.0
        self.wait_minutes = 0.0
        self.peak_in_use = 0  # most sessions held at once
        # by role: session minutes, sessions given (logins or slots), login wait, task minutes
        self.by_role: dict[str, dict[str, float]] = {}

    def active(self, now: float) -> bool:
        return self.start <= now < self.end

    def count(self, role: str, what: str, amount: float) -> None:
        counts = self.by_role.setdefault(role, {})
        counts[what] = counts.get(what, 0.0) + amount

    def log_in(self, staff: Staff, now: float) -> None:
        self.logged_in[staff] = now
        self.peak_in_use = max(self.peak_in_use, len(self.logged_in))
        self.count(staff.role, "sessions", 1)

    def end_session(self, staff: Staff, now: float) -> bool:
        """End ``staff``'s first-come session, counting its minutes (False: they had none)."""
        since = self.logged_in.pop(staff, None)
        if since is None:
            return False
        self.session_minutes += now - since
        self.count(staff.role, "session_minutes", now - since)
        return True

    def next_deal(self, now: float) -> float | None:
        """The first slot start after ``now`` (None: none left in the window)."""
        i = bisect.bisect_right(self.deals, now)
        return self.deals[i] if i < len(self.deals) else None

    def has_slot(self, staff: Staff, now: float) -> bool:
        return self.holders.get(staff.id, -1.0) > now


class LoginCaps:
    """Every effective login cap of a run and who holds, waits for or has a slot in each.

    Built with the office from the scenario; :meth:`schedule` puts the windows' opening and
    closing on the clock; :meth:`admit` is asked before each piece of work and
    :meth:`log_out` ends a person's sessions at the end of their day. ``staff`` is the office's
    own list of people (mutual aid joins it)."""

    def __init__(
        self,
        scenario: Scenario,
        plan: PlanInForce,
        headcount: int,
        calendar: Calendar,
        staff: list[Staff],
    ):
        self.plan = plan
        self.headcount = headcount
        self.calendar = calendar
        self.staff = staff
        self.windows = [
            LoginCapWindow(
                cap.system, cap.start_minute, cap.end_minute, cap.sessions_for(headcount)
            )
            for cap in scenario.outages.login_cap
            if cap.has_effect(headcount)
        ]

    def __bool__(self) -> bool:
        return bool(self.windows)

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
                    return self._without_a_slot(item, staff, window, now)
            elif staff not in window.logged_in:
                if len(window.logged_in) < window.sessions:
                    window.log_in(staff, now)
                    continue
                paper = self.plan.levers_at(now).paper_fallback
                if paper and item.task in paper.tasks:
                    return Admission(window.system)  # no session free: on paper, not waiting
                return Admission(
                    window.system, set_aside=_keeper(window.waiting.setdefault(staff, []))
                )
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
            elif staff not in window.logged_in and len(window.logged_in) >= window.sessions:
                return False
        return True

    def waiting_window(self, staff: Staff) -> LoginCapWindow | None:
        """The window in which ``staff`` has work set aside for a session or slot, if any."""
        for window in self.windows:
            if window.waiting.get(staff) or window.set_aside.get(staff.id):
                return window
        return None

    def waited(self, staff: Staff, window: LoginCapWindow, minutes: float) -> None:
        """``staff`` spent ``minutes`` at work with nothing to do but work set aside for a
        session of ``window``."""
        window.wait_minutes += minutes
        window.count(staff.role, "wait_minutes", minutes)

    def task_done(self, staff: Staff, start: float, minutes: float) -> None:
        """``minutes`` of work by ``staff`` from ``start``: counted, by role, in the windows it
        falls in (the rota's result read beside whom it served)."""
        end = start + minutes
        for window in self.windows:
            overlap = min(end, window.end) - max(start, window.start)
            if overlap > 0:
                window.count(staff.role, "task_minutes", overlap)

    def log_out(self, staff: Staff, hooks: Hooks) -> None:
        """``staff`` leaves for the day: their first-come sessions pass to the next in turn
        still at work, and their place in any queue is given up (the work set aside for it
        goes back to its queue)."""
        if not self.windows:
            return
        now = self._now(hooks)
        for window in self.windows:
            for item, token in window.waiting.pop(staff, []):
                hooks.resume(item, token)
            if window.end_session(staff, now) and window.active(now):
                self._pass_on(window, now, hooks)

    def _pass_on(self, window: LoginCapWindow, now: float, hooks: Hooks) -> None:
        day = self.calendar.day_of(now)
        for person in list(window.waiting):
            if len(window.logged_in) >= window.sessions:
                return
            shift = person.shift_on.get(day)
            if shift is None or not shift.start <= now < shift.end:
                continue
            window.log_in(person, now)
            for item, token in window.waiting.pop(person):
                hooks.resume(item, token)

    def _without_a_slot(
        self, item: WorkItem, staff: Staff, window: LoginCapWindow, now: float
    ) -> Admission:
        triage = self.plan.levers_at(now).triage
        if (
            item.task == "risk_check"
            and triage is not None
            and item.case is not None
            and item.case.rosh_level in triage.protect_levels
        ):
            item.how = "colleague"
            return Admission(extra_minutes=CHECK_VIA_COLLEAGUE_MINUTES)
        return Admission(
            window.system, set_aside=_keeper(window.set_aside.setdefault(staff.id, []))
        )

    # ----- the allocation: opening, a lever pulled mid-window, closing ------------------
    def levers_changed(self, hooks: Hooks) -> None:
        """The plan's levers have just changed: a rota pulled, changed or stopped mid-window
        replaces the allocation from this moment."""
        now = self._now(hooks)
        rota = self.plan.levers_at(now).login_rota
        for window in self.windows:
            if window.active(now) and window.rota != rota:
                self._end_allocation(window, now, hooks)
                self._start_allocation(window, rota, now, hooks)

    def forget_set_aside(self) -> None:
        """Every held item has just been returned to its queue (the levers changed): the lists
        of work set aside for a session or slot start again empty."""
        for window in self.windows:
            window.waiting = {person: [] for person in window.waiting}
            window.set_aside = {}

    def _open(self, window: LoginCapWindow, hooks: Hooks) -> None:
        now = self._now(hooks)
        self._start_allocation(window, self.plan.levers_at(now).login_rota, now, hooks)

    def _close(self, window: LoginCapWindow, hooks: Hooks) -> None:
        """The cap is lifted: sessions end and the work set aside returns to its queues."""
        self._end_allocation(window, self._now(hooks), hooks)
        window.rota = None

    def _start_allocation(
        self, window: LoginCapWindow, rota: LoginRota | None, now: float, hooks: Hooks
    ) -> None:
        window.rota = rota
        window.generation += 1
        used = "first come" if rota is None else "rota"
        if not window.allocations or window.allocations[-1] != used:
            window.allocations.append(used)
        if rota is None:
            return
        deals = self.slot_starts(window, rota.slot_hours * 60.0, now)
        window.deals = sorted({*(t for t in window.deals if t < now), *deals})
        for t in deals:
            hooks.at(t, partial(self._deal_slots, window, window.generation, hooks))

    def _end_allocation(self, window: LoginCapWindow, now: float, hooks: Hooks) -> None:
        for person in list(window.logged_in):
            window.end_session(person, now)
        for queue in [*window.waiting.values(), *window.set_aside.values()]:
            for item, token in queue:
                hooks.resume(item, token)
        window.waiting = {}
        window.set_aside = {}
        window.holders = {}

    def slot_starts(self, window: LoginCapWindow, slot: float, since: float) -> list[float]:
        """Slot starts aligned to the working day, from ``since`` to the window's end: on each
        working day, every ``slot`` minutes from the start of the day to its end (a rota
        starting mid-slot deals a first, shorter slot at once)."""
        starts = [since]
        first, last = self.calendar.day_of(since), self.calendar.day_of(window.end)
        for day in range(first, last + 1):
            if not self.calendar.is_working_day(day):
                continue
            t, day_end = self.calendar.day_start(day), (day + 1) * DAY
            while t < min(window.end, day_end):
                if t > since:
                    starts.append(t)
                t += slot
        return starts

    def _deal_slots(self, window: LoginCapWindow, generation: int, hooks: Hooks) -> None:
        """Give out this slot's sessions (at each slot start, while the rota is in force)."""
        rota = window.rota
        if rota is None or generation != window.generation:
            return
        now = self._now(hooks)
        slot_end = min(now + rota.slot_hours * 60.0, window.end)
        day = self.calendar.day_of(now)
        # at work, with their modelled work (not the duties before it) within the slot
        at_work = [
            s
            for s in self.staff
            if (sh := s.shift_on.get(day)) and sh.start <= now < sh.end and sh.work_start < slot_end
        ]
        slots_today = {s.id: window.slots_on.get((s.id, day), 0) for s in at_work}
        chosen = deal_order(
            rota, at_work, window.sessions, window.deals, now, day, slots_today, window.slots_had
        )
        window.holders = {}
        window.peak_in_use = max(window.peak_in_use, len(chosen))
        for person in chosen:
            window.holders[person.id] = slot_end
            window.slots_had[person.id] = window.slots_had.get(person.id, 0) + 1
            window.slots_on[(person.id, day)] = slots_today[person.id] + 1
            minutes = min(slot_end, person.shift_on[day].end) - now
            window.session_minutes += minutes
            window.count(person.role, "sessions", 1)
            window.count(person.role, "session_minutes", minutes)
            for item, token in window.set_aside.pop(person.id, []):
                hooks.resume(item, token)

    @staticmethod
    def _now(hooks: Any) -> float:
        return float(hooks.env.now)
