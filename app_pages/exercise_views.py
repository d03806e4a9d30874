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
from app_pages.widgets import chart, plain
from sim.exercise.log import ExerciseLog, levers_words, scenario_now, when
from sim.exercise.projection import Step, now_table, step_inputs
from sim.exercise.store import ExerciseStore
from sim.experiments.compare import Experiment
from sim.outputs import charts
from sim.outputs.describe import disruptions_at
from sim.outputs.readable import partial_words
from sim.outputs.verdict import verdict
from sim.results.measures import MEASURES, label
from sim.scenario.exercise import Option
from sim.scenario.loader import ScenarioError, load_exercise

EXERCISES = state.SCENARIOS / "exercises"
HEADLINE = ("backlog_mean", "missed_risk_checks", "late_recalls", "extra_hours", "overtime_hours")


def exercises_dir() -> Path:
    """Where exercises are saved, step by step (survives restarts)."""
    return Path(os.environ.get("SIM_EXERCISES_DIR") or state.ROOT / "exercises")


def store() -> ExerciseStore:
    return ExerciseStore(exercises_dir())


def shipped() -> dict[str, Path]:
    """The exercise files shipped in scenarios/exercises, by exercise name (those that load)."""
    found = {}
    for path in sorted(EXERCISES.glob("*.yaml")):
        try:
            found[load_exercise(path).name] = path
        except ScenarioError:
            continue
    return found


def step_job(log: ExerciseLog, options: tuple[Option, ...] | None = None) -> tuple[Step, Job]:
    """The experiment for the room now and its job (started if not already running or done)."""
    step = step_inputs(log, options)
    job = state.board().start(
        step.scenario,
        step.plans,
        step.replications,
        step.seed,
        step.weeks,
        {"exercise": log.exercise.name},
        as_at_minute=step.as_at_minute,
        baselines=step.baselines,
    )
    return step, job


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


def systems_status(log: ExerciseLog) -> None:
    now = disruptions_at(scenario_now(log), log.clock.minute)
    if now.empty:
        st.success("Every system is working normally.")
    else:
        st.dataframe(now, hide_index=True)


def office_now(job: Job, step: Step, big: bool = False) -> None:
    """The office now: each measure's median over replications, with its P10-P90 range."""
    found = answer(job)
    if found is None or "as_at" not in found.tables:
        st.info(f"Simulating the office to now: {job.done} of {job.total or '?'} runs done.")
        return
    as_at = found["as_at"]
    table = now_table(as_at[as_at["plan"] == step.plans[-1].name])
    n = int(table["replications"].max()) if len(table) else 0
    st.caption(
        f"As the office stands now: median over {n} replications, with the range of the middle "
        "80% (P10-P90)."
        + ("" if job.result is not None else " First answer, refined as runs arrive.")
    )
    columns = st.columns(len(table))
    for column, row in zip(columns, table.itertuples(index=False), strict=True):
        column.metric(
            f"{row.measure} ({row.unit})",
            f"{row.median:,.0f}",
            f"P10-P90 {row.p10:,.0f} to {row.p90:,.0f}",
            delta_color="off",
        )


def projection(log: ExerciseLog, job: Job, step: Step, key: str) -> None:
    """Each option projected to the end of the exercise: backlog fan, measures, verdict."""
    found = answer(job)
    if found is None:
        st.info(f"Projecting each option: {job.done} of {job.total or '?'} runs done.")
        return
    words = partial_words(found.manifest)
    if words:
        st.caption(f"First answer ({plain(words)}); refined as runs arrive.")
    names = [p.name for p in step.plans]
    day = log.clock.minute / 1440

    def draw():
        labels = [n for n in names if n in set(found["backlog"]["plan"])]
        fig = charts.backlog_fan(found["backlog"], labels, found.manifest.get("disruption_days"))
        fig.axes[0].axvline(day, color="#1f2933", linestyle="--", linewidth=1)
        return fig

    digest = "-".join(str(part)[:8] for part in job.key[:2])
    chart(draw, f"exercise-{digest}-{job.done}-{key}", f"{key}-fan")
    st.caption(
        "Backlog at the end of each day: median and P10-P90 band over replications; the dashed "
        "line is now. Every option runs on the same replications, so before now they coincide."
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


def options_list(options: tuple[Option, ...]) -> None:
    for option in options:
        stops = f"; stops {', '.join(option.stop)}" if option.stop else ""
        st.markdown(
            f"- **{plain(option.name)}**: pulls {plain(levers_words(option.levers))}{stops}"
        )
