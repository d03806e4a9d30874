"""Exercises saved at every step: nothing played is lost to a restart or a closed browser.

Each exercise has a folder named by its id; each step is a new file ``step-000001.json`` holding
the whole log with its SHA-256 checksum, written durably and never replaced (the same rules as
the results store, :mod:`sim.experiments.store_files`). Loading takes the newest step that is a
regular file of bounded size, matches its checksum and validates; a damaged newer step is
skipped and named in :meth:`ExerciseStore.problems`, so an exercise goes on from its last good
step. Two exercises never share a folder, so they run at once without mixing.
"""

from __future__ import annotations

import builtins
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from sim.exercise.log import ExerciseLog
from sim.experiments.store_files import checksum, fsync_dir, write_durably

FORMAT = 1
MAX_STEP_BYTES = 16_777_216  # a log holds the exercise, its scenario and each projection's runs
MAX_STEPS = 100_000
EXERCISE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,80}\Z")
STEP = re.compile(r"step-(\d{6})\.json\Z")


class ExerciseStoreError(Exception):
    """An exercise cannot be saved or found; the message says why and what to do."""


def _checksum(log_json: object) -> str:
    """The checksum of a step's log as written (key order aside), so a log saved by an older
    version still matches when this version's schema has gained fields with defaults."""
    return checksum(json.dumps(log_json, sort_keys=True, allow_nan=True).encode("utf-8"))


def _slug(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return (words or "exercise")[:40].strip("-")


class ExerciseStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def new_id(self, log: ExerciseLog) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return f"{_slug(log.exercise.name)}-{stamp}-{secrets.token_hex(2)}"

    def save(self, log: ExerciseLog, exercise_id: str | None = None) -> str:
        """Save ``log`` as the next step of ``exercise_id`` (a new exercise if None); its id."""
        exercise_id = exercise_id or self.new_id(log)
        folder = self._folder(exercise_id)
        content = json.loads(log.model_dump_json())
        record = {
            "format": FORMAT,
            "exercise_id": exercise_id,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "checksum": _checksum(content),
            "log": content,
        }
        data = json.dumps(record, allow_nan=True).encode("utf-8")
        if len(data) > MAX_STEP_BYTES:
            raise ExerciseStoreError(
                f"the exercise's state is {len(data):,} bytes, over the {MAX_STEP_BYTES:,} a "
                "step can be. Fix: fewer replications or decision points per exercise."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            steps = self._steps(folder)
            number = (steps[-1][0] + 1) if steps else 1
            if number > MAX_STEPS:
                raise ExerciseStoreError(
                    f"exercise {exercise_id} has {MAX_STEPS:,} steps saved, the most one can "
                    "have. Fix: start a new exercise."
                )
            write_durably(folder / f"step-{number:06d}.json", data)
            fsync_dir(folder)
        except OSError as exc:
            raise ExerciseStoreError(
                f"the exercise could not be saved in {self.root} ({exc.strerror or exc}). Fix: "
                "check the folder exists and can be written to."
            ) from None
        return exercise_id

    def load(self, exercise_id: str) -> ExerciseLog:
        """The exercise as its newest good step left it."""
        folder = self._folder(exercise_id)
        steps = self._steps(folder) if folder.is_dir() else []
        if not steps:
            raise ExerciseStoreError(
                f"there is no saved exercise {exercise_id!r} in {self.root}. Fix: list the "
                "saved exercises (python -m sim exercise list) and give one of their ids."
            )
        for _, path in reversed(steps):
            log, _problem = _read(path)
            if log is not None:
                return log
        problems = self.problems(exercise_id)
        raise ExerciseStoreError(
            f"none of the {len(steps)} saved steps of exercise {exercise_id!r} can be read; the "
            f"newest: {problems[-1]}. Fix: its files are kept as they are in "
            f"{folder}; start the exercise again, or open it with the version that saved it."
        )

    def problems(self, exercise_id: str) -> builtins.list[str]:
        """What is wrong with each step of an exercise that cannot be read."""
        folder = self._folder(exercise_id)
        found = []
        for _, path in self._steps(folder) if folder.is_dir() else []:
            _, problem = _read(path)
            if problem:
                found.append(f"{path.name}: {problem}")
        return found

    def list(self) -> builtins.list[dict]:
        """Every saved exercise, newest first: id, name, clock, steps, last saved."""
        rows: builtins.list[dict] = []
        if not self.root.is_dir():
            return rows
        for entry in sorted(self.root.iterdir()):
            if not (EXERCISE_ID.match(entry.name) and entry.is_dir()):
                continue
            steps = self._steps(entry)
            if not steps:
                continue
            saved = datetime.fromtimestamp(steps[-1][1].stat().st_mtime, UTC)
            row = {"id": entry.name, "steps": len(steps), "saved": saved.isoformat("T", "seconds")}
            try:
                log = self.load(entry.name)
            except ExerciseStoreError as exc:  # listed, so it is not taken for lost
                rows.append(
                    {
                        **row,
                        "exercise": None,
                        "clock_day": None,
                        "decisions": None,
                        "problem": str(exc),
                    }
                )
                continue
            rows.append(
                {
                    **row,
                    "exercise": log.exercise.name,
                    "clock_day": log.clock.day,
                    "decisions": len(log.decisions),
                    "problem": "",
                }
            )
        return sorted(rows, key=lambda r: r["saved"], reverse=True)

    def _folder(self, exercise_id: str) -> Path:
        if not isinstance(exercise_id, str) or not EXERCISE_ID.match(exercise_id):
            raise ExerciseStoreError(
                f"{exercise_id!r} is not an exercise id (lower-case letters, digits and dashes). "
                "Fix: copy the id as the exercise list shows it."
            )
        return self.root / exercise_id

    @staticmethod
    def _steps(folder: Path) -> builtins.list[tuple[int, Path]]:
        found = []
        for entry in os.scandir(folder):
            match = STEP.match(entry.name)
            if match:
                found.append((int(match.group(1)), Path(entry.path)))
        return sorted(found)


def _read(path: Path) -> tuple[ExerciseLog | None, str]:
    """A step's log, or None and what is wrong with it."""
    try:
        info = path.lstat()
        if not path.is_file() or path.is_symlink():
            return None, "not a regular file"
        if info.st_size > MAX_STEP_BYTES:
            return None, f"{info.st_size:,} bytes, over the {MAX_STEP_BYTES:,} a step can be"
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"cannot be read ({exc})"
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None, "not an exercise step this version can read"
    if _checksum(record.get("log")) != record.get("checksum"):
        return None, "changed since it was saved (its checksum does not match)"
    try:
        log = ExerciseLog.model_validate(record.get("log"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, (
            f"saved by a version this one cannot read ({exc.error_count()} problem(s), the "
            f"first at {where}: {first['msg']})"
        )
    return log, ""
