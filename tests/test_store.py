"""The results store: exact round trips, listing newest first, clear errors, no overwrite, and two
processes saving into one store at the same time lose nothing."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.store.results import LIST_COLUMNS, ResultsStore, StoreError

WRITERS, SAVES = 2, 20


def experiment(writer: int = 0, i: int = 0) -> tuple[dict[str, pd.DataFrame], dict]:
    """Deterministic tables and manifest for one (writer, i), with every kind of column."""
    rng = np.random.default_rng([writer, i])
    n = 30 + i
    value = rng.normal(size=n)
    value[::7] = np.nan
    runs = pd.DataFrame(
        {
            "plan": pd.Categorical(
                rng.choice(["do_nothing", "paper"], n),
                categories=["do_nothing", "paper", "unused"],
                ordered=True,
            ),
            "replication": np.arange(n, dtype="int64"),
            "day": np.arange(n, dtype="int32"),
            "measure": rng.choice(["backlog", "missed_risk_checks"], n),
            "value": value,
            "late": rng.random(n) < 0.5,
            "rosh": pd.Categorical(rng.choice([1, 2, 3], n), categories=[3, 2, 1, 4]),
            "count": pd.array([None if k % 5 == 0 else k for k in range(n)], dtype="Int64"),
            "note": pd.Series([None if k % 3 else f"n{k}" for k in range(n)], dtype=object),
            "label": [None if k % 4 == 0 else f"é{k}" for k in range(n)],
        }
    )
    comparison = runs.groupby("measure", observed=True)["value"].mean().to_frame()
    manifest = {
        "seed": int(rng.integers(1000)),
        "version": "0.1.0",
        "scenario": "Reference",
        "scenario_hash": "ab12",
        "plans": {"do_nothing": "h1", "paper": "h2"},
        "replications": 5,
        "weeks": 8,
        "engine": "simpy",
        "command": "sim compare",
        "created_at": "2025-03-01T10:00:00+00:00",
        "writer": writer,
        "index": i,
    }
    return {"runs": runs, "comparison": comparison, "empty": runs.iloc[:0]}, manifest


def assert_same(tables: dict, expected: dict) -> None:
    assert list(tables) == list(expected)
    for name, df in expected.items():
        assert tables[name].equals(df), name
        pd.testing.assert_frame_equal(tables[name], df, check_exact=True)


def test_tables_and_manifest_round_trip_exactly(tmp_path):
    store = ResultsStore(tmp_path / "results")
    tables, manifest = experiment()
    run_id = store.save(tables, manifest)
    loaded, saved = store.load(run_id)
    assert_same(loaded, tables)
    assert loaded["runs"]["note"][1] is None and np.isnan(loaded["runs"]["value"][0])
    assert saved == manifest | {
        "run_id": run_id,
        "saved_at": saved["saved_at"],
        "tables": {"runs": 30, "comparison": 2, "empty": 0},
        "store_format": 2,
        "checksums": saved["checksums"],
        "manifest_checksum": saved["manifest_checksum"],
    }
    assert set(saved["checksums"]) == {"runs", "comparison", "empty"}
    assert json.loads((tmp_path / "results" / run_id / "manifest.json").read_text()) == saved
    assert pd.read_parquet(tmp_path / "results" / run_id / "runs.parquet")["value"].equals(
        tables["runs"]["value"]
    )  # plain Parquet, readable without the store


def test_list_is_newest_first_with_manifest_fields(tmp_path):
    store = ResultsStore(tmp_path)
    assert list(store.list().columns) == list(LIST_COLUMNS) and store.list().empty
    ids = [store.save(*experiment(0, i)) for i in range(3)]
    listed = store.list()
    assert listed["run_id"].tolist() == ids[::-1]
    row = listed.iloc[0]
    assert (
        row["scenario"],
        row["plans"],
        row["replications"],
        row["weeks"],
        row["engine"],
        row["version"],
    ) == ("Reference", "do_nothing, paper", 5, 8, "simpy", "0.1.0")
    assert row["created_at"] == "2025-03-01T10:00:00+00:00"
    assert row["seed"] == experiment(0, 2)[1]["seed"]
    assert store.problems() == ()


def test_prefix_loads_and_unknown_or_ambiguous_ids_are_clear_errors(tmp_path):
    store = ResultsStore(tmp_path / "results")
    with pytest.raises(StoreError, match=r"no run 'nope'.*does not exist.*\.list\(\)"):
        store.load("nope")
    first, second = store.save(*experiment(0, 0)), store.save(*experiment(0, 1))
    assert store.path(second[:-3]).name == second
    assert store.load(first[:-2])[1]["run_id"] == first
    with pytest.raises(StoreError, match=r"no run 'nope' in the results store .*\.list\(\)"):
        store.load("nope")
    common = os.path.commonprefix([first, second])
    with pytest.raises(StoreError, match="ambiguous.*give more characters"):
        store.load(common[:8])
    with pytest.raises(StoreError, match="non-empty string"):
        store.load("")


def test_never_overwrites(tmp_path, monkeypatch):
    store = ResultsStore(tmp_path)
    tables, manifest = experiment()
    ids = {store.save(tables, manifest) for _ in range(5)}
    assert len(ids) == 5  # the same experiment saved again is a new run
    taken = min(ids)
    same_uuid = SimpleNamespace(hex=taken.split("-")[1] + "0" * 24)
    monkeypatch.setattr("sim.store.results.datetime", _FrozenClock(taken))
    monkeypatch.setattr("sim.store.results.uuid", SimpleNamespace(uuid4=lambda: same_uuid))
    before = (tmp_path / taken / "manifest.json").read_bytes()
    with pytest.raises(StoreError, match=f"run {taken} already exists.*nothing was overwritten"):
        store.save(*experiment(1, 1))
    assert (tmp_path / taken / "manifest.json").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # temp folder removed


class _FrozenClock:
    """Stands in for datetime, always telling the time of a given run id."""

    def __init__(self, run_id: str):
        stamp = datetime.strptime(run_id.split("-")[0], "%Y%m%dT%H%M%SZ")
        self.moment = stamp.replace(tzinfo=UTC)

    def now(self, tz=None):
        return self.moment


def test_half_written_and_foreign_folders_are_not_listed(tmp_path):
    store = ResultsStore(tmp_path)
    run_id = store.save(*experiment())
    (tmp_path / ".tmp-20250101T000000Z-deadbeef").mkdir()  # a save in progress or interrupted
    (tmp_path / ".tmp-20250101T000000Z-deadbeef" / "runs.parquet").write_bytes(b"PAR1")
    (tmp_path / "notes").mkdir()  # a folder the store did not write
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json")
    (tmp_path / "README.txt").write_text("a file, not a run")
    assert store.list()["run_id"].tolist() == [run_id]
    problems = store.problems()
    assert len(problems) == 2
    assert "broken" in problems[0] and "cannot be read" in problems[0] and "Fix:" in problems[0]
    assert "notes" in problems[1] and "no manifest.json" in problems[1]
    with pytest.raises(StoreError, match="run notes cannot be loaded: no manifest.json"):
        store.load("notes")


def test_bad_input_is_refused_before_anything_is_written(tmp_path):
    store = ResultsStore(tmp_path / "results")
    tables, manifest = experiment()
    cases = [
        (({"../x": tables["runs"]}, manifest), "cannot be a file name"),
        (({"runs": [1, 2]}, manifest), "not a pandas DataFrame"),
        (({"t": pd.DataFrame({1: [1]})}, manifest), "non-string column names"),
        (({"t": pd.DataFrame({"a": [1, "x"]})}, manifest), "cannot be saved as Parquet"),
        ((tables, manifest | {"run_id": "x"}), "which the store sets"),
        ((tables, manifest | {"seed": object()}), "not plain JSON"),
        ((tables, manifest | {"weeks": float("nan")}), "not plain JSON"),
    ]
    for args, message in cases:
        with pytest.raises(StoreError, match=message):
            store.save(*args)
    assert not (tmp_path / "results").exists()
    assert store.load(store.save(tables, manifest | {"seed": np.int64(4)}))[1]["seed"] == 4


def _writer(root: str, writer: int, start) -> None:
    """One process: wait for the other, then save SAVES experiments as fast as it can."""
    store = ResultsStore(root)
    start.wait()
    for i in range(SAVES):
        store.save(*experiment(writer, i))


@pytest.mark.slow
def test_two_processes_saving_at_once_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(WRITERS)
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w, start)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    store, seen_while_writing, deadline = ResultsStore(tmp_path), [], time.monotonic() + 60
    while (
        any(p.is_alive() for p in procs) and time.monotonic() < deadline
    ):  # a reader meanwhile sees only whole runs
        assert store.problems() == ()
        seen_while_writing.append(len(store.list()))
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert seen_while_writing == sorted(seen_while_writing)
    listed = store.list()
    assert len(listed) == WRITERS * SAVES == listed["run_id"].nunique()
    assert store.problems() == ()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    seen, spans = set(), {}
    for run_id in listed["run_id"]:
        tables, manifest = store.load(run_id)
        key = (manifest["writer"], manifest["index"])
        expected_tables, expected_manifest = experiment(*key)
        assert_same(tables, expected_tables)
        assert {k: manifest[k] for k in expected_manifest} == expected_manifest
        seen.add(key)
        spans.setdefault(key[0], []).append(manifest["saved_at"])
    assert seen == {(w, i) for w in range(WRITERS) for i in range(SAVES)}
    (a0, a1), (b0, b1) = [(min(s), max(s)) for s in spans.values()]
    assert a0 < b1 and b0 < a1, "the two writers did not save at the same time"


def test_a_run_saved_before_the_reference_was_named_loads_under_todays_columns(tmp_path):
    """Comparisons saved when the paired columns were ``vs_do_nothing_*`` load as
    ``vs_reference_*`` (their manifest names no reference: do nothing, as it was)."""
    from sim.experiments.comparison import reference_of

    store = ResultsStore(tmp_path / "results")
    old = pd.DataFrame(
        {
            "plan": ["Do nothing", "Paper"],
            "vs_do_nothing_mean": [np.nan, -2.5],
            "vs_do_nothing_low": [np.nan, -3.0],
            "vs_do_nothing_high": [np.nan, -2.0],
        }
    )
    tables, manifest = experiment()
    run_id = store.save({**tables, "comparison": old}, manifest)
    loaded, saved = store.load(run_id)
    assert list(loaded["comparison"].columns) == [
        "plan",
        "vs_reference_mean",
        "vs_reference_low",
        "vs_reference_high",
    ]
    assert loaded["comparison"]["vs_reference_mean"].iloc[1] == -2.5
    assert reference_of(saved) == "Do nothing"
