"""The command line: a thin view over the public API (``python -m sim --help``).

This module and ``__main__`` are the only parts of the package that print or write files.
Every user mistake ends with a message naming the file, field, value and fix, and exit code 2.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import typer

from sim.cli.common import (
    Silent,
    fail,
    load_for_run,
    load_plan_option,
    refuse_overwrite,
    write_result,
)
from sim.cli.claim import claim
from sim.cli.experiments import compare, runs_app, sweep
from sim.cli.report import report, rerun
from sim.scenario.loader import ScenarioError, load_plan, load_scenario, plans_of
from sim.run import simulate
from sim.results.recovery import baseline_of, recovery_table, restoration_minute
from sim.scenario.plans import DO_NOTHING
from sim.results.tables import RunResult


app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Probation business-continuity tabletop simulator.")
validate_app = typer.Typer(no_args_is_help=True,
                           help="Check the model against theory in degenerate configurations.")
app.add_typer(validate_app, name="validate")
app.add_typer(runs_app, name="runs")
app.command()(compare)
app.command()(claim)
app.command()(sweep)
app.command()(report)
app.command()(rerun)


def summary_text(result: RunResult) -> str:
    m = result.manifest
    head = (f"{m['scenario']}: {m['weeks']} weeks, seed {m['seed']}, replication "
            f"{m['replication']}, plan {m.get('plan', DO_NOTHING.name)} (scenario "
            f"{m['scenario_hash']}, plan {m.get('plan_hash', '-')}, version {m['version']})")
    lines = [head]
    width = max(len(name) for name in result["summary"]["measure"])
    for row in result["summary"].itertuples():
        value = f"{row.value:,.0f}" if float(row.value).is_integer() else f"{row.value:,.2f}"
        lines.append(f"  {row.measure:<{width}}  {value:>12}  {row.unit}")
    return "\n".join(lines)


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    plan: str = typer.Option(None, help="Contingency plan: a plan file, or a plan name in "
                             "plans/ beside the scenario (default: do nothing)."),
    weeks: int = typer.Option(None, min=1, max=104, help="Weeks to simulate (default: the scenario's)."),
    seed: int = typer.Option(None, min=0, help="Random seed (default: the scenario's)."),
    replication: int = typer.Option(0, min=0, help="Replication number under the seed."),
    out: Path = typer.Option(None, help="Folder for the result tables (CSV) and manifest."),
    force: bool = typer.Option(False, help="Replace results already in --out."),
    quiet: bool = typer.Option(False, help="No progress bar."),
) -> None:
    """Run a scenario once, print a summary and optionally write the result tables."""
    loaded, _ = load_for_run(scenario)
    chosen = DO_NOTHING if plan is None else load_plan_option(plan, scenario)
    if out is not None and not force:
        refuse_overwrite(out)
    show = not quiet and sys.stderr.isatty()
    with typer.progressbar(length=1000, label="simulating", file=sys.stderr) if show else Silent() as bar:
        done = [0]

        def progress(fraction: float) -> None:
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        result = simulate(loaded, plan=chosen, seed=seed, weeks=weeks, replication=replication,
                          progress=progress)
    if restoration_minute(loaded) is not None:  # an outage: compare with the same run without it
        baseline = simulate(baseline_of(loaded), seed=seed, weeks=weeks, replication=replication)
        result.tables["recovery"] = recovery_table(result, baseline, loaded)
    typer.echo(summary_text(result))
    if "recovery" in result.tables:
        typer.echo(recovery_text(result.tables["recovery"].iloc[0]))
    if out is not None:
        write_result(result, out)
        typer.echo(f"tables written to {out}/")


def recovery_text(row) -> str:
    recover = ("not within the run" if row.time_to_recover_days != row.time_to_recover_days
               else f"{row.time_to_recover_days:.0f} days")
    return (f"  restored on day {row.restored_day:.1f}; time to recover: {recover} "
            f"(backlog peak {row.backlog_peak:,.0f} on day {row.backlog_peak_day}; "
            f"no-outage baseline mean {row.baseline_backlog_mean:,.1f})")


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0] if text else "(no description)"


def first_problem(err: ScenarioError) -> str:
    p = err.problems[0] if err.problems else None
    if p is None:
        return str(err).splitlines()[0]
    where = f"line {p.line}, " * (p.line is not None) + (f"{p.field}: " if p.field else "")
    return f"{where}{p.message}"


def describe(path: Path, plans: Path | None, width: int) -> list[str]:
    """One line for a scenario (plans is None: a plan) file, plus the plans a scenario compares."""
    try:
        loaded = load_plan(path) if plans is None else load_scenario(path)
    except ScenarioError as err:
        return [f"  {path.name:<{width}}  (invalid: {first_problem(err)})"]
    lines = [f"  {path.name:<{width}}  {loaded.name}: {first_sentence(loaded.description)}"]
    if plans is not None and loaded.plans:
        try:
            plans_of(loaded, plans)
        except ScenarioError as err:
            plan = Path(err.file).name
            return [f"  {path.name:<{width}}  (invalid: plan {plan}: {first_problem(err)})"]
        lines.append(f"  {'':<{width}}  plans: {', '.join(loaded.plans)}")
    return lines


@app.command("list")
def list_files(
    folder: Path = typer.Option(Path("scenarios"), "--dir", help="Folder of scenario files "
                                "(plans in its plans/ folder)."),
) -> None:
    """List the scenarios and plans in a folder with the first sentence of each description."""
    if not folder.is_dir():
        fail(f"{folder}: no such folder. Fix: give the folder holding the scenario files with "
             "--dir (default: scenarios).")
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


@validate_app.command("mmc")
def validate_mmc(
    arrival_rate: float = typer.Option(..., help="Arrivals per minute (lambda)."),
    service_rate: float = typer.Option(..., help="Services per minute per server (mu)."),
    servers: int = typer.Option(..., help="Identical, always-on staff (C)."),
    customers: int = typer.Option(200_000, help="Work items to simulate."),
    seed: int = typer.Option(1, min=0, help="Random seed."),
) -> None:
    """Run the model's M/M/C configuration and compare with Erlang C and Little's law (JSON)."""
    from sim.experiments.mmc import run_mmc

    try:
        report = run_mmc(arrival_rate, service_rate, servers, customers, seed)
    except ValueError as err:
        fail(f"validate mmc: {err}")
    typer.echo(json.dumps(report.to_dict(), indent=2))


def main() -> None:
    app(prog_name="python -m sim")
