"""The scenario library: the incident scenarios shipped in ``scenarios/`` and the user's own.

A user's scenarios are YAML files in a folder of their own (the app's "my scenarios"), written by
:func:`save_scenario` and read back through :mod:`sim.scenario.loader` like any other. A save never
replaces a file: a name already taken is refused with the fix, so nothing saved is lost, and the
text is written to a temporary file and renamed into place, so a crash leaves no half file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.changes import edited
from sim.scenario.loader import ScenarioError, load_scenario, to_yaml
from sim.scenario.plans import Plan
from sim.scenario.schema import Scenario

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\Z")


class LibraryError(Exception):
    """A library operation that cannot be done; the message names the file and the fix."""


@dataclass(frozen=True)
class Entry:
    """One scenario file in the library."""

    path: Path
    mine: bool  # saved by the user (not shipped with the simulator)

    @property
    def label(self) -> str:
        return ("my scenarios / " if self.mine else "") + self.path.stem


def entries(shipped: Path, mine: Path | None) -> list[Entry]:
    """Every scenario file: shipped ones by name, then the user's."""
    found = [Entry(p, False) for p in sorted(Path(shipped).glob("*.yaml"))]
    if mine is not None and Path(mine).is_dir():
        found += [Entry(p, True) for p in sorted(Path(mine).glob("*.yaml"))]
    return found


def file_name(title: str) -> str:
    """A file name (without .yaml) made from a scenario title: lower case, words joined by -."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return slug or "scenario"


def save_plan(plan: Plan, mine: Path, name: str) -> Path:
    """Write ``plan`` as ``<mine>/<name>.yaml`` and return the path; never overwrites."""
    return save_scenario(plan, mine, name)


def save_scenario(scenario: Scenario | Plan, mine: Path, name: str) -> Path:
    """Write ``scenario`` (or a plan) as ``<mine>/<name>.yaml`` and return the path; never
    overwrites."""
    if not NAME.match(name):
        raise LibraryError(
            f"{name!r} is not a usable file name. Fix: use 1-60 lower-case "
            f"letters, digits and hyphens, starting with a letter or digit "
            f"(for example {file_name(name)!r})."
        )
    folder = Path(mine)
    target = folder / f"{name}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(to_yaml(scenario))
        try:
            os.link(temporary, target)  # fails if the name is taken: never replaces a file
        finally:
            os.unlink(temporary)
    except FileExistsError:
        raise LibraryError(
            f"{target.name} already exists in {folder.name}/. Fix: choose another name; the "
            f"saved scenario is kept as it is."
        ) from None
    except OSError as exc:
        raise LibraryError(
            f"cannot save {target.name} in {folder.name}/: {exc.strerror or exc}. Fix: check "
            f"the folder is writable and the disk is not full."
        ) from exc
    return target


def library_twin(
    scenario: Scenario, shipped: Path, load: Callable[[Path], Scenario] = load_scenario
) -> tuple[Path, Scenario] | None:
    """The shipped scenario that ``scenario`` claims to be, by carrying its name (first) or its
    description, while differing from it (None if there is none, or if ``scenario`` is the
    shipped scenario of its name exactly: another file that extends it and keeps its description
    does not make it a copy of that file)."""
    digest = scenario.digest()
    by_name, by_description = None, None
    for entry in entries(shipped, None):
        try:
            found = load(entry.path)
        except ScenarioError:
            continue  # a broken library file is nobody's twin
        same = found.digest() == digest
        if scenario.name == found.name:
            if same:
                return None
            by_name = by_name or (entry.path, found)
        elif not same and scenario.description and scenario.description == found.description:
            by_description = by_description or (entry.path, found)
    return by_name or by_description


def labelled(
    scenario: Scenario, shipped: Path, load: Callable[[Path], Scenario] = load_scenario
) -> Scenario:
    """``scenario``, renamed and described as the change it is if it carries the name or
    description of a shipped scenario it differs from (so its results never pass for that
    scenario's); as it is otherwise."""
    twin = library_twin(scenario, shipped, load)
    if twin is None:
        return scenario
    path, found = twin
    return edited(
        found,
        scenario,
        path.name,
        "modified",
        rename=scenario.name == found.name,
        redescribe=scenario.description == found.description,
    )


__all__ = [
    "Entry",
    "LibraryError",
    "entries",
    "file_name",
    "labelled",
    "library_twin",
    "save_scenario",
]
