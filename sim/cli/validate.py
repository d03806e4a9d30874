"""``python -m sim validate``: the model against queueing theory in degenerate configurations."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from sim.cli.common import fail

validate_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Check the model against theory in degenerate configurations.",
)


@validate_app.command("mmc")
def validate_mmc(
    arrival_rate: Annotated[float, typer.Option(help="Arrivals per minute (lambda).")],
    service_rate: Annotated[float, typer.Option(help="Services per minute per server (mu).")],
    servers: Annotated[int, typer.Option(help="Identical, always-on staff (C).")],
    customers: Annotated[int, typer.Option(help="Work items to simulate.")] = 200_000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
) -> None:
    """Run the model's M/M/C configuration and compare with Erlang C and Little's law (JSON)."""
    from sim.experiments.mmc import run_mmc

    try:
        report = run_mmc(arrival_rate, service_rate, servers, customers, seed)
    except ValueError as err:
        fail(f"validate mmc: {err}")
    typer.echo(json.dumps(report.to_dict(), indent=2))
