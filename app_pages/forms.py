"""Forms that edit a scenario or a plan: number boxes built from the models' own fields.

Each box takes its bounds and help text from the pydantic field it edits, and its unit from the
field's name, so the form says what the file says. Edits are applied to the model's data and
validated as a whole by the loader's rules; problems are shown with their field and fix.
"""

from __future__ import annotations

import copy
import typing

import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app_pages.widgets import BROWSER_MAX_INT
from sim.plans import Levers, Plan
from sim.vocabulary import ROLES, pretty

UNITS = (("_days", "days"), ("_hours", "hours"), ("_minutes", "minutes"), ("_share", "share 0-1"),
         ("_rate", "share 0-1"), ("factor", "times"), ("_per_week", "per week"))
# Outage kinds edited in the form: kind -> the fields of each window shown besides its timing
OUTAGE_FIELDS = {"down": (), "login_cap": ("share_of_staff", "sessions"), "slow": ("factor",),
                 "email_loss": ("lost_share", "detection_days"),
                 "office_cap": ("max_on_site", "home_kit_share")}


def unit_of(name: str) -> str:
    return next((unit for end, unit in UNITS if name.endswith(end)), "")


def bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The field's lower and upper bounds (None: unbounded)."""
    low = high = None
    info = model.model_fields[name]
    for rule in [*info.metadata, *nested_rules(info.annotation)]:
        low = next((v for v in (getattr(rule, a, None) for a in ("ge", "gt")) if v is not None),
                   low)
        high = next((v for v in (getattr(rule, a, None) for a in ("le", "lt")) if v is not None),
                    high)
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


def number(model: type[BaseModel], name: str, value, key: str, label: str | None = None,
           where=st):
    """A number box for ``model.name``: its bounds, unit and description."""
    info = model.model_fields[name]
    low, high = bounds(model, name)
    high = None if high is None else min(high, BROWSER_MAX_INT)
    low = None if low is None else max(low, -BROWSER_MAX_INT)
    unit = unit_of(name)
    text = (label or pretty(name)) + (f" ({unit})" if unit else "")
    if isinstance(value, int) and not isinstance(value, bool) and info.annotation is not float:
        return where.number_input(text, int(low) if low is not None else None,
                                  int(high) if high is not None else None, int(value), step=1,
                                  key=key, help=info.description)
    return where.number_input(text, float(low) if low is not None else None,
                              float(high) if high is not None else None, float(value),
                              format="%g", key=key, help=info.description)


def scenario_edits(data: dict) -> dict:
    """The scenario form's boxes over a scenario's data; returns the edited copy."""
    from sim.config import Caseload, RoleSettings, RunSettings
    from sim.outages import Moment, Outages, Window

    new = copy.deepcopy(data)
    st.markdown("**Run**")
    cols = st.columns(2)
    new["run"]["weeks"] = number(RunSettings, "weeks", data["run"]["weeks"], "edit_weeks",
                                 where=cols[0])
    new["run"]["seed"] = number(RunSettings, "seed", data["run"]["seed"], "edit_seed",
                                where=cols[1])
    st.markdown("**Posts by role** (filled posts depend on each role's vacancy rate)")
    cols = st.columns(3)
    for i, role in enumerate(ROLES):
        settings = new["office"]["staffing"][role]
        settings["count"] = number(RoleSettings, "count", settings["count"], f"edit_{role}",
                                   label=pretty(role), where=cols[i % 3])
    st.markdown("**Caseload**")
    cols = st.columns(2)
    for i, name in enumerate(("cases", "new_cases_per_week")):
        new["caseload"][name] = number(Caseload, name, data["caseload"][name], f"edit_{name}",
                                       where=cols[i])
    for kind, extra in OUTAGE_FIELDS.items():
        model = Outages.model_fields[kind].annotation.__args__[0]
        for i, window in enumerate(new["outages"][kind]):
            what = window.get("system", "")
            st.markdown(f"**Outage: {pretty(kind)} {pretty(what)}** (#{i + 1})")
            cols = st.columns(3 + len(extra))
            window["start"]["day"] = number(Moment, "day", window["start"]["day"],
                                            f"edit_{kind}{i}_day", "starts on day", cols[0])
            window["start"]["hour"] = number(Moment, "hour", window["start"]["hour"],
                                             f"edit_{kind}{i}_hour", "at hour", cols[1])
            length = ("duration_days" if window.get("duration_days") is not None
                      else "duration_hours")
            window[length] = number(Window, length, window[length], f"edit_{kind}{i}_length",
                                    where=cols[2])
            for j, name in enumerate(n for n in extra if window.get(n) is not None):
                window[name] = number(model, name, window[name], f"edit_{kind}{i}_{name}",
                                      where=cols[3 + j])
    return new


def lever_edits(plan: Plan) -> Plan | dict:
    """Boxes for every number of the plan's levers; returns the edited data (validated later)."""
    data = plan.model_dump(mode="json")
    for lever, values in data["levers"].items():
        if not isinstance(values, dict):
            continue
        model = Levers.model_fields[lever].annotation.__args__[0]
        numbers = {k: v for k, v in values.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if not numbers:
            st.markdown(f"**{pretty(lever)}**: on (nothing to set)")
            continue
        st.markdown(f"**{pretty(lever)}**")
        cols = st.columns(len(numbers))
        for i, (name, value) in enumerate(numbers.items()):
            values[name] = number(model, name, value, f"lever_{lever}_{name}", where=cols[i])
    return data
