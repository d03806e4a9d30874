"""Every parameter in a scenario or plan file cites a source or is marked an assumption (with a
range): the reference office, the incident scenarios and the plans in scenarios/plans/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
PLANS = sorted((ROOT / "scenarios" / "plans").glob("*.yaml"))
BLOCK = re.compile(r":\s*[>|][-+0-9]*\s*(?:#.*)?$")  # "key: >-": a block of text follows
LEAF = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w ]*:\s*(?!>|\||#|$)\S")  # "key: value" on one line
NOT_PARAMETERS = ("name:", "description:", "extends:")


def uncited_lines(path: Path) -> list[str]:
    """Value lines with no comment of their own or on an enclosing key's line."""
    bad = []
    in_systems = False
    block: int | None = None  # indent of a key whose value is a block of text (description: >-)
    parents: list[tuple[int, bool]] = []  # (indent, has a comment) of enclosing keys
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if block is not None and indent > block:
            continue  # prose inside the block, not a "key: value" line
        block = indent if BLOCK.search(line.partition(" #")[0]) else None
        while parents and parents[-1][0] >= indent:
            parents.pop()
        has_comment = bool(line.partition("#")[2].strip())
        if indent == 0:
            in_systems = stripped.startswith("systems:")
        if not LEAF.match(line):
            parents.append((indent, has_comment))
            continue
        if in_systems or stripped.startswith(NOT_PARAMETERS):
            continue
        if stripped.startswith(("roles:", "priority:", "- activity:", "tasks:")):
            # structure (who does a task, picking order, what an activity is): docs/model.md
            continue
        if not has_comment and not any(c for _, c in parents):
            bad.append(f"{path.name}:{number}: {stripped}")
    return bad


def test_reference_office_every_value_has_a_source_or_assumption():
    reference = ROOT / "scenarios" / "reference-office.yaml"
    assert uncited_lines(reference) == []


@pytest.mark.parametrize("path", SCENARIOS + PLANS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_value_has_a_source_or_assumption(path):
    assert uncited_lines(path) == []


def test_uncited_value_is_caught_but_prose_is_not(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("description: >-\n  S1: prose with a colon\nrun:\n  weeks: 8\n")
    assert uncited_lines(f) == ["x.yaml:4: weeks: 8"]


@pytest.mark.parametrize("path", SCENARIOS + PLANS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_assumptions_give_a_range(path):
    reference = path.read_text().splitlines()
    missing = [
        line.strip()
        for line in reference
        if "# assumption" in line
        and "range" not in line
        and "unused" not in line
        and "same day" not in line
        and "full-time week" not in line
        and "weekend" not in line
    ]
    assert missing == [], "assumptions without a plausible range:\n" + "\n".join(missing)
