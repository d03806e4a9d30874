"""A local store of experiments, so runs can be listed, reloaded and compared without re-running.

An experiment is a set of tidy tables (pandas DataFrames keyed by name) and a JSON-able manifest
(seed, version, scenario and plan hashes, replications, weeks, engine, ...). Each saved experiment
is one folder under the store's root, named by its run id::

    results/20250301T101500Z-1a2b3c4d/
        manifest.json      the caller's manifest plus run_id, saved_at, tables (name -> rows)
        runs.parquet       one Parquet file per table
        backlog.parquet

A save writes everything into a hidden temporary folder in the root, then renames it into place
in one step, so readers never see a half-written run and concurrent writers, each with their own
unique id, never touch each other's files. Nothing is ever overwritten or deleted. Parquet files
are readable without this module (pandas, pyarrow, DuckDB, R); see docs/results-store.md.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.store.files import (
    MANIFEST,
    TABLE_NAME,
    TMP_PREFIX,
    checksum,
    damaged_tables,
    fsync_dir,
    manifest_checksum,
    read_manifest,
    read_table_bytes,
    remove_interrupted_saves,
    write_durably,
)

FORMAT = 2  # version of the on-disk layout, written to every manifest (2: with checksums)
# manifest keys the store sets
STORE_KEYS = ("run_id", "saved_at", "tables", "store_format", "checksums", "manifest_checksum")
LIST_COLUMNS = (
    "run_id",
    "created_at",
    "saved_at",
    "scenario",
    "scenario_hash",
    "plans",
    "replications",
    "weeks",
    "engine",
    "seed",
    "version",
    "exercise",  # the tabletop exercise whose step ran it (None: not run by an exercise)
)
_DTYPES_KEY = (
    b"sim.store.results.dtypes"  # Parquet metadata: how to restore categorical/object columns
)
_LIST_HINT = "list the saved run ids with ResultsStore({root!r}).list()"


class StoreError(Exception):
    """A store operation that cannot be done; the message names the path or run id and the fix."""


class ResultsStore:
    """The experiments saved under one root folder, one immutable sub-folder per run."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._checked: dict = {}  # table files whose checksums were read: (path, size, mtime)

    def save(self, tables: dict[str, pd.DataFrame], manifest: dict) -> str:
        """Save an experiment as a new run and return its run id; never overwrites a run."""
        encoded = {name: _to_arrow(name, df) for name, df in _checked_tables(tables).items()}
        files = {name: _parquet_bytes(table) for name, table in encoded.items()}
        clean = _checked_manifest(manifest)
        self._make_root()
        remove_interrupted_saves(self.root)
        now = datetime.now(UTC)
        run_id = f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        tmp, final = self.root / (TMP_PREFIX + run_id), self.root / run_id
        clean.update(
            run_id=run_id,
            saved_at=now.isoformat(timespec="microseconds"),
            tables={name: t.num_rows for name, t in encoded.items()},
            store_format=FORMAT,
            checksums={name: checksum(data) for name, data in files.items()},
        )
        clean["manifest_checksum"] = manifest_checksum(clean)
        taken = StoreError(
            f"run {run_id} already exists in {self.root}; nothing was "
            "overwritten. Fix: save again (a new id is drawn each time)."
        )
        try:
            os.mkdir(tmp)  # fails if the id is taken, so no other save's files are touched
        except FileExistsError:
            raise taken from None
        except OSError as exc:
            raise _unwritable(run_id, self.root, exc) from exc
        try:
            for name, data in files.items():
                write_durably(tmp / f"{name}.parquet", data)
            write_durably(tmp / MANIFEST, (json.dumps(clean, indent=2) + "\n").encode("utf-8"))
            fsync_dir(tmp)
            if os.path.lexists(final):
                raise taken
            os.rename(tmp, final)  # atomic: readers see the whole run or nothing
            fsync_dir(self.root)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _unwritable(run_id, self.root, exc) from exc
            raise
        return run_id

    def list(self) -> pd.DataFrame:
        """One row per saved run (columns LIST_COLUMNS), newest first; unreadable or damaged
        runs are left out and described by :meth:`problems`."""
        rows = [_summary(m) for m in _newest_first(self._scan()[0])]
        return pd.DataFrame(rows, columns=list(LIST_COLUMNS))

    def find(self, where: Callable[[dict], bool] | None = None, **fields) -> builtins.list[str]:
        """Ids of the saved runs (newest first) whose manifest has each of ``fields`` with that
        value, e.g. ``find(scenario_hash=..., seed=1)``: a finished experiment, not re-run; with
        ``where``, only those whose manifest it accepts too."""
        return [
            m["run_id"]
            for m in _newest_first(self._scan()[0])
            if all(m.get(k) == v for k, v in fields.items()) and (where is None or where(m))
        ]

    def problems(self) -> tuple[str, ...]:
        """What is wrong with each folder in the root that is not a readable saved run."""
        return self._scan()[1]

    def path(self, run_id: str) -> Path:
        """The folder of a run, given its id or a unique prefix of it."""
        return self.root / self._resolve(run_id)

    def load(self, run_id: str) -> tuple[dict[str, pd.DataFrame], dict]:
        """The tables and manifest of a run, given its id or a unique prefix of it."""
        folder = self.path(run_id)
        manifest, problem = read_manifest(folder)
        if problem:
            raise StoreError(f"run {folder.name} cannot be loaded: {problem}")
        tables = {}
        for name in manifest["tables"]:
            file = folder / f"{name}.parquet"
            try:
                data = read_table_bytes(folder, name, manifest)
                tables[name] = _named_now(_from_arrow(pq.read_table(pa.BufferReader(data))))
            except (OSError, pa.ArrowException, ValueError, TypeError, KeyError) as exc:
                raise StoreError(
                    f"run {folder.name}: table {file} cannot be read ({exc}). Fix: "
                    "the file is damaged; re-run the experiment to save it "
                    "again."
                ) from exc
        return tables, manifest

    def _make_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the results store {self.root}: "
                f"{exc.strerror or exc}. Fix: choose a writable folder."
            ) from exc

    def _run_folders(self) -> builtins.list[str]:
        """Names of the folders in the root that may be runs (temporary folders excluded)."""
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(
                f"cannot read the results store {self.root}: "
                f"{exc.strerror or exc}. Fix: check the path."
            ) from exc
        return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))

    def _scan(self) -> tuple[builtins.list[dict], tuple[str, ...]]:
        """The manifests of readable runs, and a problem for every other folder."""
        manifests, problems = [], []
        for name in self._run_folders():
            manifest, problem = read_manifest(self.root / name)
            problem = problem or damaged_tables(self.root / name, manifest, self._checked)
            if problem:
                problems.append(f"{self.root / name}: {problem}")
            else:
                manifests.append(manifest)
        return manifests, tuple(problems)

    def _resolve(self, run_id: str) -> str:
        hint = _LIST_HINT.format(root=str(self.root))
        if not isinstance(run_id, str) or not run_id.strip():
            raise StoreError(f"a run id must be a non-empty string, not {run_id!r}. Fix: {hint}.")
        names = self._run_folders()
        if run_id in names:
            return run_id
        matches = [n for n in names if n.startswith(run_id)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            where = "" if self.root.is_dir() else " (the folder does not exist: nothing saved)"
            raise StoreError(
                f"no run {run_id!r} in the results store {self.root}{where}. Fix: {hint}."
            )
        shown = ", ".join(matches[:5]) + (f" and {len(matches) - 5} more" * (len(matches) > 5))
        raise StoreError(
            f"run id prefix {run_id!r} is ambiguous in {self.root}: it matches "
            f"{shown}. Fix: give more characters of the id."
        )


def _checked_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables, once each is known to be a DataFrame with a name usable as a file name."""
    if not isinstance(tables, dict):
        raise StoreError(
            f"tables must be a dict of name -> DataFrame, not "
            f"{type(tables).__name__}. Fix: pass {{'runs': runs_df, ...}}."
        )
    seen: dict[str, str] = {}
    for name, df in tables.items():
        if not isinstance(name, str) or not TABLE_NAME.match(name):
            raise StoreError(
                f"table name {name!r} cannot be a file name. Fix: use letters, "
                "digits, '_', '-' and '.', not starting with '.' or '-'."
            )
        if name.lower() in seen:
            raise StoreError(
                f"table names {seen[name.lower()]!r} and {name!r} differ only in "
                "case, and would clash on some disks. Fix: rename one."
            )
        seen[name.lower()] = name
        if not isinstance(df, pd.DataFrame):
            raise StoreError(
                f"table {name!r} is a {type(df).__name__}, not a pandas DataFrame. "
                "Fix: pass a DataFrame (e.g. series.to_frame())."
            )
    return tables


def _checked_manifest(manifest: dict) -> dict:
    """A JSON copy of the manifest (numpy scalars become Python numbers)."""
    if not isinstance(manifest, dict):
        raise StoreError(
            f"the manifest must be a dict, not {type(manifest).__name__}. "
            "Fix: pass a dict of seed, version, scenario, ..."
        )
    reserved = [k for k in STORE_KEYS if k in manifest]
    if reserved:
        raise StoreError(
            f"the manifest has key(s) {', '.join(reserved)}, which the store sets. "
            "Fix: remove them (e.g. when saving a loaded run again)."
        )

    def plain(value):
        if isinstance(value, np.generic):
            return value.item()
        raise TypeError(f"{type(value).__name__} value {value!r}")

    try:
        return json.loads(json.dumps(manifest, default=plain, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"the manifest is not plain JSON: {exc}. Fix: use only str, int, "
            "float (finite), bool, None, lists and dicts with str keys."
        ) from exc


def _to_arrow(name: str, df: pd.DataFrame) -> pa.Table:
    """The table in Arrow form, noting how to restore categorical and object columns exactly."""
    odd = [c for c in df.columns if not isinstance(c, str)]
    if odd or df.columns.has_duplicates:
        what = f"non-string column names {odd[:5]}" if odd else "duplicate column names"
        raise StoreError(
            f"table {name!r} has {what}. Fix: give every column a distinct str "
            "name (df.columns = [str(c) for c in df.columns])."
        )
    restore = {}
    for column, dtype in df.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            restore[column] = {
                "categories": dtype.categories.tolist(),
                "categories_dtype": str(dtype.categories.dtype),
                "ordered": bool(dtype.ordered),
            }
        elif pd.api.types.is_object_dtype(dtype):
            restore[column] = {"object": True}
    try:
        note = json.dumps(restore).encode("utf-8")
    except TypeError as exc:
        raise StoreError(
            f"table {name!r} has a categorical column whose categories cannot be "
            f"saved ({exc}). Fix: convert it with .astype(str)."
        ) from exc
    try:
        table = pa.Table.from_pandas(df, preserve_index=None)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise StoreError(
            f"table {name!r} cannot be saved as Parquet: {exc}. Fix: use string "
            "column names and columns of one type each (int, float, str, bool, "
            "categorical)."
        ) from exc
    return table.replace_schema_metadata({**(table.schema.metadata or {}), _DTYPES_KEY: note})


# Columns renamed since a run may have been saved: old name -> name now
RENAMED = {
    "vs_do_nothing_mean": "vs_reference_mean",  # the reference is named in the manifest
    "vs_do_nothing_low": "vs_reference_low",
    "vs_do_nothing_high": "vs_reference_high",
}


def _named_now(table: pd.DataFrame) -> pd.DataFrame:
    """A saved table with its columns under today's names (:data:`RENAMED`)."""
    old = RENAMED.keys() & set(table.columns)
    return table.rename(columns={c: RENAMED[c] for c in old}) if old else table


def _parquet_bytes(table: pa.Table) -> bytes:
    """The table as the bytes of a Parquet file."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _from_arrow(table: pa.Table) -> pd.DataFrame:
    """The DataFrame that was saved, with categorical and object columns restored."""
    df = table.to_pandas()
    restore = json.loads((table.schema.metadata or {}).get(_DTYPES_KEY, b"{}"))
    for column, how in restore.items():
        if "categories" in how:
            categories = pd.Index(how["categories"], dtype=how["categories_dtype"])
            dtype = pd.CategoricalDtype(categories, ordered=how["ordered"])
            if df[column].dtype != dtype:
                df[column] = df[column].astype(dtype)
        elif df[column].dtype != object:
            values = df[column].astype(object)
            df[column] = values.where(values.notna(), None)
    return df


def _newest_first(manifests: list[dict]) -> list[dict]:
    """Saved runs by the time they were saved, newest first (run id breaks ties)."""
    return sorted(manifests, key=lambda m: (str(m.get("saved_at")), m["run_id"]), reverse=True)


def _summary(manifest: dict) -> dict:
    """A run's row in :meth:`ResultsStore.list`."""
    row = {column: manifest.get(column) for column in LIST_COLUMNS}
    scenario = row["scenario"]
    if isinstance(scenario, dict):
        row["scenario"] = scenario.get("name")
    plans = manifest.get("plans", manifest.get("plan"))
    if isinstance(plans, dict):
        plans = list(plans)
    if isinstance(plans, list):
        plans = ", ".join(str(p.get("name", p) if isinstance(p, dict) else p) for p in plans)
    row["plans"] = plans
    row["created_at"] = row["created_at"] or manifest.get("saved_at")
    return row


def _unwritable(run_id: str, root: Path, exc: OSError) -> StoreError:
    """The error for a save that the file system refused."""
    return StoreError(
        f"cannot save run {run_id} in {root}: {exc.strerror or exc}. Fix: check "
        "the folder is writable and the disk is not full, then save again."
    )
