"""Exercises saved at every step: nothing played is lost to a restart or a closed browser.

Each exercise has a folder named by its id; each step is a new file ``step-000001.json`` holding
the whole log with its SHA-256 checksum, written durably and never replaced (the same rules as
the results store, :mod:`sim.store.files`). Loading takes the newest step that is a
regular file of bounded size, matches its checksum and validates; a damaged newer step is
skipped and named in :meth:`ExerciseStore.problems`, so an exercise goes on from its last good
step. Two exercises never share a folder, so they run at once without mixing.

One exercise has one history: each step names the step it was built on (``follows``: its
number and checksum; None for the first), and :meth:`ExerciseStore.save` refuses a step that
does not follow the newest good step (:class:`StaleStepError`, saying what was saved in
between, by whom and when), so two facilitators on one exercise never overwrite each other
unawares. The next step's file is created only if it does not exist (written in full under a
temporary name, then linked to its name), so of two writers racing for the same step one wins
and the other is refused. Steps saved before ``follows`` was kept load as they are.
"""

from __future__ import annotations

import builtins
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from sim.exercise.history import SHOWN_STEPS, since
from sim.exercise.log import ExerciseLog
from sim.store.files import TMP_MAX_AGE_S, checksum, fsync_dir, write_durably

FORMAT = 1
MAX_STEP_BYTES = 16_777_216  # a log holds the exercise, its scenario and each projection's runs
MAX_STEPS = 100_000
EXERCISE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,80}\Z")
STEP = re.compile(r"step-(\d{6})\.json\Z")
TMP_STEP = ".tmp-step-"  # a step being written, linked to its name once complete


class ExerciseStoreError(Exception):
    """An exercise cannot be saved or found; the message says why and what to do."""


class StepId(NamedTuple):
    """Which saved step a log is: its number and its log's checksum."""

    number: int
    checksum: str


class StaleStepError(ExerciseStoreError):
    """A step built on an older step than the exercise's newest: another page or command saved
    in between. ``latest``: the newest good step (reload it, then make the change again);
    ``since``: what was saved in between, in words."""

    def __init__(self, message: str, latest: StepId | None, since: str):
        super().__init__(message)
        self.latest = latest
        self.since = since


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

    def save(
        self, log: ExerciseLog, exercise_id: str | None = None, follows: StepId | None = None
    ) -> str:
        """Save ``log`` as the next step of ``exercise_id`` (a new exercise if None); its id.
        ``follows``: the step the log was built on (as :meth:`load_step` or :meth:`save_step`
        gave it; None for the first step). StaleStepError if it is not the newest good step."""
        return self.save_step(log, exercise_id, follows)[0]

    def save_step(
        self, log: ExerciseLog, exercise_id: str | None = None, follows: StepId | None = None
    ) -> tuple[str, StepId]:
        """As :meth:`save`: the exercise's id and the step saved (what the next step follows)."""
        exercise_id = exercise_id or self.new_id(log)
        folder = self._folder(exercise_id)
        follows = None if follows is None else StepId(*follows)
        content = json.loads(log.model_dump_json())
        step = StepId(0, _checksum(content))
        record = {
            "format": FORMAT,
            "exercise_id": exercise_id,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "checksum": step.checksum,
            "follows": None if follows is None else list(follows),
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
            if follows is not None and not steps:
                raise ExerciseStoreError(
                    f"there is no saved exercise {exercise_id!r} in {self.root} to add a step "
                    "to. Fix: start the exercise again, or choose one the exercise list shows."
                )
            if steps and _newest_good(steps)[0] != follows:
                raise self._stale(exercise_id, follows)
            number = (steps[-1][0] + 1) if steps else 1
            if number > MAX_STEPS:
                raise ExerciseStoreError(
                    f"exercise {exercise_id} has {MAX_STEPS:,} steps saved, the most one can "
                    "have. Fix: start a new exercise."
                )
            if not _create(folder, number, data):  # another writer took this step first
                raise self._stale(exercise_id, follows)
        except OSError as exc:
            raise ExerciseStoreError(
                f"the exercise could not be saved in {self.root} ({exc.strerror or exc}). Fix: "
                "check the folder exists and can be written to."
            ) from None
        return exercise_id, step._replace(number=number)

    def _stale(self, exercise_id: str, follows: StepId | None) -> StaleStepError:
        """The refusal of a step built on ``follows``: what was saved since, by whom and when."""
        steps = self._steps(self._folder(exercise_id))
        latest, _ = _newest_good(steps)
        base = None
        if follows is not None:
            path = dict(steps).get(follows.number)
            record, log = _read_step(path) if path is not None else (None, None)
            if record is not None and record["checksum"] == follows.checksum:
                base = log
        if base is not None and follows is not None:
            newer = [(n, path) for n, path in steps if n > follows.number]
            earlier = max(0, len(newer) - SHOWN_STEPS)
            for _, path in reversed(newer[:earlier]):  # the newest shown, against the step
                before = _read_step(path)[1]  # before them
                if before is not None:
                    base = before
                    break
            found = [_saved(path) for _, path in newer[earlier:]]
        else:  # built on a step that cannot be found: the newest step against the one before
            earlier, found = 0, []
            for _, path in reversed(steps):
                found.insert(0, _saved(path))
                if len([f for f in found if f[1] is not None]) == 2:
                    break
            found = [f for f in found if f[1] is not None]
            base = found.pop(0)[1] if len(found) == 2 else None
        history = []
        for saved_at, log in found:
            if log is not None:
                history.append((saved_at, base, log))
                base = log
        what = since(history, earlier) if history else "its newest steps cannot be read"
        return StaleStepError(
            f"this change was not saved: exercise {exercise_id} has moved on since this was "
            f"loaded: {what}. Fix: reload to see it, then make the change again if it still "
            "stands.",
            latest,
            what,
        )

    def load(self, exercise_id: str) -> ExerciseLog:
        """The exercise as its newest good step left it."""
        return self.load_step(exercise_id)[0]

    def load_step(self, exercise_id: str) -> tuple[ExerciseLog, StepId]:
        """The exercise as its newest good step left it, and which step that is (what a change
        made to it follows when saved)."""
        folder = self._folder(exercise_id)
        steps = self._steps(folder) if folder.is_dir() else []
        if not steps:
            raise ExerciseStoreError(
                f"there is no saved exercise {exercise_id!r} in {self.root}. Fix: list the "
                "saved exercises (python -m sim exercise list) and give one of their ids."
            )
        step, log = _newest_good(steps)
        if step is not None and log is not None:
            return log, step
        problems = self.problems(exercise_id)
        raise ExerciseStoreError(
            f"none of the {len(steps)} saved steps of exercise {exercise_id!r} can be read; the "
            f"newest: {problems[-1]}. Fix: its files are kept as they are in "
            f"{folder}; start the exercise again, or open it with the version that saved it."
        )

    def latest_number(self, exercise_id: str) -> int:
        """The number of the exercise's newest step file (0 if none), read or not: a cheap look
        at whether it has moved on from a step."""
        folder = self._folder(exercise_id)
        try:
            steps = self._steps(folder)
        except OSError:
            return 0
        return steps[-1][0] if steps else 0

    def changes_since(self, exercise_id: str, step: StepId) -> str:
        """What was saved after ``step``, in words, by whom and when ("": ``step`` is still the
        newest good step)."""
        try:
            steps = self._steps(self._folder(exercise_id))
            if not steps or _newest_good(steps)[0] == step:
                return ""
            return self._stale(exercise_id, step).since
        except OSError:  # the folder has gone: loading it says so
            return ""

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


def _newest_good(steps: list[tuple[int, Path]]) -> tuple[StepId | None, ExerciseLog | None]:
    """The newest step that can be read, and its log (None, None: none can)."""
    for number, path in reversed(steps):
        record, log = _read_step(path)
        if record is not None and log is not None:
            return StepId(number, record["checksum"]), log
    return None, None


def _create(folder: Path, number: int, data: bytes) -> bool:
    """Write step ``number`` only if no step of that number exists (False: one does). It is
    written in full under a temporary name, then linked to its own, so a reader never sees it
    half written; where the file system has no hard links it is created in place, exclusively."""
    _remove_interrupted(folder)
    path = folder / f"step-{number:06d}.json"
    temporary = folder / f"{TMP_STEP}{secrets.token_hex(8)}.json"
    write_durably(temporary, data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    except OSError:  # no hard links here
        try:
            write_durably(path, data)
        except FileExistsError:
            return False
    finally:
        temporary.unlink(missing_ok=True)
    fsync_dir(folder)
    return True


def _remove_interrupted(folder: Path) -> None:
    """Remove the temporary files of steps whose save was interrupted (older than an hour)."""
    now = datetime.now(UTC).timestamp()
    for entry in os.scandir(folder):
        if entry.name.startswith(TMP_STEP):
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime > TMP_MAX_AGE_S:
                    os.unlink(entry.path)
            except OSError:
                continue


def _saved(path: Path) -> tuple[str, ExerciseLog | None]:
    """When a step was saved, and its log (None if it cannot be read)."""
    record, log = _read_step(path)
    return (str(record.get("saved_at", "")) if record is not None else ""), log


def _read_step(path: Path) -> tuple[dict | None, ExerciseLog | None]:
    record, log, _ = _read_record(path)
    return record, log


def _read(path: Path) -> tuple[ExerciseLog | None, str]:
    """A step's log, or None and what is wrong with it."""
    _, log, problem = _read_record(path)
    return log, problem


def _read_record(path: Path) -> tuple[dict | None, ExerciseLog | None, str]:
    """A step's record and log, or None and what is wrong with it."""
    try:
        info = path.lstat()
        if not path.is_file() or path.is_symlink():
            return None, None, "not a regular file"
        if info.st_size > MAX_STEP_BYTES:
            return None, None, f"{info.st_size:,} bytes, over the {MAX_STEP_BYTES:,} a step can be"
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, None, f"cannot be read ({exc})"
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None, None, "not an exercise step this version can read"
    if _checksum(record.get("log")) != record.get("checksum"):
        return None, None, "changed since it was saved (its checksum does not match)"
    try:
        log = ExerciseLog.model_validate(record.get("log"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return (
            None,
            None,
            (
                f"saved by a version this one cannot read ({exc.error_count()} problem(s), the "
                f"first at {where}: {first['msg']})"
            ),
        )
    return record, log, ""
