"""One exercise, one history: each saved step names the step it follows, and a step built on an
older step than the newest is refused with who saved what and when, never written over it or
dropped. Two writers racing for the same step (threads, processes): exactly one wins."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from exercise_drill import SMALL
from sim.exercise import log as play
from sim.exercise import store as store_module
from sim.exercise.store import ExerciseStore, ExerciseStoreError, StaleStepError, StepId
from sim.scenario.loader import load_exercise


@pytest.fixture
def store(tmp_path) -> ExerciseStore:
    return ExerciseStore(tmp_path / "exercises")


@pytest.fixture
def at_decision(tmp_path, store) -> str:
    """The small drill saved at its first decision point (Wait or Paper?): its id."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    exercise_id, step = store.save_step(play.start(load_exercise(path)))
    log = play.advance_to_next(play.advance_to_next(store.load(exercise_id)))
    assert log.pending() is not None and log.pending().id == "fallback"
    store.save(log, exercise_id, follows=step)
    return exercise_id


def _decide(log: play.ExerciseLog, option: str, by: str) -> play.ExerciseLog:
    chosen = next(o for o in log.options("fallback") if o.name == option)
    return play.decide(log, "fallback", chosen, by, "")


def _steps(store: ExerciseStore, exercise_id: str) -> list[Path]:
    return sorted((store.root / exercise_id).glob("step-*.json"))


def test_the_second_of_two_decisions_on_one_step_is_refused_naming_who_decided_what(
    store, at_decision
):
    first, first_step = store.load_step(at_decision)  # two facilitators' pages, one step
    second, second_step = store.load_step(at_decision)
    assert first_step == second_step
    store.save(_decide(first, "Wait", "Team manager"), at_decision, follows=first_step)
    with pytest.raises(StaleStepError) as refused:
        store.save(_decide(second, "Paper", "Facilitator"), at_decision, follows=second_step)
    message = str(refused.value)
    assert "a decision was recorded at decision point 'fallback' by Team manager at " in message
    assert "('Wait')" in message and "reload to see it" in message
    assert "Paper" not in message
    latest, latest_step = store.load_step(at_decision)
    assert [(d.option.name, d.by) for d in latest.decisions] == [("Wait", "Team manager")]
    assert refused.value.latest == latest_step and len(_steps(store, at_decision)) == 3

    # reloaded, the page sees the decision taken and its next change is saved
    assert latest.pending() is None
    noted = play.add_note(latest, "Waiting was the room's call", "Facilitator")
    store.save(noted, at_decision, follows=latest_step)
    assert store.load(at_decision).notes[-1].text == "Waiting was the room's call"


def test_a_note_built_on_a_stale_log_is_refused_rather_than_dropped(store, at_decision):
    open_page, open_step = store.load_step(at_decision)  # a page left open
    other, other_step = store.load_step(at_decision)
    store.save(play.add_note(other, "Reception is on paper", "Evaluator"), at_decision, other_step)
    late = play.add_note(open_page, "Call the duty manager", "Facilitator")
    with pytest.raises(StaleStepError, match=r"a note was added by Evaluator at .*Reception is on"):
        store.save(late, at_decision, follows=open_step)
    assert [n.text for n in store.load(at_decision).notes] == ["Reception is on paper"]
    reloaded, step = store.load_step(at_decision)  # the note typed is made again on the reload
    store.save(play.add_note(reloaded, "Call the duty manager", "Facilitator"), at_decision, step)
    assert [n.text for n in store.load(at_decision).notes] == [
        "Reception is on paper",
        "Call the duty manager",
    ]


def test_each_step_names_the_step_it_follows_and_load_step_says_which_it_returned(
    store, at_decision
):
    first, second = (json.loads(p.read_text()) for p in _steps(store, at_decision))
    assert first["follows"] is None
    assert second["follows"] == [1, first["checksum"]]
    log, step = store.load_step(at_decision)
    assert step == StepId(2, second["checksum"]) and log == store.load(at_decision)
    moved = play.advance_to_next(_decide(log, "Paper", "Team manager"))
    _, saved = store.save_step(moved, at_decision, follows=step)
    assert saved.number == 3 and store.load_step(at_decision) == (moved, saved)


def test_a_change_that_does_not_say_what_it_follows_is_refused_on_an_existing_exercise(
    store, at_decision
):
    log = store.load(at_decision)
    with pytest.raises(StaleStepError, match="the clock was moved on at .*inject 'NDelius down'"):
        store.save(_decide(log, "Paper", "Team manager"), at_decision)
    with pytest.raises(StaleStepError, match="reload to see it"):
        store.save(log, at_decision, follows=StepId(2, "0" * 64))  # its step was replaced
    with pytest.raises(ExerciseStoreError, match="no saved exercise 'gone-1'"):
        store.save(log, "gone-1", follows=StepId(2, "0" * 64))
    assert len(_steps(store, at_decision)) == 2


def test_steps_saved_before_follows_was_kept_still_load_and_are_followed(store, at_decision):
    for path in _steps(store, at_decision):  # as the version before wrote them
        record = json.loads(path.read_text())
        del record["follows"]
        path.write_text(json.dumps(record))
    log, step = store.load_step(at_decision)
    assert step.number == 2
    store.save(_decide(log, "Paper", "Team manager"), at_decision, follows=step)
    assert store.load(at_decision).decisions[0].option.name == "Paper"


def test_a_damaged_newest_step_is_passed_over_and_never_replaced(store, at_decision):
    newest = _steps(store, at_decision)[-1]
    newest.write_text("{not json")
    log, step = store.load_step(at_decision)
    assert step.number == 1  # the last good step
    moved = play.advance_days(log, 1)
    _, saved = store.save_step(moved, at_decision, follows=step)
    assert saved.number == 3 and newest.read_text() == "{not json"


def test_many_steps_saved_since_are_counted_and_the_newest_described(store, at_decision):
    stale, stale_step = store.load_step(at_decision)
    log, step = stale, stale_step
    for n in range(7):
        _, step = store.save_step(play.add_note(log, f"note {n}", "Observer"), at_decision, step)
        log = store.load(at_decision)
    with pytest.raises(StaleStepError) as refused:
        store.save(play.add_note(stale, "late", "Facilitator"), at_decision, stale_step)
    message = str(refused.value)
    assert "2 earlier step(s) were saved, then a note was added by Observer" in message
    assert "'note 6'" in message and "'note 1'" not in message


def test_of_two_threads_racing_for_the_same_step_exactly_one_wins(store, at_decision, monkeypatch):
    log, step = store.load_step(at_decision)
    both_checked = threading.Barrier(2, timeout=30)
    create = store_module._create

    def create_once_both_have_checked(folder, number, data):
        both_checked.wait()  # each has found its step the newest: only the file decides now
        return create(folder, number, data)

    monkeypatch.setattr(store_module, "_create", create_once_both_have_checked)
    outcomes: dict[str, str] = {}

    def decide(option: str, by: str) -> None:
        try:
            store.save(_decide(log, option, by), at_decision, follows=step)
            outcomes[option] = "saved"
        except StaleStepError as exc:
            outcomes[option] = str(exc)

    threads = [
        threading.Thread(target=decide, args=("Wait", "Team manager")),
        threading.Thread(target=decide, args=("Paper", "Facilitator")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["Paper", "Wait"]
    winners = [o for o, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1, outcomes
    loser = "Paper" if winners == ["Wait"] else "Wait"
    assert f"('{winners[0]}')" in outcomes[loser] and "reload to see it" in outcomes[loser]
    assert len(_steps(store, at_decision)) == 3
    assert [d.option.name for d in store.load(at_decision).decisions] == winners
    assert not list((store.root / at_decision).glob(".tmp-*"))  # nothing left half done


def _save_in_another_process(root, exercise_id, log_json, follows, option, ready, answers):
    """One writer in a process of its own: the drill decided with ``option`` on ``follows``."""
    store = ExerciseStore(root)
    log = play.ExerciseLog.model_validate_json(log_json)
    decided = _decide(log, option, "Team manager")
    ready.wait()
    try:
        store.save(decided, exercise_id, follows=StepId(*follows))
        answers.put((option, "saved"))
    except StaleStepError as exc:
        answers.put((option, str(exc)))


def test_of_two_processes_racing_for_the_same_step_exactly_one_wins(store, at_decision):
    log, step = store.load_step(at_decision)
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(2, timeout=120)
    answers = context.Queue()
    writers = [
        context.Process(
            target=_save_in_another_process,
            args=(store.root, at_decision, log.model_dump_json(), step, option, ready, answers),
        )
        for option in ("Wait", "Paper")
    ]
    for writer in writers:
        writer.start()
    outcomes = dict(answers.get(timeout=120) for _ in writers)
    for writer in writers:
        writer.join(60)
    assert sorted(outcomes) == ["Paper", "Wait"]
    winners = [o for o, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1, outcomes
    assert len(_steps(store, at_decision)) == 3
    assert [d.option.name for d in store.load(at_decision).decisions] == winners


def test_the_command_line_stops_with_exit_2_when_another_writer_saves_in_between(
    tmp_path, monkeypatch
):
    """``python -m sim exercise run`` saves each step after its last: a note added elsewhere
    once play has started stops it with what was saved (exit code 2), and the note is kept."""
    from typer.testing import CliRunner

    from exercise_drill import DECISIONS
    from sim.cli.main import app

    (tmp_path / "small.yaml").write_text(SMALL)
    (tmp_path / "decisions.yaml").write_text(DECISIONS)
    store = ExerciseStore(tmp_path / "exercises")
    advance_to_next = play.advance_to_next

    def a_note_added_elsewhere_first(log):
        (exercise_id,) = [row["id"] for row in store.list()]
        other, step = store.load_step(exercise_id)
        if not other.notes:
            store.save(
                play.add_note(other, "Reception is on paper", "Evaluator"), exercise_id, step
            )
        return advance_to_next(log)

    monkeypatch.setattr(play, "advance_to_next", a_note_added_elsewhere_first)
    result = CliRunner().invoke(
        app,
        [
            "exercise",
            "run",
            str(tmp_path / "small.yaml"),
            "--decisions",
            str(tmp_path / "decisions.yaml"),
            "--store",
            str(store.root),
            "--engine",
            "serial",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "play stopped" in result.stderr and "a note was added by Evaluator at " in result.stderr
    assert "reload to see it" in result.stderr
    (exercise_id,) = [row["id"] for row in store.list()]
    log = store.load(exercise_id)
    assert [n.text for n in log.notes] == ["Reception is on paper"] and not log.decisions
    assert len(_steps(store, exercise_id)) == 2
