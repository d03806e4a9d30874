"""``python -m sim claim``: test a workload claim on a saved experiment, as the app's claim
tester does, and optionally write its evidence pack."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from pydantic import ValidationError

from sim.outputs.claims import COMPARISON_WORDS, OFFICE_MEASURES, ROLE_MEASURES, Claim, answer
from sim.cli.common import fail, load_run
from sim.cli.experiments import DEFAULT_STORE
from sim.outputs.evidence import evidence_pack

Comparison = Enum("Comparison", {k: k for k in COMPARISON_WORDS}, type=str)
Against = Enum("Against", {"threshold": "threshold", "no_outage": "no_outage"}, type=str)


def claim(
    run_id: str = typer.Argument(..., help="A saved run id, or a unique start of one."),
    plan: str = typer.Option(..., help="The plan the claim is about, by name."),
    measure: str = typer.Option(..., help="A per-role measure ("
                                + ", ".join(ROLE_MEASURES) + ") or an office-wide one ("
                                + ", ".join(OFFICE_MEASURES) + ")."),
    comparison: Comparison = typer.Option(Comparison.more_than, help="How the value is "
                                          "compared with the threshold."),
    threshold: float = typer.Option(..., help="A share as a fraction (0.25), or hours, items, "
                                    "days as numbers."),
    role: str = typer.Option(None, help="The role, for a per-role measure."),
    against: Against = typer.Option(Against.threshold, help="threshold: the plan's own value; "
                                    "no_outage: its rise over the same replication without "
                                    "the outage."),
    pack: Path = typer.Option(None, help="Write the evidence pack (a zip) to this file."),
    store: Path = typer.Option(DEFAULT_STORE, help="Results store of saved experiments."),
) -> None:
    """Test a claim on a saved experiment: the probability it holds, with its evidence."""
    tables, manifest = load_run(store, run_id)
    try:
        stated = Claim(plan=plan, measure=measure, comparison=comparison.value,
                       threshold=threshold, role=role, against=against.value)
        result = answer(tables, stated)
    except ValidationError as err:
        problem = err.errors()[0]
        fail(f"claim: {problem['msg'].removeprefix('Value error, ')} (given: "
             f"{'.'.join(map(str, problem['loc'])) or 'measure'}). Fix: name the role with "
             f"--role for a per-role measure, and a known measure with --measure.")
    except ValueError as err:
        fail(f"claim: {err}")
    typer.echo(f"run {manifest['run_id']}: {manifest['scenario']} (scenario "
               f"{manifest['scenario_hash']}), seed {manifest['seed']}, version "
               f"{manifest.get('version')}")
    typer.echo(result.sentence())
    typer.echo(result.evidence.to_string(index=False))
    if pack is not None:
        if pack.exists():
            fail(f"{pack}: already exists. Fix: choose another file name.")
        try:
            pack.write_bytes(evidence_pack(result, manifest))
        except OSError as err:
            fail(f"{pack}: cannot write the evidence pack ({err.strerror}). Fix: choose a "
                 f"folder you can write to.")
        typer.echo(f"evidence pack written to {pack}")
