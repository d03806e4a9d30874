"""An exercise's state as a log, and the steps of play, each a function returning a new log.

The log holds the exercise itself (with its scenario), so it is all that is needed to go on
playing, to report, or to replay. The model's inputs are read from it by
:mod:`sim.exercise.plans_in_play` (the scenario as the room knows it, the plan as decided, one
plan per option at a decision point).
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from sim.domain.calendar import DAY, moment_words
from sim.exercise.plans_in_play import levers_words, plan_before
from sim.exercise.votes import Vote
from sim.scenario.evaluation import Action, HotWashItem, Observation, Rating
from sim.scenario.exercise import (
    DecisionPoint,
    Exercise,
    Inject,
    Option,
    Participant,
    too_early,
)
from sim.scenario.frozen import Frozen
from sim.scenario.outages import Moment


class ExerciseError(Exception):
    """A step that cannot be taken now; the message says why and what to do instead."""


class Decision(Frozen):
    point: str
    option: Option  # as taken (an option composed in the room is kept whole)
    by: str = Field("", max_length=200)
    why: str = Field("", max_length=4000)
    votes: tuple[Vote, ...] = ()  # each player's latest vote when it was recorded


class Proposal(Frozen):
    """An option composed in the room for a decision point, beside the exercise's own."""

    point: str
    option: Option


class Note(Frozen):
    at: Moment
    text: str = Field(min_length=1, max_length=4000)
    by: str = Field("", max_length=200)


class Projection(Frozen):
    """What the room was shown at a decision point: each option run on the same replications
    and compared with ``reference``, carrying on as decided (the option that changes nothing, or
    "Carry on as decided" run beside the options; empty in logs saved before: "do nothing").
    ``runs``: (plan, replication, measure, value) of every run's headline measures (the options,
    the reference and the no-outage baseline); ``backlog``: (plan, replication, day, backlog),
    the backlog being work not done; ``rekeying_debt``: (plan, replication, day, records, hours)
    of paper records awaiting re-keying, beside it (empty in logs saved before it was kept);
    ``now``: (replication, measure, value) as the office stood at the decision. A censored
    value (time to recover, not recovered by the end) is NaN, kept as NaN when saved."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")

    point: str
    delivered: tuple[str, ...]  # the injects delivered when it was made
    decisions_before: int  # the decisions already taken when it was made
    options: tuple[Option, ...]
    replications: int
    weeks: int
    seed: int
    runs: tuple[tuple[str, int, str, float], ...]
    backlog: tuple[tuple[str, int, int, float], ...]
    now: tuple[tuple[int, str, float], ...] = ()
    rekeying_debt: tuple[tuple[str, int, int, float, float], ...] = ()
    run_id: str = ""  # the saved experiment it came from, if any
    # measure -> the value a run without one is counted at (time to recover: the days from the
    # restoration to the end of the run), as in every comparison: a censored run is never dropped
    censored: tuple[tuple[str, float], ...] = ()
    reference: str = ""  # the plan every option is paired with ("": do nothing, saved before)
    # a first answer the decision was recorded on: (replications in, replications asked for);
    # the projection that completes it follows in the log (None: every run was in)
    partial: tuple[int, int] | None = None


class Standing(Frozen):
    """The office as it stood at a moment of play, under the plan as decided and the injects
    delivered: ``now``: (replication, measure, value); ``backlog``: (replication, day, backlog)
    and ``rekeying_debt``: (replication, day, records, hours) for the days ended by then."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")

    clock: Moment
    delivered: tuple[str, ...]
    decisions: int
    replications: int
    weeks: int
    seed: int
    now: tuple[tuple[int, str, float], ...]
    backlog: tuple[tuple[int, int, float], ...]
    rekeying_debt: tuple[tuple[int, int, float, float], ...] = ()


class ExerciseLog(Frozen):
    """Everything about one exercise as played so far (saved at every step)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")

    exercise: Exercise
    clock: Moment
    delivered: tuple[str, ...] = ()  # inject ids, in the order delivered
    live_injects: tuple[Inject, ...] = ()  # injects added during play
    decisions: tuple[Decision, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    projections: tuple[Projection, ...] = ()
    standings: tuple[Standing, ...] = ()  # the office as it stood, recorded for the report
    notes: tuple[Note, ...] = ()
    ratings: tuple[Rating, ...] = ()
    actions: tuple[Action, ...] = ()
    steps: tuple[str, ...] = ()  # what each step did, in words, in order
    # the evaluation as HSEEP runs it (sim.exercise.evaluation): evaluators' timestamped
    # observations, participants who joined during play, and the hot wash after it
    observations: tuple[Observation, ...] = ()
    participants_added: tuple[Participant, ...] = ()
    hot_wash: tuple[HotWashItem, ...] = ()

    def injects(self) -> list[Inject]:
        """Every inject, planned and live, in the order of its moment."""
        found = [*self.exercise.injects, *self.live_injects]
        return sorted(found, key=lambda i: i.at.minute)

    def inject(self, inject_id: str) -> Inject:
        return next(i for i in self.injects() if i.id == inject_id)

    def point(self, point_id: str) -> DecisionPoint:
        for point in self.exercise.decision_points:
            if point.id == point_id:
                return point
        raise ExerciseError(
            f"there is no decision point {point_id!r}; the exercise's are "
            + ", ".join(p.id for p in self.exercise.decision_points)
        )

    def options(self, point_id: str) -> tuple[Option, ...]:
        """A decision point's options: the exercise's, then those composed in the room."""
        added = tuple(p.option for p in self.proposals if p.point == point_id)
        return (*self.point(point_id).options, *added)

    def decided(self, point_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.point == point_id), None)

    def pending(self) -> DecisionPoint | None:
        """The decision point the room is at and has not decided (None: play can go on)."""
        for point in sorted(self.exercise.decision_points, key=lambda p: p.at.minute):
            if point.at.minute <= self.clock.minute and self.decided(point.id) is None:
                return point
        return None

    def next_stop(self) -> Moment | None:
        """The moment of the next inject not delivered or decision point not reached."""
        ahead = [i.at for i in self.injects() if i.id not in self.delivered]
        ahead += [
            p.at
            for p in self.exercise.decision_points
            if self.decided(p.id) is None and p.at.minute > self.clock.minute
        ]
        return min(ahead, key=lambda m: m.minute) if ahead else None

    def end(self) -> Moment:
        return Moment(day=self.exercise.run_weeks * 7 - 1, hour=23.0)

    def projection(self, point_id: str) -> Projection | None:
        return next((p for p in reversed(self.projections) if p.point == point_id), None)


def start(exercise: Exercise) -> ExerciseLog:
    log = ExerciseLog(exercise=exercise, clock=exercise.starts_at)
    return _step(
        advance(log, exercise.starts_at), f"Exercise started at {when(exercise.starts_at)}"
    )


def when(moment: Moment) -> str:
    """A moment in the exercise's words: ``day 24, 09:00`` (as every message says one)."""
    return moment_words(moment.minute)


def _step(log: ExerciseLog, words: str) -> ExerciseLog:
    return log.model_copy(update={"steps": (*log.steps, words)})


def advance(log: ExerciseLog, to: Moment) -> ExerciseLog:
    """Move the clock to ``to``, delivering every inject due by then, but no further than a
    decision point not yet decided (the room decides before play goes on)."""
    pending = log.pending()
    if pending is not None:
        raise ExerciseError(
            f"the room is at decision point {pending.id!r}: record its decision before "
            "moving the clock on"
        )
    if to.minute < log.clock.minute:
        raise ExerciseError(f"the clock is at {when(log.clock)}: it cannot go back to {when(to)}")
    stops = [
        p.at
        for p in log.exercise.decision_points
        if log.decided(p.id) is None and log.clock.minute < p.at.minute <= to.minute
    ]
    target = min([to, *stops], key=lambda m: m.minute)
    target = min(target, log.end(), key=lambda m: m.minute)
    due = [
        i.id for i in log.injects() if i.id not in log.delivered and i.at.minute <= target.minute
    ]
    moved = log.model_copy(update={"clock": target, "delivered": (*log.delivered, *due)})
    words = [f"Clock to {when(target)}"] + [f"inject {i!r} delivered" for i in due]
    return _step(moved, "; ".join(words)) if target != log.clock or due else log


def advance_to_next(log: ExerciseLog) -> ExerciseLog:
    stop = log.next_stop()
    if stop is None:
        raise ExerciseError("there is no inject or decision point left: the exercise can end")
    return advance(log, stop)


def advance_days(log: ExerciseLog, days: float) -> ExerciseLog:
    minute = log.clock.minute + days * DAY
    return advance(log, Moment(day=int(minute // DAY), hour=(minute % DAY) / 60))


def add_inject(log: ExerciseLog, inject: Inject) -> ExerciseLog:
    """An inject added in the room (delivered at once if its moment has come)."""
    if any(i.id == inject.id for i in log.injects()) or any(
        p.id == inject.id for p in log.exercise.decision_points
    ):
        raise ExerciseError(f"id {inject.id!r} is taken; give the new inject its own id")
    if inject.at.minute < log.clock.minute:
        raise ExerciseError(
            f"the inject is at {when(inject.at)}, before the clock ({when(log.clock)}); "
            "an inject added now starts now or later"
        )
    added = log.model_copy(update={"live_injects": (*log.live_injects, inject)})
    added = _step(added, f"Inject {inject.id!r} added ({inject.title})")
    return _deliver_now(added)


def _deliver_now(log: ExerciseLog) -> ExerciseLog:
    due = [
        i.id for i in log.injects() if i.id not in log.delivered and i.at.minute <= log.clock.minute
    ]
    return log.model_copy(update={"delivered": (*log.delivered, *due)})


def decide(
    log: ExerciseLog,
    point_id: str,
    option: Option,
    by: str = "",
    why: str = "",
    votes: tuple[Vote, ...] = (),
) -> ExerciseLog:
    """Record the decision taken at the decision point the room is at, with the players'
    ``votes`` as they stood (:func:`sim.exercise.votes.latest_votes`)."""
    point = log.point(point_id)
    if log.decided(point_id) is not None:
        raise ExerciseError(f"decision point {point_id!r} has already been decided")
    problem = too_early(point, option)
    if problem:
        raise ExerciseError(problem)
    if log.pending() is None or log.pending().id != point_id:  # type: ignore[union-attr]
        raise ExerciseError(
            f"the room is not at decision point {point_id!r} (it is at {when(point.at)}; the "
            f"clock is at {when(log.clock)}): move the clock to it first"
        )
    decided = log.model_copy(
        update={
            "decisions": (
                *log.decisions,
                Decision(point=point_id, option=option, by=by, why=why, votes=votes),
            )
        }
    )
    return _step(
        decided, f"Decision at {point_id!r}: {option.name}" + (f" (by {by})" if by else "")
    )


def propose(log: ExerciseLog, point_id: str, option: Option) -> ExerciseLog:
    """Add an option composed in the room to a decision point not yet decided."""
    if log.decided(point_id) is not None:
        raise ExerciseError(f"decision point {point_id!r} has been decided; options are closed")
    if option.name in [o.name for o in log.options(point_id)]:
        raise ExerciseError(f"an option is already called {option.name!r}; name it otherwise")
    problem = too_early(log.point(point_id), option)
    if problem:
        raise ExerciseError(problem)
    point = log.point(point_id)
    current = plan_before(log, point).levers_at(point.at.minute)
    after = option.after(current)
    twin = next((o for o in log.options(point_id) if o.after(current) == after), None)
    if twin is not None:
        raise ExerciseError(
            f"{option.name!r} leaves the same levers in force as {twin.name!r} from the "
            f"decision on ({levers_words(after)}), so the two would show the "
            f"same numbers; change its levers, or take {twin.name!r}"
        )
    proposed = log.model_copy(
        update={"proposals": (*log.proposals, Proposal(point=point_id, option=option))}
    )
    return _step(proposed, f"Option {option.name!r} proposed at {point_id!r}")


def add_projection(log: ExerciseLog, projection: Projection) -> ExerciseLog:
    return log.model_copy(update={"projections": (*log.projections, projection)})


def complete_projection(log: ExerciseLog, projection: Projection) -> ExerciseLog:
    """Keep the numbers of a decision recorded on a first answer as they ended, once every run
    is in (beside those the decision was recorded on)."""
    return _step(
        add_projection(log, projection),
        f"Every run in for decision point {projection.point!r}: "
        f"{projection.replications} replications",
    )


def add_standing(log: ExerciseLog, standing: Standing) -> ExerciseLog:
    return _step(
        log.model_copy(update={"standings": (*log.standings, standing)}),
        f"The office as it stood at {when(standing.clock)} recorded",
    )


def add_note(log: ExerciseLog, text: str, by: str = "") -> ExerciseLog:
    note = Note(at=log.clock, text=text, by=by)
    return _step(
        log.model_copy(update={"notes": (*log.notes, note)}), f"Note by {by or 'the room'}"
    )


def rate(log: ExerciseLog, rating: Rating) -> ExerciseLog:
    """Record (or replace) an evaluator's rating of a capability."""
    names = [c.name for c in log.exercise.capabilities]
    if rating.capability not in names:
        raise ExerciseError(
            f"{rating.capability!r} is not one of the exercise's capabilities: {', '.join(names)}"
        )
    kept = tuple(r for r in log.ratings if r.capability != rating.capability)
    rated = log.model_copy(update={"ratings": (*kept, rating)})
    return _step(rated, f"{rating.capability} rated {rating.rating}")


def set_actions(log: ExerciseLog, actions: tuple[Action, ...]) -> ExerciseLog:
    return _step(
        log.model_copy(update={"actions": actions}), f"Improvement plan: {len(actions)} actions"
    )
