"""``python -m sim calibrate``: is an office in normal operation a credible office?

Runs the scenario with its outages removed and prints each calibration target (see
:mod:`sim.experiments.calibration`) beside the value achieved, with pass or fail; ``--json``
prints the same as JSON. Exit code 0 when every row passes, 1 when one fails, 2 for bad input.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import load_for_run

if TYPE_CHECKING:
    from sim.experiments.calibration import Calibration

FAILED = 1


def _number(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.1f}"


def calibration_text(calibration: Calibration) -> str:
    """The calibration table, one target a line, under what ran."""
    width = max(len(f"{row.target.label}, {row.target.unit}") for row in calibration.rows)
    lines = [
        f"{calibration.scenario}: calibration of normal operation (outages removed), "
        f"{calibration.weeks} weeks x {calibration.replications} replications, seed "
        f"{calibration.seed} (scenario {calibration.scenario_hash})",
        f"  {'target':<{width}} {'range':>14} {'achieved':>9} {'(lowest-highest)':>18}  result",
    ]
    for row in calibration.rows:
        t = row.target
        spread = f"({_number(row.lowest)}-{_number(row.highest)})"
        lines.append(
            f"  {t.label + ', ' + t.unit:<{width}} {t.range_text():>14} "
            f"{_number(row.achieved):>9} {spread:>18}  {row.result}"
        )
    lines.append("sources:")
    lines += [f"  {row.target.label}: {row.target.source}" for row in calibration.rows]
    verdict = "every target met" if calibration.passed else "some targets not met"
    if calibration.not_assessable:
        verdict += f"; {calibration.not_assessable} not assessable in a run this short"
    lines.append(f"{verdict} (a target is met when the mean over replications is in its range)")
    return "\n".join(lines)


def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Weeks to simulate.")] = 26,
    reps: Annotated[int, typer.Option(min=1, max=1_000, help="Replications.")] = 10,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes to run replications in.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Check an office in normal operation against the calibration targets (caseloads, WMT
    capacity, hours, late court results and first appointments, breaches, a stationary
    caseload, backlog drift)."""
    from sim.experiments.calibration import calibrate as run_calibration

    loaded, _sources = load_for_run(scenario)
    result = run_calibration(loaded, weeks=weeks, replications=reps, seed=seed, workers=workers)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, allow_nan=False, default=str))
    else:
        typer.echo(calibration_text(result))
    if not result.passed:
        raise typer.Exit(FAILED)
