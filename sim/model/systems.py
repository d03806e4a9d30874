"""The IT systems layer: the one place a task asks whether it can be done now.

Every task declares the systems it needs (``Task.systems``). A task using a system on a case
owned by another organisation than the worker's also needs ``cross_organisation_access``. Staff ask
:meth:`SystemsLayer.access` before each task; the answer lists the needed systems that are down
and how much slower the work goes. Outages change only these answers, so task code never needs
to know about them.

With no outage (or only empty ones) ``disrupted`` is False and nothing at all is scheduled, so
such a run is exactly a run of normal operation.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from sim.scenario.outages import Outages, merged_windows

CROSS_ORGANISATION = "cross_organisation_access"


class Access(NamedTuple):
    """Whether a task can go ahead now: the needed systems that are down, and a slowdown."""

    missing: tuple[str, ...] = ()
    slowdown: float = 1.0

    @property
    def available(self) -> bool:
        return not self.missing


FULL_ACCESS = Access()


def systems_needed(
    task_systems: tuple[str, ...], case_organisation: str | None, worker_organisation: str
) -> tuple[str, ...]:
    """The systems a task needs for this worker and case: a task that uses a system on another
    organisation's case also needs cross-organisation access (a meeting that uses none does
    not)."""
    if task_systems and case_organisation is not None and case_organisation != worker_organisation:
        return task_systems + (CROSS_ORGANISATION,)
    return task_systems


class SystemsLayer:
    """Answers, for one run, whether the systems a piece of work needs are usable."""

    def __init__(self, outages: Outages | None = None):
        outages = outages or Outages()
        down: dict[str, list[tuple[float, float]]] = {}
        for w in outages.down:
            down.setdefault(w.system, []).append((w.start_minute, w.end_minute))
        self.down = {s: m for s, ws in down.items() if (m := merged_windows(ws))}
        self._down_starts = {s: [w[0] for w in ws] for s, ws in self.down.items()}
        self.slow = [
            (w.start_minute, w.end_minute, w.system, w.factor)
            for w in outages.slow
            if not w.empty and w.factor > 1.0
        ]
        self.disrupted = bool(self.down or self.slow)

    def down_until(self, system: str, now: float) -> float | None:
        """If ``system`` is down at ``now``, when it comes back; else None."""
        windows = self.down.get(system)
        if not windows:
            return None
        i = bisect.bisect_right(self._down_starts[system], now) - 1
        if i >= 0 and now < windows[i][1]:
            return windows[i][1]
        return None

    def access(self, needs: tuple[str, ...], now: float) -> Access:
        """Access to ``needs`` at minute ``now``."""
        if not self.disrupted:
            return FULL_ACCESS
        missing = tuple(s for s in needs if self.down_until(s, now) is not None)
        slowdown = 1.0
        for start, end, system, factor in self.slow:
            if start <= now < end and system in needs:
                slowdown = max(slowdown, factor)
        return Access(missing, slowdown) if missing or slowdown != 1.0 else FULL_ACCESS

    def back_at(self, systems: tuple[str, ...], now: float) -> float:
        """When every one of ``systems`` is up again (``now`` if they all are)."""
        t = now
        while True:
            later = [u for s in systems if (u := self.down_until(s, t)) is not None]
            if not later:
                return t
            t = max(later)

    def failures(self) -> list[tuple[float, str]]:
        """``(minute, system)`` for the start of every down window, in time order."""
        return sorted((start, s) for s, ws in self.down.items() for start, _ in ws)
