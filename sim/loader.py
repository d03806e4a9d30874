"""Read scenario files strictly and explain every mistake with a file, a line and a fix.

This is the only module in :mod:`sim` that reads files. YAML is read with a loader that refuses
anchors/aliases and duplicate keys, an ``extends: base.yaml`` chain is merged, and the result is
validated by :class:`sim.config.Scenario`. Every user mistake becomes a :class:`ScenarioError`
holding :class:`Problem` records; no yaml, pydantic or OS exception escapes.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import BaseModel, ValidationError

from sim.config import Scenario

MAX_BYTES = 1_048_576
MAX_EXTENDS_DEPTH = 10
MAX_PROBLEMS = 100  # listed in one error; the rest are counted
REFERENCE = "scenarios/reference-office.yaml"
Index = dict[tuple, tuple[str, int]]  # path of a value -> (file, line) where it was last defined


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str  # dotted path such as caseload.rosh_mix.high; "" for the whole file
    value: str  # short repr of the bad value; "" if none
    message: str
    fix: str

    def __str__(self) -> str:
        head = self.file + (f", line {self.line}" if self.line is not None else "")
        if self.field or self.value:
            head += ", " + " = ".join(s for s in (self.field, self.value) if s)
        return f"{head}: {_end(self.message)} Fix: {_end(self.fix)}"


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` gives every reason, sorted by file and line."""

    def __init__(self, file: str, problems: Iterable[Problem], more: int = 0):
        super().__init__(file, tuple(problems), more)
        self.file, self.more = file, more  # more: problems found but not listed (over MAX_PROBLEMS)
        self.problems: tuple[Problem, ...] = tuple(
            sorted(self.args[1], key=lambda p: (p.file, -1 if p.line is None else p.line)))

    def __str__(self) -> str:
        n = len(self.problems) + self.more
        lines = [f"{self.file}: {n} problem{'s' * (n != 1)} in the scenario"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines + [f"  ... and {self.more} more"] * (self.more > 0))


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _short(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        text = {True: "true", False: "false", None: "null"}[value]
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(file: str, message: str, fix: str, line: int | None = None, field: str = "",
          value: str = "") -> ScenarioError:
    return ScenarioError(file, [Problem(file, line, field, value, message, fix)])


# ----------------------------------------------------------------------------- reading YAML
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases, so no billion-laughs expansion."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            sigil = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise yaml.composer.ComposerError(
                None, None, f"anchors and aliases ({sigil}{event.anchor}) are not allowed",
                event.start_mark)
        return super().compose_node(parent, index)


_PLAIN_TAGS = ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
_YAML_FIXES = (  # (part of the yaml problem, fix)
    ("anchors and aliases", "write the value out in full instead of using &name / *name"),
    ("'\\t'", "indent with spaces, not tabs"),
    ("could not find expected ':'", "add ': ' after the key, or close a quote or bracket"),
    ("mapping values are not allowed", "check the indentation; quote a value that contains ': '"),
    ("the tag", "remove the '!' tag; scenario files use plain values only"),
    ("tag handle", "remove the '!' tag; scenario files use plain values only"),
    ("end of stream", "close the quote or bracket that is left open"),
)


def _yaml_problem(file: str, exc: yaml.YAMLError, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        return Problem(file, text.count("\n", 0, exc.position) + 1, "", "",
                       f"the file contains the control character {exc.character:#06x}",
                       "delete it (it may have been pasted from elsewhere)")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem, context = getattr(exc, "problem", None) or str(exc), getattr(exc, "context", None)
    syntax = isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError))
    message = "YAML syntax error: " * syntax + problem + (f" ({context})" if context else "")
    fix = next((f for key, f in _YAML_FIXES if key in problem),
               "check the indentation and punctuation on this line and the line before")
    return Problem(file, mark.line + 1 if mark else None, "", "", message, fix)


def _parse(text: str, file: str) -> tuple[dict, Index]:
    """YAML text -> (top-level mapping, line index), refusing anything ambiguous."""
    loader, index, dupes = None, {}, []
    try:
        loader = _StrictLoader(text)
        loader.get_event()  # stream start
        root = None if loader.check_event(yaml.StreamEndEvent) else loader.compose_document()
        if not loader.check_event(yaml.StreamEndEvent):
            raise _fail(file, "the file holds more than one YAML document", "keep one scenario "
                        "per file: remove the '---' line and what follows, or split the file",
                        loader.peek_event().start_mark.line + 1)
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")):
            raise _fail(file, "the file is empty", f"write a scenario (copy {REFERENCE})")
        if not isinstance(root, yaml.MappingNode):
            kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
            raise _fail(file, f"the file holds {kind}, not a mapping of fields",
                        f"start with top-level fields such as 'name:' (see {REFERENCE})",
                        root.start_mark.line + 1)
        data = _build(loader, root, (), root.start_mark.line + 1, file, index, dupes)
    except yaml.YAMLError as exc:
        raise ScenarioError(file, [_yaml_problem(file, exc, text)]) from None
    except RecursionError:
        raise _fail(file, "the file is nested too deeply", "flatten the structure") from None
    finally:
        if loader is not None:
            loader.dispose()
    if dupes:
        raise ScenarioError(file, dupes[:MAX_PROBLEMS], max(0, len(dupes) - MAX_PROBLEMS))
    return data, index


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, line: int, file: str,
           index: Index, dupes: list[Problem]) -> Any:
    """Python data for a node, noting the line of every path and every duplicate key."""
    index[path] = (file, line)
    tag = node.tag.removeprefix("tag:yaml.org,2002:")
    if tag not in _PLAIN_TAGS:
        raise _fail(file, f"the tag {tag!r} is not allowed",
                    "remove the '!' tag; scenario files use plain values only", line,
                    _dotted(path, None), _short(node.value) if isinstance(node.value, str) else "")
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), item.start_mark.line + 1, file, index, dupes)
                for i, item in enumerate(node.value)]
    if not isinstance(node, yaml.MappingNode):
        try:
            return loader.construct_object(node, deep=True)
        except Exception:  # "!!int x", "!!bool maybe", "!!timestamp x": the file is at fault
            raise _fail(file, f"{node.value!r} cannot be read as {tag}",
                        "write a plain value (in quotes to keep it as text)", line,
                        _dotted(path, None),
                        _short(node.value)) from None
    out: dict = {}
    first: dict = {}
    for knode, vnode in node.value:
        kline = knode.start_mark.line + 1
        if knode.tag == "tag:yaml.org,2002:merge":
            raise _fail(file, "merge keys (<<) are not allowed", "write the keys out in full",
                        kline)
        if not isinstance(knode, yaml.ScalarNode):
            raise _fail(file, "a key must be a plain name, not a list or mapping",
                        "write the key as a single word", kline)
        key = loader.construct_object(knode, deep=True)
        if key in first:
            dupes.append(Problem(file, kline, _dotted(path + (key,), None), "",
                                 f"{key} is given twice, on line {first[key]} and line {kline} "
                                 "(YAML would silently keep the last)", "delete one of the two"))
            continue
        first[key] = kline
        out[key] = _build(loader, vnode, path + (key,), kline, file, index, dupes)
    return out


# ----------------------------------------------------------------------------- files and extends
def _read(path: Path, file: str) -> str:
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise _fail(file, "this is a folder, not a scenario file",
                        "give the path of a .yaml file")
        if not stat.S_ISREG(st.st_mode):
            raise _fail(file, "this is not a regular file", "give the path of a .yaml file")
        if st.st_size > MAX_BYTES:
            raise _fail(file, f"the file is {st.st_size:,} bytes; the limit is {MAX_BYTES:,}",
                        "a scenario is a few kilobytes: check this is the right file")
        with open(path, "rb") as fh:
            return _decode(fh.read(MAX_BYTES + 1), file)
    except FileNotFoundError:
        raise _fail(file, "no such file",
                    "check the path and name (scenarios live in scenarios/)") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        raise _fail(file, f"the file cannot be read: {getattr(exc, 'strerror', None) or exc}",
                    "check the path and the file's permissions") from None


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_BYTES:
        raise _fail(file, f"the file is over {MAX_BYTES:,} bytes; the limit is {MAX_BYTES:,}",
                    "a scenario is a few kilobytes: check this is the right file")
    try:
        return raw.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        raise _fail(file, f"the file is not UTF-8 text (byte {raw[exc.start]:#04x} at offset "
                    f"{exc.start})", "save the file as UTF-8 in your editor",
                    raw.count(b"\n", 0, exc.start) + 1) from None


def _compose(data: dict, index: Index, file: str, base_dir: Path | None, chain: tuple,
             jail: str | None = None) -> tuple:
    """Resolve ``extends``: merge this file's mapping over its base's, recursively.

    With ``jail`` (uploads), every base file must lie inside that folder.
    """
    if "extends" not in data:
        return data, index
    target, line = data.pop("extends"), index.pop(("extends",))[1]

    def fail(message: str, fix: str) -> ScenarioError:
        return _fail(file, message, fix, line, "extends", _short(target))

    if not isinstance(target, str) or not target.strip() or "\0" in target:
        raise fail("extends must name one file", "write extends: other-file.yaml")
    if base_dir is None:
        raise fail("an uploaded scenario cannot extend a file",
                   "remove extends and give the whole scenario, or load it from the scenarios "
                   "folder")
    base_path = base_dir / target
    base_file, key = os.path.normpath(base_path), os.path.realpath(base_path)
    if key in chain:
        loop = " -> ".join(os.path.basename(f) for f in (*chain, key))
        raise fail(f"extends makes a loop: {loop}", "remove extends from one of these files")
    if jail is not None and not key.startswith(os.path.join(jail, "")):
        raise fail("an uploaded scenario can only extend files in the scenarios folder",
                   "name a file in that folder, e.g. extends: reference-office.yaml")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise fail(f"extends goes more than {MAX_EXTENDS_DEPTH} files deep",
                   "extend a complete scenario directly")
    if not base_path.is_file():
        raise fail(f"there is no file {base_file}",
                   "check the name; the path is relative to the folder of this file")
    base, base_index = _compose(*_parse(_read(base_path, base_file), base_file), base_file,
                                base_path.parent, (*chain, key), jail)
    replaced: set[tuple] = set()
    merged = _merge(base, data, (), replaced)
    kept = {p: v for p, v in base_index.items()
            if not any(p[:i] in replaced for i in range(len(p)))}
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


# ----------------------------------------------------------------------------- validation
def _dotted(loc: Iterable[Any], data: Any) -> str:
    """caseload.rosh_mix.high / tasks.x.systems[1]; ints are list indices unless data says not."""
    out, node = "", data
    for el in loc:
        if el == "[key]":
            continue
        if type(el) is int and (data is None or isinstance(node, list)):
            out += f"[{el}]"
        else:
            out += ("." if out else "") + str(el)
        node = _get(node, (el,))
    return out


def _get(data: Any, loc: tuple) -> Any:
    for el in loc:
        try:
            data = data[el]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_END = object()


def _type_at(loc: Iterable[Any]) -> Any:
    """The annotation at a location, walking the Scenario model class (None if there is none)."""
    tp: Any = Scenario
    for el in (*loc, _END):
        if typing.get_origin(tp) in (typing.Union, types.UnionType):  # X | None -> X
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        if el is _END:
            return tp
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(el) if isinstance(el, str) else None
            tp = field.annotation if field else None
        elif typing.get_origin(tp) in (dict, tuple, list):
            tp = typing.get_args(tp)[-1 if typing.get_origin(tp) is dict else 0]
        else:
            return None


def _names_at(loc: tuple) -> list[str]:
    """Field names of the model at loc, or the allowed keys of a dict[Literal, ...]."""
    tp = _type_at(loc)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    if typing.get_origin(tp) is dict:
        return [str(a) for a in typing.get_args(typing.get_args(tp)[0])]
    return []


_FIXES = {  # pydantic error type -> fix (formatted with the error's ctx and the field's name)
    "missing": "add {leaf} (see " + REFERENCE + " for an example)",
    "int_parsing": "give a whole number", "int_type": "give a whole number",
    "int_from_float": "give a whole number (no decimal point)",
    "float_parsing": "give a number", "float_type": "give a number",
    "bool_parsing": "give true or false", "bool_type": "give true or false",
    "string_type": "give text; put it in quotes if it looks like a number, date or yes/no",
    "greater_than": "give a value above {gt}", "greater_than_equal": "give a value of {ge} or more",
    "less_than": "give a value below {lt}", "less_than_equal": "give a value of {le} or less",
    "too_short": "give at least {min_length} item(s)",
    "too_long": "give at most {max_length} items",
    "string_too_short": "give at least {min_length} character(s)",
    "string_too_long": "shorten it to {max_length} characters or fewer",
    "model_type": "give a mapping: indented 'name: value' lines under this key",
    "dict_type": "give a mapping: indented 'name: value' lines under this key",
    "tuple_type": "give a list, e.g. [a, b]", "list_type": "give a list, e.g. [a, b]",
    "literal_error": "use one of: {expected}", "enum": "use one of: {expected}",
    "invalid_key": "write the key as text, in quotes if YAML reads it as true/false/yes/no/on/off",
    "finite_number": "give an ordinary number (not .inf or .nan)",
}
_IMPERATIVE = ("give", "add", "remove", "use", "make", "swap", "name", "set", "write")
# Whole-scenario validator messages and the field they are about (else: the first word, if a field).
_HINTS = ((re.compile(r"^(\w+) cases are held by"), "caseload.holder_roles.{0}"),)


def _problem(err: dict, data: dict, index: Index, file: str) -> Problem:
    loc, typ, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
    msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    value = "" if typ == "missing" else _short(err["input"])
    field_loc, line_loc = loc, loc
    if typ in ("value_error", "assertion_error"):
        msg, _, fix = msg.rpartition(";") if ";" in msg else (msg, "", "")
        msg, fix = msg.strip(), fix.strip() or (msg if msg.split(" ")[0] in _IMPERATIVE else
                                                "change the values so that this rule holds")
        if isinstance(err["input"], dict):  # from a model validator: point at the field it names
            value = ""
            hints = [t.format(*m.groups()) for r, t in _HINTS if (m := r.match(msg))]
            for cand in [*hints, msg.split(" ")[0]] if not loc else [msg.split(" ")[0]]:
                sub = loc + tuple(cand.split("."))
                if sub in index or _type_at(sub) is not None:
                    got = _get(data, sub)
                    field_loc = line_loc = sub
                    value = "" if got is None else _short(got)
                    break
    elif typ == "invalid_key":
        field_loc, msg, fix = loc[:-1], f"the key {value} is not text", _FIXES[typ]
    elif typ == "extra_forbidden":
        names = _names_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        fix = "remove it or check the spelling" + (
            f"; did you mean {close[0]}?" if close else f"; allowed here: {', '.join(names)}")
    elif loc[-1:] == ("[key]",) and typ == "literal_error":
        close = difflib.get_close_matches(str(err["input"]), _names_at(loc[:-2]), n=1)
        fix = f"use one of: {ctx.get('expected')}"
        fix += f"; did you mean {close[0]}?" if close else ""
    else:
        try:
            fix = _FIXES[typ].format(leaf=loc[-1] if loc else "it", **ctx)
        except (KeyError, IndexError, ValueError):
            fix = f"correct the value (see {REFERENCE} for an example)"
    line_loc = tuple(el for el in line_loc if el != "[key]")
    while line_loc and line_loc not in index:
        line_loc = line_loc[:-1]
    where, line = index.get(line_loc, (file, None))
    return Problem(where, line, _dotted(field_loc, data), value, msg, fix)


def _validate(data: dict, index: Index, file: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        raise ScenarioError(file, [_problem(e, data, index, file) for e in errors[:MAX_PROBLEMS]],
                            max(0, len(errors) - MAX_PROBLEMS)) from None


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
def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read, check, merge ``extends`` and validate one scenario file."""
    p, file = Path(path), os.fspath(path)
    with _named(file):
        data, index = _parse(_read(p, file), file)
        data, index = _compose(data, index, file, p.parent, (os.path.realpath(p),))
    return _validate(data, index, file)


def scenario_from_text(text: str | bytes, name: str = "<upload>",
                       base_dir: Path | None = None) -> Scenario:
    """As :func:`load_scenario`, for text in memory (str, or bytes from an upload).

    ``extends`` is resolved against base_dir and must stay inside it (an upload cannot make the
    app read other files); without a base_dir, extends is an error.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    with _named(name):
        data, index = _parse(_decode(raw, name), name)
        jail = os.path.realpath(base_dir) if base_dir is not None else None
        data, index = _compose(data, index, name, Path(jail) if jail else None, (), jail)
    return _validate(data, index, name)


def scenario_from_mapping(data: dict, name: str) -> Scenario:
    """Validate a Python mapping (e.g. from a form); its problems have no line."""
    if not isinstance(data, dict):
        raise _fail(name, "the scenario is not a mapping of fields", "give a dict of fields")
    return _validate(data, {}, name)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # never write &anchors: the loader refuses them
        return True


def scenario_to_yaml(scenario: Scenario) -> str:
    """YAML text that loads back to an equal scenario."""
    return yaml.dump(scenario.model_dump(mode="json"), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=100)
