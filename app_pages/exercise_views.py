"""What the facilitator's view and the room's view both show of an exercise at a step: the
clock, the latest injects, the systems' status, the office now with its spread, and at a
decision point each option projected side by side. Read-only: the views never change the log.

The step's experiment runs on the server's job board (:mod:`app_pages.jobs`), keyed by what its
numbers depend on, so the facilitator's and the room's views share one job, and a finished one
is found again in the results store after a restart."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.jobs import Job
from app_pages.widgets import chart, chart_png, plain
from sim.exercise.log import (
    ExerciseError,
    ExerciseLog,
    advance_to_next,
    levers_words,
    plan_now,
    scenario_now,
    when,
)
from sim.exercise.projection import Step, now_table, step_inputs
from sim.exercise.store import ExerciseStore
from sim.experiments.compare import Experiment
from sim.outputs import charts
from sim.outputs.describe import disruptions_at
from sim.outputs.readable import partial_words
from sim.outputs.verdict import verdict
from sim.results.measures import MEASURES, heading, label
from sim.scenario.loader import ScenarioError, load_exercise

EXERCISES = state.SCENARIOS / "exercises"
HEADLINE = (
    "backlog_mean",
    "rekeying_debt_max",  # beside the backlog, never in it
    "missed_risk_checks",
    "late_recalls",
    "extra_hours",
    "overtime_hours",
)


def exercises_dir() -> Path:
    """Where exercises are saved, step by step (survives restarts)."""
    return Path(os.environ.get("SIM_EXERCISES_DIR") or state.ROOT / "exercises")


def store() -> ExerciseStore:
    return ExerciseStore(exercises_dir())


def library() -> Path:
    """The exercise files offered: scenarios/exercises, or the folder SIM_EXERCISE_LIBRARY names."""
    return Path(os.environ.get("SIM_EXERCISE_LIBRARY") or EXERCISES)


def shipped() -> dict[str, Path]:
    """The exercise files of the library, by exercise name (those that load)."""
    found = {}
    for path in sorted(library().glob("*.yaml")):
        try:
            found[load_exercise(path).name] = path
        except ScenarioError:
            continue
    return found


def step_job(log: ExerciseLog) -> tuple[Step, Job]:
    """The experiment for the room now and its job (started if not already running or done)."""
    step = step_inputs(log)
    job = state.board().start(
        step.scenario,
        step.plans,
        step.replications,
        step.seed,
        step.weeks,
        {"exercise": log.exercise.name},
        as_at_minute=step.as_at_minute,
        baselines=step.baselines,
        stopping=step.stopping,
    )
    return step, job


def next_decision(log: ExerciseLog) -> ExerciseLog | None:
    """The exercise as it will be at the next decision point, if the next stop is one (nothing
    the room is told before it): its projection can start before the room gets there, on the
    inputs it will have then (a live inject or a composed option makes another)."""
    if log.pending() is not None or log.next_stop() is None:
        return None
    try:
        ahead = advance_to_next(log)
    except ExerciseError:
        return None
    return ahead if ahead.pending() is not None else None


def answer(job: Job) -> Experiment | None:
    """The finished experiment, or the comparison so far while it runs (None: nothing yet)."""
    return job.result if job.result is not None else job.partial


def clock_line(log: ExerciseLog, big: bool = False) -> None:
    text = f"Day {log.clock.day}, {when(log.clock).split(', ')[1]} (week {log.clock.day // 7 + 1})"
    if big:
        st.markdown(f"# {plain(text)}")
    else:
        st.markdown(f"**Clock:** {plain(text)}")


def latest_injects(log: ExerciseLog, count: int = 2, big: bool = False) -> None:
    delivered = [log.inject(i) for i in log.delivered][-count:]
    if not delivered:
        st.info("No inject delivered yet: the systems' status below is the scenario's own.")
    for inject in reversed(delivered):
        heading = f"{when(inject.at)}: {inject.title}"
        if big:
            st.markdown(f"## {plain(heading)}")
            st.markdown(f"### {plain(inject.told)}")
        else:
            st.markdown(f"**{plain(heading)}**: {plain(inject.told)}")


def systems_status(log: ExerciseLog, big: bool = False) -> None:
    now = disruptions_at(scenario_now(log), log.clock.minute)
    if now.empty:
        st.success("Every system is working normally.")
    elif big:  # a plain table, in the room's large type
        st.table(now.set_index("system"))
    else:
        st.dataframe(now, hide_index=True)


def progress_words(job: Job) -> str:
    if job.cancelled:
        return "These runs were stopped (play moved on)."
    if not job.total:
        return "Starting the runs..."
    return f"{job.done} of {job.total} runs done."


def office_now(job: Job, step: Step, big: bool = False) -> None:
    """The office now: each measure's median over replications, with its P10-P90 range (the
    backlog and the re-keying debt side by side, in the first row)."""
    found = answer(job)
    if found is None or "as_at" not in found.tables:
        st.info(f"Simulating the office to now. {progress_words(job)}")
        return
    as_at = found["as_at"]
    table = now_table(as_at[as_at["plan"] == step.plans[-1].name])
    n = int(table["replications"].max()) if len(table) else 0
    st.caption(
        f"As the office stands now: median over {n} replications, with the range of the middle "
        "80% (P10-P90)."
        + ("" if job.result is not None else " First answer, refined as runs arrive.")
    )
    per_row = 3
    rows = list(table.itertuples(index=False))
    for start in range(0, len(rows), per_row):
        for column, row in zip(st.columns(per_row), rows[start : start + per_row], strict=False):
            column.metric(
                heading(row.measure, row.unit),
                f"{row.median:,.0f}",
                f"P10-P90: {row.p10:,.0f} to {row.p90:,.0f}",
                delta_color="off",
                delta_arrow="off",
            )


def projection(log: ExerciseLog, job: Job, step: Step, key: str) -> None:
    """Each option projected to the end of the exercise: backlog fan, measures, verdict."""
    found = answer(job)
    if found is None:
        st.info(f"Projecting each option. {progress_words(job)}")
        return
    words = partial_words(found.manifest)
    if words:
        st.caption(f"First answer ({plain(words)}); refined as runs arrive.")
    names = [p.name for p in step.plans]
    day = log.clock.minute / 1440

    def draw():
        labels = [n for n in names if n in set(found["backlog"]["plan"])]
        fig = charts.backlog_fan(found["backlog"], labels, found.manifest.get("disruption_days"))
        for ax in fig.axes:  # the backlog, and the re-keying debt's panel if drawn
            ax.axvline(day, color="#1f2933", linestyle="--", linewidth=1)
        return fig

    digest = "-".join(str(part)[:8] for part in job.key[:2])
    name = f"exercise-{digest}-{job.done}-{key}"
    if key == "room":  # no controls in the room's view
        st.image(chart_png(name, draw), width="stretch")
    else:
        chart(draw, name, f"{key}-fan")
    st.caption(
        "Backlog (work not done) at the end of each day: median and P10-P90 band over "
        "replications; below it, where an option leaves paper records to re-key, the re-keying "
        "debt, never added to the backlog. The dashed line is now. Every option runs on the same "
        "replications, so before now they coincide."
    )
    st.dataframe(options_frame(found, names), hide_index=True)
    for sentence in verdict(found.tables, found.manifest):
        st.markdown(f"- {plain(sentence)}")


def options_frame(experiment: Experiment, names: list[str]) -> pd.DataFrame:
    """Each option's headline measures to the end of the exercise: the mean over replications
    with its 95% interval, in the measure's unit."""
    comparison = experiment["comparison"]
    rows = []
    for name in names:
        row = {"option": name}
        for measure in HEADLINE:
            found = comparison[(comparison["plan"] == name) & (comparison["measure"] == measure)]
            if len(found):
                r = found.iloc[0]
                heading = f"{label(measure)} ({MEASURES[measure].unit}): mean (95% interval)"
                row[heading] = f"{r['mean']:,.1f} ({r['ci_low']:,.1f} to {r['ci_high']:,.1f})"
        rows.append(row)
    return pd.DataFrame(rows)


def options_list(log: ExerciseLog, step: Step) -> None:
    """Each option in words: what it changes and the levers in force once it is taken."""
    if step.point is None:
        return
    current = plan_now(log).levers_at(step.point.at.minute)
    st.markdown(f"Levers in force now: {plain(levers_words(current))}.")
    for option in step.options:
        changes = []
        if any(getattr(option.levers, n) for n in type(option.levers).model_fields):
            changes.append(f"pulls {levers_words(option.levers)}")
        if option.stop:
            changes.append(f"stops {', '.join(n.replace('_', ' ') for n in option.stop)}")
        did = "; ".join(changes) or "changes nothing"
        after = levers_words(option.after(current))
        st.markdown(f"- **{plain(option.name)}**: {plain(did)}; then in force: {plain(after)}")
    st.caption(
        "Do nothing is also shown: no lever at any time, the reference every comparison is "
        "paired against. It differs from the options before now wherever an earlier decision "
        "pulled a lever."
    )


def decisions_so_far(log: ExerciseLog) -> None:
    if not log.decisions:
        return
    lines = []
    for decision in log.decisions:
        point = log.point(decision.point)
        by = f" ({decision.by})" if decision.by else ""
        lines.append(f"- {when(point.at)}: **{plain(decision.option.name)}**{plain(by)}")
    st.markdown("**Decisions taken**\n" + "\n".join(lines))
    now = levers_words(plan_now(log).levers_at(log.clock.minute))
    st.caption(f"Levers in force now: {plain(now)}.")
