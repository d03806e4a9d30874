"""The evaluation in an exercise's after-action report, as HSEEP's report sets it out: the
exercise overview (its date, objectives and participants), the analysis of each capability (the
objectives tied to it, its critical tasks, the evaluators' observations as strengths and areas
for improvement, its rating), the hot wash, and the improvement plan with all its columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.domain.vocabulary import counted
from sim.exercise.evaluation import everyone, objectives_of, observations_of
from sim.exercise.improvement import COLUMNS
from sim.exercise.log import ExerciseLog, when
from sim.outputs.exercise_report_decisions import text_table
from sim.outputs.report_content import Table
from sim.scenario.evaluation import HOT_WASH, KINDS, RATINGS, Action, Observation

OBSERVED = ("when", "critical task", "observation", "by", "written down")
PLURAL = {
    "strength": "strengths",
    "area for improvement": "areas for improvement",
    "observation": "other observations",
}


@dataclass(frozen=True)
class CapabilityAnalysis:
    """One capability's part of the analysis."""

    name: str
    description: str
    rating: str  # "S: performed with some challenges", or "not rated"
    evaluator: str
    summary: str  # the evaluator's words with the rating ("" if none)
    objectives: tuple[str, ...]  # the objectives tied to it
    critical_tasks: Table  # each task, with the observations made against it
    observations: tuple[tuple[str, Table], ...]  # (strengths, ...): each kind's observations


def date_words(date: dt.date | None) -> str:
    return "date not recorded" if date is None else f"{date.day} {date:%B %Y}"


def held_words(date: dt.date | None) -> str:
    """When the exercise was held: "held on 10 March 2027", or "date not recorded"."""
    return "date not recorded" if date is None else f"held on {date_words(date)}"


def written_words(recorded: dt.datetime | None) -> str:
    """When an observation was written down, by the wall clock ("" if not recorded)."""
    if recorded is None:
        return ""
    zone = f" {recorded.tzname()}" if recorded.tzname() else ""
    return f"{recorded:%H:%M}{zone} on {date_words(recorded.date())}"


def participants_table(log: ExerciseLog) -> Table:
    listed = len(log.exercise.participants)
    return text_table(
        ("name", "role", "function", "joined"),
        (
            (p.name, p.role, p.function, "from the start" if i < listed else "during play")
            for i, p in enumerate(everyone(log))
        ),
    )


def objectives_table(log: ExerciseLog) -> Table:
    return text_table(
        ("objective", "what the exercise is to show", "capabilities"),
        ((o.id, o.text, "; ".join(o.capabilities)) for o in log.exercise.objectives),
    )


def _observed(found: list[Observation]) -> Table:
    return text_table(
        OBSERVED,
        (
            (when(o.at), o.critical_task or "-", o.text, o.by, written_words(o.recorded))
            for o in found
        ),
    )


def capability_analyses(log: ExerciseLog) -> tuple[CapabilityAnalysis, ...]:
    """Each capability: its objectives, critical tasks, observations by kind and rating."""
    ratings = {r.capability: r for r in log.ratings}
    found = []
    for capability in log.exercise.capabilities:
        name = capability.name
        rated = ratings.get(name)
        seen = observations_of(log, name)
        tasks = text_table(
            ("critical task", *(PLURAL[k] for k in KINDS)),
            (
                (task, *(sum(o.critical_task == task and o.kind == k for o in seen) for k in KINDS))
                for task in capability.critical_tasks
            ),
        )
        found.append(
            CapabilityAnalysis(
                name=name,
                description=capability.description,
                rating=f"{rated.rating}: {RATINGS[rated.rating]}" if rated else "not rated",
                evaluator=rated.evaluator if rated else "",
                summary=rated.observation if rated else "",
                objectives=tuple(f"{o.id}: {o.text}" for o in objectives_of(log, name)),
                critical_tasks=tasks,
                observations=tuple(
                    (PLURAL[kind].capitalize(), _observed(observations_of(log, name, kind)))
                    for kind in KINDS
                ),
            )
        )
    return tuple(found)


def ratings_table(log: ExerciseLog) -> Table:
    """The ratings at a glance: each capability's rating, evaluator and observations counted."""
    ratings = {r.capability: r for r in log.ratings}
    rows = []
    for capability in log.exercise.capabilities:
        rated = ratings.get(capability.name)
        seen = observations_of(log, capability.name)
        rows.append(
            (
                capability.name,
                rated.rating if rated else "not rated",
                RATINGS[rated.rating] if rated else "",
                rated.evaluator if rated else "",
                *(sum(o.kind == k for o in seen) for k in KINDS),
            )
        )
    return text_table(
        ("capability", "rating", "meaning", "evaluator", *(PLURAL[k] for k in KINDS)), rows
    )


def hot_wash_tables(log: ExerciseLog) -> tuple[tuple[str, Table], ...]:
    """What the room said at the hot wash: what went well, what to improve, and who said it."""
    return tuple(
        (
            f"What {kind}" if kind == "went well" else "What to improve",
            text_table(
                ("said", "by"),
                ((h.text, h.by or "the room") for h in log.hot_wash if h.kind == kind),
            ),
        )
        for kind in HOT_WASH
    )


def improvement_table(actions: tuple[Action, ...]) -> Table:
    """The improvement plan with all its columns, headed as in its CSV."""
    return text_table(
        tuple(COLUMNS),
        (
            tuple("" if (v := getattr(a, field)) is None else v for field in COLUMNS.values())
            for a in actions
        ),
    )


def evaluation_words(log: ExerciseLog) -> list[str]:
    """The evaluation in words, for the executive summary: the ratings, the observations
    counted, the hot wash and the improvement plan."""
    rated = {r.capability: r for r in log.ratings}
    names = [c.name for c in log.exercise.capabilities]
    said = []
    if names:
        given = [f"{n} {rated[n].rating} ({RATINGS[rated[n].rating]})" for n in names if n in rated]
        said.append(
            f"Evaluators rated {len(given)} of the {len(names)} capabilities"
            + (f": {'; '.join(given)}." if given else ".")
        )
    counts = {k: sum(o.kind == k for o in log.observations) for k in KINDS}
    if log.observations:
        said.append(
            f"They recorded {counted(counts['strength'], 'strength')}, "
            f"{counted(counts['area for improvement'], 'area', 'areas')} for improvement and "
            f"{counted(counts['observation'], 'other observation')}."
        )
    if log.hot_wash:
        well = sum(h.kind == "went well" for h in log.hot_wash)
        said.append(
            f"At the hot wash the room named {counted(well, 'thing')} that went well and "
            f"{len(log.hot_wash) - well} to improve."
        )
    open_ = sum(a.status != "done" for a in log.actions)
    said.append(
        f"The improvement plan has {counted(len(log.actions), 'corrective action')}, "
        f"{open_} not done."
        if log.actions
        else "No corrective action has been recorded in the improvement plan."
    )
    return said
