"""The extremes of every bounded field never crash the model, hang it, or lose work (hypothesis).

Random valid scenarios and plans as in ``test_property``, then each numeric field the schema
bounds (every duration, every rate and share of the caseload and staff, every outage's share,
length and detection, every lever's setting) is, at random, left as it is or set to its lowest
value, its highest, or anything between: a field bounded ``gt=0`` goes as low as 1e-300. Each
run must finish within a limit of events (stopping at the limit, with the reason, counts as
holding: no input may hang a worker), never show a negative backlog, and account for every work
item once. The size of the office (cases, posts, new cases a week) is drawn up to twice the
test office's, not to the schema's 150,000 cases: past that only the cost grows, which
``test_watchdog`` covers with the limits.
"""

from __future__ import annotations

import math
import types
import typing

import annotated_types
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim import RunLimitError, RunLimits, simulate
from sim.model.work import STATUSES
from sim.scenario.outages import Outages
from sim.scenario.plans import Levers
from sim.scenario.schema import Caseload, Scenario, Task
from test_property import levers, outages, scenarios, valid_inputs

pytestmark = pytest.mark.slow

EXAMPLES = 1000
LIMITS = RunLimits(max_events=100_000)
TINY = 1e-300  # the lowest a field bounded gt=0 is driven to
SIZE_FIELDS = {"cases": 600, "count": 20, "new_cases_per_week": 100.0}  # highest drawn


def _bounds(info) -> tuple[float | None, float | None, bool]:
    """A numeric field's lowest and highest allowed value (None: unbounded), and whether it is
    an integer field."""
    low = high = None
    exclusive_low = False
    for rule in info.metadata:
        if isinstance(rule, annotated_types.Ge):
            low = rule.ge
        elif isinstance(rule, annotated_types.Gt):
            low, exclusive_low = rule.gt, True
        elif isinstance(rule, annotated_types.Le):
            high = rule.le
        elif isinstance(rule, annotated_types.Lt):
            high = math.nextafter(rule.lt, -math.inf)
    kind = _numeric(info.annotation)
    if low is not None and exclusive_low:
        low = low + 1 if kind is int else max(low, 0.0) + TINY if low == 0 else low * (1 + 1e-12)
    return low, high, kind is int


def _numeric(annotation) -> type | None:
    if annotation in (int, float):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        found = [a for a in typing.get_args(annotation) if a in (int, float)]
        return found[0] if found else None
    if typing.get_origin(annotation) is typing.Annotated:
        return _numeric(typing.get_args(annotation)[0])
    return None


@st.composite
def extremes(draw, model: type[BaseModel], data: dict) -> dict:
    """``data`` (a dict for ``model``) with its bounded numeric fields, and those of its nested
    models present in ``data``, each left, or set to its lowest, highest or a value between."""
    out = dict(data)
    for name, info in model.model_fields.items():
        value = out.get(name)
        nested = _model(info.annotation)
        if nested is not None and isinstance(value, dict):
            out[name] = draw(extremes(nested, value))
            continue
        low, high, whole = _bounds(info)
        if low is None or high is None or (out.get(name) is None and info.default is None):
            continue  # unbounded, or an optional field the data leaves out
        if name in SIZE_FIELDS:
            high = min(high, SIZE_FIELDS[name])
        choice = draw(st.sampled_from(["keep", "keep", "low", "high", "between"]))
        if choice == "low":
            out[name] = low
        elif choice == "high":
            out[name] = high
        elif choice == "between":
            out[name] = (
                draw(st.integers(int(low), int(high)))
                if whole
                else draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
            )
    return _consistent(out)


def _consistent(data: dict) -> dict:
    """Pairs of fields the schema checks against each other, put in order, so an example is a
    valid input with its fields at their extremes rather than one the schema refuses."""
    for low, high in (
        ("min", "max"),
        ("risk_check_max_wait_minutes", "appointment_max_wait_minutes"),
        ("part_time_hours", "contracted_hours"),
        ("from_day", "until_day"),
    ):
        a, b = data.get(low), data.get(high)
        if isinstance(a, int | float) and isinstance(b, int | float) and a > b:
            data[low], data[high] = b, a
    if data.get("until_day") is not None and data.get("from_day") == data["until_day"]:
        data["from_day"] = min(data["from_day"], 3649)  # aid lasts at least a day
        data["until_day"] = data["from_day"] + 1
    return data


def _model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        found = _model(inner)
        if found is not None:
            return found
    return None


@st.composite
def extreme_outages(draw) -> dict:
    found = draw(outages())
    for kind, items in found.items():
        model = _model(Outages.model_fields[kind].annotation)
        assert model is not None
        found[kind] = [draw(extremes(model, item)) for item in items]
    return found


@st.composite
def extreme_scenarios(draw) -> dict:
    data = draw(scenarios())
    data["outages"] = draw(extreme_outages())
    data["caseload"] = draw(extremes(Caseload, data["caseload"]))
    data["office"] = draw(extremes(Scenario.model_fields["office"].annotation, data["office"]))
    for role in data["office"]["staffing"].values():  # every role keeps someone in post
        if role["count"] * (1 - role["vacancy_rate"]) < 1.5:
            role["count"], role["vacancy_rate"] = max(role["count"], 2), 0.0
    for task, spec in data["tasks"].items():
        data["tasks"][task] = draw(extremes(Task, spec))
    return data


@st.composite
def extreme_plans(draw) -> dict:
    chosen = draw(levers())
    chosen = draw(extremes(Levers, chosen))
    switches = [
        {
            "at": {"day": draw(st.integers(0, 13)), "hour": 9},
            "levers": draw(extremes(Levers, draw(levers()))),
        }
        for _ in range(draw(st.integers(0, 1)))
    ]
    return {"name": "Extreme plan", "levers": chosen, "switches": switches}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(extreme_scenarios(), extreme_plans(), st.integers(0, 2**31), st.integers(1, 2))
def test_the_extremes_of_every_bounded_field_never_crash_hang_or_lose_work(
    scenario, plan, seed, weeks
):
    valid, chosen = valid_inputs(scenario, plan)
    try:
        result = simulate(valid, plan=chosen, seed=seed, weeks=weeks, limits=LIMITS)
    except RunLimitError as stopped:  # held: stopped at the limit with its reason and fix
        assert "Fix:" in str(stopped)
        event("stopped at the limit")
        return
    items = result["work_items"]
    counts = items["status"].value_counts()
    assert sum(result.measure(f"items_{s}") for s in STATUSES) == len(items)
    assert all(result.measure(f"items_{s}") == counts.get(s, 0) for s in STATUSES)
    assert (result["backlog_daily"]["backlog"] >= 0).all()
    assert result.measure("backlog_mean") >= 0
