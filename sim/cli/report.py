"""Command-line reports: ``python -m sim report`` and ``python -m sim rerun``.

``report RUN_ID|SCENARIO`` writes the after-action report of a saved experiment (or of a new
one, run and saved first when given a scenario file) as self-contained HTML and as PDF into
``reports/<run id>/``, with the result tables as CSV beside it. ``rerun RUN_ID`` runs a saved
experiment again from the scenario and plans kept with it and checks every number is the same.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import DEFAULT_STORE, Engine, fail, load_run, refuse_overwrite
from sim.cli.experiments import run_and_save

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiments.robustness import Robustness


class Format(StrEnum):
    """A report's format."""

    html = "html"
    pdf = "pdf"


Store = Annotated[Path, typer.Option(help="Results store of saved experiments.")]


def report(
    target: Annotated[
        str,
        typer.Argument(
            help="A saved run id (or a unique start of one), or a scenario YAML file to compare "
            "plans on and report."
        ),
    ],
    format: Annotated[
        list[Format] | None,
        typer.Option("--format", help="html or pdf; give it twice for both (default: both)."),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(help="Folder for reports: each goes into a sub-folder named by its run id."),
    ] = Path("reports"),
    store: Store = DEFAULT_STORE,
    plans: Annotated[
        str | None,
        typer.Option(help="With a scenario: comma-separated plans (default: the scenario's)."),
    ] = None,
    reps: Annotated[
        int,
        typer.Option(
            min=1,
            max=10_000,
            help="With a scenario: the most replications, added until the answer is clear; "
            "with --fixed, exactly this many.",
        ),
    ] = 30,
    fixed: Annotated[
        bool, typer.Option("--fixed", help="With a scenario: run exactly --reps replications.")
    ] = False,
    seed: Annotated[int | None, typer.Option(min=0, help="With a scenario: random seed.")] = None,
    weeks: Annotated[
        int | None, typer.Option(min=1, max=104, help="With a scenario: weeks.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace a report already written for this run.")
    ] = False,
    robustness: Annotated[
        bool,
        typer.Option(
            help="Add how robust the verdict is: rerun the leading plans at both ends of each "
            "assumption the scenario marks (python -m sim robustness)."
        ),
    ] = False,
) -> None:
    """Write the after-action report of an experiment (HTML and PDF, tables as CSV)."""
    from sim.outputs.report_content import report_content
    from sim.outputs.report_html import render_html
    from sim.outputs.report_pdf import render_pdf

    formats = set(format or list(Format))
    if target.endswith((".yaml", ".yml")) or Path(target).is_file():
        if not Path(target).is_file():
            fail(
                f"{target}: no such scenario file. Fix: give a scenario YAML file that exists, "
                f"or a run id from `python -m sim runs list --store {store}`."
            )
        _, target = run_and_save(
            Path(target), plans, reps, seed, weeks, Engine.pool, None, None, store, fixed=fixed
        )
    tables, manifest = load_run(store, target)
    folder = out / manifest["run_id"]
    if not force:
        refuse_overwrite(folder)
        if any(folder.glob("report.*")):
            fail(
                f"{folder}: already holds a report. Fix: add --force to replace it, or choose "
                f"another --out folder."
            )
    robust = _robustness_of(tables, manifest) if robustness else None
    content = report_content(tables, manifest, robust)
    if robust is not None:
        tables = {**tables, "robustness": robust["robustness"]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        if Format.html in formats:
            (folder / "report.html").write_text(render_html(content), encoding="utf-8")
            written.append(folder / "report.html")
        if Format.pdf in formats:
            (folder / "report.pdf").write_bytes(render_pdf(content))
            written.append(folder / "report.pdf")
        for name, table in tables.items():
            table.to_csv(folder / f"{name}.csv", index=False)
    except OSError as err:
        fail(
            f"{folder}: cannot write the report ({err.strerror}). Fix: choose an --out folder "
            f"you can write to."
        )
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"tables as CSV in {folder}/")


def _robustness_of(tables: dict[str, pd.DataFrame], manifest: dict) -> Robustness:
    """How robust the saved experiment's verdict is: its leading plans rerun at both ends of
    each assumption its stored scenario marks (exit code 2 if it marks none)."""
    from sim.experiments.compare import Experiment
    from sim.experiments.engines import default_workers
    from sim.experiments.robustness import robustness, robustness_estimate
    from sim.scenario.loader import ScenarioError, plan_from_text, scenario_from_text

    run = manifest["run_id"]
    try:
        scenario = scenario_from_text(manifest.get("scenario_yaml", ""), "stored scenario")
        plans = [plan_from_text(text, "stored plan") for text in manifest.get("plans_yaml", [])]
    except ScenarioError as err:
        fail(f"run {run}: its stored scenario does not load ({err}), so --robustness cannot run")
    if not scenario.assumptions:
        fail(
            f"run {run}: its scenario marks no assumptions as mattering, so there is nothing to "
            "rerun. Fix: add an assumptions: section to the scenario file, compare again and "
            "report that run, or leave out --robustness."
        )
    cost = robustness_estimate(
        scenario, plans, manifest["replications"], manifest["weeks"], None, True
    )
    typer.echo(f"robustness: estimated cost at most {cost.words(default_workers())}", err=True)
    try:
        return robustness(scenario, plans, compared=Experiment(manifest, tables))
    except (ValueError, OSError) as err:
        fail(f"--robustness: {err}")


def rerun(
    run_id: Annotated[str, typer.Argument(help="A saved run id, or a unique start of one.")],
    store: Store = DEFAULT_STORE,
) -> None:
    """Run a saved experiment again from its stored scenario and plans; check every number."""
    from sim.experiments.compare import compare as run_comparison
    from sim.scenario.loader import ScenarioError, plan_from_text, scenario_from_text

    tables, manifest = load_run(store, run_id)
    if not manifest.get("scenario_yaml"):
        fail(
            f"run {manifest['run_id']} was saved without its scenario text, so it cannot be "
            f"re-run from the store. Fix: re-run it with: {manifest.get('command', '-')}"
        )
    try:
        scenario = scenario_from_text(manifest["scenario_yaml"], "stored scenario")
        plans = [plan_from_text(text, "stored plan") for text in manifest["plans_yaml"]]
    except ScenarioError as err:
        fail(
            f"run {manifest['run_id']}: its stored scenario no longer loads ({err}). Fix: run "
            f"it with the simulator version that saved it ({manifest.get('version')})."
        )
    again = run_comparison(
        scenario, plans, manifest["replications"], seed=manifest["seed"], weeks=manifest["weeks"]
    )
    # every table the comparison makes, each against the saved one (missing: different)
    different = [
        name for name in again.tables if name not in tables or not _same(tables[name], again[name])
    ]
    typer.echo(
        f"re-ran {manifest['run_id']}: {manifest['scenario']}, {len(plans)} plans x "
        f"{manifest['replications']} replications x {manifest['weeks']} weeks, seed "
        f"{manifest['seed']} ({again.manifest['runs']} runs)"
    )
    if different:
        typer.echo(
            f"DIFFERENT: {', '.join(different)} do not match the saved run (saved with "
            f"version {manifest.get('version')}, now {again.manifest['version']})."
        )
        raise typer.Exit(1)
    typer.echo(
        f"identical: every table ({', '.join(again.tables)}) matches the saved run, number "
        "by number"
    )


def _same(saved: pd.DataFrame, again: pd.DataFrame) -> bool:
    """Equal to the last bit, value by value (column types may differ after the store)."""
    import pandas as pd

    if list(saved.columns) != list(again.columns) or len(saved) != len(again):
        return False
    for column in saved.columns:
        a, b = saved[column].to_numpy(), again[column].to_numpy()
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            if not ((a == b) | (pd.isna(a) & pd.isna(b))).all():
                return False
        elif [str(x) for x in a] != [str(x) for x in b]:
            return False
    return True
