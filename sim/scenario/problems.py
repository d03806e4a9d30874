"""Problems in a scenario, and how pydantic's validation errors become them.

A :class:`Problem` names the file, line, field and bad value, says what is wrong and how to fix
it; a :class:`ScenarioError` carries every problem found. :func:`validate` turns the scenario
models' validation errors into problems, locating each at the line that defined the value.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.assumptions import missing_field
from sim.scenario.frozen import ProblemAt
from sim.scenario.schema import Scenario

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

    def __init__(
        self, file: str, problems: Iterable[Problem], more: int = 0, what: str = "scenario"
    ):
        super().__init__(file, tuple(problems), more, what)
        self.file, self.more = file, more  # more: problems found but not listed (over MAX_PROBLEMS)
        self.what = what  # the kind of file: a scenario, or a national file
        self.problems: tuple[Problem, ...] = tuple(
            sorted(self.args[1], key=lambda p: (p.file, -1 if p.line is None else p.line))
        )

    def __str__(self) -> str:
        n = len(self.problems) + self.more
        lines = [f"{self.file}: {n} problem{'s' * (n != 1)} in the {self.what}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines + [f"  ... and {self.more} more"] * (self.more > 0))


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def short(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        text = {True: "true", False: "false", None: "null"}[value]
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def fail(
    file: str, message: str, fix: str, line: int | None = None, field: str = "", value: str = ""
) -> ScenarioError:
    return ScenarioError(file, [Problem(file, line, field, value, message, fix)])


# ----------------------------------------------------------------------------- reading YAML


# ----------------------------------------------------------------------------- validation
def dotted(loc: Iterable[Any], data: Any) -> str:
    """caseload.rosh_mix.high / tasks.x.systems[1]; ints are list indices unless data says not."""
    out, node = "", data
    for el in loc:
        if el == "[key]":
            continue
        if type(el) is int and (data is None or isinstance(node, list | tuple)):
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


def _type_at(loc: Iterable[Any], model: type[BaseModel]) -> Any:
    """The annotation at a location, walking the model class (None if there is none)."""
    tp: Any = model
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


def _names_at(loc: tuple, model: type[BaseModel]) -> list[str]:
    """Field names of the model at loc, or the allowed keys of a dict[Literal, ...]."""
    tp = _type_at(loc, model)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    if typing.get_origin(tp) is dict:
        return [str(a) for a in typing.get_args(typing.get_args(tp)[0])]
    return []


_FIXES = {  # pydantic error type -> fix (formatted with the error's ctx and the field's name)
    "missing": "add {leaf} (see " + REFERENCE + " for an example)",
    "int_parsing": "give a whole number",
    "int_type": "give a whole number",
    "int_from_float": "give a whole number (no decimal point)",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "string_type": "give text; put it in quotes if it looks like a number, date or yes/no",
    "greater_than": "give a value above {gt}",
    "greater_than_equal": "give a value of {ge} or more",
    "less_than": "give a value below {lt}",
    "less_than_equal": "give a value of {le} or less",
    "too_short": "give at least {min_length} item(s)",
    "too_long": "give at most {max_length} items",
    "string_too_short": "give at least {min_length} character(s)",
    "string_too_long": "shorten it to {max_length} characters or fewer",
    "model_type": "give a mapping: indented 'name: value' lines under this key",
    "dict_type": "give a mapping: indented 'name: value' lines under this key",
    "tuple_type": "give a list, e.g. [a, b]",
    "list_type": "give a list, e.g. [a, b]",
    "literal_error": "use one of: {expected}",
    "enum": "use one of: {expected}",
    "invalid_key": "write the key as text, in quotes if YAML reads it as true/false/yes/no/on/off",
    "finite_number": "give an ordinary number (not .inf or .nan)",
    "date_from_datetime_parsing": "give a date as YYYY-MM-DD, such as 2027-03-10",
    "date_from_datetime_inexact": "give a date as YYYY-MM-DD, such as 2027-03-10",
    "date_parsing": "give a date as YYYY-MM-DD, such as 2027-03-10",
    "date_type": "give a date as YYYY-MM-DD, such as 2027-03-10",
}
# Why a limit is where it is, added to the fix when a value passes it: (first, last) part of the
# field's path -> reason
_NATIONAL = (
    "; one office runs at most this many: run a bigger service as a national file of several "
    "offices (python -m sim national, docs/national.md)"
)
_LIMIT_REASONS = {
    ("caseload", "cases"): _NATIONAL,
    ("caseload", "new_cases_per_week"): _NATIONAL,
    ("office", "count"): _NATIONAL,
    ("levers", "slot_hours"): "; slots shorter than a quarter of an hour are not a rota",
    ("switches", "slot_hours"): "; slots shorter than a quarter of an hour are not a rota",
    ("levers", "refresh_days"): "; a register is printed at most once a day",
    ("switches", "refresh_days"): "; a register is printed at most once a day",
    ("levers", "staff"): "; mutual aid of more than 500 people is several offices' staff",
    ("switches", "staff"): "; mutual aid of more than 500 people is several offices' staff",
}
_IMPERATIVE = ("give", "add", "remove", "use", "make", "swap", "name", "set", "write")
# Whole-scenario validator messages and the field they are about (else: the first word, if a field).
_HINTS = ((re.compile(r"^(\w+) cases are held by"), "caseload.holder_roles.{0}"),)


def _problem(err: Any, data: dict, index: Index, file: str, model: type[BaseModel]) -> Problem:
    loc, typ, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
    msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    value = "" if typ == "missing" else short(err["input"])
    field_loc, line_loc = loc, loc
    if typ in ("value_error", "assertion_error"):
        msg, _, fix = msg.rpartition(";") if ";" in msg else (msg, "", "")
        msg, fix = (
            msg.strip(),
            fix.strip()
            or (
                msg
                if msg.split(" ")[0] in _IMPERATIVE
                else "change the values so that this rule holds"
            ),
        )
        error = ctx.get("error")
        if isinstance(error, ProblemAt):  # the validator says which part it is about
            field_loc = line_loc = loc + error.path
            got = _get(data, field_loc)
            value = "" if got is None or isinstance(got, dict | list) else short(got)
        elif isinstance(err["input"], dict):  # a model validator: point at the field it names
            value = ""
            hints = [t.format(*m.groups()) for r, t in _HINTS if (m := r.match(msg))]
            for cand in [*hints, msg.split(" ")[0]] if not loc else [msg.split(" ")[0]]:
                sub = loc + tuple(int(k) if k.isdigit() else k for k in cand.split("."))
                if sub in index or _type_at(sub, model) is not None:
                    got = _get(data, sub)
                    field_loc = line_loc = sub
                    value = "" if got is None else short(got)
                    break
    elif typ == "invalid_key":
        field_loc, msg, fix = loc[:-1], f"the key {value} is not text", _FIXES[typ]
    elif typ == "extra_forbidden":
        names = _names_at(loc[:-1], model)
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        fix = "remove it or check the spelling" + (
            f"; did you mean {close[0]}?" if close else f"; allowed here: {', '.join(names)}"
        )
    elif loc[-1:] == ("[key]",) and typ == "literal_error":
        close = difflib.get_close_matches(str(err["input"]), _names_at(loc[:-2], model), n=1)
        fix = f"use one of: {ctx.get('expected')}"
        fix += f"; did you mean {close[0]}?" if close else ""
    else:
        try:
            fix = _FIXES[typ].format(leaf=loc[-1] if loc else "it", **ctx)
        except (KeyError, IndexError, ValueError):
            fix = f"correct the value (see {REFERENCE} for an example)"
        if typ in ("less_than_equal", "greater_than_equal") and loc:
            fix += _LIMIT_REASONS.get((loc[0], loc[-1]), "")
    line_loc = tuple(el for el in line_loc if el != "[key]")
    while line_loc and line_loc not in index:
        line_loc = line_loc[:-1]
    where, line = index.get(line_loc, (file, None))
    return Problem(where, line, dotted(field_loc, data), value, _named(msg, field_loc, data), fix)


# The lists of an exercise file whose elements are named by an id or a name: an error inside
# one says which element it is about (a field such as decision_points[1].options[0] alone does
# not tell a reader which)
_ELEMENTS = {
    "injects": "inject",
    "decision_points": "decision point",
    "options": "option",
    "participants": "participant",
    "capabilities": "capability",
}


def _named(msg: str, loc: tuple, data: Any) -> str:
    """``msg`` headed with the named elements ``loc`` passes through (``decision point 'fallback',
    option 'Paper': ...``), those the message does not name already."""
    who, node = [], data
    for before, el in zip((None, *loc), loc, strict=False):
        node = _get(node, (el,))
        if before in _ELEMENTS and type(el) is int and isinstance(node, dict):
            name = node.get("id", node.get("name"))
            if isinstance(name, str) and repr(name) not in msg:
                who.append(f"{_ELEMENTS[before]} {name!r}")
    return f"{', '.join(who)}: {msg}" if who else msg


def _consequences(errors: list) -> list:
    """``errors`` without those that only follow from another: a list too short because one of
    its items was refused (pydantic counts the items left)."""
    return [
        e
        for e in errors
        if e["type"] != "too_short"
        or not any(
            len(o["loc"]) > len(e["loc"]) and tuple(o["loc"][: len(e["loc"])]) == tuple(e["loc"])
            for o in errors
        )
    ]


def validate(data: dict, index: Index, file: str, model: type[BaseModel] = Scenario) -> Any:
    """``model`` (a scenario by default, or a plan) from ``data``, or a ScenarioError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = _consequences(exc.errors())
        raise ScenarioError(
            file,
            [_problem(e, data, index, file, model) for e in errors[:MAX_PROBLEMS]],
            max(0, len(errors) - MAX_PROBLEMS),
        ) from None


def assumption_problems(scenario: Scenario, index: Index, file: str) -> None:
    """Refuse a scenario read from a file whose assumptions name a field it does not have (a
    scenario derived from it keeps such an assumption, untested)."""
    problems = []
    for i, assumption in enumerate(scenario.assumptions):
        why = missing_field(scenario, assumption)
        if why is not None:
            message, _, fix = why.rpartition(";")
            where, line = index.get(("assumptions", i, "path"), (file, None))
            if where != file:  # inherited through extends
                fix += (
                    f"; or, as it is inherited from {os.path.basename(where)}, "
                    "give this file its own assumptions: list (assumptions: [] for none)"
                )
            field = f"assumptions[{i}].path"
            value = short(assumption.path)
            problems.append(Problem(where, line, field, value, message.strip(), fix.strip()))
    if problems:
        raise ScenarioError(file, problems)
