"""Several plans in one run until the moment they part: a shared past.

The model reads the plan in force through five methods only (:class:`PlanInForce`): the levers
at a moment, whether they change at a moment and the moments they may, the staff the plan lends
(the people are in the office from the start) and whether it pulls any lever at all. Two runs of
the same scenario, seed and replication under two plans therefore make the same events in the
same order, item by item, until the first time the model reads something the plans differ on:
up to that moment they are one run.

:class:`PlanBranches` stands in for the plan of such a run. It holds several plans (branches)
and answers the model's reads for all the branches still with it. At the first read on which
they differ, it groups them by their answers and calls ``part(groups)``, which returns the group
this run goes on with; the others go on elsewhere (:mod:`sim.experiments.shared_past` forks the
process there, so each group goes on from the very same state, or runs them again from the
start where it cannot). Only plans lending the same staff, and agreeing on whether any lever is
pulled where that decides how the office works from the start, share a past
(:func:`share_key`); the caller groups them so.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol

from sim.scenario.plans import Levers, MutualAid, Plan

LEVERS = tuple(Levers.model_fields)
Part = Callable[[list[list[int]]], int]  # branches grouped by their answers -> group to go on


class PlanInForce(Protocol):
    """What the model reads of the plan in force (a :class:`~sim.scenario.plans.Plan` or the
    plans of a shared past)."""

    def levers_at(self, minute: float) -> Levers: ...

    def changes_at(self, minute: float) -> bool: ...

    def change_minutes(self) -> tuple[float, ...]: ...

    def mutual_aid_loans(self) -> frozenset[MutualAid]: ...

    def pulls_any(self) -> bool: ...


def share_key(plan: Plan, disrupted_anyway: bool) -> tuple:
    """What plans sharing a past must have in common: the staff they lend, and, in an office
    the scenario does not disrupt (``disrupted_anyway`` False), whether any lever is pulled
    (that decides whether each task is checked for disruption from the first minute)."""
    return (plan.mutual_aid_loans(), disrupted_anyway or plan.pulls_any())


class _Timeline:
    """One plan's levers over the run: the moments they change and, for each stretch and each
    lever, an integer naming its setting (equal settings, across plans, get equal integers)."""

    def __init__(self, plan: Plan, names: dict[tuple[str, str], int]):
        self.minutes = list(plan.change_minutes())
        self.levers = [plan.levers_at(t) for t in [0.0, *self.minutes]]
        self.settings = {
            lever: [
                names.setdefault((lever, repr(getattr(levers, lever))), len(names))
                for levers in self.levers
            ]
            for lever in LEVERS
        }
        self.changes = set(self.minutes)

    def at(self, minute: float) -> int:
        return bisect_right(self.minutes, minute)


class _SharedLevers:
    """The levers at one moment of a shared past: each lever read is a read of every branch's
    setting of it, so the branches part at the first lever they differ on, not before."""

    def __init__(self, branches: PlanBranches, minute: float):
        self._branches = branches
        self._minute = minute

    def __getattr__(self, lever: str):
        return self._branches.lever_at(lever, self._minute)


class PlanBranches:
    """The plans of a shared past (see the module's description): answers the model's reads
    while its branches agree, and calls ``part`` at the first read on which they do not."""

    def __init__(self, plans: Sequence[Plan], part: Part):
        if not plans:
            raise ValueError("a shared past needs at least one plan")
        self.plans = list(plans)
        self.live = list(range(len(plans)))  # the branches this run still stands for
        self._part = part
        names: dict[tuple[str, str], int] = {}
        self._timelines = [_Timeline(plan, names) for plan in plans]

    @property
    def current(self) -> Plan:
        """The plan this run is under (the first of the branches still with it)."""
        return self.plans[self.live[0]]

    def _agree(self, answers: list) -> None:
        """Where the branches still here gave different ``answers``: group them by answer (in
        the order of their first branch) and go on with the group ``part`` chooses."""
        if len(set(answers)) == 1:
            return
        groups: dict[object, list[int]] = {}
        for branch, answer in zip(self.live, answers, strict=True):
            groups.setdefault(answer, []).append(branch)
        grouped = list(groups.values())
        self.live = grouped[self._part(grouped)]

    # ----- what the model reads ------------------------------------------------------------
    def levers_at(self, minute: float) -> Levers:
        if len(self.live) > 1:
            return _SharedLevers(self, minute)  # type: ignore[return-value]
        timeline = self._timelines[self.live[0]]
        return timeline.levers[timeline.at(minute)]

    def lever_at(self, lever: str, minute: float):
        """One lever's setting at ``minute`` (the branches part here if they differ on it)."""
        if len(self.live) > 1:
            answers = []
            for branch in self.live:
                timeline = self._timelines[branch]
                answers.append(timeline.settings[lever][timeline.at(minute)])
            self._agree(answers)
        timeline = self._timelines[self.live[0]]
        return getattr(timeline.levers[timeline.at(minute)], lever)

    def changes_at(self, minute: float) -> bool:
        if len(self.live) > 1:
            self._agree([minute in self._timelines[b].changes for b in self.live])
        return minute in self._timelines[self.live[0]].changes

    def change_minutes(self) -> tuple[float, ...]:
        """Every moment any branch's levers change (each branch's own are among them)."""
        return tuple(sorted({t for b in self.live for t in self._timelines[b].minutes}))

    def mutual_aid_loans(self) -> frozenset[MutualAid]:
        return self.current.mutual_aid_loans()  # the same for every branch (share_key)

    def pulls_any(self) -> bool:
        return any(self.plans[b].pulls_any() for b in self.live)
