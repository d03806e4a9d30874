"""Forms built from the schema: a widget for every field of a scenario or a plan.

Each widget takes its kind, bounds, choices and help from the pydantic field it edits (a number
box within the field's bounds, a choice among a ``Literal``'s values, a list of choices for a
tuple of them, a switch for a setting that may be left out), and its unit from the field's
name, so the form says what the file says. Lists (a scenario's objectives, a plan's timed
decisions) can be added to, removed from and reordered.

The form edits a *draft*: the data of the scenario or plan being built, kept in the user's
session, so nothing typed is lost when the result does not validate. A widget's value is
written to the draft only when the user changed it, so every other value stays exactly as it
was (a library scenario opened and applied unchanged keeps its digest). Adding, removing,
moving or changing the kind of an entry changes the draft's shape: the form then opens again on
the draft under a new *generation* in its widget keys, so no widget keeps a value that now
belongs to another entry.
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app_pages.drafts import Draft, Path, add, remove, swap
from app_pages.widgets import BROWSER_MAX_INT
from sim.domain.vocabulary import pretty

UNITS = (
    ("_days", "days"),
    ("_hours", "hours"),
    ("_minutes", "minutes"),
    ("_weeks", "weeks"),
    ("_share", "share 0-1"),
    ("_rate", "share 0-1"),
    ("_probability", "share 0-1"),
    ("factor", "times"),
    ("_per_week", "per week"),
    ("_per_year", "per year"),
)


def unit_of(name: str) -> str:
    """The unit a field's name gives (``duration_days``: days), or "" if its words say it
    already (``hours_per_week`` is not "hours per week (per week)")."""
    unit = next((unit for end, unit in UNITS if str(name).endswith(end)), "")
    return "" if unit and unit in pretty(name) else unit


@dataclass(frozen=True)
class Ui:
    """Where widgets go and how they are keyed: ``scope`` names the form (and what it opened
    on), ``labels`` replaces the label of a field by the last two names of its path, or its
    name alone, and names a list's entries by their model's name."""

    draft: Draft
    scope: str
    labels: dict[tuple[str, ...], str] = field(default_factory=dict)
    where: Any = st

    def key(self, path: Path, what: str = "") -> str:
        return f"{self.scope}~{self.draft.generation}~{'.'.join(map(str, path))}{what}"

    def entry(self, model: type) -> str:
        """What an entry of a list of ``model`` is called."""
        return self.labels.get((model.__name__,)) or pretty(model.__name__)

    def at(self, where: Any) -> Ui:
        return Ui(self.draft, self.scope, self.labels, where)

    def label(self, path: Path) -> str:
        named = self.labels.get(tuple(map(str, path[-2:]))) or self.labels.get((str(path[-1]),))
        name = str(path[-1])
        text = named or pretty(name)
        unit = "" if named else unit_of(name)
        return text + (f" ({unit})" if unit else "")


# ----- the kind of a field ------------------------------------------------------------------
def unwrap(annotation: Any, rules: list) -> tuple[Any, list]:
    """The type under ``Annotated[...]``, with the constraints it carries."""
    while typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for item in extra:
            rules = [*rules, *(item.metadata if isinstance(item, FieldInfo) else [item])]
        annotation = base
    return annotation, rules


def optional(annotation: Any) -> Any | None:
    """``X`` for ``X | None``, else None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return rest[0]
    return None


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def choices(annotation: Any) -> tuple | None:
    """The values of a ``Literal``, else None."""
    annotation, _ = unwrap(annotation, [])
    return typing.get_args(annotation) if typing.get_origin(annotation) is Literal else None


def bounds(rules: list) -> tuple[float | None, float | None, bool]:
    """Lowest and highest values allowed (None: unbounded), and whether the lowest is excluded."""
    low = high = None
    strict = False
    for rule in rules:
        for name in ("ge", "gt"):
            if getattr(rule, name, None) is not None:
                low, strict = getattr(rule, name), name == "gt"
        for name in ("le", "lt"):
            if getattr(rule, name, None) is not None:
                high = getattr(rule, name)
    return low, high, strict


def first_value(annotation: Any, rules: list) -> Any:
    """A value for a setting switched on: its lowest allowed (one more if the lowest is
    excluded), or the first choice."""
    annotation, rules = unwrap(annotation, rules)
    if (options := choices(annotation)) is not None:
        return options[0]
    low, high, strict = bounds(rules)
    start = (low or 0) + (1 if strict else 0)
    start = start if high is None else min(start, high)
    return int(start) if annotation is int else float(start)


# ----- widgets ------------------------------------------------------------------------------
def number_box(ui: Ui, path: Path, value: Any, annotation: Any, rules: list, help: str | None):
    low, high, _ = bounds(rules)
    high = None if high is None else min(high, BROWSER_MAX_INT)
    low = None if low is None else max(low, -BROWSER_MAX_INT)
    if (high is not None and value > high) or (low is not None and value < low):
        ui.where.text_input(
            ui.label(path),
            str(value),
            disabled=True,
            key=ui.key(path, "!"),
            help="Outside what a browser's number box holds exactly: edit it in the file.",
        )
        return value
    if annotation is int:
        return ui.where.number_input(
            ui.label(path),
            None if low is None else int(low),
            None if high is None else int(high),
            int(value),
            step=1,
            key=ui.key(path),
            help=help,
        )
    return ui.where.number_input(
        ui.label(path),
        None if low is None else float(low),
        None if high is None else float(high),
        float(value),
        format="%g",
        key=ui.key(path),
        help=help,
    )


def kept(old: Any, new: Any) -> Any:
    """What a widget leaves in the draft: the value it opened on unless the user changed it, so
    an unchanged field keeps its exact value and type."""
    return old if new == old else new


def edit_value(
    ui: Ui, path: Path, value: Any, annotation: Any, rules: list, help: str | None = None
) -> Any:
    """The widget(s) for one value; returns the value the user left (``value`` if unchanged)."""
    annotation, rules = unwrap(annotation, rules)
    inner = optional(annotation)
    if inner is not None:
        return _optional(ui, path, value, inner, rules, help)
    if is_model(annotation):
        return edit_model(ui, path, value, annotation)
    if (options := choices(annotation)) is not None:
        index = options.index(value) if value in options else 0
        chosen = ui.where.selectbox(
            ui.label(path), options, index, format_func=pretty, key=ui.key(path), help=help
        )
        return kept(value, chosen)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is tuple:
        item = args[0]
        if (options := choices(item)) is not None:
            picked = ui.where.multiselect(
                ui.label(path),
                options,
                [v for v in value if v in options],
                format_func=pretty,
                key=ui.key(path),
                help=help,
            )
            return kept(value, picked)
        if is_model(unwrap(item, [])[0]):
            return edit_list(ui, path, value, unwrap(item, [])[0])
        return value  # a list of free names (a scenario's plans): edited where it is shown
    if origin is dict:
        return _edit_dict(ui, path, value, args)
    if annotation in (int, float):
        if value is None:
            return value
        got = number_box(ui, path, value, annotation, rules, help)
        return kept(value, got)
    if annotation is str:
        length = next((r.max_length for r in rules if getattr(r, "max_length", None)), None)
        box = ui.where.text_area if path[-1] == "description" else ui.where.text_input
        text = box(ui.label(path), value, max_chars=length, key=ui.key(path), help=help)
        return kept(value, text)
    return value


def _optional(ui: Ui, path: Path, value: Any, inner: Any, rules: list, help: str | None) -> Any:
    """A setting that may be left out: a switch, and its widgets once switched on."""
    inner, rules = unwrap(inner, rules)  # (``Share | None``: the bounds are inside)
    on = ui.where.toggle(ui.label(path), value is not None, key=ui.key(path, "?"), help=help)
    if not on:
        return None
    if value is None:  # just switched on: its settings open on their defaults
        value = _template(inner) if is_model(inner) else first_value(inner, rules)
    if is_model(inner):
        with ui.where.container(border=True):
            return edit_model(ui.at(st), path, value, inner)
    got = number_box(ui, path, value, inner, rules, help)
    return kept(value, got)


TEMPLATES: dict[type, dict] = {}  # a new entry of a list, by its model (filled by the pages)


def _template(model: type[BaseModel]) -> dict:
    """A new ``model`` as data: its template if the page gave one, else its defaults, with the
    lowest allowed value (or first choice) for each setting that has none."""
    if model in TEMPLATES:
        return copy.deepcopy(TEMPLATES[model])
    data = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            data[name] = info.get_default(call_default_factory=True)
        elif is_model(unwrap(info.annotation, [])[0]):
            data[name] = _template(unwrap(info.annotation, [])[0])
        else:
            data[name] = first_value(info.annotation, list(info.metadata))
    return model.model_validate(data).model_dump(mode="json")


def edit_model(
    ui: Ui, path: Path, data: dict, model: type[BaseModel], only: tuple[str, ...] | None = None
) -> dict:
    """Widgets for every field of ``model`` in the schema's order, simple ones three to a row;
    the data the user left. With ``only``: just those fields, and just their data."""
    new = dict(data) if only is None else {}
    names = [n for n in model.model_fields if only is None or n in only]
    row: list[str] = []
    for name in names:
        info = model.model_fields[name]
        if _simple(info.annotation):
            row.append(name)
            if len(row) == 3:
                new |= _row(ui, path, data, model, row)
                row = []
            continue
        new |= _row(ui, path, data, model, row)
        row = []
        if optional(unwrap(info.annotation, [])[0]) is None:  # (a switch names itself)
            ui.where.markdown(f"**{ui.label((*path, name))}**")
        new[name] = edit_value(
            ui, (*path, name), data.get(name), info.annotation, list(info.metadata),
            info.description,
        )  # fmt: skip
    return new | _row(ui, path, data, model, row)


def _row(ui: Ui, path: Path, data: dict, model: type[BaseModel], names: list[str]) -> dict:
    """Up to three simple fields side by side; their data the user left."""
    if not names:
        return {}
    out = {}
    for column, name in zip(ui.where.columns(3), names, strict=False):
        info = model.model_fields[name]
        out[name] = edit_value(
            ui.at(column), (*path, name), data.get(name), info.annotation, list(info.metadata),
            info.description,
        )  # fmt: skip
    return out


def _simple(annotation: Any) -> bool:
    annotation, _ = unwrap(annotation, [])
    inner = optional(annotation)
    if inner is not None:
        return not is_model(unwrap(inner, [])[0])
    if typing.get_origin(annotation) in (tuple, dict) or is_model(annotation):
        return (
            typing.get_origin(annotation) is tuple
            and choices(typing.get_args(annotation)[0]) is not None
        )
    return True


def _edit_dict(ui: Ui, path: Path, value: dict, args: tuple) -> dict:
    key_type, item = args
    keys = choices(key_type)
    new = dict(value)
    if keys is None:  # free names (organisations): each row a name and its value
        return _edit_named(ui, path, value, item)
    if not _simple(item):  # a table by key (tier mix by RoSH level): each under its key
        for key in (k for k in keys if k in value):
            ui.where.markdown(f"*{pretty(key)}*")
            new[key] = edit_value(ui, (*path, key), value[key], item, [])
        return new
    columns = ui.where.columns(min(len(keys), 4))
    for i, key in enumerate(keys):
        if key in value:
            where = ui.at(columns[i % len(columns)])
            new[key] = edit_value(where, (*path, key), value[key], item, [])
    return new


def _edit_named(ui: Ui, path: Path, value: dict, item: Any) -> dict:
    rows = []
    for i, (name, number) in enumerate(value.items()):
        left, right, drop = ui.where.columns([3, 2, 1])
        new_name = left.text_input("name", name, key=ui.key((*path, i, "name")), max_chars=80)
        got = edit_value(ui.at(right), (*path, i, "share"), number, item, [])
        drop.write("")
        if drop.button("Remove", key=ui.key((*path, i), "-")):
            ui.draft.reshapes.append(remove(path, name))
        rows.append((new_name, got))
    if ui.where.button(f"Add to {pretty(path[-1])}", key=ui.key(path, "+")):
        ui.draft.reshapes.append(add(path, 0.0, "new"))
    return kept(value, dict(rows))


def edit_list(ui: Ui, path: Path, items: list, model: type[BaseModel]) -> list:
    """Each entry in a frame with buttons to move it up or down or remove it, and a button to
    add one."""
    new = []
    for i, item in enumerate(items):
        with ui.where.container(border=True):
            head = st.columns([6, 1, 1, 2])
            head[0].markdown(f"**{ui.entry(model)} #{i + 1}**")
            entry_buttons(ui, path, i, len(items), head[1:])
            new.append(edit_model(ui.at(st), (*path, i), item, model))
    if ui.where.button(f"Add {ui.entry(model).lower()}", key=ui.key(path, "+")):
        ui.draft.reshapes.append(add(path, _template(model)))
    return kept(items, new)


def entry_buttons(ui: Ui, path: Path, i: int, count: int, columns: Sequence[Any]) -> None:
    """Up, Down and Remove for entry ``i`` of the ``count`` in the list at ``path``."""
    for column, label, step in ((columns[0], "Up", -1), (columns[1], "Down", 1)):
        if column.button(label, key=ui.key((*path, i), label), disabled=not 0 <= i + step < count):
            ui.draft.reshapes.append(swap(path, i, i + step))
    if columns[2].button("Remove", key=ui.key((*path, i), "-")):
        ui.draft.reshapes.append(remove(path, i))
