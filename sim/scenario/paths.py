"""Dotted paths into a scenario's or plan's data: ``caseload.risk_check_max_wait_minutes``,
``outages.down.0.duration_days`` (integers index lists), ``levers.paper_fallback.paper_factor``.

Used by sweeps (:mod:`sim.experiments.sweeps`) and by the assumptions a scenario marks as
mattering (:mod:`sim.scenario.assumptions`) to read and set one value of the data a model dumps,
with a message naming the path and what is there instead when it does not exist.
"""

from __future__ import annotations

from typing import Any


def keys(path: str) -> list[str]:
    """The keys of a dotted path, or a ValueError saying how to write one."""
    if not isinstance(path, str) or not path or any(not k for k in path.split(".")):
        raise ValueError(
            f"parameter path {path!r} is not a dotted path; "
            f"give one like 'office.staffing.probation_officer.count'"
        )
    return path.split(".")


def step(node: Any, key: str, path: str, walked: list[str], what: str = "the scenario") -> Any:
    """The child ``key`` of ``node`` (a field name or a list index), or a ValueError naming
    ``path`` and what ``node`` offers instead (``what``: the scenario, or the plan)."""
    where = ".".join(walked) or what
    if isinstance(node, dict):
        if key not in node:
            raise ValueError(
                f"no field {path!r} in {what}: {where} has no {key!r}; "
                f"use one of: {', '.join(map(str, node))}"
            )
        return node[key]
    if isinstance(node, (list, tuple)):
        if not key.isdigit() or int(key) >= len(node):
            raise ValueError(
                f"no field {path!r} in {what}: {where} is a list of "
                f"{len(node)}; index it with 0 to {len(node) - 1}"
                if node
                else f"no field {path!r} in {what}: {where} is empty; add an entry to {what} first"
            )
        return node[int(key)]
    raise ValueError(
        f"no field {path!r} in {what}: {where} is a value, not a section; "
        f"stop the path at {where!r}"
    )


def value_in(data: Any, path: str, what: str = "the scenario") -> Any:
    """The value at a dotted path of dumped data."""
    node = data
    parts = keys(path)
    for i, key in enumerate(parts):
        node = step(node, key, path, parts[:i], what)
    return node


def thawed(node: Any) -> Any:
    """A copy of dumped data with every tuple made a list, so any entry can be set."""
    if isinstance(node, dict):
        return {k: thawed(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [thawed(v) for v in node]
    return node


def set_in(data: Any, path: str, value: Any, what: str = "the scenario") -> None:
    """Set the value at a dotted path of thawed data (:func:`thawed`); the path must exist."""
    *parents, leaf = parts = keys(path)
    node = data
    for i, key in enumerate(parents):
        node = step(node, key, path, parts[:i], what)
    step(node, leaf, path, parents, what)  # the leaf must exist too
    node[int(leaf) if isinstance(node, list) else leaf] = value
