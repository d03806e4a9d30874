"""Where the app finds things, and what each user is working on.

Paths come from the environment (so tests and deployments can move them) or default to the
project's folders. Per-user state lives in ``st.session_state`` only, under two names:

* the **scenario in use** (:class:`InUse`): the scenario the Scenarios and Compare pages work
  on, where it came from, and what was changed from the library scenario it started as;
* the **experiment on screen** (:func:`experiment`): the comparison last run or reopened, which
  the Compare, Forecast, Workload and Method pages show, each naming its scenario, digest and
  plans, so results are never shown under another scenario's name.

Shared, read-only things (the shipped scenarios and plans) are cached with
``st.cache_resource``: they are frozen pydantic models, so sharing them between users is safe.
Widgets whose starting values come from the scenario in use carry its digest in their keys
(:func:`widget_key`), so opening or editing a scenario gives fresh widgets on its own values
instead of the browser's values for the previous one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.jobs import JobBoard
from sim.experiments.compare import Experiment
from sim.scenario.changes import Change, changes, edited
from sim.scenario.library import labelled, library_twin
from sim.scenario.loader import ScenarioError, load_plan, load_scenario
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario
from sim.scenario.sources import SOURCES_COLUMNS, sources_table

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
    :func:`sim.scenario.loader.plans_of` reads them), "Do nothing" first."""
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


def my_plans_dir() -> Path:
    """The plans users saved ("my plans"), beside my scenarios; survives restarts."""
    return library_dir() / "plans"


def my_plans() -> dict[str, Plan]:
    """The plans saved to my plans, by name (a file that no longer loads is left out)."""
    folder = my_plans_dir()
    if not folder.is_dir():
        return {}
    return dict(_saved_plans(str(folder), folder.stat().st_mtime))


@st.cache_resource(show_spinner=False)
def _saved_plans(folder: str, modified: float) -> tuple[tuple[str, Plan], ...]:
    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            plan = load_plan(path)
        except ScenarioError:
            continue
        found.append((plan.name, plan))
    return tuple(found)


def plans() -> dict[str, Plan]:
    """Every plan this user can compare: shipped ones, saved ones and those they edited."""
    return {**shipped_plans(), **my_plans(), **st.session_state.get("edited_plans", {})}


def keep_plan(plan: Plan) -> None:
    st.session_state["edited_plans"] = {**st.session_state.get("edited_plans", {}), plan.name: plan}


@dataclass(frozen=True)
class InUse:
    """The scenario a user works on. ``source`` says where it came from, in words; ``file`` is
    the library file it is, or was changed from (None: an upload unrelated to the library);
    ``original`` is the scenario it was changed from (None: it is ``file`` or the upload
    exactly), and ``origin`` where that came from."""

    scenario: Scenario
    source: str
    file: Path | None = None
    original: Scenario | None = None
    origin: str = ""
    text: str = ""  # an upload's text (its comments give the sources)

    @property
    def changes(self) -> tuple[Change, ...]:
        return () if self.original is None else changes(self.original, self.scenario)

    @property
    def digest(self) -> str:
        return self.scenario.digest()

    @property
    def key(self) -> str:
        """What widget keys carry: the scenario's digest and where it is from (the same
        scenario saved to a file is another scenario in use)."""
        where = f"{self.file}|{self.original is None}".encode()
        return f"{self.digest[:12]}-{hashlib.sha256(where).hexdigest()[:6]}"

    def sources(self) -> pd.DataFrame:
        """Each parameter with its source or assumption: the values changed in the app first,
        then each value as set in the scenario's file (or upload) and the files it extends,
        with the comment written beside it."""
        rows = [
            (
                "edited in the app",
                c.field,
                str(c.after),
                f"changed in the app from {c.before}; the file's source no longer applies",
                "in use",
            )
            for c in self.changes
        ]
        found = []
        if self.text:
            found = sources_table(self.text, self.source.removeprefix("uploaded "), SCENARIOS)
        elif self.file is not None:
            found = sources_table(
                self.file.read_text(encoding="utf-8"), self.file.name, self.file.parent
            )
        edited = {".".join(str(p) for p in c.path if not isinstance(p, int)) for c in self.changes}
        rows += [
            (*row[:4], "overridden: edited in the app")
            if row[1] in edited or any(row[1].startswith(f"{e}.") for e in edited)
            else row
            for row in found
        ]
        return pd.DataFrame(rows, columns=list(SOURCES_COLUMNS))


def library_entry_label(path: Path) -> str:
    """The words naming a library file: its stem, under "my scenarios /" if the user saved it."""
    mine = library_dir()
    return f"my scenarios / {path.stem}" if path.parent == mine else path.name


def open_file(path: Path) -> InUse:
    """A library file as the scenario in use (ScenarioError if it is wrong)."""
    return InUse(scenario_file(path), library_entry_label(path), path)


def in_use() -> InUse:
    """The scenario this user works on (the default file at first; ScenarioError if that file
    is wrong)."""
    if "in_use" not in st.session_state:
        st.session_state["in_use"] = open_file(default_scenario_path())
    return st.session_state["in_use"]


def set_in_use(value: InUse) -> None:
    st.session_state["in_use"] = value


def edit_in_use(new: Scenario) -> InUse:
    """The scenario in use after an edit in the app: named and described as an edit of the
    scenario it started as (the library's, or the upload), with what changed; that scenario
    itself if the edit undid every change."""
    current = in_use()
    original = current.original or current.scenario
    origin = current.origin or current.source
    if not changes(original, new):
        return InUse(original, origin, current.file, text=current.text)
    return InUse(
        edited(original, new, origin),
        "edited in the app",
        current.file,
        original,
        origin,
        current.text,
    )


def upload_in_use(uploaded: Scenario, name: str, text: str) -> InUse:
    """An uploaded scenario as the scenario in use; if it carries a library scenario's name or
    description but differs from it, it is renamed and described as the change it is."""
    twin = library_twin(uploaded, SCENARIOS, scenario_file)
    source = f"uploaded {name}"
    if twin is None:
        return InUse(uploaded, source, text=text)
    path, shipped = twin
    return InUse(
        labelled(uploaded, SCENARIOS, scenario_file), source, path, shipped, path.name, text
    )


def widget_key(name: str) -> str:
    """A widget key tied to the scenario in use (see the module's docstring)."""
    return f"{name}_{in_use().key}"


def experiment() -> Experiment | None:
    """The experiment on screen: last run or reopened by this user."""
    return st.session_state.get("experiment")


def set_experiment(value: Experiment) -> None:
    st.session_state["experiment"] = value
