"""An exercise's after-action report, from its log alone: the content every format lays out
(:mod:`sim.outputs.exercise_report_render` writes it as HTML and PDF).

Sections, as HSEEP's after-action report and improvement plan: the exercise overview (its date,
scenario, objectives and participants); an executive summary in words (each decision, what it
changed against carrying on as decided with its 95% intervals, and the evaluation in brief); the
timeline of injects (with what the players were expected to do) and decisions; each decision
with the options the room was shown, each option against carrying on as decided, as the room
saw it (paired on the same replications, with 95% intervals; the option taken marked) and the
options' courses (the counterfactuals); the office as play ended; the analysis by capability
(objectives, critical tasks, observations as strengths and areas for improvement, the rating);
the hot wash; the improvement plan; notes; how to replay it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from sim.domain.vocabulary import counted
from sim.exercise.evaluation import everyone
from sim.exercise.improvement import to_csv
from sim.exercise.log import ExerciseLog, when
from sim.exercise.options_compared import compared_names, recorded_on, reference_words_of
from sim.exercise.plans_in_play import levers_words
from sim.exercise.projection import backlog_frame
from sim.exercise.votes import votes_words
from sim.outputs import charts
from sim.outputs.exercise_report_decisions import (
    changed_grid,
    decision_words,
    options_grid,
    standing_section,
    text_table,
    timeline_rows,
)
from sim.outputs.exercise_report_sections import (
    CapabilityAnalysis,
    capability_analyses,
    date_words,
    evaluation_words,
    held_words,
    hot_wash_tables,
    improvement_table,
    objectives_table,
    participants_table,
    ratings_table,
)
from sim.outputs.report_content import Table


@dataclass(frozen=True)
class Decided:
    question: str
    at: str
    taken: str
    by: str
    why: str
    options: Table  # each option's measures (mean, P10-P90)
    changed: Table  # each option minus carrying on as decided, paired (as the room saw it)
    against: str  # carrying on as decided, in words (do nothing in a log saved before)
    figure: Callable[[], Figure] | None  # draws the options' backlog fan
    recorded_on: str = ""  # a decision recorded on a first answer: its numbers then and at the end
    votes: str = ""  # the players' votes when it was recorded, in words


@dataclass(frozen=True)
class ExerciseReport:
    title: str
    subtitle: str
    date: str  # the day the exercise was held, in words
    description: str
    objectives: Table
    participants: Table
    summary: tuple[str, ...]  # the executive summary, sentence by sentence
    timeline: Table
    decisions: tuple[Decided, ...]
    ending_words: str  # the office as play ended
    ending: Table
    ending_figure: Callable[[], Figure] | None
    ratings: Table  # each capability's rating and observations counted, at a glance
    capabilities: tuple[CapabilityAnalysis, ...]
    hot_wash: tuple[tuple[str, Table], ...]  # (what went well, ...), (what to improve, ...)
    improvement_plan: Table
    improvement_csv: str
    notes: Table
    replay: str


def summary_words(log: ExerciseLog) -> tuple[str, ...]:
    """The executive summary: the exercise in a sentence, each decision and what it changed
    against carrying on as decided, then the evaluation."""
    exercise = log.exercise
    roles = [p.role for p in everyone(log)]
    by_role = ", ".join(counted(roles.count(r), r) for r in dict.fromkeys(roles))
    opening = (
        f"{exercise.name} ({held_words(exercise.date)}) had {len(roles)} "
        f"participant{'' if len(roles) == 1 else 's'}{f' ({by_role})' if roles else ''}, "
        "on the scenario "
        f"{exercise.scenario_settings.name}: play ran from {when(exercise.starts_at)} to "
        f"{when(log.clock)}, with {counted(len(log.delivered), 'inject')} delivered and "
        f"{counted(len(log.decisions), 'decision')} taken."
    )
    decided = [decision_words(log, d) for d in log.decisions]
    return (opening, *decided, *evaluation_words(log))


def exercise_report(log: ExerciseLog, exercise_id: str) -> ExerciseReport:
    exercise = log.exercise
    decided = []
    for decision in log.decisions:
        point = log.point(decision.point)
        projection = log.projection(point.id)
        options = changed = Table(("note",), (("No projection was run at this decision point.",),))
        figure, against = None, "carrying on as decided"
        if projection is not None:
            against = reference_words_of(projection)
            options = options_grid(projection)
            changed = changed_grid(projection, decision.option.name)
            backlog = backlog_frame(projection)
            labels = compared_names(projection)

            def draw(backlog=backlog, labels=labels, day=point.at.minute / 1440):
                return charts.backlog_fan(backlog, labels, marked=(day, "the decision"))

            figure = draw
        decided.append(
            Decided(
                point.question,
                when(point.at),
                f"{decision.option.name} ({levers_words(decision.option.levers)} pulled"
                + (f"; stops {', '.join(decision.option.stop)}" if decision.option.stop else "")
                + ")",
                decision.by or "not recorded",
                decision.why or "not recorded",
                options,
                changed,
                against,
                figure,
                recorded_on(log, point.id, decision.option.name),
                votes_words(decision.votes, [o.name for o in log.options(point.id)]),
            )
        )
    ending = standing_section(log)
    return ExerciseReport(
        title=f"After-action report: {exercise.name}",
        subtitle=(
            f"Exercise {exercise_id}, {held_words(exercise.date)}; scenario "
            f"{exercise.scenario_settings.name}; clock at "
            f"{when(log.clock)}; {exercise.replications} replications x {exercise.run_weeks} "
            f"weeks, seed {exercise.scenario_settings.run.seed}"
        ),
        description=exercise.description,
        date=date_words(exercise.date),
        objectives=objectives_table(log),
        participants=participants_table(log),
        summary=summary_words(log),
        timeline=text_table(("when", "what", "detail"), timeline_rows(log)),
        decisions=tuple(decided),
        ending_words=ending[0],
        ending=ending[1],
        ending_figure=ending[2],
        ratings=ratings_table(log),
        capabilities=capability_analyses(log),
        hot_wash=hot_wash_tables(log),
        improvement_plan=improvement_table(log.actions),
        improvement_csv=to_csv(log.actions),
        notes=text_table(("when", "by", "note"), ((when(n.at), n.by, n.text) for n in log.notes)),
        replay=f"python -m sim exercise report {exercise_id}  (replays every projection from "
        "the saved log and checks the numbers are the same: add --replay)",
    )
