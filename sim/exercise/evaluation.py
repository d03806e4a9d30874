"""The evaluation's steps of play, as HSEEP runs it: an evaluator's timestamped observation of a
capability (a strength, an area for improvement, or an observation, against a critical task
where it is one), a participant who joins during play, and the hot wash after it. Each is a
function returning a new log with a line in its ``steps``, as every step of
:mod:`sim.exercise.log`; the ratings (P, S, M, U) are :func:`sim.exercise.log.rate`.
"""

from __future__ import annotations

from sim.exercise.log import ExerciseError, ExerciseLog, when
from sim.scenario.evaluation import Capability, HotWashItem, Objective, Observation
from sim.scenario.exercise import Participant


def _with_step(log: ExerciseLog, update: dict, words: str) -> ExerciseLog:
    return log.model_copy(update={**update, "steps": (*log.steps, words)})


def capability(log: ExerciseLog, name: str) -> Capability:
    """The exercise's capability called ``name`` (ExerciseError naming those it has if none)."""
    found = next((c for c in log.exercise.capabilities if c.name == name), None)
    if found is None:
        names = ", ".join(repr(c.name) for c in log.exercise.capabilities) or "none"
        raise ExerciseError(
            f"{name!r} is not one of the exercise's capabilities; choose one of: {names}"
        )
    return found


def observe(log: ExerciseLog, observation: Observation) -> ExerciseLog:
    """Record an evaluator's observation: of one of the exercise's capabilities, against one
    of its critical tasks if it names one, of what has happened by the clock."""
    found = capability(log, observation.capability)
    task = observation.critical_task
    if task and task not in found.critical_tasks:
        tasks = "; ".join(repr(t) for t in found.critical_tasks) or "none listed"
        raise ExerciseError(
            f"{task!r} is not a critical task of {found.name!r} (its critical tasks: {tasks}); "
            "choose one of them, or none"
        )
    if observation.at.minute > log.clock.minute:
        raise ExerciseError(
            f"the observation is at {when(observation.at)}, after the clock "
            f"({when(log.clock)}): an observation is of what has happened"
        )
    return _with_step(
        log,
        {"observations": (*log.observations, observation)},
        f"Observation by {observation.by} of {found.name} ({observation.kind}) at "
        f"{when(observation.at)}",
    )


def everyone(log: ExerciseLog) -> tuple[Participant, ...]:
    """The participants: the exercise's, then those who joined during play."""
    return (*log.exercise.participants, *log.participants_added)


def add_participant(log: ExerciseLog, participant: Participant) -> ExerciseLog:
    """Someone who joins the exercise during play (name, role, function)."""
    name = participant.name.strip()
    if not name:
        raise ExerciseError("give the participant's name (or post)")
    if any(p.name.strip().lower() == name.lower() for p in everyone(log)):
        raise ExerciseError(
            f"{name!r} is already a participant; give another name, or the post with the "
            "organisation, such as 'Senior probation officer (CRC)'"
        )
    joined = participant.model_copy(update={"name": name})
    return _with_step(
        log,
        {"participants_added": (*log.participants_added, joined)},
        f"{name} joined as {participant.role} at {when(log.clock)}",
    )


def add_hot_wash(log: ExerciseLog, item: HotWashItem) -> ExerciseLog:
    """One thing said at the hot wash: what went well, or what to improve, and by whom."""
    return _with_step(
        log,
        {"hot_wash": (*log.hot_wash, item)},
        f"Hot wash: {item.kind}, said by {item.by or 'the room'}",
    )


def objectives_of(log: ExerciseLog, name: str) -> list[Objective]:
    """The exercise's objectives tied to the capability ``name``."""
    return [o for o in log.exercise.objectives if name in o.capabilities]


def observations_of(log: ExerciseLog, name: str, kind: str | None = None) -> list[Observation]:
    """The observations of the capability ``name`` (of one ``kind`` if given), in the order of
    the exercise's clock."""
    found = [
        o for o in log.observations if o.capability == name and (kind is None or o.kind == kind)
    ]
    return sorted(found, key=lambda o: o.at.minute)
