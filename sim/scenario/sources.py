"""Where each value of a scenario comes from: the source or assumption written beside it in its
file, and in every file it extends.

Scenario files cite a public source, or mark an assumption with a range, in a comment beside
each value. :func:`parameter_sources` pairs each value with that comment; :func:`sources_table`
does so for a scenario's text and the chain of files it extends, the table an experiment keeps
so that reports never read scenario files again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sim.scenario.loader import read_file
from sim.scenario.problems import ScenarioError
from sim.scenario.strict_yaml import parse

_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_]\w*):\s*(.*)$")


def parameter_sources(path: str | os.PathLike) -> list[tuple[str, str, str]]:
    """Each value set in a scenario or plan file, as (dotted key, value, its comment): the
    source or assumption written beside it (or beside the nearest enclosing key). Keys of lists
    show without an index."""
    return sources_in_text(read_file(Path(path), str(path)))


SOURCES_COLUMNS = ("file", "parameter", "value", "source or assumption", "in use")


def sources_table(
    text: str, name: str, base_dir: Path | None
) -> list[tuple[str, str, str, str, str]]:
    """(file, parameter, value, source, in use) for each value set in a scenario's text and in
    every file it extends (found from ``base_dir``), the scenario's own first. ``in use`` says
    "in use", or "overridden by FILE" for a value a nearer file replaces (as ``extends``
    merges: mappings key by key, anything else whole, so a list a nearer file gives replaces
    every value of the base's list), so the value that ran is never read as the one listed
    beside it."""
    chain = [(name, text)]
    seen: set[str] = set()
    while base_dir is not None:
        match = re.search(r"^extends:\s*(\S+)", text, re.MULTILINE)
        path = base_dir / match.group(1).strip("'\"") if match else None
        if path is None or not path.is_file() or os.path.realpath(path) in seen:
            break
        seen.add(os.path.realpath(path))
        try:
            text = read_file(path, str(path))
        except ScenarioError:
            break
        chain.append((path.name, text))
        base_dir = path.parent
    rows = []
    nearer: list[tuple[str, set[tuple[str, ...]]]] = []  # each file before, and what it replaces
    for file, content in chain:
        for parameter, value, source in sources_in_text(content):
            keys = tuple(parameter.split("."))
            by = next(
                (f for f, replaced in nearer if any(keys[:i] in replaced for i in range(1, 99))),
                None,
            )
            rows.append(
                (file, parameter, value, source, "in use" if by is None else f"overridden by {by}")
            )
        nearer.append((file, _replacing(content, file)))
    return rows


def _replacing(text: str, file: str) -> set[tuple[str, ...]]:
    """The key paths a file's values replace in the files it extends: each value that is not a
    mapping (a mapping merges key by key)."""
    try:
        data, _ = parse(text, file)
    except ScenarioError:
        return set()
    found: set[tuple[str, ...]] = set()

    def walk(mapping: dict, path: tuple[str, ...]) -> None:
        for key, value in mapping.items():
            if key == "extends" and not path:
                continue
            if isinstance(value, dict):
                walk(value, (*path, str(key)))
            else:
                found.add((*path, str(key)))

    walk(data, ())
    return found


def sources_in_text(text: str) -> list[tuple[str, str, str]]:
    """:func:`parameter_sources` of a file's text."""
    rows: list[tuple[str, str, str]] = []
    stack: list[tuple[int, str, str]] = []  # enclosing keys: indent, key, comment
    block: int | None = None  # indent of a key whose value is a block of text
    for line in text.splitlines():
        indent_all = len(line) - len(line.lstrip())
        if block is not None and (not line.strip() or indent_all > block):
            continue
        block = None
        match = _KEY_LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        lead, dash, key, rest = match.groups()
        indent = len(lead) + len(dash or "")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        value, _, comment = rest.partition(" #") if not rest.startswith("#") else ("", "", rest[1:])
        value, comment = value.strip(), comment.strip()
        inherited = next((c for _, _, c in reversed(stack) if c), "")
        if value in (">", ">-", "|", "|-"):
            block = indent
        elif value:
            rows.append((".".join([k for _, k, _ in stack] + [key]), value, comment or inherited))
        stack.append((indent, key, comment))
    return rows
