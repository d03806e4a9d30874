"""The warnings an exercise gets when it is loaded (not errors: a room may be offered a choice
that turns out to change nothing): its scenario's, inject effects without effect, lever
settings that act on nothing, options that stop a lever never pulled, and levers the scenario
(with every inject's effect) gives nothing to act on from their decision's moment."""

from __future__ import annotations

from sim.domain.calendar import DAY
from sim.scenario.exercise import Exercise, with_outages
from sim.scenario.lever_reach import disruptions, levers_without_effect, without_outages
from sim.scenario.lever_settings import lever_settings, pulls, stops_nothing
from sim.scenario.no_effect import outages_without_effect, scenario_without_effect


def exercise_without_effect(exercise: Exercise) -> list[str]:
    """Warnings (not errors) for ``exercise``, the list every view of an exercise shows: its
    scenario's (:func:`sim.scenario.no_effect.scenario_without_effect`, headed with the
    scenario's file), inject effects without effect, levers set to act on nothing and options
    that stop a lever never pulled (:mod:`sim.scenario.lever_settings`), and the levers its
    scenario, with every inject's effect, gives nothing to act on: its starting levers from the
    start, and each decision point's options from the decision's moment
    (:mod:`sim.scenario.lever_reach`)."""
    weeks = exercise.run_weeks
    own = exercise.scenario_settings
    found = [f"scenario {exercise.scenario}: {w}" for w in scenario_without_effect(own, weeks)]
    for k, inject in enumerate(exercise.injects):
        found += outages_without_effect(own, weeks, inject.effect, f"injects[{k}].effect.")
    scenario = with_outages(own, [i.effect for i in exercise.injects])
    run_end = weeks * 7 * DAY
    named = f"exercise '{exercise.name}'"
    sets = [(f"{named}, starting levers", "levers.", exercise.levers, 0.0)]
    found += lever_settings(scenario, exercise.levers, sets[0][0], "levers.")
    pulled = pulls(exercise.levers)
    order = sorted(
        range(len(exercise.decision_points)), key=lambda k: exercise.decision_points[k].at.minute
    )
    for k in order:
        point = exercise.decision_points[k]
        for j, option in enumerate(point.options):
            who = f"{named}, decision point '{point.id}', option '{option.name}'"
            path = f"decision_points[{k}].options[{j}]."
            sets.append((who, f"{path}levers.", option.levers, point.at.minute))
            found += lever_settings(scenario, option.levers, who, f"{path}levers.")
            found += stops_nothing(option.stop, pulled, who, path)
        pulled |= {n for option in point.options for n in pulls(option.levers)}
    if not disruptions(scenario, run_end):
        return found + [w for who, _, levers, _ in sets for w in without_outages(who, [levers])]
    return found + [
        warning
        for who, path, levers, start in sets
        for warning in levers_without_effect(scenario, levers, (start, run_end), run_end, who, path)
    ]
