"""``python -m sim robustness SCENARIO``: how robust the verdict is.

Compares the plans on the same replications (as ``compare``), ranks them on the measure the
verdict leads with, reruns the leading plans at both ends of each assumption the scenario marks
as mattering (its ``assumptions:`` section) and prints a table and the sentence: the ranking
holds across these ranges, or it flips (or becomes unclear) at an end
(:mod:`sim.experiments.robustness`). Nothing is saved; ``report RUN_ID --robustness`` puts the
same section in a saved experiment's report.

Part of the command-line view; imports nothing heavy until the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import (
    Engine,
    chosen_plans,
    fail,
    load_for_run,
    runs_progress,
    warn_without_effect,
)

if TYPE_CHECKING:
    from sim.experiments.robustness import Robustness


def robustness(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file with assumptions:.")],
    plans: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated plans to rank and rerun (default: the scenario's plans:, of "
            "which the top two are rerun, or all when there are at most three)."
        ),
    ] = None,
    reps: Annotated[
        int, typer.Option(min=2, max=10_000, help="Replications per plan and end.")
    ] = 10,
    weeks: Annotated[
        int | None, typer.Option(min=1, max=104, help="Weeks (default: the scenario's).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(help="Measure to rank on (default: the one the verdict leads with)."),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Where the runs go.")] = Engine.pool,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes for the pool engine.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Rerun the leading plans at both ends of each assumption the scenario marks as mattering:
    does the ranking hold?"""
    from sim.experiments.engines import default_workers
    from sim.experiments.robustness import (
        VERDICT_MEASURE,
        check_measure,
        robustness_estimate,
    )
    from sim.experiments.robustness import robustness as run_robustness

    loaded, _ = load_for_run(scenario)
    if not loaded.assumptions:
        fail(
            f"{scenario}: the scenario marks no assumptions as mattering, so there is nothing "
            "to rerun. Fix: add an assumptions: section naming each assumption, where it lives "
            "and its two ends (as in scenarios/s02-ndelius-upgrade.yaml; docs/experiments.md)."
        )
    measure = measure or VERDICT_MEASURE
    try:
        check_measure(measure)
    except ValueError as err:
        fail(f"--measure {measure!r}: {err}")
    chosen = chosen_plans(loaded, scenario, plans)
    rerun = None if plans is None else [p.name for p in chosen]
    if rerun is not None and len(set(rerun)) < 2:
        rerun = list(dict.fromkeys(["Do nothing", *rerun]))  # a ranking needs two plans
    warn_without_effect(loaded, chosen, weeks)
    runs_on = 1 if engine is Engine.serial else workers or default_workers()
    cost = robustness_estimate(loaded, chosen, reps, weeks or loaded.run.weeks, rerun)
    typer.echo(f"estimated cost: at most {cost.words(runs_on)}", err=True)
    with runs_progress() as progress:
        try:
            result = run_robustness(
                loaded, chosen, reps, seed=seed, weeks=weeks, measure=measure, rerun=rerun,
                engine=engine.value, workers=workers, progress=progress,
            )  # fmt: skip
        except (ValueError, OSError) as err:
            fail(f"robustness: {err}")
        except KeyboardInterrupt:
            typer.echo("stopped: nothing to show, nothing saved", err=True)
            raise typer.Exit(130) from None
    typer.echo(as_json_text(result) if as_json else robustness_text(result))


def robustness_text(result: Robustness) -> str:
    """The header, the table (each plan at each end: mean [95% CI], difference from the leader
    [95% CI], outcome) and the sentence."""
    from sim.outputs.robustness_section import shown_table
    from sim.results.measures import label

    m = result.manifest

    shown = shown_table(result)
    untested = result["outcomes"][result["outcomes"]["outcome"] == "not tested"]
    lines = [
        f"{m['scenario']}: {label(m['measure'])}, {len(m['leading'])} leading plans of "
        f"{len(m['plans'])} rerun at both ends of {len(m['assumptions']) - len(untested)} "
        f"assumptions; {m['replications']} replications x {m['weeks']} weeks, seed "
        f"{m['seed']} (scenario {m['scenario_hash']}, version {m['version']}; {m['runs']} "
        "runs besides the comparison's)",
        shown.to_string(index=False),
        "",
        result.sentence,
    ]
    return "\n".join(lines)


def as_json_text(result: Robustness) -> str:
    """The result as JSON: manifest, both tables as records (NaN as null), the sentence."""
    found = {
        "manifest": result.manifest,
        "robustness": json.loads(result["robustness"].to_json(orient="records")),
        "outcomes": json.loads(result["outcomes"].to_json(orient="records")),
        "sentence": result.sentence,
    }
    return json.dumps(found, indent=2, allow_nan=False, default=str)
