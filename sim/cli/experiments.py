"""Command-line experiments: compare plans on shared replications, sweeps, and the saved runs.

``python -m sim compare`` runs every plan on the same replications, prints the paired comparison
and saves the experiment in the results store; ``python -m sim runs list|show`` lists and reopens
saved experiments without re-running them; ``python -m sim sweep`` varies parameters.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    DEFAULT_STORE,
    Engine,
    Silent,
    chosen_plans,
    fail,
    load_for_run,
    load_plan_option,
    load_run,
    refuse_overwrite,
    warn_without_effect,
    write_result,
)
from sim.cli.comparison_text import comparison_text, progress_line, recovery_warning

if TYPE_CHECKING:
    from sim.experiments.compare import Experiment

runs_app = typer.Typer(
    no_args_is_help=True, help="Saved experiments: list them, show one.", rich_markup_mode=None
)

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")]
Weeks = Annotated[int | None, typer.Option(min=1, max=104, help="Weeks (default: the scenario's).")]
Store = Annotated[Path, typer.Option(help="Results store folder.")]
Workers = Annotated[int | None, typer.Option(min=1, help="Processes for the pool engine.")]
Reps = Annotated[
    int,
    typer.Option(
        min=1,
        max=10_000,
        help="Replications per plan: the most, added until the answer is clear (every "
        "headline's paired interval within 10% or the ranking held, docs/experiments.md); with "
        "--fixed, exactly this many.",
    ),
]
Fixed = Annotated[
    bool, typer.Option("--fixed", help="Run exactly --reps replications, with no stopping rule.")
]


def compare(
    scenario: ScenarioFile,
    plans: Annotated[
        str | None,
        typer.Option(help="Comma-separated plan names or files (default: the scenario's plans:)."),
    ] = None,
    reps: Reps = 30,
    fixed: Fixed = False,
    engine: Annotated[Engine, typer.Option(help="Where the runs go.")] = Engine.pool,
    address: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address of an existing cluster (default: a local cluster for "
            "the run)."
        ),
    ] = None,
    workers: Workers = None,
    seed: Seed = None,
    weeks: Weeks = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the comparison tables (CSV).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace results already in --out.")] = False,
    store: Annotated[
        Path, typer.Option(help="Results store the experiment is saved in.")
    ] = DEFAULT_STORE,
) -> None:
    """Compare plans on the same replications (common random numbers) with paired statistics."""
    if out is not None and not force:
        refuse_overwrite(out)
    experiment, run_id = run_and_save(
        scenario, plans, reps, seed, weeks, engine, workers, address, store, fixed=fixed
    )
    typer.echo(comparison_text(experiment))
    warning = recovery_warning(experiment.manifest)
    if warning:
        typer.echo(warning, err=True)
    typer.echo(
        f"saved as run {run_id} in {store}/ (python -m sim runs show {run_id}; "
        f"python -m sim report {run_id})"
    )
    if out is not None:
        write_result(experiment, out)
        typer.echo(f"tables written to {out}/")


def run_and_save(
    scenario: Path,
    plans: str | None,
    reps: int,
    seed: int | None,
    weeks: int | None,
    engine: Engine,
    workers: int | None,
    address: str | None,
    store: Path,
    fixed: bool = False,
) -> tuple[Experiment, str]:
    """Run a comparison from the command line's options, with a progress bar on a terminal,
    save it in the results store and return it with its run id (exit code 2 on bad input).
    ``reps`` is the most replications, added until the answer is clear (the default
    :class:`sim.experiments.stopping.StoppingRule`); with ``fixed``, exactly that many."""
    from sim.experiments.compare import Experiment
    from sim.experiments.compare import compare as run_comparison
    from sim.experiments.stopping import StoppingRule
    from sim.outputs.readable import stopping_words
    from sim.store.results import ResultsStore, StoreError

    loaded, sources = load_for_run(scenario)
    chosen = chosen_plans(loaded, scenario, plans)
    warn_without_effect(loaded, chosen, weeks)
    say_cost(loaded, chosen, reps, weeks, workers if engine is not Engine.serial else 1, fixed)
    show = sys.stderr.isatty()
    latest: list[Experiment] = []  # the comparison so far, while the runs go on
    with typer.progressbar(length=1, label="runs", file=sys.stderr) if show else Silent() as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        def partial(experiment: Experiment) -> None:
            latest[:] = [experiment]
            if show:  # refined as replications arrive; Ctrl-C stops with these numbers
                typer.echo(f"\r\033[K{progress_line(experiment)}", err=True)

        try:
            experiment = run_comparison(
                loaded,
                chosen,
                reps,
                seed=seed,
                weeks=weeks,
                engine=engine.value,
                workers=workers,
                address=address,
                progress=progress,
                partial=partial,
                stopping=None if fixed else StoppingRule(),
            )
        except (ValueError, OSError) as err:
            fail(f"compare: {err}")
        except KeyboardInterrupt:
            stopped(latest)
    m = experiment.manifest
    typer.echo(
        f"{m['scenario']}: {len(m['plans'])} plans x {m['replications']} replications, "
        f"{m['weeks']} weeks, seed {m['seed']}, engine {m['engine']} "
        f"(scenario {m['scenario_hash']}, version {m['version']})"
    )
    typer.echo(f"replications: {stopping_words(m)}")
    # the same numbers on any engine, so the command leaves the engine out
    command = (
        f"python -m sim compare {scenario}"
        + (f" --plans {plans}" if plans else "")
        + f" --reps {reps}"
        + (" --fixed" if fixed else "")
        + f" --seed {m['seed']} --weeks {m['weeks']}"
    )
    m = {**m, "command": command, "scenario_file": str(scenario)}
    tables = {**experiment.tables, "sources": sources}
    try:
        run_id = ResultsStore(store).save(tables, m)
    except StoreError as err:
        fail(str(err))
    return Experiment({**m, "run_id": run_id}, tables), run_id


def say_cost(
    scenario, plans, reps: int, weeks: int | None, workers: int | None, fixed: bool = True
) -> None:
    """Say before running what the comparison will cost, from the benchmark figures (at most,
    for ``reps`` replications, when the stopping rule may end it sooner)."""
    from sim.experiments.cost import comparison_estimate
    from sim.experiments.engines import default_workers

    cost = comparison_estimate(scenario, plans, reps, weeks or scenario.run.weeks)
    most = "" if fixed else "at most "
    typer.echo(f"estimated cost: {most}{cost.words(workers or default_workers())}", err=True)


def stopped(latest: list[Experiment]) -> None:
    """Stopped by the user (Ctrl-C): print the comparison so far, labelled partial and not
    saved, and exit with code 130."""
    if latest:
        typer.echo(comparison_text(latest[0]))
        typer.echo("stopped: these results are partial and were not saved", err=True)
    else:
        typer.echo("stopped before every plan had 2 replications: nothing to show", err=True)
    raise typer.Exit(130)


@runs_app.command("list")
def runs_list(store: Store = DEFAULT_STORE) -> None:
    """Saved experiments, newest first."""
    from sim.store.results import ResultsStore

    results = ResultsStore(store)
    table = results.list()
    if table.empty:
        typer.echo(f"no saved experiments in {store}/ (python -m sim compare saves one)")
    for row in table.itertuples():
        plans = ", ".join(row.plans) if isinstance(row.plans, (list, tuple)) else row.plans
        typer.echo(
            f"{row.run_id}  {row.created_at}  {row.scenario} (scenario "
            f"{row.scenario_hash}): {plans}; {row.replications} replications, "
            f"{row.weeks} weeks, seed {row.seed}"
        )
    for problem in results.problems():
        typer.echo(f"skipped: {problem}", err=True)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="A run id, or a unique start of one.")],
    store: Store = DEFAULT_STORE,
) -> None:
    """Reopen a saved experiment and print its comparison (nothing is re-run)."""
    from sim.experiments.compare import Experiment
    from sim.outputs.readable import stopping_words

    tables, manifest = load_run(store, run_id)
    typer.echo(
        f"run {manifest['run_id']}: {manifest['scenario']} (scenario "
        f"{manifest['scenario_hash']}), {manifest['replications']} "
        f"replications, {manifest['weeks']} weeks, seed {manifest['seed']}, engine "
        f"{manifest['engine']} (version {manifest['version']})"
    )
    typer.echo(f"replications: {stopping_words(manifest)}")
    if manifest.get("command"):
        typer.echo(f"re-run with: {manifest['command']}")
    typer.echo(comparison_text(Experiment(manifest, tables)))
    warning = recovery_warning(manifest)
    if warning:
        typer.echo(warning, err=True)


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _parse_ranges(items: list[str]) -> dict[str, tuple[float, float]]:
    ranges = {}
    for item in items:
        path, _, span = item.partition("=")
        low, _, high = span.partition(":")
        try:
            ranges[path.strip()] = (_number(low), _number(high))
        except ValueError:
            fail(
                f"--vary {item!r}: give PATH=LOW:HIGH, e.g. "
                "office.staffing.probation_officer.count=30:50"
            )
    return ranges


def _parse_axes(items: list[str]) -> dict[str, list[float]]:
    axes = {}
    for item in items:
        path, _, values = item.partition("=")
        try:
            axes[path.strip()] = [_number(v) for v in values.split(",")]
        except ValueError:
            fail(f"--grid {item!r}: give PATH=V1,V2,..., e.g. outages.down.0.duration_days=1,2,4")
    return axes


def sweep(
    scenario: ScenarioFile,
    vary: Annotated[
        list[str] | None, typer.Option(help="One at a time: PATH=LOW:HIGH (repeatable).")
    ] = None,
    grid_axis: Annotated[
        list[str] | None, typer.Option("--grid", help="Grid axis PATH=V1,V2,... (twice).")
    ] = None,
    measure: Annotated[str, typer.Option(help="The measure to report.")] = "backlog_mean",
    plan: Annotated[
        str | None, typer.Option(help="Plan name or file (default: do nothing).")
    ] = None,
    reps: Annotated[int, typer.Option(min=1, max=10_000, help="Replications per setting.")] = 5,
    engine: Annotated[Engine, typer.Option(help="Where the runs go.")] = Engine.pool,
    workers: Workers = None,
    seed: Seed = None,
    weeks: Weeks = None,
    out: Annotated[Path | None, typer.Option(help="CSV file for the sweep table.")] = None,
) -> None:
    """Sensitivity: one parameter at a time (tornado data) or a two-parameter grid."""
    from sim.experiments.sweeps import grid, one_at_a_time
    from sim.scenario.loader import ScenarioError, load_scenario
    from sim.scenario.plans import DO_NOTHING

    if bool(vary) == bool(grid_axis):
        fail("sweep: give either --vary PATH=LOW:HIGH (one at a time) or two --grid PATH=V1,V2,...")
    if grid_axis and len(grid_axis) != 2:
        fail("sweep: a grid needs exactly two --grid axes")
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
    chosen = DO_NOTHING if plan is None else load_plan_option(plan, scenario)
    warn_without_effect(loaded, [chosen], weeks)
    method = one_at_a_time if vary else grid
    settings: Any = _parse_ranges(vary) if vary else _parse_axes(grid_axis or [])
    try:
        table = method(
            loaded, chosen, settings, measure, reps,
            seed=seed, weeks=weeks, engine=engine.value, workers=workers,
        )  # fmt: skip
    except (ValueError, OSError) as err:
        fail(f"sweep: {err}")
    typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    if out is not None:
        if out.exists():
            fail(f"{out}: already exists. Fix: choose another file name.")
        table.to_csv(out, index=False)
        typer.echo(f"table written to {out}")
