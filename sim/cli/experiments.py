"""Command-line experiments: compare plans on shared replications, sweeps, and the saved runs.

``python -m sim compare`` runs every plan on the same replications, prints the paired comparison
and saves the experiment in the results store; ``python -m sim runs list|show`` lists and reopens
saved experiments without re-running them; ``python -m sim sweep`` varies parameters.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    DEFAULT_STORE,
    Engine,
    Silent,
    fail,
    load_for_run,
    load_plan_option,
    load_run,
    plans_folder,
    refuse_overwrite,
    write_result,
)
from sim.scenario.loader import ScenarioError, load_scenario, plans_of

if TYPE_CHECKING:
    from sim.experiments.compare import Experiment

runs_app = typer.Typer(no_args_is_help=True, help="Saved experiments: list them, show one.")

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")]
Weeks = Annotated[int | None, typer.Option(min=1, max=104, help="Weeks (default: the scenario's).")]
Store = Annotated[Path, typer.Option(help="Results store folder.")]
Workers = Annotated[int | None, typer.Option(min=1, help="Processes for the pool engine.")]


def comparison_text(experiment: Experiment) -> str:
    """The headline measures, plan by plan: mean [95% CI], paired difference from doing
    nothing [95% CI], probability better, rank (recall delay with the share of recalls
    delivered beside it); then recovery P50/P90 under the recovery rule, which is stated."""
    from sim.results.measures import headlined, label
    from sim.results.recovery import rule_of

    c = experiment["comparison"]
    rule = rule_of(experiment.manifest)
    lines = []
    for measure in headlined("command_line"):
        rows = c[c["measure"] == measure]
        if rows.empty:
            continue
        lines.append(f"{label(measure)}:")
        if measure == "time_to_recover_days":
            lines.append(f"  ({rule.words()})")
        for row in rows.itertuples():
            diff = (
                ""
                if row.vs_do_nothing_mean != row.vs_do_nothing_mean
                else f"  vs do nothing {row.vs_do_nothing_mean:+,.1f} "
                f"[{row.vs_do_nothing_low:+,.1f}, {row.vs_do_nothing_high:+,.1f}]"
                f"  P(better) {row.probability_better:.2f}"
            )
            rank = "" if row.rank != row.rank else f"  rank {row.rank:.0f}"
            missing = getattr(row, "without_value", 0)  # runs saved before the column existed
            left_out = (
                ""
                if not missing
                else f"  ({missing} not recovered by the end of the run: counted at the "
                f"end, so the mean is a lower bound)"
            )
            if measure == "recall_delay_mean":
                left_out += _delivered_beside(c, row.plan)
            lines.append(
                f"  {row.plan:<28} {row.mean:>10,.1f} [{row.ci_low:,.1f}, "
                f"{row.ci_high:,.1f}]{diff}{rank}{left_out}"
            )
    recovery = experiment["recovery"]
    if len(recovery):
        lines.append(f"time to recover, P50 and P90 over replications ({rule.short()}):")
    for row in recovery.itertuples():
        p50 = (
            "not within the run"
            if row.time_to_recover_p50 != row.time_to_recover_p50
            else f"{row.time_to_recover_p50:.0f} days"
        )
        p90 = (
            "not within the run"
            if row.time_to_recover_p90 != row.time_to_recover_p90
            else f"{row.time_to_recover_p90:.0f} days"
        )
        lines.append(
            f"  recovery, {row.plan}: P50 {p50}, P90 {p90} "
            f"({row.recovered_share:.0%} of replications recovered)"
        )
    objectives = experiment.tables.get("objectives")
    if objectives is not None and len(objectives):
        lines += objective_lines(objectives)
    return "\n".join(lines)


def objective_lines(objectives: Any) -> list[str]:
    """Each plan's objectives: target, then the probability of breach over the replications
    assessed (or not assessable at this volume); then what counts as each activity's service."""
    from sim.outputs.forecast import assessed_in
    from sim.results.objectives import MIN_ITEMS, NOT_ASSESSABLE

    lines = ["objectives: target, then probability of breach over the replications assessed:"]
    for row in objectives.itertuples():
        assessed = assessed_in(row)
        if assessed == 0:
            lines.append(
                f"  {row.plan:<28} {row.activity}: {NOT_ASSESSABLE} (the no-outage run "
                f"delivered fewer than {MIN_ITEMS} items in the run): neither met nor breached"
            )
            continue
        partly = (
            ""
            if assessed is None or assessed == row.replications
            else f" (assessed in {assessed} of {row.replications} replications)"
        )
        lines.append(
            f"  {row.plan:<28} {row.activity}: RTO {row.rto_days:g} days "
            f"P(breach) {row.p_rto_breached:.0%}; MTPD {row.mtpd_days:g} days "
            f"P(breach) {row.p_mtpd_breached:.0%}; MBCO {row.mbco:.0%} of normal "
            f"service P(breach) {row.p_mbco_breached:.0%}{partly}"
        )
    if "service_counted" in objectives.columns:
        counted = objectives.drop_duplicates("activity")
        lines += [
            f"  {r.activity}: service counted as {r.service_counted}" for r in counted.itertuples()
        ]
    return lines


def _delivered_beside(comparison, plan: str) -> str:
    """The share of recalls delivered by the end, for the recall delay's line (nothing for
    experiments saved before it was measured)."""
    share = comparison[
        (comparison["measure"] == "recalls_delivered_share") & (comparison["plan"] == plan)
    ]
    if share.empty:
        return ""
    delivered = share["mean"].iloc[0]
    if delivered >= 1:
        return "  (all recalls delivered by the end of the run)"
    return (
        f"  ({delivered:.0%} of recalls delivered by the end of the run; the rest count to "
        f"the end, so the mean is a lower bound)"
    )


def recovery_warning(manifest: dict) -> str | None:
    """A warning when the run ends too soon after the outage to read time to recover."""
    from sim.results.recovery import rule_of, too_short_to_recover

    if not too_short_to_recover(manifest):
        return None
    restored, margin = manifest["disruption_days"][1], rule_of(manifest).margin_days
    end = manifest["weeks"] * 7
    what = (
        "no time to recover can be measured"
        if end <= restored
        else "time to recover is mostly cut off by the end of the run and its ranks say little"
    )
    return (
        f"warning: the run ends on day {end}, before the outage's end (day {restored:g}) plus "
        f"{margin:g} days, the least time the recovery rule needs to see a recovery: {what}. "
        f"Run at least {math.ceil((restored + margin) / 7)} weeks (--weeks) to measure it."
    )


def compare(
    scenario: ScenarioFile,
    plans: Annotated[
        str | None,
        typer.Option(help="Comma-separated plan names or files (default: the scenario's plans:)."),
    ] = None,
    reps: Annotated[int, typer.Option(min=1, max=10_000, help="Replications per plan.")] = 10,
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
        scenario, plans, reps, seed, weeks, engine, workers, address, store
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
) -> tuple[Experiment, str]:
    """Run a comparison from the command line's options, with a progress bar on a terminal,
    save it in the results store and return it with its run id (exit code 2 on bad input)."""
    from sim.experiments.compare import Experiment
    from sim.experiments.compare import compare as run_comparison
    from sim.experiments.store import ResultsStore, StoreError

    loaded, sources = load_for_run(scenario)
    try:
        chosen = (
            plans_of(loaded, plans_folder(scenario))
            if plans is None
            else [load_plan_option(name.strip(), scenario) for name in plans.split(",")]
        )
    except ScenarioError as err:
        fail(str(err))
    show = sys.stderr.isatty()
    with typer.progressbar(length=1, label="runs", file=sys.stderr) if show else Silent() as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

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
            )
        except (ValueError, OSError) as err:
            fail(f"compare: {err}")
    m = experiment.manifest
    typer.echo(
        f"{m['scenario']}: {len(m['plans'])} plans x {m['replications']} replications, "
        f"{m['weeks']} weeks, seed {m['seed']}, engine {m['engine']} "
        f"(scenario {m['scenario_hash']}, version {m['version']})"
    )
    # the same numbers on any engine, so the command leaves the engine out
    command = (
        f"python -m sim compare {scenario}"
        + (f" --plans {plans}" if plans else "")
        + f" --reps {reps} --seed {m['seed']} --weeks {m['weeks']}"
    )
    m = {**m, "command": command, "scenario_file": str(scenario)}
    tables = {**experiment.tables, "sources": sources}
    try:
        run_id = ResultsStore(store).save(tables, m)
    except StoreError as err:
        fail(str(err))
    return Experiment({**m, "run_id": run_id}, tables), run_id


@runs_app.command("list")
def runs_list(store: Store = DEFAULT_STORE) -> None:
    """Saved experiments, newest first."""
    from sim.experiments.store import ResultsStore

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

    tables, manifest = load_run(store, run_id)
    typer.echo(
        f"run {manifest['run_id']}: {manifest['scenario']} (scenario "
        f"{manifest['scenario_hash']}), {manifest['replications']} "
        f"replications, {manifest['weeks']} weeks, seed {manifest['seed']}, engine "
        f"{manifest['engine']} (version {manifest['version']})"
    )
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
