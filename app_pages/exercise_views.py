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
from sim.exercise.log import ExerciseError, ExerciseLog, advance_to_next, when
from sim.exercise.option_reach import option_warnings, same_effect
from sim.exercise.options_compared import difference_text
from sim.exercise.plans_in_play import levers_words, plan_now, scenario_now
from sim.exercise.projection import Step, now_table, step_inputs
from sim.exercise.store import ExerciseStore
from sim.experiments.compare import Experiment
from sim.outputs import charts
from sim.outputs.describe import disruptions_at
from sim.outputs.readable import partial_words
from sim.outputs.verdict import verdict
from sim.results.measures import MEASURES, heading, headlined, label
from sim.scenario.exercise import Inject
from sim.scenario.loader import ScenarioError, load_exercise
from sim.scenario.plans import CARRY_ON, reference_words

EXERCISES = state.SCENARIOS / "exercises"
HEADLINE = headlined("exercise")  # the options table's measures (the registry's)


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
    return step, job_of(step, log)


def job_of(step: Step, log: ExerciseLog) -> Job:
    """A step's job: running or done if there is one (on the server, or saved in the results
    store), else started."""
    return state.board().start(
        step.scenario,
        step.plans,
        step.replications,
        step.seed,
        step.weeks,
        {"exercise": log.exercise.name},
        as_at_minute=step.as_at_minute,
        baselines=step.baselines,
        stopping=step.stopping,
        reference=step.reference,
    )


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
    most = "at most " if job.at_most and job.running else ""
    return f"{job.done} of {most}{job.total} runs done."


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
        st.caption(f"First answer ({plain(words)}); refined as runs arrive: {progress_words(job)}")
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
    if found.manifest.get("reference") == step.reference:
        st.markdown(f"**Against {plain(reference_words(step.reference))}**")
        st.dataframe(differences_frame(found, names, step.reference), hide_index=True)
        st.caption(
            f"Each option minus {plain(reference_words(step.reference))} (the path the room is "
            "on), replication by replication on the same random numbers, with its 95% interval: "
            "below zero the option gives less of the measure. An interval that includes zero "
            "means the replications cannot tell the two apart."
        )
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
                heading = f"{label(measure)}: mean (95% interval)"
                row[heading] = f"{r['mean']:,.1f} ({r['ci_low']:,.1f} to {r['ci_high']:,.1f})"
        rows.append(row)
    return pd.DataFrame(rows)


def differences_frame(experiment: Experiment, names: list[str], reference: str) -> pd.DataFrame:
    """Each option but the reference against it, per headline measure: the paired difference
    with its 95% interval, from the experiment's comparison (its reference is ``reference``)."""
    comparison = experiment["comparison"]
    rows = []
    for name in (n for n in names if n != reference):
        row = {"option": name}
        for measure in HEADLINE:
            found = comparison[(comparison["plan"] == name) & (comparison["measure"] == measure)]
            if (
                len(found)
                and found.iloc[0]["vs_reference_mean"] == found.iloc[0]["vs_reference_mean"]
            ):
                r = found.iloc[0]
                heading = f"{label(measure)}: difference (95% interval)"
                row[heading] = difference_text(
                    r["vs_reference_mean"],
                    r["vs_reference_low"],
                    r["vs_reference_high"],
                    MEASURES[measure].unit,
                )
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
    for first, second in same_effect(log, step.point):
        st.warning(
            f"{plain(first)} and {plain(second)} leave the same levers in force from the "
            "decision on: they show the same numbers."
        )
    for option in step.options:
        for warning in option_warnings(log, step.point, option):
            st.warning(plain(warning[:1].upper() + warning[1:]))
    if step.reference == CARRY_ON:
        st.caption(
            f"{CARRY_ON} is shown too: the plan as decided so far, unchanged from now (the path "
            "the room is on, which no option here keeps as it is). Every option is compared "
            "with it."
        )
    else:
        st.caption(
            f"{plain(step.reference)} changes nothing: it is the path the room is on, and every "
            "other option is compared with it."
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


def injects_of_the_moment(log: ExerciseLog) -> list[Inject]:
    """Every inject delivered at the moment of the latest one, in the order delivered: several
    can share a moment (two planned at once, or one added in the room at the clock)."""
    delivered = [log.inject(i) for i in log.delivered]
    latest = max((i.at.minute for i in delivered), default=None)
    return [i for i in delivered if i.at.minute == latest]


DIFFERENCE = ("vs_reference_mean", "vs_reference_low", "vs_reference_high")


def headline_numbers(
    experiment: Experiment, names: list[str], measures: tuple[str, ...]
) -> pd.DataFrame:
    """The rows of the options' comparison for ``names`` and ``measures`` (as
    :func:`options_frame` and :func:`differences_frame` read them): plan, measure, mean,
    ci_low, ci_high, replications, and the paired difference from the reference
    (``vs_reference_mean``, ``_low``, ``_high``: NaN for the reference itself)."""
    comparison = experiment["comparison"]
    chosen = comparison["plan"].isin(names) & comparison["measure"].isin(measures)
    columns = ["plan", "measure", "mean", "ci_low", "ci_high", "replications"]
    columns += [c for c in DIFFERENCE if c in comparison.columns]
    return comparison.loc[chosen, columns]
