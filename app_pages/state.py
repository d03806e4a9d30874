"""Where the app finds things, and what each user is working on.

Paths come from the environment (so tests and deployments can move them) or default to the
project's folders. Per-user state lives in ``st.session_state`` only: the scenario being worked
on, the plans edited on the Scenarios page, and the experiment last run or reopened. Shared,
read-only things (the shipped scenarios and plans) are cached with ``st.cache_resource``: they are
frozen pydantic models, so sharing them between users is safe.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from app_pages.jobs import JobBoard
from sim.config import Scenario
from sim.experiment import Experiment
from sim.loader import load_plan, load_scenario
from sim.plans import DO_NOTHING, Plan

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
PLANS = SCENARIOS / "plans"


def default_scenario_path() -> Path:
    return Path(os.environ.get("SIM_DEFAULT_SCENARIO") or SCENARIOS / "reference-office.yaml")


def library_dir() -> Path:
    """The user's saved scenarios ("my scenarios"); survives restarts."""
    return Path(os.environ.get("SIM_LIBRARY_DIR") or ROOT / "my-scenarios")


def results_dir() -> Path:
    """The results store the app saves experiments in (the CLI's default too)."""
    return Path(os.environ.get("SIM_RESULTS_DIR") or ROOT / "results")


@st.cache_resource(show_spinner=False)
def _scenario_file(path: str, modified: float) -> Scenario:
    return load_scenario(path)


def scenario_file(path: Path) -> Scenario:
    """A scenario file, read once per change of the file (ScenarioError if it is wrong)."""
    return _scenario_file(str(path), path.stat().st_mtime if path.exists() else 0.0)


@st.cache_resource(show_spinner=False)
def _plan_files(folder: str, modified: float) -> tuple[tuple[str, Plan], ...]:
    return tuple((path.stem, load_plan(path)) for path in sorted(Path(folder).glob("*.yaml")))


def plan_files() -> tuple[tuple[str, Plan], ...]:
    """(file stem, plan) for each file in scenarios/plans, read once per change of the folder."""
    return _plan_files(str(PLANS), PLANS.stat().st_mtime)


def shipped_plans() -> dict[str, Plan]:
    """The plans in scenarios/plans by name, "Do nothing" first."""
    plans = {DO_NOTHING.name: DO_NOTHING}
    for _, plan in plan_files():
        plans.setdefault(plan.name, plan)
    return plans


def scenario_plan_names(value: Scenario) -> list[str]:
    """The names of the plans a scenario lists (by file stem, with or without ``.yaml``, as
    :func:`sim.loader.plans_of` reads them), "Do nothing" first."""
    by_stem = dict(plan_files())
    stems = [s.removesuffix(".yaml") for s in value.plans]
    names = [by_stem[s].name for s in stems if s in by_stem]
    return [DO_NOTHING.name] + [n for n in names if n != DO_NOTHING.name]


@st.cache_resource(show_spinner=False)
def _board(store: str, workers: int | None) -> JobBoard:
    return JobBoard(Path(store), workers)


def board() -> JobBoard:
    """The server's job board (one process pool for every user), per results store."""
    workers = os.environ.get("SIM_APP_WORKERS")
    return _board(str(results_dir()), int(workers) if workers else None)


def plans() -> dict[str, Plan]:
    """Every plan this user can compare: shipped ones and those they edited."""
    return {**shipped_plans(), **st.session_state.get("edited_plans", {})}


def keep_plan(plan: Plan) -> None:
    st.session_state["edited_plans"] = {**st.session_state.get("edited_plans", {}),
                                        plan.name: plan}


def scenario() -> tuple[Scenario, str]:
    """The scenario this user works on and where it came from (the default file at first)."""
    if "scenario" not in st.session_state:
        path = default_scenario_path()
        st.session_state["scenario"] = scenario_file(path)
        st.session_state["scenario_source"] = path.name
    return st.session_state["scenario"], st.session_state["scenario_source"]


def set_scenario(value: Scenario, source: str) -> None:
    st.session_state["scenario"] = value
    st.session_state["scenario_source"] = source
    forget("edit_")  # the edit form shows the new scenario's values, not the old one's


def forget(prefix: str) -> None:
    """Drop the remembered values of the widgets whose keys start with ``prefix``."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def experiment() -> Experiment | None:
    """The experiment last run or reopened by this user."""
    return st.session_state.get("experiment")


def set_experiment(value: Experiment) -> None:
    st.session_state["experiment"] = value
