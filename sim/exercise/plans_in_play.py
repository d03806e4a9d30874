"""The model's inputs read from an exercise's log (:mod:`sim.exercise.log`): the scenario as
the room knows it, the plan as decided, and at a decision point one plan per option.

* :func:`scenario_now`: the scenario with the effects of every inject delivered so far (the
  room plans on what it knows: an inject not yet delivered changes nothing);
* :func:`plan_now`: the plan as decided: the exercise's starting levers, then at each
  decision's moment the levers its option leaves in force (a timed switch, as in a plan file);
* :func:`option_plans`: at a decision point, one plan per option: the plan as decided, then
  the option from the decision's moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sim.scenario.exercise import DecisionPoint, Exercise, Inject, Option, with_outages
from sim.scenario.plans import Levers, Plan, Switch
from sim.scenario.schema import Scenario


class Decided(Protocol):
    """What a plan reads of a decision: where it was taken and the option taken."""

    @property
    def point(self) -> str: ...

    @property
    def option(self) -> Option: ...


class ExerciseLog(Protocol):
    """What the model's inputs read of an exercise's log (:class:`sim.exercise.log.ExerciseLog`
    has it): the exercise, the injects delivered and the decisions taken."""

    @property
    def exercise(self) -> Exercise: ...

    @property
    def delivered(self) -> tuple[str, ...]: ...

    @property
    def decisions(self) -> Sequence[Decided]: ...

    def point(self, point_id: str) -> DecisionPoint: ...

    def inject(self, inject_id: str) -> Inject: ...


def scenario_now(log: ExerciseLog, delivered: tuple[str, ...] | None = None) -> Scenario:
    """The scenario as the room knows it: its own disruptions and the delivered injects'."""
    ids = log.delivered if delivered is None else delivered
    effects = [log.inject(i).effect for i in ids]
    return with_outages(log.exercise.scenario_settings, effects)


def plan_now(log: ExerciseLog, decisions: int | None = None) -> Plan:
    """The plan as decided (by the first ``decisions`` decisions; all by default)."""
    current = log.exercise.levers
    switches = []
    for decision in log.decisions[: len(log.decisions) if decisions is None else decisions]:
        current = decision.option.after(current)
        switches.append(Switch(at=log.point(decision.point).at, levers=current))
    return Plan(
        name="As decided",
        description="The exercise's plan: its starting levers and each decision from its moment.",
        levers=log.exercise.levers,
        switches=tuple(switches),
    )


def plan_before(log: ExerciseLog, point: DecisionPoint) -> Plan:
    """The plan as decided by the decisions taken before ``point``."""
    before = [d for d in log.decisions if log.point(d.point).at.minute < point.at.minute]
    return plan_now(log, len(before))


def option_plans(log: ExerciseLog, point: DecisionPoint, options: tuple[Option, ...]) -> list[Plan]:
    """One plan per option: the plan as decided before ``point``, then the option from it."""
    base = plan_before(log, point)
    current = base.levers_at(point.at.minute)
    return [
        Plan(
            name=option.name,
            description=f"At {point.id}: {option.name}",
            levers=base.levers,
            switches=(*base.switches, Switch(at=point.at, levers=option.after(current))),
        )
        for option in options
    ]


def levers_words(levers: Levers) -> str:
    pulled = [n.replace("_", " ") for n in type(levers).model_fields if getattr(levers, n)]
    return ", ".join(pulled) or "no levers"
