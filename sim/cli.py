"""The command line: a thin view over the public API (``python -m sim --help``).

This module and ``__main__`` are the only parts of the package that print or write files.
Every user mistake ends with a message naming the file, field, value and fix, and exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from sim.loader import ScenarioError, load_scenario
from sim.model import simulate
from sim.results import RunResult

USAGE_ERROR = 2

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Probation business-continuity tabletop simulator.")
validate_app = typer.Typer(no_args_is_help=True,
                           help="Check the model against theory in degenerate configurations.")
app.add_typer(validate_app, name="validate")


def fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(USAGE_ERROR)


def refuse_overwrite(out: Path) -> None:
    """Stop before running if ``out`` already holds results: nothing a user saved is lost."""
    existing = sorted(out.glob("*.csv")) + sorted(out.glob("manifest.json"))
    if existing:
        fail(f"{out}: already holds results ({existing[0].name}, ...). "
             "Fix: choose another --out folder, or add --force to replace them.")


def write_result(result: RunResult, out: Path) -> None:
    """Write each table as CSV and the manifest as JSON into ``out``."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, table in result.tables.items():
            table.to_csv(out / f"{name}.csv", index=False)
        (out / "manifest.json").write_text(json.dumps(result.manifest, indent=2) + "\n")
    except OSError as err:
        fail(f"{out}: cannot write results ({err.strerror}). Fix: choose a folder you can write to.")


def summary_text(result: RunResult) -> str:
    m = result.manifest
    lines = [f"{m['scenario']}: {m['weeks']} weeks, seed {m['seed']}, replication "
             f"{m['replication']} (scenario {m['scenario_hash']}, version {m['version']})"]
    width = max(len(name) for name in result["summary"]["measure"])
    for row in result["summary"].itertuples():
        value = f"{row.value:,.0f}" if float(row.value).is_integer() else f"{row.value:,.2f}"
        lines.append(f"  {row.measure:<{width}}  {value:>12}  {row.unit}")
    return "\n".join(lines)


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    weeks: int = typer.Option(None, min=1, max=104, help="Weeks to simulate (default: the scenario's)."),
    seed: int = typer.Option(None, min=0, help="Random seed (default: the scenario's)."),
    replication: int = typer.Option(0, min=0, help="Replication number under the seed."),
    out: Path = typer.Option(None, help="Folder for the result tables (CSV) and manifest."),
    force: bool = typer.Option(False, help="Replace results already in --out."),
    quiet: bool = typer.Option(False, help="No progress bar."),
) -> None:
    """Run a scenario once, print a summary and optionally write the result tables."""
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
    if out is not None and not force:
        refuse_overwrite(out)
    show = not quiet and sys.stderr.isatty()
    with typer.progressbar(length=1000, label="simulating", file=sys.stderr) if show else _Silent() as bar:
        done = [0]

        def progress(fraction: float) -> None:
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        result = simulate(loaded, seed=seed, weeks=weeks, replication=replication, progress=progress)
    typer.echo(summary_text(result))
    if out is not None:
        write_result(result, out)
        typer.echo(f"tables written to {out}/")


class _Silent:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, _n: int) -> None:
        return None


@validate_app.command("mmc")
def validate_mmc(
    arrival_rate: float = typer.Option(..., help="Arrivals per minute (lambda)."),
    service_rate: float = typer.Option(..., help="Services per minute per server (mu)."),
    servers: int = typer.Option(..., help="Identical, always-on staff (C)."),
    customers: int = typer.Option(200_000, help="Work items to simulate."),
    seed: int = typer.Option(1, min=0, help="Random seed."),
) -> None:
    """Run the model's M/M/C configuration and compare with Erlang C and Little's law (JSON)."""
    from sim.validation import run_mmc

    try:
        report = run_mmc(arrival_rate, service_rate, servers, customers, seed)
    except ValueError as err:
        fail(f"validate mmc: {err}")
    typer.echo(json.dumps(report.to_dict(), indent=2))


def main() -> None:
    app(prog_name="python -m sim")
