"""``python -m sim claim``: test a workload claim on a saved experiment, as the app's claim
tester does, and optionally write its evidence pack."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import DEFAULT_STORE, fail, load_run
from sim.results.claim_terms import ROLE_MEASURES
from sim.results.measures import headlined


class Comparison(StrEnum):
    """How a claim's value is compared with its threshold (sim.results.measures.COMPARISONS)."""

    more_than = "more_than"
    at_least = "at_least"
    less_than = "less_than"
    at_most = "at_most"


class Role(StrEnum):
    """The roles a per-role claim can be about (sim.domain.vocabulary.ROLES)."""

    probation_officer = "probation_officer"
    probation_services_officer = "probation_services_officer"
    senior_probation_officer = "senior_probation_officer"
    reception = "reception"
    court_admin = "court_admin"
    case_admin = "case_admin"


class Against(StrEnum):
    """What a claim's value is compared with."""

    threshold = "threshold"
    no_outage = "no_outage"


def claim(
    run_id: Annotated[str, typer.Argument(help="A saved run id, or a unique start of one.")],
    plan: Annotated[str, typer.Option(help="The plan the claim is about, by name.")],
    measure: Annotated[
        str,
        typer.Option(
            help="A per-role measure ("
            + ", ".join(ROLE_MEASURES)
            + ") or an office-wide one ("
            + ", ".join(headlined("claims"))
            + ")."
        ),
    ],
    threshold: Annotated[
        float, typer.Option(help="A share as a fraction (0.25), or hours, items, days as numbers.")
    ],
    comparison: Annotated[
        Comparison,
        typer.Option(help="How the value is compared with the threshold."),
    ] = Comparison.more_than,
    role: Annotated[
        Role | None,
        typer.Option(help="The role, for a per-role measure."),
    ] = None,
    against: Annotated[
        Against,
        typer.Option(
            help="threshold: the plan's own value; no_outage: its rise over the same replication "
            "without the outage."
        ),
    ] = Against.threshold,
    pack: Annotated[
        Path | None, typer.Option(help="Write the evidence pack (a zip) to this file.")
    ] = None,
    store: Annotated[
        Path, typer.Option(help="Results store of saved experiments.")
    ] = DEFAULT_STORE,
) -> None:
    """Test a claim on a saved experiment: the probability it holds, with its evidence."""
    from pydantic import ValidationError

    from sim.outputs.charts import recovery_horizon
    from sim.outputs.claims import Claim, answer
    from sim.outputs.evidence import evidence_pack

    tables, manifest = load_run(store, run_id)
    try:
        stated = Claim(
            plan=plan,
            measure=measure,
            comparison=comparison.value,
            threshold=threshold,
            role=None if role is None else role.value,
            against=against.value,
        )
        result = answer(tables, stated, recovery_horizon(manifest))
    except ValidationError as err:
        problem = err.errors()[0]
        fail(
            f"claim: {problem['msg'].removeprefix('Value error, ')} (given: "
            f"{'.'.join(map(str, problem['loc'])) or 'measure'}). Fix: name the role with "
            f"--role for a per-role measure, and a known measure with --measure."
        )
    except ValueError as err:
        fail(f"claim: {err}")
    typer.echo(
        f"run {manifest['run_id']}: {manifest['scenario']} (scenario "
        f"{manifest['scenario_hash']}), seed {manifest['seed']}, version "
        f"{manifest.get('version')}"
    )
    typer.echo(result.sentence())
    typer.echo(result.evidence.to_string(index=False))
    if pack is not None:
        if pack.exists():
            fail(f"{pack}: already exists. Fix: choose another file name.")
        try:
            pack.write_bytes(evidence_pack(result, manifest))
        except OSError as err:
            fail(
                f"{pack}: cannot write the evidence pack ({err.strerror}). Fix: choose a "
                f"folder you can write to."
            )
        typer.echo(f"evidence pack written to {pack}")
