"""``python -m sim list``: the scenarios and plans in a folder, a line each."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import fail

if TYPE_CHECKING:
    from sim.scenario.loader import ScenarioError


def first_sentence(text: str) -> str:
    """The first sentence of a description, on one line."""
    text = " ".join(text.split())
    return re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0] if text else "(no description)"


def first_problem(err: ScenarioError) -> str:
    """Where a file's first problem is and what it is, in a line."""
    p = err.problems[0] if err.problems else None
    if p is None:
        return str(err).splitlines()[0]
    where = f"line {p.line}, " * (p.line is not None) + (f"{p.field}: " if p.field else "")
    return f"{where}{p.message}"


def describe_plan(path: Path, width: int) -> tuple[list[str], ScenarioError | None]:
    """One line for a plan file, and its problem if it is invalid."""
    from sim.scenario.loader import ScenarioError, load_plan

    try:
        plan = load_plan(path)
    except ScenarioError as err:
        return [f"  {path.name:<{width}}  (invalid: {first_problem(err)})"], err
    return [f"  {path.name:<{width}}  {plan.name}: {first_sentence(plan.description)}"], None


def describe(
    path: Path, plans: Path, width: int, read: dict[str, ScenarioError | None]
) -> list[str]:
    """One line for a scenario file, plus the plans it compares. ``read``: the plan files of
    ``plans`` already read (file name -> its problem, None if valid), so each is read once."""
    from sim.scenario.loader import ScenarioError, load_scenario, plan_file

    try:
        scenario = load_scenario(path)
        files = [plan_file(plans, name, i, str(path)) for i, name in enumerate(scenario.plans)]
    except ScenarioError as err:
        return [f"  {path.name:<{width}}  (invalid: {first_problem(err)})"]
    lines = [f"  {path.name:<{width}}  {scenario.name}: {first_sentence(scenario.description)}"]
    for found in files:
        file = os.path.relpath(found, plans)
        if file not in read:  # not a file of the folder: read it as the comparison would
            read[file] = describe_plan(found, width)[1]
        problem = read[file]
        if problem is not None:
            bad = Path(problem.file).name
            return [f"  {path.name:<{width}}  (invalid: plan {bad}: {first_problem(problem)})"]
    if scenario.plans:
        lines.append(f"  {'':<{width}}  plans: {', '.join(scenario.plans)}")
    return lines


def list_files(
    folder: Annotated[
        Path, typer.Option("--dir", help="Folder of scenario files (plans in its plans/ folder).")
    ] = Path("scenarios"),
) -> None:
    """List the scenarios and plans in a folder with the first sentence of each description."""
    if not folder.is_dir():
        fail(
            f"{folder}: no such folder. Fix: give the folder holding the scenario files with "
            "--dir (default: scenarios)."
        )
    plans = folder / "plans"
    scenario_files = sorted(folder.glob("*.yaml"))
    plan_files = sorted(plans.glob("*.yaml")) if plans.is_dir() else []
    width = max((len(p.name) for p in scenario_files + plan_files), default=0)
    plan_lines, read = [], {}
    for path in plan_files:
        described, read[path.name] = describe_plan(path, width)
        plan_lines += described
    lines = [f"Scenarios ({folder}/):"]
    for path in scenario_files:
        lines += describe(path, plans, width, read)
    lines += ["", f"Plans ({plans}/):", *plan_lines]
    typer.echo("\n".join(lines))
