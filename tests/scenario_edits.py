"""Helpers for the bad-scenario tests: edit the reference scenario one line at a time, write it
to a file and check the ScenarioError that loading it gives.

Lines are found by searching the text (``find``), so the tests follow changes to the reference
file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.scenario.loader import Problem, ScenarioError, load_scenario

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-office.yaml"


def find(text: str, *patterns: str) -> int:
    """1-based line of the last pattern, each searched from the line after the previous match."""
    lines, i = text.split("\n"), -1
    for pat in patterns:
        i = next(j for j in range(i + 1, len(lines)) if re.search(pat, lines[j]))
    return i + 1


def edit(text: str, patterns: tuple[str, ...], new: str | None) -> str:
    """Replace (or, with None, delete) the line found by ``find``."""
    lines = text.split("\n")
    i = find(text, *patterns) - 1
    if new is None:
        del lines[i]
    else:
        lines[i] = new
    return "\n".join(lines)


def set_value(text: str, patterns: tuple[str, ...], value: str) -> str:
    """Give the key on the found line a new value, keeping its indentation."""
    i = find(text, *patterns) - 1
    lines = text.split("\n")
    lines[i] = re.sub(r"^(\s*[^:#]+?:).*$", lambda m: f"{m[1]} {value}", lines[i])
    return "\n".join(lines)


def write(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def fails(path: Path) -> ScenarioError:
    """Load a bad file; check the error is ours, names the file, and every problem has a fix."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert type(err) is ScenarioError and err.problems
    assert str(path) in str(err)
    for p in err.problems:
        assert isinstance(p, Problem) and p.fix.strip() and p.message.strip()
        assert str(p).startswith(p.file)
    return err


def problem(err: ScenarioError, field: str) -> Problem:
    found = [p for p in err.problems if p.field == field]
    assert found, f"no problem for {field!r} in:\n{err}"
    return found[0]


def whole_file(path: Path, line: int | None) -> Problem:
    """The one problem of a file that is wrong as a whole (no field)."""
    err = fails(path)
    assert len(err.problems) == 1 and err.problems[0].field == "", err
    check(err.problems[0], path, line)
    return err.problems[0]


def check(p: Problem, path: Path, line: int | None, value: str | None = None) -> None:
    assert p.file == str(path), p
    assert p.line == line, p
    if value is not None:
        assert value in p.value, p
