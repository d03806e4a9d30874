"""Where a scenario's ``plans:`` entries are read from: files in the plans folder beside the
scenario, named by file name. An entry that is absolute or climbs out of that folder is refused
when the scenario loads (:mod:`sim.scenario.schema`); :func:`plan_file` refuses one that
resolves outside it all the same (a link leading elsewhere) when the plans are read."""

from __future__ import annotations

import os
from pathlib import Path

from sim.scenario.problems import fail, short


def plan_file(plans_dir: str | os.PathLike, name: str, i: int, file: str) -> Path:
    """The file of entry ``i`` of a scenario's ``plans:`` (``name``, with or without .yaml) in
    ``plans_dir``, or a ScenarioError about ``file`` (the scenario) if it resolves outside that
    folder (a link leading elsewhere; a path out of it is refused when the scenario loads)."""
    path = Path(plans_dir) / (name if name.endswith(".yaml") else f"{name}.yaml")
    inside = os.path.join(os.path.realpath(plans_dir), "")
    if not os.path.realpath(path).startswith(inside):
        raise fail(
            file,
            f"the plan file {os.path.normpath(path)} resolves to {os.path.realpath(path)}, "
            f"outside the plans folder {os.path.normpath(plans_dir)}",
            "put the plan file itself in the plans folder (not a link to a file elsewhere) and "
            "name it there",
            None,
            f"plans[{i}]",
            short(name),
        )
    return path
