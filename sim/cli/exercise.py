"""``python -m sim exercise``: play a tabletop exercise without a room, and report one.

* ``run FILE --decisions DECISIONS.yaml``: plays the exercise from its start to its end: at each
  decision point the options are projected (each run on the same replications) and the decision
  the file gives is taken; every step is saved in the exercise store, and the id printed. Each
  step follows the one before it: if another page or command saves a step of the same exercise
  meanwhile, play stops with what was saved (exit code 2) rather than write over it.
* ``report ID``: the after-action report (HTML and PDF) and the improvement plan (CSV) of a saved
  exercise; ``--replay`` first runs every projection again from the log and checks the numbers.
* ``list``: the saved exercises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Engine, fail

exercise_app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Tabletop exercises: play one from the command line, list them, report one.",
)
DEFAULT_EXERCISES = Path("exercises")
Exercises = Annotated[Path, typer.Option("--store", help="Folder of saved exercises.")]


def _store(root: Path):
    from sim.exercise.store import ExerciseStore

    return ExerciseStore(root)


@exercise_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="The exercise file (YAML).")],
    decisions: Annotated[
        Path, typer.Option(help="The room's decisions, observations, hot wash, actions (YAML).")
    ],
    store: Exercises = DEFAULT_EXERCISES,
    reps: Annotated[
        int | None, typer.Option(min=2, max=200, help="Replications (default: the exercise's).")
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Where the runs go.")] = Engine.pool,
    workers: Annotated[int | None, typer.Option(min=1, max=64)] = None,
) -> None:
    """Play an exercise to its end with the decisions in a file, saving every step."""
    from sim.exercise import log as play
    from sim.exercise.projection import run_step
    from sim.exercise.rehearsal import mismatches, opening, rehearse
    from sim.exercise.store import ExerciseStoreError, StaleStepError
    from sim.scenario.exercise_warnings import exercise_without_effect
    from sim.scenario.loader import ScenarioError, load_exercise, load_rehearsal

    try:
        exercise = load_exercise(file)
        rehearsal = load_rehearsal(decisions)
    except ScenarioError as err:
        fail(str(err))
    for warning in exercise_without_effect(exercise):
        typer.echo(f"warning: {warning}", err=True)
    if reps is not None:
        exercise = exercise.model_copy(update={"replications": reps})
    problems = mismatches(exercise, rehearsal, str(decisions), str(file))
    if problems:
        fail(problems[0])
    saver = _store(store)
    try:
        log = opening(exercise, rehearsal)
        exercise_id, last = saver.save_step(log)
        typer.echo(f"exercise {exercise_id}: {exercise.name}")

        def save(log: play.ExerciseLog) -> None:  # the step after the last one saved here
            nonlocal last
            last = saver.save_step(log, exercise_id, follows=last)[1]

        rehearse(
            log,
            rehearsal,
            lambda step: run_step(step, engine=engine.value, workers=workers),
            save,
            typer.echo,
        )
    except StaleStepError as err:
        fail(f"{file}: play stopped: {err}")
    except (play.ExerciseError, ExerciseStoreError) as err:
        fail(f"{file}: {err}")
    typer.echo(f"saved as exercise {exercise_id} in {store}/")
    typer.echo(f"report: python -m sim exercise report {exercise_id} --store {store}")


@exercise_app.command("report")
def report(
    exercise_id: Annotated[str, typer.Argument(help="A saved exercise's id.")],
    store: Exercises = DEFAULT_EXERCISES,
    out: Annotated[Path, typer.Option(help="Folder for the report.")] = Path("reports"),
    replay: Annotated[
        bool, typer.Option(help="Run every projection again from the log and check the numbers.")
    ] = False,
) -> None:
    """Write a saved exercise's after-action report (HTML, PDF) and improvement plan (CSV)."""
    from sim.exercise.projection import replay as replay_log
    from sim.exercise.store import ExerciseStoreError
    from sim.outputs.exercise_report import exercise_report
    from sim.outputs.exercise_report_render import render_exercise_html, render_exercise_pdf

    try:
        log = _store(store).load(exercise_id)
    except ExerciseStoreError as err:
        fail(str(err))
    if replay:
        for point, same in replay_log(log, engine="pool"):
            typer.echo(f"replayed {point}: {'same numbers' if same else 'DIFFERENT numbers'}")
            if not same:
                raise typer.Exit(1)
    content = exercise_report(log, exercise_id)
    folder = out / exercise_id
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "after-action-report.html").write_text(
            render_exercise_html(content), encoding="utf-8"
        )
        (folder / "after-action-report.pdf").write_bytes(render_exercise_pdf(content))
        (folder / "improvement-plan.csv").write_text(content.improvement_csv, encoding="utf-8")
    except OSError as err:
        fail(
            f"{folder}: cannot write the report ({err.strerror}). Fix: choose another --out folder."
        )
    for name in ("after-action-report.html", "after-action-report.pdf", "improvement-plan.csv"):
        typer.echo(f"wrote {folder / name}")


@exercise_app.command("list")
def list_exercises(store: Exercises = DEFAULT_EXERCISES) -> None:
    """The saved exercises, newest first."""
    rows = _store(store).list()
    if not rows:
        typer.echo(f"no saved exercises in {store}/")
    for row in rows:
        if row["problem"]:
            typer.echo(f"{row['id']}  cannot be read: {row['problem']}")
            continue
        typer.echo(
            f"{row['id']}  {row['exercise']}  day {row['clock_day']}, "
            f"{row['decisions']} decisions, {row['steps']} steps, saved {row['saved']}"
        )
