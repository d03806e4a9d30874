"""The IT systems layer: the one place a task asks whether it can be done now.

Every task declares the systems it needs (``Task.systems``). A case owned by another
organisation than the worker's also needs ``cross_organisation_access``. Staff ask
:meth:`SystemsLayer.access` before each task; the answer says which needed systems are
unusable and how much slower the work goes. Outages, login caps and contingency plans change
the answers given here, so task code never needs to know about them.

In normal operation (this module's baseline) every system is up and nothing is slowed.
"""

from __future__ import annotations

from typing import NamedTuple

CROSS_ORGANISATION = "cross_organisation_access"


class Access(NamedTuple):
    """Whether a task can go ahead now: the needed systems that are unusable, and a slowdown."""

    missing: tuple[str, ...] = ()
    slowdown: float = 1.0

    @property
    def available(self) -> bool:
        return not self.missing


FULL_ACCESS = Access()


def systems_needed(task_systems: tuple[str, ...], case_organisation: str | None,
                   worker_organisation: str) -> tuple[str, ...]:
    """The systems a task needs for this worker and case."""
    if case_organisation is not None and case_organisation != worker_organisation:
        return task_systems + (CROSS_ORGANISATION,)
    return task_systems


class SystemsLayer:
    """Answers, for one run, whether the systems a piece of work needs are usable.

    ``disrupted`` is False when every system is up for the whole run, so staff can skip asking.
    """

    disrupted = False

    def access(self, needs: tuple[str, ...], now: float) -> Access:
        """Access to ``needs`` at minute ``now``. Baseline: every system is always up."""
        return FULL_ACCESS
