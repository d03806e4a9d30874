"""Capped concurrent logins: a pool of sessions for a system, with or without a rota.

During a ``login_cap`` window at most N people can be logged in to the system.

* **Without a rota** (first come, first served): a person who needs the system logs in when a
  session is free and stays logged in (seeing people, idle or not, as users of a case system
  do) until they leave for the day or the cap is lifted. With none free they wait, in turn, and
  the time spent waiting is lost (``login_wait`` hours); under a paper fallback, work it covers
  is written on paper instead of waiting.
* **With a rota** (the plan's ``login_rota`` lever): at the start of each slot (``slot_hours``
  from the window's start) the N sessions go to people at work: the rota's priority roles first
  (in order), then everyone else; within each, whoever has had the fewest slots. A holder keeps the session for the
  whole slot, used or not. Without a slot, work needing the system is set aside (or done on
  paper, under a paper fallback) until the person's next slot or the end of the cap.

Session hours are counted either way, so the cap can be checked: they never exceed N times the
window's length.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import simpy

    from sim.model.office import OfficeModel
    from sim.model.staff import Staff
    from sim.model.work import WorkItem


class LoginCapWindow:
    """One capped window of one system. It keeps the simulation's environment (the clock and
    events) but not the office, which is passed to the methods that need it: the office keeps
    its windows, and a window keeping the office would tie them into a reference cycle."""

    def __init__(self, env: simpy.Environment, system: str, start: float, end: float,
                 sessions: int):
        self.env = env
        self.system = system
        self.start = start
        self.end = end
        self.sessions = sessions
        self.rota = None  # the plan's LoginRota, decided when the window opens
        self.in_use = 0
        self.waiting: deque = deque()
        self.logged_in: dict = {}  # first come, first served: person -> logged in since
        self.holders: dict[int, float] = {}  # rota: staff id -> session held until
        self.slots_had: dict[int, int] = {}
        self.set_aside: dict[int, list] = {}  # rota: staff id -> items waiting for a slot
        self.session_minutes = 0.0
        self.wait_minutes = 0.0
        self.peak_in_use = 0  # most sessions held at once

    def active(self, now: float) -> bool:
        return self.start <= now < self.end

    # ----- first come, first served -------------------------------------------------------
    def log_in(self, staff: Staff):
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

    # ----- rota -----------------------------------------------------------------------------
    def has_slot(self, staff: Staff, now: float) -> bool:
        return self.holders.get(staff.id, -1.0) > now

    def set_aside_until_slot(self, staff: Staff, item: WorkItem) -> None:
        self.set_aside.setdefault(staff.id, []).append(item)

    def deal_slots(self, office: OfficeModel) -> None:
        """Give out this slot's sessions (called at each slot start within the window)."""
        rota = self.rota
        now = self.env.now
        slot_end = min(now + rota.slot_hours * 60.0, self.end)
        day = office.calendar.day_of(now)
        order = {role: i for i, role in enumerate(rota.priority)}
        later = len(order)
        at_work = [s for s in office.staff if (sh := s.shift_on.get(day)) and sh.start <= now < sh.end]
        at_work.sort(key=lambda s: (order.get(s.role, later), self.slots_had.get(s.id, 0), s.id))
        self.holders = {}
        self.peak_in_use = max(self.peak_in_use, min(len(at_work), self.sessions))
        for person in at_work[:self.sessions]:
            self.holders[person.id] = slot_end
            self.slots_had[person.id] = self.slots_had.get(person.id, 0) + 1
            self.session_minutes += min(slot_end, person.shift_on[day].end) - now
            for item in self.set_aside.pop(person.id, []):
                office.release(item)

    def close(self, office: OfficeModel) -> None:
        """The cap is lifted: everyone waiting gets in, and set-aside work returns."""
        now = self.env.now
        for person, since in self.logged_in.items():
            self.session_minutes += now - since
            person.session = None
        self.logged_in = {}
        while self.waiting:
            self.waiting.popleft().succeed()
        for items in self.set_aside.values():
            for item in items:
                office.release(item)
        self.set_aside = {}
        self.holders = {}


def open_windows(office: OfficeModel) -> list[LoginCapWindow]:
    """The scenario's effective login caps (a cap at or above the headcount has no effect),
    each scheduled to open, deal rota slots and close."""
    headcount = len(office.staff)
    windows = []
    for cap in office.scenario.outages.login_cap:
        sessions = cap.sessions_for(headcount)
        if cap.empty or sessions >= headcount:
            continue
        window = LoginCapWindow(office.env, cap.system, cap.start_minute, cap.end_minute,
                                sessions)
        windows.append(window)
        office.at(window.start, lambda w=window: _open(office, w))
        office.at(window.end, lambda w=window: w.close(office))
    return windows


def _open(office: OfficeModel, window: LoginCapWindow) -> None:
    window.rota = office.levers().login_rota
    if window.rota is None:
        return
    t = window.start
    while t < window.end:
        office.at(t, lambda: window.deal_slots(office))
        t += window.rota.slot_hours * 60.0


def login_table(windows: list[LoginCapWindow], headcount: int) -> pd.DataFrame:
    """One row per capped window: the cap, its use and the time lost waiting for a session."""
    rows = [(w.system, w.start, w.end, w.sessions, headcount, "rota" if w.rota else "first come",
             w.peak_in_use, w.session_minutes / 60.0, w.wait_minutes / 60.0) for w in windows]
    return pd.DataFrame(rows, columns=[
        "system", "start_minute", "end_minute", "sessions", "headcount", "allocation",
        "peak_sessions_in_use", "session_hours", "login_wait_hours"])
