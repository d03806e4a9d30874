"""A tabletop exercise: a scenario played in the room, with injects, decision points and the
capabilities evaluated (the master scenario events list of HSEEP, as a file).

An exercise file (``scenarios/exercises/*.yaml``) names its scenario (a file beside it), the
participants and their roles, the **objectives** (each tied to capabilities), a timeline of
**injects** (what the room is told at a moment, what the players are expected to do, and what
changes in the model then: outages of any kind added from that moment; none for a news or press
message), the **decision points** (a question at a moment, with options: each a set of plan
levers in force from then on) and the **capabilities** evaluators rate, each with its critical
tasks (:mod:`sim.scenario.evaluation`). It is read by
:func:`sim.scenario.loader.load_exercise` with the same strict rules as a scenario file; the
scenario it names is read then and kept inside the :class:`Exercise`, so a saved exercise
replays from its own copy even if the file later changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from sim.domain.calendar import DAY, moment_words
from sim.scenario.evaluation import (
    Action,
    Capability,
    HotWashItem,
    Objective,
    Observation,
    Rating,
    ShortText,
    key,
)
from sim.scenario.frozen import Frozen, ProblemAt
from sim.scenario.outages import Moment, Outages
from sim.scenario.plans import CARRY_ON, Levers
from sim.scenario.schema import Scenario

# HSEEP's exercise roles: the facilitator leads the discussion, controllers run the exercise's
# timeline (deliver injects, keep time), evaluators observe and rate against the critical tasks,
# players decide, observers watch
Role = Literal["facilitator", "controller", "evaluator", "player", "observer"]
ROLES: tuple[Role, ...] = get_args(Role)
RESERVED = ("do nothing", "no outage")  # labels of the references in every comparison


class Participant(Frozen):
    name: str = Field(min_length=1, max_length=120, description="A person or a post.")
    role: Role
    function: str = Field("", max_length=120, description="What they do in the office.")


class Inject(Frozen):
    """An event delivered to the room at ``at``: what it is told, and what changes in the model."""

    id: str
    at: Moment
    title: str = Field(min_length=1, max_length=120)
    told: str = Field(min_length=1, max_length=4000, description="What the room is told.")
    expected_actions: tuple[ShortText, ...] = Field(
        (), max_length=20, description="What the players are expected to do on hearing it."
    )
    effect: Outages = Field(
        Outages(),
        description="Disruptions added to the scenario from this moment (none: news only).",
    )
    to: tuple[str, ...] = Field(
        (),
        description="Whom it is addressed to, on the players' own devices: participants' "
        "functions, names or roles (none: everyone).",
    )

    _id = field_validator("id")(classmethod(lambda cls, v: key(v)))

    def addressed_to(self, participant: Participant) -> bool:
        """Whether ``participant`` is told this inject on their own device."""
        return not self.to or bool(
            {participant.name, participant.function, participant.role} & set(self.to)
        )

    @model_validator(mode="after")
    def _effect_not_before(self) -> Inject:
        for path, start in effect_starts(self.effect):
            if start < self.at.minute:
                raise ProblemAt(
                    f"inject {self.id!r}: its effect starts on {moment_words(start)}, before "
                    f"the inject is delivered ({moment_words(self.at.minute)}); start its effect "
                    "at or after the inject's moment: the room cannot be told of the past",
                    "effect",
                    *path,
                )
        return self


LeverName = Literal[
    "paper_fallback",
    "printed_risk_register",
    "day_lists",
    "login_rota",
    "triage",
    "overtime",
    "mutual_aid",
    "alternative_channel",
    "home_working",
]


class Option(Frozen):
    """One choice at a decision point, from the decision on: the levers it pulls (each replacing
    that lever's settings if already pulled) and the levers it stops; every other lever stays
    as it was. An option that pulls and stops nothing is "carry on as now"."""

    name: str = Field(min_length=1, max_length=80)
    levers: Levers = Levers()
    stop: tuple[LeverName, ...] = ()

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, name: str) -> str:
        if name.strip().lower() in RESERVED:
            raise ValueError(
                f"{name!r} is the name of a reference every comparison has; name the option by "
                "what it does, such as 'Carry on as now'"
            )
        return name

    @model_validator(mode="after")
    def _carry_on_changes_nothing(self) -> Option:
        if self.name.strip().lower() == CARRY_ON.lower() and (self.stop or self.levers != Levers()):
            raise ValueError(
                f"{self.name!r} is the name of the path the room is on, which every option is "
                "compared with: an option of that name pulls and stops nothing; name this "
                "option by what it does"
            )
        return self

    @model_validator(mode="after")
    def _not_both(self) -> Option:
        both = [n for n in self.stop if getattr(self.levers, n) is not None]
        if both:
            raise ProblemAt(
                f"option {self.name!r} both pulls and stops {both[0]}; keep it in levers or in "
                "stop, not both",
                "stop",
                self.stop.index(both[0]),
            )
        return self

    def after(self, current: Levers) -> Levers:
        """The levers in force once this option is taken over ``current``."""
        pulled = {n: v for n in type(self.levers).model_fields if (v := getattr(self.levers, n))}
        return current.model_copy(update={**pulled, **dict.fromkeys(self.stop)})


class DecisionPoint(Frozen):
    id: str
    at: Moment
    question: str = Field(min_length=1, max_length=2000)
    options: tuple[Option, ...] = Field(min_length=2, max_length=6)

    _id = field_validator("id")(classmethod(lambda cls, v: key(v)))

    @field_validator("options")
    @classmethod
    def _distinct(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        names = [o.name for o in options]
        for j, name in enumerate(names):
            if name in names[:j]:
                raise ProblemAt(
                    f"option {name!r} is given twice; give each option its own name", j, "name"
                )
        return options


def too_early(point: DecisionPoint, option: Option) -> str | None:
    """Why ``option`` cannot be taken at ``point`` (None: it can). Mutual aid's staff work from
    its ``from_day`` whenever the decision to ask for them is taken, so a loan starting on or
    before the decision's day would change the past."""
    aid = option.levers.mutual_aid
    if aid is not None and aid.from_day <= point.at.day:
        return (
            f"option {option.name!r} at {point.id!r} brings mutual aid from day {aid.from_day}, "
            f"not after the decision (day {point.at.day}); give from_day {point.at.day + 1} or "
            "later: a decision cannot change the past"
        )
    return None


class ExerciseFile(Frozen):
    """An exercise file as written: its scenario named, not yet read."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=8000)
    date: dt.date | None = Field(
        None, description="The day the exercise is held (left out: set when started in the app)."
    )
    scenario: str = Field(min_length=1, description="The scenario (a file beside this one).")
    starts_at: Moment = Field(
        Moment(day=0, hour=9.0), description="Where the clock stands when play begins."
    )
    replications: int = Field(
        10, ge=2, le=200, description="Replications behind every number shown to the room."
    )
    weeks: int | None = Field(
        None,
        ge=1,
        le=104,
        description="How long every run of the exercise lasts, and so how far each option is "
        "projected (left out: the scenario's run.weeks).",
    )
    levers: Levers = Field(Levers(), description="The plan in force when play begins.")
    participants: tuple[Participant, ...] = ()
    injects: tuple[Inject, ...] = ()
    decision_points: tuple[DecisionPoint, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    objectives: tuple[Objective, ...] = Field(
        (), description="What the exercise is to show, each tied to capabilities."
    )

    @field_validator("objectives")
    @classmethod
    def _tied_to_capabilities(
        cls, objectives: tuple[Objective, ...], info: ValidationInfo
    ) -> tuple[Objective, ...]:
        ids = [o.id for o in objectives]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(
                f"objective {repeated[0]!r} is given twice; give every objective its own id"
            )
        if "capabilities" not in info.data:
            return objectives  # the capabilities are wrong: that is the problem named
        names = [c.name for c in info.data["capabilities"]]
        for objective in objectives:
            for name in objective.capabilities:
                if name not in names:
                    raise ValueError(
                        f"objective {objective.id!r} is tied to capability {name!r}, which is "
                        "not one of the exercise's capabilities; name one of: "
                        + (", ".join(repr(n) for n in names) or "none listed")
                        + ", or add it to capabilities"
                    )
        return objectives

    @model_validator(mode="after")
    def _consistent(self) -> ExerciseFile:
        seen: dict[str, str] = {}
        for kind, k, event in events_of(self):
            where = f"{kind}[{k}]"
            if event.id in seen:
                raise ProblemAt(
                    f"{words_of(kind)} id {event.id!r} is used twice ({seen[event.id]} and "
                    f"{where}); give every inject and decision point its own id",
                    kind,
                    k,
                    "id",
                )
            seen[event.id] = where
        start = self.starts_at.minute
        for kind, k, event in events_of(self):
            if event.at.minute < start:
                raise ProblemAt(
                    f"{words_of(kind)} {event.id!r} at {moment_words(event.at.minute)} comes "
                    f"before the exercise starts ({moment_words(start)}, its starts_at); move it "
                    "later or start the exercise earlier",
                    kind,
                    k,
                    "at",
                )
        for k, point in enumerate(self.decision_points):
            for j, option in enumerate(point.options):
                problem = too_early(point, option)
                if problem:
                    path = ("decision_points", k, "options", j, "levers", "mutual_aid", "from_day")
                    raise ProblemAt(problem, *path)
        names = [c.name for c in self.capabilities]
        for k, name in enumerate(names):
            if name in names[:k]:
                raise ProblemAt(
                    f"capability {name!r} is named twice; name each capability once",
                    "capabilities",
                    k,
                    "name",
                )
        return self

    @model_validator(mode="after")
    def _addressed(self) -> ExerciseFile:
        known = {w for p in self.participants for w in (p.name, p.function, p.role) if w}
        for inject in self.injects:
            unknown = [w for w in inject.to if w not in known]
            if unknown:
                raise ValueError(
                    f"inject {inject.id!r} is addressed to {unknown[0]!r}, who is not a "
                    "participant's function, name or role; use one of: " + ", ".join(sorted(known))
                )
        return self


class Exercise(ExerciseFile):
    """An exercise with its scenario read and kept inside (``scenario``: the file it was read
    from, ``scenario_settings``: what it held)."""

    scenario_settings: Scenario

    @model_validator(mode="after")
    def _inside_the_run(self) -> Exercise:
        last = self.run_weeks * 7 * DAY
        for kind, k, event in events_of(self):
            if event.at.minute >= last:
                raise ProblemAt(
                    f"{words_of(kind)} {event.id!r} at {moment_words(event.at.minute)} comes "
                    f"after the exercise's runs end ({moment_words(last)}, after "
                    f"{self.run_weeks} week{'s' * (self.run_weeks != 1)}); move it earlier or "
                    "give the exercise more weeks",
                    kind,
                    k,
                    "at",
                )
        return self

    @property
    def run_weeks(self) -> int:
        return self.weeks or self.scenario_settings.run.weeks


def effect_starts(effect: Outages) -> list[tuple[tuple[str | int, ...], float]]:
    """Where in ``effect`` each disruption starts (its path below the effect, such as
    ``("down", 0, "start")``) and the minute it starts."""
    starts: list[tuple[tuple[str | int, ...], float]] = []
    for kind in type(effect).model_fields:
        for k, entry in enumerate(getattr(effect, kind)):
            field = "start" if getattr(entry, "start", None) is not None else "at"
            starts.append(((kind, k, field), getattr(entry, field).minute))
    return starts


def events_of(exercise: ExerciseFile) -> list[tuple[str, int, Inject | DecisionPoint]]:
    """The exercise's injects, then its decision points, each with the list it is in and its
    place there: ``("injects", 0, inject)``."""
    return [("injects", k, i) for k, i in enumerate(exercise.injects)] + [
        ("decision_points", k, p) for k, p in enumerate(exercise.decision_points)
    ]


def words_of(kind: str) -> str:
    """``inject`` or ``decision point``, for the list an event is in."""
    return "inject" if kind == "injects" else "decision point"


def with_outages(scenario: Scenario, extra: list[Outages]) -> Scenario:
    """``scenario`` with the disruptions of ``extra`` added to its own (in that order)."""
    if not extra:
        return scenario
    data = scenario.model_dump()
    for kind in type(scenario.outages).model_fields:
        data["outages"][kind] = [*data["outages"][kind]] + [
            entry.model_dump() for o in extra for entry in getattr(o, kind)
        ]
    return Scenario.model_validate(data)


class Choice(Frozen):
    """A decision as a rehearsal file gives it: the option taken, by name, at a decision point."""

    point: str
    option: str
    by: str = Field("", max_length=200)
    why: str = Field("", max_length=4000)


class Rehearsal(Frozen):
    """A decisions file: what the room decides, for playing an exercise without a room
    (``python -m sim exercise run FILE --decisions DECISIONS.yaml``)."""

    decisions: tuple[Choice, ...] = ()
    injects: tuple[Inject, ...] = Field((), description="Injects added during play.")
    notes: tuple[str, ...] = ()
    ratings: tuple[Rating, ...] = ()
    actions: tuple[Action, ...] = ()
    participants: tuple[Participant, ...] = Field((), description="Who joined during play.")
    observations: tuple[Observation, ...] = ()
    hot_wash: tuple[HotWashItem, ...] = ()
