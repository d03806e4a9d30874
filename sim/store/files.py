"""The files of one saved run and how they are checked: written durably, each table with its
SHA-256 checksum in the manifest and the manifest with a checksum of its own, and read back
only if they are what was saved (see :mod:`sim.store.results`).

A folder is never trusted: its manifest must be a regular file of bounded size (a pipe or a
device named ``manifest.json`` is refused without being opened), belong to the folder's run, hold
the fields every view reads, and match its checksum; a table must match its checksum before it is
parsed. Runs saved before checksums (store format 1) are read as they are.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import time
from pathlib import Path

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 4_194_304  # a manifest holds the scenario and plans as YAML: a few KB
TABLE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
# Fields every view of a saved experiment reads (listing, History, runs show, reports, rerun)
REQUIRED = ("scenario", "plans", "replications", "weeks", "seed")
TMP_PREFIX = ".tmp-"  # temporary folders of saves in progress (or interrupted); never listed
TMP_MAX_AGE_S = 3600.0  # an interrupted save's folder older than this is removed by the next save


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_checksum(manifest: dict) -> str:
    """The checksum of a manifest's content (its own checksum left out), key order aside."""
    content = {k: v for k, v in manifest.items() if k != "manifest_checksum"}
    return checksum(json.dumps(content, sort_keys=True, allow_nan=False).encode("utf-8"))


def write_durably(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with ``data`` and flush it to disk."""
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk, where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_interrupted_saves(root: Path, now: float | None = None) -> None:
    """Remove the temporary folders of saves that were interrupted (older than an hour: a
    save in progress takes seconds)."""
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            if entry.name.startswith(TMP_PREFIX) and entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime > TMP_MAX_AGE_S:
                        shutil.rmtree(entry.path, ignore_errors=True)


def _regular_file(path: Path, limit: int) -> str:
    """What stops ``path`` being read as a file of at most ``limit`` bytes ("" if nothing)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return f"no {path.name}"
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(found.st_mode):
        return f"{path.name} is not a regular file"
    if found.st_size > limit:
        return f"{path.name} is {found.st_size:,} bytes, over the {limit:,} a run's can be"
    return ""


def read_manifest(folder: Path) -> tuple[dict, str]:
    """A run's manifest, or an empty dict and what is wrong with the folder (with the fix)."""
    file = folder / MANIFEST
    fix = (
        f" Fix: this is not a complete run as the store saved it; move {folder.name} out of "
        f"{folder.parent} and run the experiment again."
    )
    problem = _regular_file(file, MAX_MANIFEST_BYTES)
    if problem:
        return {}, problem + "." + fix
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return {}, f"{MANIFEST} cannot be read ({exc})." + fix
    if not isinstance(manifest, dict) or manifest.get("run_id") != folder.name:
        return {}, f"{MANIFEST} does not belong to run {folder.name}." + fix
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not all(map(TABLE_NAME.match, tables)):
        return {}, f"{MANIFEST} does not list the run's tables by file name." + fix
    missing = [k for k in REQUIRED if k not in manifest]
    if missing:
        return {}, f"{MANIFEST} is incomplete: no {', '.join(missing)}." + fix
    if "manifest_checksum" in manifest or manifest.get("store_format", 1) >= 2:
        if manifest.get("manifest_checksum") != manifest_checksum(manifest):
            return {}, f"{MANIFEST} has been changed since the run was saved." + fix
        sums = manifest.get("checksums")
        if not isinstance(sums, dict) or set(sums) != set(tables):
            return {}, f"{MANIFEST} does not give every table's checksum." + fix
    missing = [n for n in tables if _regular_file(folder / f"{n}.parquet", 2**40)]
    if missing:
        return {}, f"table file(s) missing: {', '.join(n + '.parquet' for n in missing)}." + fix
    return manifest, ""


def read_table_bytes(folder: Path, name: str, manifest: dict) -> bytes:
    """The bytes of a table's file, checked against the checksum saved with it (runs saved
    before checksums: unchecked). ValueError if they differ."""
    data = (folder / f"{name}.parquet").read_bytes()
    expected = (manifest.get("checksums") or {}).get(name)
    if expected is not None and checksum(data) != expected:
        raise ValueError(
            f"{name}.parquet has been changed or damaged since the run was saved (its "
            "checksum differs)"
        )
    return data


def damaged_tables(folder: Path, manifest: dict, known: dict | None = None) -> str:
    """What is wrong with a run's table files ("" if each matches its checksum). ``known``
    remembers files already checked, by size and modification time, so a store listed again
    and again reads each file once."""
    damaged = []
    for name in manifest.get("checksums") or {}:
        path = folder / f"{name}.parquet"
        try:
            found = path.stat()
            key = (str(path), found.st_size, found.st_mtime_ns)
            if known is None or key not in known:
                ok = checksum(path.read_bytes()) == manifest["checksums"][name]
                if known is not None:
                    known[key] = ok
            else:
                ok = known[key]
        except OSError:
            ok = False
        if not ok:
            damaged.append(f"{name}.parquet")
    if not damaged:
        return ""
    return (
        f"table file(s) changed or damaged since the run was saved (checksum differs): "
        f"{', '.join(damaged)}. Fix: the numbers of this run cannot be trusted; move "
        f"{folder.name} out of {folder.parent} and run the experiment again."
    )
