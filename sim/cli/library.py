"""``python -m sim list``: the scenarios and plans in a folder, a line each."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import fail
from sim.scenario.loader import ScenarioError, load_plan, load_scenario, plans_of


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


def describe(path: Path, plans: Path | None, width: int) -> list[str]:
    """One line for a scenario (plans is None: a plan) file, plus the plans a scenario compares."""
    try:
        if plans is None:
            plan = load_plan(path)
            return [f"  {path.name:<{width}}  {plan.name}: {first_sentence(plan.description)}"]
        scenario = load_scenario(path)
    except ScenarioError as err:
        return [f"  {path.name:<{width}}  (invalid: {first_problem(err)})"]
    lines = [f"  {path.name:<{width}}  {scenario.name}: {first_sentence(scenario.description)}"]
    if scenario.plans:
        try:
            plans_of(scenario, plans)
        except ScenarioError as err:
            bad = Path(err.file).name
            return [f"  {path.name:<{width}}  (invalid: plan {bad}: {first_problem(err)})"]
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
    lines = [f"Scenarios ({folder}/):"]
    for path in scenario_files:
        lines += describe(path, plans, width)
    lines += ["", f"Plans ({plans}/):"]
    for path in plan_files:
        lines += describe(path, None, width)
    typer.echo("\n".join(lines))
