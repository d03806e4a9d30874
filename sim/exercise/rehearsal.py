"""An exercise played without a room, from a file of the room's decisions (a rehearsal): every
step the app would take, in order, each saved as it is taken.

:func:`mismatches` says where a decisions file does not fit its exercise; :func:`opening` is
the log as play begins (the file's live injects and the participants who joined); and
:func:`rehearse` plays on from it: the clock to each inject and decision point, each decision
point's projection and the decision the file gives, the office as play ended, then the
evaluators' notes, observations and ratings, the hot wash and the improvement plan. Running the
experiments, saving and telling are the caller's (the command line's), so this module neither
prints nor writes.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.exercise import evaluation
from sim.exercise import log as play
from sim.exercise.options_compared import against_reference, reference_words_of
from sim.exercise.projection import Step, projection_of, standing_of, step_inputs
from sim.experiments.compare import Experiment
from sim.results.measures import MEASURES, headlined
from sim.scenario.exercise import Exercise, Rehearsal

# What the command line says of each decision against carrying on as decided
TOLD = headlined("rehearsal")


def mismatches(exercise: Exercise, rehearsal: Rehearsal, decisions: str, file: str) -> list[str]:
    """Where the decisions file (named ``decisions``) does not fit the exercise (``file``):
    a decision for no decision point, an option the point does not have, a point without a
    decision; each with its fix (none: it fits)."""
    points = {p.id: p for p in exercise.decision_points}
    found = []
    for choice in rehearsal.decisions:
        point = points.get(choice.point)
        if point is None:
            found.append(
                f"{decisions}: decision for {choice.point!r}, which is not a decision point of "
                f"{file}. Fix: use one of {', '.join(points)}."
            )
        elif choice.option not in [o.name for o in point.options]:
            found.append(
                f"{decisions}: option {choice.option!r} at {choice.point!r} is not one of its "
                f"options. Fix: use one of {', '.join(repr(o.name) for o in point.options)}."
            )
    decided = {c.point for c in rehearsal.decisions}
    missing = [p for p in points if p not in decided]
    if missing:
        found.append(
            f"{decisions}: no decision for {', '.join(missing)}. Fix: add one for each point."
        )
    return found


def opening(exercise: Exercise, rehearsal: Rehearsal) -> play.ExerciseLog:
    """The log as play begins: started, with the file's live injects and who joined."""
    log = play.start(exercise)
    for inject in rehearsal.injects:
        log = play.add_inject(log, inject)
    for participant in rehearsal.participants:
        log = evaluation.add_participant(log, participant)
    return log


def decision_lines(log: play.ExerciseLog, point_id: str, taken: str) -> list[str]:
    """What the decision at ``point_id`` changed against carrying on as decided, as the room
    saw it: each option's difference on the measures :data:`TOLD`, with its interval."""
    shown = log.projection(point_id)
    if shown is None:
        return []
    against = reference_words_of(shown)
    labels = [MEASURES[m].label for m in TOLD]
    return [
        f"{row.option}{' (taken)' if row.option == taken else ''} against {against}: "
        f"{row.measure} {row.difference:+.1f} {row.unit} (95% interval {row.low:+.1f} to "
        f"{row.high:+.1f})"
        for row in against_reference(shown).itertuples(index=False)
        if row.measure in labels
    ]


def rehearse(
    log: play.ExerciseLog,
    rehearsal: Rehearsal,
    run: Callable[[Step], Experiment],
    save: Callable[[play.ExerciseLog], None],
    told: Callable[[str], None],
) -> play.ExerciseLog:
    """Play on from ``log`` to the end with the file's decisions: ``run`` runs a step's
    experiment, ``save`` saves each step as it is taken, ``told`` is told what each step did.
    The log as play ended, with the evaluation, saved."""
    choices = {c.point: c for c in rehearsal.decisions}
    while True:
        point = log.pending()
        if point is None:
            if log.next_stop() is None:
                break
            log = play.advance_to_next(log)
            save(log)
            told(f"  {log.steps[-1]}")
            continue
        step = step_inputs(log)
        log = play.add_projection(log, projection_of(log, step, run(step)))
        choice = choices[point.id]
        option = next(o for o in point.options if o.name == choice.option)
        log = play.decide(log, point.id, option, choice.by, choice.why)
        save(log)
        told(f"  {log.steps[-1]}")
        for line in decision_lines(log, point.id, option.name):
            told(f"    {line}")
    log = play.advance(log, log.end())  # play on to the end of the exercise's runs
    save(log)
    step = step_inputs(log)  # the office as play ended, for the report
    log = play.add_standing(log, standing_of(log, step, run(step)))
    for text in rehearsal.notes:
        log = play.add_note(log, text)
    for observation in rehearsal.observations:
        log = evaluation.observe(log, observation)
    for rating in rehearsal.ratings:
        log = play.rate(log, rating)
    for item in rehearsal.hot_wash:
        log = evaluation.add_hot_wash(log, item)
    if rehearsal.actions:
        log = play.set_actions(log, rehearsal.actions)
    save(log)
    return log
