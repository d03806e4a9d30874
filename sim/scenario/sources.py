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

_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_]\w*):\s*(.*)$")


def parameter_sources(path: str | os.PathLike) -> list[tuple[str, str, str]]:
    """Each value set in a scenario or plan file, as (dotted key, value, its comment): the
    source or assumption written beside it (or beside the nearest enclosing key). Keys of lists
    show without an index."""
    return sources_in_text(read_file(Path(path), str(path)))


SOURCES_COLUMNS = ("file", "parameter", "value", "source or assumption")


def sources_table(text: str, name: str, base_dir: Path | None) -> list[tuple[str, str, str, str]]:
    """(file, parameter, value, source) for each value set in a scenario's text and in every
    file it extends (found from ``base_dir``), the scenario's own first."""
    rows = [(name, *row) for row in sources_in_text(text)]
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
        rows += [(path.name, *row) for row in sources_in_text(text)]
        base_dir = path.parent
    return rows


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
