"""The exercise store: every step of an exercise kept with its checksum, a damaged or
oversized step refused or passed over (never removed), and steps saved by an earlier version
still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise_drill import SMALL
from sim.exercise import log as play
from sim.exercise.store import ExerciseStore, ExerciseStoreError, _checksum
from sim.scenario.loader import load_exercise


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def test_every_step_is_kept_and_a_damaged_step_falls_back_to_the_last_good_one(tmp_path, small):
    store = ExerciseStore(tmp_path)
    log = play.start(load_exercise(small))
    exercise_id, first = store.save_step(log)
    moved = play.advance_to_next(log)
    store.save(moved, exercise_id, follows=first)
    other = store.save(log)  # a second exercise at once: its own folder
    assert other != exercise_id and store.load(other).clock == log.clock
    assert store.load(exercise_id).clock == moved.clock
    newest = sorted((tmp_path / exercise_id).glob("step-*.json"))[-1]
    record = json.loads(newest.read_text())
    record["log"]["clock"]["day"] = 20  # changed by hand: its checksum no longer matches
    newest.write_text(json.dumps(record))
    assert store.load(exercise_id).clock == log.clock  # the step before
    assert any("checksum" in p for p in store.problems(exercise_id))
    assert len(list((tmp_path / exercise_id).glob("step-*.json"))) == 2  # nothing removed


def test_the_store_refuses_bad_ids_and_oversized_steps(tmp_path, small, monkeypatch):
    store = ExerciseStore(tmp_path)
    with pytest.raises(ExerciseStoreError, match="not an exercise id"):
        store.load("../etc")
    log = play.start(load_exercise(small))
    exercise_id = store.save(log)
    step = next((tmp_path / exercise_id).glob("step-*.json"))
    monkeypatch.setattr("sim.exercise.store.MAX_STEP_BYTES", 100)
    with pytest.raises(ExerciseStoreError, match="over the 100"):
        store.save(log, exercise_id)
    with pytest.raises(ExerciseStoreError, match="over the 100"):
        store.load(exercise_id)
    assert step.exists()


def test_a_step_saved_before_a_field_was_added_still_loads_and_a_damaged_one_is_listed(
    tmp_path, small
):
    store = ExerciseStore(tmp_path)
    exercise_id = store.save(play.start(load_exercise(small)))
    step = next((tmp_path / exercise_id).glob("step-*.json"))
    record = json.loads(step.read_text())
    del record["log"]["proposals"]  # as a version without composed options wrote it
    record["checksum"] = _checksum(record["log"])
    step.write_text(json.dumps(record))
    assert store.load(exercise_id).proposals == ()
    record["log"]["clock"]["day"] = 9  # changed by hand
    step.write_text(json.dumps(record))
    listed = {r["id"]: r for r in store.list()}
    assert "checksum does not match" in listed[exercise_id]["problem"]
    assert "Fix" in listed[exercise_id]["problem"] and step.exists()
