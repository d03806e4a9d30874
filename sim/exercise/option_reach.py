"""What an option composed in the room would change, told before the room compares it: the
levers it pulls that the scenario as the room knows it gives nothing to act on from the
decision's moment, and settings that act on nothing (the warnings an exercise file's options
get, :func:`sim.scenario.exercise_warnings.exercise_without_effect`). A warning, not a
refusal: a room may want to see that a choice changes nothing. An option that leaves the
levers in force as another of the point's options does is refused
(:func:`sim.exercise.log.propose`)."""

from __future__ import annotations

from sim.domain.calendar import DAY
from sim.exercise.log import ExerciseLog
from sim.exercise.plans_in_play import plan_before, scenario_now
from sim.scenario.exercise import DecisionPoint, Option
from sim.scenario.lever_reach import disruptions, levers_without_effect, without_outages
from sim.scenario.lever_settings import lever_settings


def option_warnings(log: ExerciseLog, point: DecisionPoint, option: Option) -> list[str]:
    """Warnings for ``option`` at ``point``, in words naming it."""
    scenario = scenario_now(log)
    run_end = log.exercise.run_weeks * 7 * DAY
    who = f"option '{option.name}' at decision point '{point.id}'"
    found = lever_settings(scenario, option.levers, who, "levers.")
    if not disruptions(scenario, run_end):
        return found + without_outages(who, [option.levers])
    return found + levers_without_effect(
        scenario, option.levers, (point.at.minute, run_end), run_end, who, "levers."
    )


def same_effect(log: ExerciseLog, point: DecisionPoint) -> list[tuple[str, str]]:
    """Pairs of the point's options that leave the same levers in force from its moment: they
    show the same numbers."""
    current = plan_before(log, point).levers_at(point.at.minute)
    options = log.options(point.id)
    return [
        (a.name, b.name)
        for i, a in enumerate(options)
        for b in options[i + 1 :]
        if a.after(current) == b.after(current)
    ]
