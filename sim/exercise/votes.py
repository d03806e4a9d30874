"""Players' votes at a decision point, cast from their own devices.

A player votes for one of the decision's options, or suggests another in words, with a reason.
Votes are kept beside the exercise's steps, not in them: each is its own small file in the
exercise's folder (``votes/vote-<time>-<random>.json``), written in full under a temporary name
and then renamed, so any number of players vote at once without a player's vote ever refusing
the facilitator's next step (as a new step of the log would). A person's latest vote at a point
is the one that counts: they may change their mind until the decision is recorded, when the
votes as they stood go into the log with it (:attr:`sim.exercise.log.Decision.votes`).

Reading is as careful as the exercise store's: a file that is not a regular file of bounded
size, not JSON, too deeply nested, or not a vote is skipped and named in :meth:`VoteBox.read`'s
problems, never served and never a crash.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from sim.scenario.frozen import Frozen
from sim.store.files import fsync_dir, write_durably

MAX_VOTE_BYTES = 16_384
MAX_VOTES = 10_000  # files read at most, per exercise
VOTE = re.compile(r"vote-\d{8}T\d{6}-[0-9a-f]{12}\.json\Z")
EXERCISE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,80}\Z")


class Vote(Frozen):
    """One player's vote at a decision point: an option by name, or another option suggested in
    words (``suggestion``), with why; ``at``: when it was cast (UTC, ISO 8601)."""

    point: str = Field(min_length=1, max_length=80)
    by: str = Field(min_length=1, max_length=120)
    option: str = Field("", max_length=80)
    suggestion: str = Field("", max_length=500)
    why: str = Field("", max_length=2000)
    at: str = Field("", max_length=40)

    @model_validator(mode="after")
    def _says_something(self) -> Vote:
        if not self.option and not self.suggestion.strip():
            raise ValueError("a vote names an option, or suggests another in words")
        return self


class VoteError(Exception):
    """A vote that cannot be saved; the message says why and what to do."""


def latest_votes(votes: list[Vote], point: str) -> list[Vote]:
    """Each person's latest vote at ``point``, in the order they were last cast."""
    latest: dict[str, Vote] = {}
    for vote in sorted((v for v in votes if v.point == point), key=lambda v: v.at):
        latest.pop(vote.by, None)
        latest[vote.by] = vote
    return list(latest.values())


def tally(votes: list[Vote] | tuple[Vote, ...], options: list[str]) -> list[tuple[str, int]]:
    """Votes per option (every option listed, in order, then "another option" if suggested)."""
    counts = Counter(v.option or "" for v in votes)
    rows = [(name, counts.get(name, 0)) for name in options]
    if counts.get(""):
        rows.append(("another option (suggested in words)", counts[""]))
    return rows


class VoteBox:
    """The votes of the exercises saved under ``root`` (the exercise store's folder)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _folder(self, exercise_id: str) -> Path:
        if not EXERCISE_ID.match(exercise_id):
            raise VoteError(f"{exercise_id!r} is not an exercise id; open the player's page again")
        return self.root / exercise_id / "votes"

    def cast(self, exercise_id: str, vote: Vote) -> Vote:
        """Save ``vote`` (stamped with the time now) for the exercise; the vote as saved."""
        folder = self._folder(exercise_id)
        if not folder.parent.is_dir():
            raise VoteError(f"there is no exercise {exercise_id!r}; open the player's page again")
        now = datetime.now(UTC)
        stamped = vote.model_copy(update={"at": now.isoformat(timespec="microseconds")})
        name = f"vote-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(6)}.json"
        try:
            folder.mkdir(exist_ok=True)
            temporary = folder / f".tmp-{name}"
            write_durably(temporary, stamped.model_dump_json().encode("utf-8"))
            os.replace(temporary, folder / name)
            fsync_dir(folder)
        except OSError as exc:
            raise VoteError(
                f"the vote could not be saved ({exc.strerror or exc}); try again in a moment"
            ) from exc
        return stamped

    def read(self, exercise_id: str) -> tuple[list[Vote], list[str]]:
        """Every vote saved for the exercise (oldest first) and, in words, each file skipped."""
        folder = self._folder(exercise_id)
        if not folder.is_dir():
            return [], []
        votes, problems = [], []
        names = sorted(n for n in os.listdir(folder) if VOTE.match(n))[:MAX_VOTES]
        for name in names:
            vote, problem = _read(folder / name)
            if vote is not None:
                votes.append(vote)
            else:
                problems.append(f"{name}: {problem}")
        return sorted(votes, key=lambda v: v.at), problems


def _read(path: Path) -> tuple[Vote | None, str]:
    try:
        if not path.is_file() or path.is_symlink():
            return None, "not a regular file"
        if path.stat().st_size > MAX_VOTE_BYTES:
            return None, f"larger than {MAX_VOTE_BYTES} bytes"
        data = json.loads(path.read_bytes())
        return Vote.model_validate(data), ""
    except (OSError, ValueError, RecursionError) as exc:  # JSON, too deep, or not a vote
        if isinstance(exc, ValidationError):
            return None, "not a vote"
        return None, f"unreadable ({type(exc).__name__})"


def votes_words(votes: tuple[Vote, ...] | list[Vote], options: list[str]) -> str:
    """The votes as a sentence for the log's readers: the count per option with who and why,
    then the options suggested in words ("": no vote cast)."""
    if not votes:
        return ""
    parts = []
    for name, count in tally(votes, options):
        if not count or name not in options:
            continue
        who = "; ".join(f"{v.by}: {v.why}" if v.why else v.by for v in votes if v.option == name)
        parts.append(f"{name} {count} ({who})")
    suggested = [
        f"{v.by} suggested {v.suggestion!r}" + (f" ({v.why})" if v.why else "")
        for v in votes
        if not v.option
    ]
    return "Players' votes when it was decided: " + "; ".join(parts + suggested) + "."
