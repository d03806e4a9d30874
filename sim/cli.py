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

from sim.loader import ScenarioError, load_plan, load_scenario, plans_of
from sim.engines import ENGINES
from sim.experiment import compare as run_comparison
from sim.model import simulate
from sim.recovery import baseline_of, recovery_table, restoration_minute
from sim.plans import DO_NOTHING, Plan
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


def write_result(result: RunResult, out: Path) -> None:  # a RunResult or an Experiment
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
    head = (f"{m['scenario']}: {m['weeks']} weeks, seed {m['seed']}, replication "
            f"{m['replication']}, plan {m.get('plan', DO_NOTHING.name)} (scenario "
            f"{m['scenario_hash']}, plan {m.get('plan_hash', '-')}, version {m['version']})")
    lines = [head]
    width = max(len(name) for name in result["summary"]["measure"])
    for row in result["summary"].itertuples():
        value = f"{row.value:,.0f}" if float(row.value).is_integer() else f"{row.value:,.2f}"
        lines.append(f"  {row.measure:<{width}}  {value:>12}  {row.unit}")
    return "\n".join(lines)


def plans_folder(scenario: Path) -> Path:
    """Plans live in ``plans/`` beside the scenario files."""
    return scenario.parent / "plans"


def plan_names(folder: Path) -> str:
    names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    return ", ".join(names) if names else f"none ({folder}/ holds no plan files)"


def load_plan_option(name: str, scenario: Path) -> Plan:
    """``--plan``: an existing file path, else a plan name in ``plans/`` beside the scenario."""
    folder = plans_folder(scenario)
    path = Path(name)
    if not path.is_file():
        path = folder / (name if name.endswith(".yaml") else f"{name}.yaml")
        if not name.strip() or Path(name).name != name or not path.is_file():
            fail(f"--plan {name!r}: no such plan file, and no plan of that name in {folder}/. "
                 f"Fix: give a plan file's path, or one of the plans available: "
                 f"{plan_names(folder)}.")
    try:
        return load_plan(path)
    except ScenarioError as err:
        fail(str(err).replace(" in the scenario", " in the plan", 1)
             + f"\nPlans available in {folder}/: {plan_names(folder)}.")


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
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
    chosen = DO_NOTHING if plan is None else load_plan_option(plan, scenario)
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


HEADLINE = ("backlog_mean", "missed_risk_checks", "late_recalls", "time_to_recover_days",
            "overtime_hours", "double_handling_hours")


def comparison_text(experiment) -> str:
    """The headline measures, plan by plan: mean [95% CI], paired difference from doing
    nothing [95% CI], probability better, rank; then recovery P50/P90."""
    c = experiment["comparison"]
    lines = []
    for measure in HEADLINE:
        rows = c[c["measure"] == measure]
        if rows.empty:
            continue
        lines.append(f"{measure}:")
        for row in rows.itertuples():
            diff = ("" if row.vs_do_nothing_mean != row.vs_do_nothing_mean else
                    f"  vs do nothing {row.vs_do_nothing_mean:+,.1f} "
                    f"[{row.vs_do_nothing_low:+,.1f}, {row.vs_do_nothing_high:+,.1f}]"
                    f"  P(better) {row.probability_better:.2f}")
            rank = "" if row.rank != row.rank else f"  rank {row.rank:.0f}"
            lines.append(f"  {row.plan:<28} {row.mean:>10,.1f} [{row.ci_low:,.1f}, "
                         f"{row.ci_high:,.1f}]{diff}{rank}")
    for row in experiment["recovery"].itertuples():
        p50 = "not within the run" if row.time_to_recover_p50 != row.time_to_recover_p50 \
            else f"{row.time_to_recover_p50:.0f} days"
        p90 = "not within the run" if row.time_to_recover_p90 != row.time_to_recover_p90 \
            else f"{row.time_to_recover_p90:.0f} days"
        lines.append(f"  recovery, {row.plan}: P50 {p50}, P90 {p90} "
                     f"({row.recovered_share:.0%} of replications recovered)")
    return "\n".join(lines)


@app.command()
def compare(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    plans: str = typer.Option(None, help="Comma-separated plan names or files (default: the "
                              "scenario's plans:)."),
    reps: int = typer.Option(10, min=1, max=10_000, help="Replications per plan."),
    engine: str = typer.Option("pool", help="serial or pool."),
    workers: int = typer.Option(None, min=1, help="Processes for the pool engine."),
    seed: int = typer.Option(None, min=0, help="Random seed (default: the scenario's)."),
    weeks: int = typer.Option(None, min=1, max=104, help="Weeks (default: the scenario's)."),
    out: Path = typer.Option(None, help="Folder for the comparison tables (CSV)."),
    force: bool = typer.Option(False, help="Replace results already in --out."),
) -> None:
    """Compare plans on the same replications (common random numbers) with paired statistics."""
    try:
        loaded = load_scenario(scenario)
        chosen = (plans_of(loaded, plans_folder(scenario)) if plans is None else
                  [load_plan_option(name.strip(), scenario) for name in plans.split(",")])
    except ScenarioError as err:
        fail(str(err))
    if engine not in ENGINES:
        fail(f"--engine {engine!r}: unknown. Fix: use one of {', '.join(ENGINES)}.")
    if out is not None and not force:
        refuse_overwrite(out)
    show = sys.stderr.isatty()
    with typer.progressbar(length=1, label="runs", file=sys.stderr) if show else _Silent() as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        try:
            experiment = run_comparison(loaded, chosen, reps, seed=seed, weeks=weeks,
                                        engine=engine, workers=workers, progress=progress)
        except ValueError as err:
            fail(f"compare: {err}")
    m = experiment.manifest
    typer.echo(f"{m['scenario']}: {len(m['plans'])} plans x {m['replications']} replications, "
               f"{m['weeks']} weeks, seed {m['seed']}, engine {m['engine']} "
               f"(scenario {m['scenario_hash']}, version {m['version']})")
    typer.echo(comparison_text(experiment))
    if out is not None:
        write_result(experiment, out)
        typer.echo(f"tables written to {out}/")


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
