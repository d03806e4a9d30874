"""What the command-line commands share: failing cleanly, refusing to overwrite, writing tables,
loading scenarios, plans and saved runs, the engines to choose from, and a progress bar that can
be switched off.

Part of the command-line view (:mod:`sim.cli`): the only modules of the package that print or
write files. Nothing here imports pandas, matplotlib or pyarrow when the module is imported, so
``python -m sim --help`` and ``list`` start quickly; the commands import them when they run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario.plans import Plan
    from sim.scenario.schema import Scenario

USAGE_ERROR = 2  # the input is wrong: the message names the file, field, value and fix
INTERNAL_ERROR = 3  # the simulator failed on a valid input: a bug (sim.run.ModelError)


def fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(USAGE_ERROR)


class Engine(StrEnum):
    """Where the runs of an experiment go (the numbers are the same on every one)."""

    serial = "serial"
    pool = "pool"
    dask = "dask"


DEFAULT_STORE = Path("results")


def load_run(store: Path, run_id: str) -> tuple[dict[str, pd.DataFrame], dict]:
    """A saved experiment's tables and manifest (exit code 2, with the fix, if it cannot be
    loaded)."""
    from sim.store.results import ResultsStore, StoreError

    try:
        return ResultsStore(store).load(run_id)
    except StoreError as err:
        fail(f"{err} (from the command line: python -m sim runs list --store {store})")


def refuse_overwrite(out: Path) -> None:
    """Stop before running if ``out`` already holds results: nothing a user saved is lost."""
    existing = sorted(out.glob("*.csv")) + sorted(out.glob("manifest.json"))
    if existing:
        fail(
            f"{out}: already holds results ({existing[0].name}, ...). "
            "Fix: choose another --out folder, or add --force to replace them."
        )


def write_result(result: Any, out: Path) -> None:  # a RunResult or an Experiment
    """Write each table as CSV and the manifest as JSON into ``out``."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, table in result.tables.items():
            table.to_csv(out / f"{name}.csv", index=False)
        (out / "manifest.json").write_text(json.dumps(result.manifest, indent=2) + "\n")
    except OSError as err:
        fail(
            f"{out}: cannot write results ({err.strerror}). Fix: choose a folder you can write to."
        )


LIBRARY = Path("scenarios")  # the shipped scenarios, from the project folder


def load_for_run(path: Path) -> tuple[Scenario, pd.DataFrame]:
    """A scenario file as a run uses it, with the sources of its values (exit code 2 if it is
    wrong). A scenario that carries the name or description of a library scenario it differs
    from is renamed and described as the change it is, and the command says so."""
    import pandas as pd

    from sim.scenario.library import labelled
    from sim.scenario.loader import ScenarioError, load_scenario
    from sim.scenario.sources import SOURCES_COLUMNS, sources_table

    try:
        scenario = load_scenario(path)
        text = path.read_text(encoding="utf-8-sig")
    except ScenarioError as err:
        fail(str(err))
    for library in dict.fromkeys([path.parent, LIBRARY]):
        if library.is_dir():
            renamed = labelled(scenario, library)
            if renamed is not scenario:
                what = (
                    f"its results are labelled '{renamed.name}'"
                    if renamed.name != scenario.name
                    else "its description, written for that scenario, is replaced by a list of "
                    "its changes"
                )
                typer.echo(
                    f"note: {path} carries the name or description of a library "
                    f"scenario but differs from it; {what}.",
                    err=True,
                )
                scenario = renamed
                break
    sources = pd.DataFrame(
        sources_table(text, path.name, path.parent), columns=list(SOURCES_COLUMNS)
    )
    return scenario, sources


def plans_folder(scenario: Path) -> Path:
    """Plans live in ``plans/`` beside the scenario files."""
    return scenario.parent / "plans"


def plan_names(folder: Path) -> str:
    names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    return ", ".join(names) if names else f"none ({folder}/ holds no plan files)"


def load_plan_option(name: str, scenario: Path) -> Plan:
    """``--plan``: an existing file path, else a plan name in ``plans/`` beside the scenario."""
    from sim.scenario.loader import ScenarioError, load_plan

    folder = plans_folder(scenario)
    path = Path(name)
    if not path.is_file():
        path = folder / (name if name.endswith(".yaml") else f"{name}.yaml")
        if not name.strip() or Path(name).name != name or not path.is_file():
            fail(
                f"--plan {name!r}: no such plan file, and no plan of that name in {folder}/. "
                f"Fix: give a plan file's path, or one of the plans available: "
                f"{plan_names(folder)}."
            )
    try:
        return load_plan(path)
    except ScenarioError as err:
        fail(
            str(err).replace(" in the scenario", " in the plan", 1)
            + f"\nPlans available in {folder}/: {plan_names(folder)}."
        )


def chosen_plans(loaded: Scenario, scenario: Path, plans: str | None) -> list[Plan]:
    """``--plans``: the plans named (files, or names in ``plans/`` beside the scenario), else
    the plans the scenario lists; a plan file that cannot be read ends the command (exit 2)."""
    from sim.scenario.loader import ScenarioError, plans_of

    try:
        if plans is None:
            return plans_of(loaded, plans_folder(scenario), str(scenario))
        return [load_plan_option(name.strip(), scenario) for name in plans.split(",")]
    except ScenarioError as err:
        fail(str(err))


@contextmanager
def runs_progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar of runs on standard error (when it is a terminal), and the callback that
    moves it: ``progress(done, total)``."""
    show = sys.stderr.isatty()
    with typer.progressbar(length=1, label="runs", file=sys.stderr) if show else Silent() as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        yield progress


class Silent:
    """A stand-in for a progress bar when none is shown."""

    length = 0

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, _n: int) -> None:
        return None


def say_long_run(scenario: Scenario, weeks: int | None) -> None:
    """Say before a run that will take over a minute what it will cost."""
    from sim.experiments.cost import SAY_COST_OVER_S, Estimate, run_cpu_seconds

    one = run_cpu_seconds(scenario, weeks or scenario.run.weeks)
    if one > SAY_COST_OVER_S:
        typer.echo(f"estimated cost: {Estimate(1, one, one).words(1)}", err=True)


def warn_without_effect(scenario: Scenario, plans: list[Plan], weeks: int | None) -> None:
    """Say, before running, what in the scenario and plans a run of ``weeks`` would not feel."""
    from sim.scenario.no_effect import without_effect

    for warning in without_effect(scenario, plans, weeks or scenario.run.weeks):
        typer.echo(f"warning: {warning}", err=True)
