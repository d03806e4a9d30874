"""History: experiments saved in the results store, reopened without re-running."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.results_view import render_experiment
from app_pages.widgets import code, plain, table
from sim.experiments.compare import Experiment
from sim.store.results import ResultsStore, StoreError


def render() -> None:
    st.title("History")
    store = ResultsStore(state.results_dir())
    st.caption(
        f"Experiments saved in {code(store.root.name)}, newest first. Every run from the "
        "Compare page or `python -m sim compare` is saved here, and every step of a tabletop "
        "exercise (listed when asked for)."
    )
    try:
        runs = store.list()
        problems = store.problems()
    except StoreError as exc:
        st.error(plain(str(exc)))
        return
    for problem in problems:
        st.warning(plain(problem))
    if runs.empty:
        st.info("Nothing saved yet: run a comparison on the Compare page.")
        return
    runs = _exercise_runs_shown(runs)
    if runs.empty:
        return
    shown = runs.drop(
        columns=["saved_at"] + ([] if runs["exercise"].notna().any() else ["exercise"])
    )
    shown["created_at"] = shown["created_at"].astype(str).str[:16].str.replace("T", " ")
    table(shown)
    labels = {
        r.run_id: f"{r.run_id}: {r.scenario} (digest {r.scenario_hash}; "
        f"{r.plans}; {r.replications} replications, {r.weeks} "
        f"weeks, seed {r.seed}"
        + (f"; exercise {r.exercise}" if isinstance(r.exercise, str) else "")
        + ")"
        for r in runs.itertuples()
    }
    chosen = st.selectbox(
        "Experiment", list(labels), format_func=lambda r: labels[r], key="history_run"
    )
    if st.button("Open experiment", type="primary", key="history_open") and chosen is not None:
        try:
            tables, manifest = store.load(chosen)
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        state.set_experiment(Experiment(manifest, tables))
    experiment = state.experiment()
    if experiment is not None and experiment.manifest.get("run_id") == chosen:
        st.success(
            "This is the experiment on screen: the Forecast, Workload and Method pages show it too."
        )
        render_experiment(experiment, "history")


def _exercise_runs_shown(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs to list: those a tabletop exercise's steps made (every step saves its
    experiment, marked with the exercise's name) only when asked for, saying how many are
    hidden."""
    by_exercise = runs["exercise"].notna()
    hidden = int(by_exercise.sum())
    if not hidden:
        return runs
    show = st.checkbox(
        "Show runs made by exercises",
        key="history_exercise_runs",
        help="Every step of a tabletop exercise runs (and saves) an experiment; they are "
        "reopened from the Exercise page, so History leaves them out unless asked.",
    )
    if show:
        return runs
    st.caption(
        f"{hidden} run{'s' * (hidden != 1)} made by tabletop exercises "
        f"{'are' if hidden != 1 else 'is'} hidden; tick the box above to list "
        f"{'them' if hidden != 1 else 'it'}."
    )
    if by_exercise.all():
        st.info("Every saved run was made by an exercise: tick the box above to list them.")
    return runs[~by_exercise]
