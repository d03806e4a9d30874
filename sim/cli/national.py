"""``python -m sim national``: every PDU of a national service run under one plan, on a Dask
cluster by default, with the national measures and the PDUs worst hit.

Part of the command-line view; imports the model and Dask only when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import (
    Engine,
    fail,
    load_plan_option,
    refuse_overwrite,
    runs_progress,
    warn_without_effect,
    write_result,
)

if TYPE_CHECKING:
    from sim.experiments.national import NationalResult

WORST_SHOWN = 5  # PDUs listed under the national measures, by mean backlog


def national(
    national_file: Annotated[
        Path, typer.Argument(help="National file (scenarios/national/): PDUs and how they vary.")
    ],
    plan: Annotated[
        str, typer.Option(help="Plan every PDU follows: a plan name or file.")
    ] = "do-nothing",
    reps: Annotated[int, typer.Option(min=1, max=1_000, help="Replications per PDU.")] = 1,
    weeks: Annotated[
        int | None, typer.Option(min=1, max=104, help="Weeks (default: the office scenario's).")
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Where the runs go.")] = Engine.dask,
    address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address of an existing cluster (default: a local one)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (pool or local cluster).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the national and per-PDU tables (CSV).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace results already in --out.")] = False,
) -> None:
    """Run a national service: each PDU's office as its own runs, pooled into national measures."""
    from sim.experiments.cost import specs_estimate
    from sim.experiments.engines import default_workers
    from sim.experiments.national import national_specs, run_national
    from sim.scenario.loader import ScenarioError, load_national

    if out is not None and not force:
        refuse_overwrite(out)
    try:
        service = load_national(national_file)
    except ScenarioError as err:
        fail(str(err))
    office_file = national_file.parent / service.config.office
    chosen = load_plan_option(plan, office_file)
    warn_without_effect(service.office, [chosen], weeks)
    specs = national_specs(service, chosen, reps, weeks or service.office.run.weeks)
    on = 1 if engine is Engine.serial else workers or default_workers()
    cost = specs_estimate(specs).words(on)
    typer.echo(f"estimated cost: {cost}", err=True)
    with runs_progress() as progress:
        try:
            result = run_national(
                service,
                chosen,
                reps,
                weeks=weeks,
                engine=engine.value,
                workers=workers,
                address=address,
                progress=progress,
            )
        except (ValueError, OSError) as err:
            fail(f"national: {err}")
    typer.echo(national_text(result))
    if out is not None:
        write_result(result, out)
        typer.echo(f"tables written to {out}/")


def national_text(result: NationalResult) -> str:
    """The run in a line, the headline measures nationally, and the PDUs with the largest
    mean backlog."""
    from sim.results.measures import headlined, label
    from sim.results.recovery import RULE

    m = result.manifest
    lines = [
        f"{m['national']}: {m['pdus']} PDUs, {m['people_under_supervision']:,} people under "
        f"supervision, plan {m['plan']}, {m['replications']} replication(s) of {m['weeks']} "
        f"weeks, seed {m['seed']}, engine {m['engine']} ({m['runs']} runs, version "
        f"{m['version']})",
        "national measures (mean over replications [lowest, highest]):",
    ]
    table = result["national"].set_index("measure")
    for name in headlined("command_line"):
        if name not in table.index:
            continue
        row = table.loc[name]
        spread = "" if m["replications"] == 1 else f" [{row['low']:,.1f}, {row['high']:,.1f}]"
        note = ""
        if name == "time_to_recover_days":
            note = f"  ({RULE.short()}, on the national backlog)"
            if row["not_recovered"]:
                note += (
                    f"; {int(row['not_recovered'])} replication(s) not recovered by the end of "
                    "the run, counted at the end, so the mean is a lower bound"
                )
        lines.append(f"  {label(name):<52} {row['mean']:>12,.1f}{spread}{note}")
    pdus = result["pdus"].sort_values("backlog_mean", ascending=False).head(WORST_SHOWN)
    lines.append(f"PDUs with the largest {label('backlog_mean')}:")
    for row in pdus.itertuples():
        lines.append(
            f"  {row.pdu}: {row.cases:,} cases, {row.staff_in_post} staff in post, "
            f"practitioner vacancy rate {row.practitioner_vacancy_rate:.0%}: "
            f"{row.backlog_mean:,.1f}"
        )
    return "\n".join(lines)
