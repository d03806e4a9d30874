"""The draft a form edits, and the edits of its shape (see :mod:`app_pages.forms`).

A draft is the data of the scenario or plan being built, kept in the user's session. Adding,
removing or moving an entry of a list, or changing an outage's kind, is a *reshape*: a function
of the data, asked for while the form is drawn and applied once every widget has been read
(:func:`settle`); the form then opens again under a new generation in its widget keys.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Path = tuple  # a field's place in the data: keys and list indices
Reshape = Callable[[dict], None]


@dataclass
class Draft:
    """What a form edits: the data, the generation of its widgets and the edits of its shape
    asked for in this run of the page (applied once every widget has been read)."""

    data: dict
    generation: int = 0
    reshapes: list[Callable[[dict], None]] = field(default_factory=list)


def at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def swap(path: Path, a: int, b: int) -> Reshape:
    """Swap entries ``a`` and ``b`` of the list at ``path``."""

    def reshape(data: dict) -> None:
        items = at(data, path)
        items[a], items[b] = items[b], items[a]

    return reshape


def remove(path: Path, key: Any) -> Reshape:
    """Remove the entry ``key`` (an index or a name) of the list or mapping at ``path``."""
    return lambda data: at(data, path).pop(key)


def add(path: Path, value: Any, key: str | None = None) -> Reshape:
    """Add ``value`` to the end of the list at ``path`` (or under ``key`` in its mapping)."""

    def reshape(data: dict) -> None:
        target = at(data, path)
        if key is None:
            target.append(copy.deepcopy(value))
        else:
            target.setdefault(key, value)

    return reshape


def settle(draft: Draft, data: dict) -> bool:
    """Keep the values read from the widgets as the draft; then apply the edits of its shape
    asked for in this run (True: there were some, and the form must open again)."""
    draft.data = data
    if not draft.reshapes:
        return False
    data = copy.deepcopy(data)
    for reshape in draft.reshapes:
        reshape(data)
    draft.data = data
    draft.reshapes.clear()
    draft.generation += 1
    return True
