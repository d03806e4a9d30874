"""Read scenario and plan files strictly and explain every mistake with a file, a line and a fix.

This is the only module in :mod:`sim` that reads files (with :mod:`sim.scenario.sources`, which
reads their comments). The text is parsed by :mod:`sim.scenario.strict_yaml`, an ``extends:
base.yaml`` chain is merged, and the result is validated by :class:`sim.scenario.schema.Scenario`.
Every user mistake becomes a :class:`ScenarioError` holding :class:`Problem` records (both from
:mod:`sim.scenario.problems`, re-exported here); no yaml, pydantic or OS exception escapes.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sim.scenario.plan_paths import plan_file
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.problems import (  # Problem and ScenarioError are part of this module's API
    Index,
    Problem,
    ScenarioError,
    assumption_problems,
    dotted,
    fail,
    short,
    validate,
)
from sim.scenario.schema import Scenario
from sim.scenario.strict_yaml import parse

if TYPE_CHECKING:  # numpy is imported only when a national file is read (list starts fast)
    from sim.scenario.exercise import Exercise, Rehearsal
    from sim.scenario.national import NationalService

__all__ = [
    "Problem",
    "ScenarioError",
    "load_exercise",
    "load_national",
    "load_rehearsal",
    "load_plan",
    "load_scenario",
    "plan_file",
    "plans_of",
    "scenario_from_mapping",
    "scenario_from_text",
    "plan_from_text",
    "to_yaml",
]

MAX_BYTES = 1_048_576
MAX_EXTENDS_DEPTH = 10


def read_file(path: Path, file: str) -> str:
    """A scenario or plan file's text, refusing folders, devices, huge files and bad encodings
    with a :class:`ScenarioError`."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise fail(
                file, "this is a folder, not a scenario file", "give the path of a .yaml file"
            )
        if not stat.S_ISREG(st.st_mode):
            raise fail(file, "this is not a regular file", "give the path of a .yaml file")
        if st.st_size > MAX_BYTES:
            raise fail(
                file,
                f"the file is {st.st_size:,} bytes; the limit is {MAX_BYTES:,}",
                "a scenario is a few kilobytes: check this is the right file",
            )
        with open(path, "rb") as fh:
            return _decode(fh.read(MAX_BYTES + 1), file)
    except FileNotFoundError:
        raise fail(
            file, "no such file", "check the path and name (scenarios live in scenarios/)"
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        raise fail(
            file,
            f"the file cannot be read: {getattr(exc, 'strerror', None) or exc}",
            "check the path and the file's permissions",
        ) from None


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a file: it is missing, a folder, or not a regular file."""
    name = os.path.normpath(path)
    if path.is_dir():
        return f"{name} is a folder, not a file"
    if path.exists() or path.is_symlink():
        return f"{name} is not a regular file (a device, a pipe or a broken link)"
    return f"there is no file {name}"


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_BYTES:
        raise fail(
            file,
            f"the file is over {MAX_BYTES:,} bytes; the limit is {MAX_BYTES:,}",
            "a scenario is a few kilobytes: check this is the right file",
        )
    try:
        return raw.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        raise fail(
            file,
            f"the file is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})",
            "save the file as UTF-8 in your editor",
            raw.count(b"\n", 0, exc.start) + 1,
        ) from None


def _compose(
    data: dict,
    index: Index,
    file: str,
    base_dir: Path | None,
    chain: tuple,
    jail: str | None = None,
) -> tuple:
    """Resolve ``extends``: merge this file's mapping over its base's, recursively.

    With ``jail`` (uploads), every base file must lie inside that folder.
    """
    if "extends" not in data:
        return data, index
    target, line = data.pop("extends"), index.pop(("extends",))[1]

    def bad_extends(message: str, fix: str) -> ScenarioError:
        return fail(file, message, fix, line, "extends", short(target))

    if not isinstance(target, str) or not target.strip() or "\0" in target:
        raise bad_extends("extends must name one file", "write extends: other-file.yaml")
    if base_dir is None:
        raise bad_extends(
            "an uploaded scenario cannot extend a file",
            "remove extends and give the whole scenario, or load it from the scenarios folder",
        )
    base_path = base_dir / target
    base_file, key = os.path.normpath(base_path), os.path.realpath(base_path)
    if key in chain:
        loop = " -> ".join(os.path.basename(f) for f in (*chain, key))
        raise bad_extends(f"extends makes a loop: {loop}", "remove extends from one of these files")
    if jail is not None and not key.startswith(os.path.join(jail, "")):
        raise bad_extends(
            "an uploaded scenario can only extend files in the scenarios folder",
            "name a file in that folder, e.g. extends: reference-office.yaml",
        )
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise bad_extends(
            f"extends goes more than {MAX_EXTENDS_DEPTH} files deep",
            "extend a complete scenario directly",
        )
    if not base_path.is_file():
        raise bad_extends(
            not_a_file(base_path), "check the name; the path is relative to the folder of this file"
        )
    base, base_index = _compose(
        *parse(read_file(base_path, base_file), base_file),
        base_file,
        base_path.parent,
        (*chain, key),
        jail,
    )
    replaced: set[tuple] = set()
    merged = _merge(base, data, (), replaced)
    kept = {
        p: v for p, v in base_index.items() if not any(p[:i] in replaced for i in range(len(p)))
    }
    return merged, {**kept, **index}


def _merge(base: dict, over: dict, path: tuple, replaced: set) -> dict:
    """Dicts merge recursively; anything else in ``over`` replaces (paths noted in replaced)."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, path + (k,), replaced)
        else:
            out[k] = v
            replaced.add(path + (k,))
    return out


@contextlib.contextmanager
def _named(file: str) -> Iterator[None]:
    """Head every error with the file the caller asked for, even when a base file is at fault."""
    try:
        yield
    except ScenarioError as exc:
        if exc.file == file:
            raise
        raise ScenarioError(file, exc.problems, exc.more) from None


# ----------------------------------------------------------------------------- public API
def _load(path: str | os.PathLike, model: type) -> Any:
    p, file = Path(path), os.fspath(path)
    with _named(file):
        data, index = parse(read_file(p, file), file)
        data, index = _compose(data, index, file, p.parent, (os.path.realpath(p),))
        if model is Plan:
            _no_empty_levers(data, index, file, _plan_lever_sets(data))
    found = validate(data, index, file, model)
    if model is Scenario:
        assumption_problems(found, index, file)
    return found


def _count(node: Any) -> int:
    return len(node) if isinstance(node, list) else 0


def _plan_lever_sets(data: dict) -> list[tuple]:
    return [("levers",)] + [("switches", i, "levers") for i in range(_count(data.get("switches")))]


def _exercise_lever_sets(data: dict) -> list[tuple]:
    points = data.get("decision_points") or []
    sets: list[tuple] = [("levers",)]
    for i in range(_count(points)):
        options = points[i].get("options") if isinstance(points[i], dict) else None
        sets += [("decision_points", i, "options", j, "levers") for j in range(_count(options))]
    return sets


def _no_empty_levers(data: dict, index: Index, file: str, sets: list[tuple]) -> None:
    """A lever named with nothing after it (``day_lists:``) is a mistake, not "not pulled"."""
    for path in sets:
        node: Any = data
        for key in path:
            if isinstance(node, dict):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                node = node[key]
            else:
                node = None
        if not isinstance(node, dict):
            continue
        for lever, value in node.items():
            if value is None:
                raise fail(
                    file,
                    f"{lever} is named with no settings, which would leave it silently not pulled",
                    f"write {lever}: {{}} to pull it with its defaults (or give its settings), "
                    "or delete the line to leave it off",
                    index.get((*path, lever), (file, None))[1],
                    dotted((*path, lever), data),
                )


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read, check, merge ``extends`` and validate one scenario file."""
    return _load(path, Scenario)


def load_plan(path: str | os.PathLike) -> Plan:
    """Read and validate one contingency plan file (same rules as scenario files)."""
    return _load(path, Plan)


def _beside(path: Path, name: str, field: str, index: Index, file: str) -> Path:
    """The file ``name`` (a path relative to ``path``'s folder) that field ``field`` of ``file``
    gives, or a ScenarioError naming the field if it is not a file."""
    found = path.parent / name
    if not found.is_file():
        raise fail(
            file,
            not_a_file(found),
            "check the name; the path is relative to the folder of this file",
            index.get((field,), (file, None))[1],
            field,
            short(name),
        )
    return found


@contextlib.contextmanager
def _file_kind(file: str, what: str) -> Iterator[None]:
    """Name the kind of file in a ScenarioError about ``file`` (one about a file it names, such
    as its scenario, keeps its own)."""
    try:
        yield
    except ScenarioError as err:
        kind = what if err.file == file else err.what
        raise ScenarioError(err.file, err.problems, err.more, kind) from None


def _parsed(p: Path, file: str) -> tuple[dict, Index]:
    with _named(file):
        return parse(read_file(p, file), file)


def load_national(path: str | os.PathLike) -> NationalService:
    """Read and validate a national file and the office scenario it names (a path relative to
    the national file's folder), with the same rules as scenario files."""
    from sim.scenario.national import National, NationalService

    p, file = Path(path), os.fspath(path)
    with _file_kind(file, "national file"):
        data, index = _parsed(p, file)
        config = validate(data, index, file, National)
        office_path = _beside(p, config.office, "office", index, file)
    return NationalService(config, load_scenario(office_path))


def load_exercise(path: str | os.PathLike) -> Exercise:
    """Read and validate a tabletop exercise file and the scenario it names (a path relative to
    the exercise file's folder), with the same rules as scenario files."""
    from sim.scenario.exercise import Exercise, ExerciseFile

    p, file = Path(path), os.fspath(path)
    with _file_kind(file, "exercise file"):
        data, index = _parsed(p, file)
        _no_empty_levers(data, index, file, _exercise_lever_sets(data))
        config = validate(data, index, file, ExerciseFile)
        scenario = load_scenario(_beside(p, config.scenario, "scenario", index, file))
        fields = {**config.model_dump(), "scenario_settings": scenario.model_dump()}
        return validate(fields, index, file, Exercise)


def load_rehearsal(path: str | os.PathLike) -> Rehearsal:
    """Read and validate a decisions file (the room's decisions, for playing an exercise from the
    command line)."""
    from sim.scenario.exercise import Rehearsal

    p, file = Path(path), os.fspath(path)
    with _file_kind(file, "decisions file"):
        data, index = _parsed(p, file)
        return validate(data, index, file, Rehearsal)


def plans_of(
    scenario: Scenario, plans_dir: str | os.PathLike, file: str | None = None
) -> list[Plan]:
    """The plans a scenario compares, "do nothing" first, read from ``plans_dir`` (a plan file
    resolving outside it is refused with a ScenarioError about ``file``, the scenario's)."""
    plans = [DO_NOTHING]
    for i, name in enumerate(scenario.plans):
        plan = load_plan(plan_file(plans_dir, name, i, file or os.fspath(plans_dir)))
        if plan.pulls_any():
            plans.append(plan)
    return plans


def scenario_from_text(
    text: str | bytes, name: str = "<upload>", base_dir: Path | None = None
) -> Scenario:
    """As :func:`load_scenario`, for text in memory (str, or bytes from an upload).

    ``extends`` is resolved against base_dir and must stay inside it (an upload cannot make the
    app read other files); without a base_dir, extends is an error.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    with _named(name):
        data, index = parse(_decode(raw, name), name)
        jail = os.path.realpath(base_dir) if base_dir is not None else None
        data, index = _compose(data, index, name, Path(jail) if jail else None, (), jail)
    found = validate(data, index, name)
    assumption_problems(found, index, name)
    return found


def plan_from_text(text: str, name: str = "<plan>") -> Plan:
    """A contingency plan from YAML text in memory (no ``extends``)."""
    with _named(name):
        data, index = parse(_decode(text.encode("utf-8", "surrogatepass"), name), name)
    return validate(data, index, name, model=Plan)


def scenario_from_mapping(data: dict, name: str) -> Scenario:
    """Validate a Python mapping (e.g. from a form); its problems have no line."""
    if not isinstance(data, dict):
        raise fail(name, "the scenario is not a mapping of fields", "give a dict of fields")
    return validate(data, {}, name)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # never write &anchors: the loader refuses them
        return True


def to_yaml(model: Scenario | Plan) -> str:
    """YAML text that loads back to an equal scenario or plan (a plan's levers not pulled are
    left out, as a plan file writes them)."""
    return yaml.dump(
        model.model_dump(mode="json", exclude_none=isinstance(model, Plan)),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
