"""A small table of a report: formatted cells, ready to lay out in HTML or PDF."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A small table of formatted cells, ready to lay out."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
