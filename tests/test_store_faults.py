"""A store that cannot lie: every fault injected into a saved run is found and said, the damaged
run is listed as damaged (with why) and never breaks listing, finding or loading the others."""

from __future__ import annotations

import json
import os
import time

import pandas as pd
import pytest

from sim.store.files import TMP_MAX_AGE_S
from sim.store.results import ResultsStore, StoreError
from test_store import experiment


def two_runs(tmp_path):
    store = ResultsStore(tmp_path / "results")
    good = store.save(*experiment(0, 0))
    bad = store.save(*experiment(0, 1))
    return store, good, store.path(bad)


def flip_bytes(folder):
    path = folder / "runs.parquet"
    data = bytearray(path.read_bytes())
    for k in range(16):
        data[len(data) // 2 + k] ^= 0xFF
    path.write_bytes(bytes(data))


def rewrite_comparison(folder):
    """A valid Parquet file with other numbers, as an edit in another tool would leave."""
    path = folder / "comparison.parquet"
    table = pd.read_parquet(path)
    table.iloc[:, 0] = table.iloc[:, 0] * 2
    path.unlink()
    table.to_parquet(path)


def edit_manifest(folder):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["seed"] += 1
    path.write_text(json.dumps(manifest))


def incomplete_manifest(folder):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["scenario"]
    path.write_text(json.dumps(manifest))


def fifo_manifest(folder):
    (folder / "manifest.json").unlink()
    os.mkfifo(folder / "manifest.json")


def manifest_to_dev_zero(folder):
    (folder / "manifest.json").unlink()
    os.symlink("/dev/zero", folder / "manifest.json")


def table_missing(folder):
    (folder / "runs.parquet").unlink()


FAULTS = {
    "16 flipped bytes in a table": (flip_bytes, "changed or damaged"),
    "a table rewritten with other numbers": (rewrite_comparison, "changed or damaged"),
    "a value of the manifest edited": (edit_manifest, "has been changed since"),
    "a manifest without a field every view reads": (incomplete_manifest, "incomplete: no scenario"),
    "a pipe named manifest.json": (fifo_manifest, "not a regular file"),
    "manifest.json linked to /dev/zero": (manifest_to_dev_zero, "not a regular file"),
    "a table file missing": (table_missing, "missing: runs.parquet"),
}


@pytest.mark.parametrize("fault,says", FAULTS.values(), ids=list(FAULTS))
def test_a_damaged_run_is_said_and_the_others_still_work(tmp_path, fault, says):
    store, good, bad = two_runs(tmp_path)
    fault(bad)
    assert list(store.list()["run_id"]) == [good]  # listed: the good run only
    [problem] = store.problems()
    assert bad.name in problem and says in problem
    assert store.find(replications=5) == [good]  # a new Compare finds only the good run
    store.load(good)
    with pytest.raises(StoreError, match=says):
        store.load(bad.name)


def test_an_interrupted_save_is_cleaned_up_by_the_next(tmp_path):
    store = ResultsStore(tmp_path / "results")
    store.save(*experiment(0, 0))
    old = store.root / ".tmp-20250101T000000Z-deadbeef"
    old.mkdir()
    (old / "runs.parquet").write_bytes(b"half")
    recent = store.root / ".tmp-20250101T000001Z-cafef00d"
    recent.mkdir()  # a save under way in another process: left alone
    past = time.time() - TMP_MAX_AGE_S - 60
    os.utime(old, (past, past))
    store.save(*experiment(0, 1))
    assert not old.exists() and recent.exists()
    assert len(store.list()) == 2 and store.problems() == ()
