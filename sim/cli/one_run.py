"""``python -m sim run``: one run of a scenario under a plan, its summary and its tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    Silent,
    load_for_run,
    load_plan_option,
    refuse_overwrite,
    say_long_run,
    warn_without_effect,
    write_result,
)

if TYPE_CHECKING:
    from sim.results.tables import RunResult


def summary_text(result: RunResult) -> str:
    """The run's headline measures, one a line, under what it was."""
    from sim.scenario.plans import DO_NOTHING

    m = result.manifest
    head = (
        f"{m['scenario']}: {m['weeks']} weeks, seed {m['seed']}, replication "
        f"{m['replication']}, plan {m.get('plan', DO_NOTHING.name)} (scenario "
        f"{m['scenario_hash']}, plan {m.get('plan_hash', '-')}, version {m['version']})"
    )
    lines = [head]
    width = max(len(name) for name in result["summary"]["measure"])
    for row in result["summary"].itertuples():
        value = f"{row.value:,.0f}" if float(row.value).is_integer() else f"{row.value:,.2f}"
        lines.append(f"  {row.measure:<{width}}  {value:>12}  {row.unit}")
    return "\n".join(lines)


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    plan: Annotated[
        str | None,
        typer.Option(
            help="Contingency plan: a plan file, or a plan name in plans/ beside the scenario "
            "(default: do nothing)."
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(min=1, max=104, help="Weeks to simulate (default: the scenario's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")
    ] = None,
    replication: Annotated[int, typer.Option(min=0, help="Replication number under the seed.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the result tables (CSV) and manifest.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace results already in --out.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run a scenario once, print a summary and optionally write the result tables."""
    from sim.results.recovery import baseline_of, recovery_table, restoration_minute
    from sim.run import simulate
    from sim.scenario.plans import DO_NOTHING

    loaded, _ = load_for_run(scenario)
    chosen = DO_NOTHING if plan is None else load_plan_option(plan, scenario)
    if out is not None and not force:
        refuse_overwrite(out)
    warn_without_effect(loaded, [chosen], weeks)
    say_long_run(loaded, weeks)
    show = not quiet and sys.stderr.isatty()
    bar: Any
    with (
        typer.progressbar(length=1000, label="simulating", file=sys.stderr) if show else Silent()
    ) as bar:
        done = [0]

        def progress(fraction: float) -> None:
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        result = simulate(
            loaded, plan=chosen, seed=seed, weeks=weeks, replication=replication, progress=progress
        )
    if restoration_minute(loaded) is not None:  # an outage: compare with the same run without it
        baseline = simulate(baseline_of(loaded), seed=seed, weeks=weeks, replication=replication)
        result.tables["recovery"] = recovery_table(result, baseline, loaded)
    typer.echo(summary_text(result))
    if "recovery" in result.tables:
        typer.echo(recovery_text(result.tables["recovery"].iloc[0]))
    if out is not None:
        write_result(result, out)
        typer.echo(f"tables written to {out}/")


def recovery_text(row: Any) -> str:
    """The run's time to recover against the same run without the outage, in a line."""
    recover = (
        "not within the run"
        if row.time_to_recover_days != row.time_to_recover_days
        else f"{row.time_to_recover_days:.0f} days"
    )
    from sim.results.recovery import RULE

    return (
        f"  restored on day {row.restored_day:.1f}; time to recover: {recover} "
        f"(backlog, work not done: peak {row.backlog_peak:,.0f} on day {row.backlog_peak_day}; "
        f"no-outage baseline mean {row.baseline_backlog_mean:,.1f})\n"
        f"  re-keying debt beside it (paper records awaiting re-keying, not in the backlog): "
        f"peak {row.rekeying_debt_peak:,.0f} records, {row.rekeying_debt_hours_peak:,.1f} hours\n"
        f"  ({RULE.words()})"
    )
