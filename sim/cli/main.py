"""The command line: a thin view over the public API (``python -m sim --help``, or ``sim``).

The :mod:`sim.cli` package and ``sim/__main__.py`` are the only parts of sim that print or
write files. Every user mistake ends with a message naming the file, field, value and fix, and
exit code 2. Each command imports what it needs when it runs, so ``--help`` and ``list`` start
without pandas, matplotlib or pyarrow.
"""

from __future__ import annotations

import typer

from sim.cli.calibrate import calibrate
from sim.cli.claim import claim
from sim.cli.exercise import exercise_app
from sim.cli.experiments import compare, runs_app, sweep
from sim.cli.library import list_files
from sim.cli.national import national
from sim.cli.one_run import run
from sim.cli.report import report, rerun
from sim.cli.robustness import robustness
from sim.cli.validate import validate_app

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,  # plain help: starts without importing rich
    no_args_is_help=True,
    help="Probation business-continuity tabletop simulator.",
)
app.command()(run)
app.command("list")(list_files)
app.command()(compare)
app.command()(claim)
app.command()(calibrate)
app.command()(sweep)
app.command()(robustness)
app.command()(national)
app.command()(report)
app.command()(rerun)
app.add_typer(runs_app, name="runs")
app.add_typer(validate_app, name="validate")
app.add_typer(exercise_app, name="exercise")


def main() -> None:
    from sim.cli.common import INTERNAL_ERROR, USAGE_ERROR
    from sim.domain.errors import ModelError, RunLimitError

    try:
        app()
    except ModelError as err:  # a bug, never reported as the user's mistake
        typer.echo(str(err), err=True)
        raise SystemExit(INTERNAL_ERROR) from None
    except RunLimitError as err:  # the input asks more of a run than it may take
        typer.echo(f"error: {err}", err=True)
        raise SystemExit(USAGE_ERROR) from None
