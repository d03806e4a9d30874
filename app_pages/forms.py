"""Forms that edit a scenario or a plan: number boxes built from the models' own fields.

Each box takes its bounds and help text from the pydantic field it edits, and its unit from the
field's name, so the form says what the file says. A form opens on the values of the scenario
or plan it edits (its widget keys carry that scenario's or plan's digest, so the browser never
keeps a box's value from another one), and applying it changes only the fields whose boxes the
user changed (:func:`changed`): every other value stays exactly as it was. The result is
validated as a whole by the loader's rules; problems are shown with their field and fix.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Sequence
from typing import Any

import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app_pages.widgets import BROWSER_MAX_INT
from sim.domain.vocabulary import ROLES, pretty
from sim.scenario.plans import Levers

UNITS = (
    ("_days", "days"),
    ("_hours", "hours"),
    ("_minutes", "minutes"),
    ("_share", "share 0-1"),
    ("_rate", "share 0-1"),
    ("factor", "times"),
    ("_per_week", "per week"),
)
# Outage kinds edited in the form: kind -> the fields of each window shown besides its timing
OUTAGE_FIELDS = {
    "down": (),
    "login_cap": ("share_of_staff", "sessions"),
    "slow": ("factor",),
    "email_loss": ("lost_share", "detection_days"),
    "office_cap": ("max_on_site", "home_kit_share"),
}

Path = tuple  # a field's place in a model's data: keys and list indices


def unit_of(name: str) -> str:
    """The unit a field's name gives (``duration_days``: days), or "" if its words say it
    already (``hours_per_week`` is not "hours per week (per week)")."""
    unit = next((unit for end, unit in UNITS if name.endswith(end)), "")
    return "" if unit and unit in pretty(name) else unit


def bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The field's lower and upper bounds (None: unbounded)."""
    low = high = None
    info = model.model_fields[name]
    for rule in [*info.metadata, *nested_rules(info.annotation)]:
        low = next(
            (v for v in (getattr(rule, a, None) for a in ("ge", "gt")) if v is not None), low
        )
        high = next(
            (v for v in (getattr(rule, a, None) for a in ("le", "lt")) if v is not None), high
        )
    return low, high


def nested_rules(annotation) -> list:
    """Constraints inside an annotation such as ``Share | None`` (Annotated in a union)."""
    rules = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, FieldInfo):
            rules += arg.metadata
        else:
            rules += nested_rules(arg)
    return rules


def number(model: type[BaseModel], name: str, value, key: str, label: str | None = None, where=st):
    """A number box for ``model.name``: its bounds, unit and description."""
    info = model.model_fields[name]
    low, high = bounds(model, name)
    high = None if high is None else min(high, BROWSER_MAX_INT)
    low = None if low is None else max(low, -BROWSER_MAX_INT)
    unit = unit_of(name)
    text = (label or pretty(name)) + (f" ({unit})" if unit else "")
    if isinstance(value, int) and not isinstance(value, bool) and info.annotation is not float:
        return where.number_input(
            text,
            int(low) if low is not None else None,
            int(high) if high is not None else None,
            int(value),
            step=1,
            key=key,
            help=info.description,
        )
    return where.number_input(
        text,
        float(low) if low is not None else None,
        float(high) if high is not None else None,
        float(value),
        format="%g",
        key=key,
        help=info.description,
    )


def at(data, path: Path):
    for part in path:
        data = data[part]
    return data


def changed(data: dict, boxes: dict[Path, object]) -> dict:
    """A copy of ``data`` with the value of each box the user changed (its value differs from
    the one it opened on); every other field exactly as it was."""
    new = copy.deepcopy(data)
    for path, value in boxes.items():
        if value != at(data, path):
            at(new, path[:-1])[path[-1]] = value
    return new


def scenario_boxes(data: dict, scope: str) -> dict[Path, object]:
    """The scenario form's boxes over a scenario's data (``scope``: its digest, in every
    widget key); returns each box's field and value."""
    from sim.scenario.outages import Moment, Outages, Window
    from sim.scenario.schema import Caseload, RoleSettings, RunSettings

    boxes: dict[Path, object] = {}

    def box(path: Path, model, name, label=None, where=st):
        key = "edit_" + scope + "_" + "_".join(map(str, path))
        boxes[path] = number(model, name, at(data, path), key, label, where)

    st.markdown("**Run**")
    cols: Sequence[Any] = st.columns(2)
    box(("run", "weeks"), RunSettings, "weeks", where=cols[0])
    box(("run", "seed"), RunSettings, "seed", where=cols[1])
    st.markdown("**Posts by role** (filled posts depend on each role's vacancy rate)")
    cols = st.columns(3)
    for i, role in enumerate(ROLES):
        box(("office", "staffing", role, "count"), RoleSettings, "count", pretty(role), cols[i % 3])
    st.markdown("**Caseload**")
    cols = st.columns(2)
    for i, name in enumerate(("cases", "new_cases_per_week")):
        box(("caseload", name), Caseload, name, where=cols[i])
    for kind, extra in OUTAGE_FIELDS.items():
        model = typing.get_args(Outages.model_fields[kind].annotation)[0]
        for i, window in enumerate(data["outages"][kind]):
            where = ("outages", kind, i)
            st.markdown(f"**Outage: {pretty(kind)} {pretty(window.get('system', ''))}** (#{i + 1})")
            cols = st.columns(3 + len(extra))
            box((*where, "start", "day"), Moment, "day", "starts on day", cols[0])
            box((*where, "start", "hour"), Moment, "hour", "at hour", cols[1])
            length = (
                "duration_days" if window.get("duration_days") is not None else "duration_hours"
            )
            box((*where, length), Window, length, where=cols[2])
            for j, name in enumerate(n for n in extra if window.get(n) is not None):
                box((*where, name), model, name, where=cols[3 + j])
    return boxes


def _lever_boxes(levers: dict, path: Path, scope: str, boxes: dict) -> None:
    for lever, values in levers.items():
        if not isinstance(values, dict):
            continue
        model = typing.get_args(Levers.model_fields[lever].annotation)[0]
        numbers = {
            k: v
            for k, v in values.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
        if not numbers:
            st.markdown(f"**{pretty(lever)}**: on (nothing to set)")
            continue
        st.markdown(f"**{pretty(lever)}**")
        cols = st.columns(len(numbers))
        for i, (name, value) in enumerate(numbers.items()):
            key = "lever_" + scope + "_" + "_".join(map(str, (*path, lever, name)))
            boxes[(*path, lever, name)] = number(model, name, value, key, where=cols[i])


def plan_boxes(data: dict, scope: str) -> dict[Path, object]:
    """Boxes for every number of a plan's levers, and for each timed decision its moment and
    its levers' numbers (``scope``: the plan's digest); returns each box's field and value."""
    from sim.scenario.outages import Moment

    boxes: dict[Path, object] = {}
    _lever_boxes(data["levers"], ("levers",), scope, boxes)
    for i, switch in enumerate(data.get("switches", [])):
        st.markdown(
            f"*Decision #{i + 1}: from this moment the levers below replace those in force*"
        )
        cols = st.columns(2)
        for j, name in enumerate(("day", "hour")):
            path = ("switches", i, "at", name)
            key = "lever_" + scope + "_" + "_".join(map(str, path))
            boxes[path] = number(
                Moment,
                name,
                switch["at"][name],
                key,
                "decision on day" if name == "day" else "at hour",
                cols[j],
            )
        _lever_boxes(switch["levers"], ("switches", i, "levers"), scope, boxes)
    return boxes
