"""Random valid scenarios and plans never crash the model (hypothesis).

The generator draws small offices (every role, vacancies, absence, caseload, task durations up
to the schema's limits) with any mix of outages (every kind, any start, length and overlap) and
plans (any levers, with timed decisions), and checks three things of every run: it finishes,
every work item is accounted for exactly once, and each person's task hours in a week are no
more than the hours they were at work that week, including extra hours and overtime (hours
counted in the week they were worked). The example budget is fixed so the test fits CI.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from office_runs import reference_scenario
from sim import simulate
from sim.domain.vocabulary import RECORD_TASK_NAMES, ROLES, ROSH_LEVELS, SYSTEMS, TASK_NAMES
from sim.model.work import STATUSES
from sim.scenario.plans import Plan
from sim.scenario.scaling import scaled
from sim.scenario.schema import Scenario

pytestmark = pytest.mark.slow  # about a minute: not in make test-quick

EXAMPLES = 60
BASE = scaled(reference_scenario(), 0.1).model_dump(mode="json")

days = st.integers(0, 13)
hours = st.floats(0, 23.9, allow_nan=False)
shares = st.floats(0, 1, allow_nan=False)


@st.composite
def moments(draw) -> dict:
    return {"day": draw(days), "hour": round(draw(hours), 2)}


@st.composite
def windows(draw, **fields) -> dict:
    length = draw(st.sampled_from(["duration_days", "duration_hours"]))
    size = (
        draw(st.floats(0, 6, allow_nan=False))
        if length == "duration_days"
        else draw(st.floats(0, 60, allow_nan=False))
    )
    return {"start": draw(moments()), length: round(size, 2), **fields}


@st.composite
def outages(draw) -> dict:
    system = st.sampled_from(SYSTEMS)
    found: dict[str, list] = {}
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "down",
                    "login_cap",
                    "slow",
                    "email_loss",
                    "record_loss",
                    "work_lost",
                    "office_cap",
                    "surges",
                    "staff_absent",
                ]
            )
        )
        if kind == "down":
            item = draw(windows(system=draw(system)))
        elif kind == "login_cap":
            cap = (
                {"sessions": draw(st.integers(0, 12))}
                if draw(st.booleans())
                else {"share_of_staff": round(draw(shares), 3)}
            )
            item = draw(windows(system=draw(system), **cap))
        elif kind == "slow":
            item = draw(
                windows(
                    system=draw(system), factor=round(draw(st.floats(1, 20, allow_nan=False)), 2)
                )
            )
        elif kind == "email_loss":
            item = draw(
                windows(
                    lost_share=round(draw(shares), 2),
                    detection_days=round(draw(st.floats(0, 10)), 2),
                )
            )
        elif kind == "office_cap":
            item = draw(
                windows(max_on_site=draw(st.integers(0, 15)), home_kit_share=round(draw(shares), 2))
            )
        elif kind == "staff_absent":
            item = draw(windows(role=draw(st.sampled_from(ROLES)), staff=draw(st.integers(1, 30))))
        elif kind == "work_lost":
            item = {
                "at": draw(moments()),
                "task": draw(st.sampled_from(RECORD_TASK_NAMES)),
                "share": round(draw(shares), 2),
                "completed_within_days": round(draw(st.floats(0, 10)), 2),
            }
        elif kind == "record_loss":
            item = {
                "at": draw(moments()),
                "share": round(draw(shares), 2),
                "reconstruction_minutes": draw(st.integers(1, 240)),
            }
        else:
            item = {
                "at": draw(moments()),
                "task": draw(st.sampled_from(TASK_NAMES)),
                "share_of_cases": round(draw(shares), 2),
                "due_working_days": draw(st.integers(0, 20)),
            }
        found.setdefault(kind, []).append(item)
    return found


@st.composite
def scenarios(draw) -> dict:
    data = {**BASE, "outages": draw(outages())}
    staffing = data["office"]["staffing"]
    for role in ROLES:
        staffing[role] = {
            **staffing[role],
            "count": draw(st.integers(1, 8)),
            "vacancy_rate": round(draw(st.floats(0, 0.5)), 2),
            "case_work_share": round(draw(st.floats(0.05, 1)), 2),
        }
    data["office"]["absence"] = {
        "sickness_days_per_year": round(draw(st.floats(0, 60)), 1),
        "sickness_spell_days": round(draw(st.floats(1, 20)), 1),
        "annual_leave_days_per_year": round(draw(st.floats(0, 40)), 1),
    }
    data["caseload"] = {
        **data["caseload"],
        "cases": draw(st.integers(0, 300)),
        "new_cases_per_week": round(draw(st.floats(0, 30)), 1),
        "failure_to_attend_probability": round(draw(shares), 2),
    }
    tasks = data["tasks"]
    for task in draw(st.lists(st.sampled_from(TASK_NAMES), max_size=4, unique=True)):
        tasks[task] = {
            **tasks[task],
            "duration": {
                "distribution": draw(st.sampled_from(["lognormal", "exponential", "fixed"])),
                "mean_minutes": round(draw(st.floats(0.5, 24 * 60)), 1),
                "cv": round(draw(st.floats(0, 2)), 2),
            },
        }
    return data


@st.composite
def levers(draw) -> dict:
    found: dict = {}
    if draw(st.booleans()):
        found["paper_fallback"] = {
            "paper_factor": round(draw(st.floats(1, 5)), 2),
            "error_rate": round(draw(shares), 2),
        }
    if draw(st.booleans()):
        found["printed_risk_register"] = {"refresh_days": round(draw(st.floats(1, 30)), 1)}
    if draw(st.booleans()):
        found["day_lists"] = {}
    if draw(st.booleans()):
        found["login_rota"] = {"slot_hours": round(draw(st.floats(0.5, 8)), 1)}
    if draw(st.booleans()):
        level = draw(st.sampled_from(ROSH_LEVELS))
        found["triage"] = {
            "defer_levels": [level],
            "protect_levels": [x for x in ROSH_LEVELS if x != level][:1],
        }
    if draw(st.booleans()):
        found["overtime"] = {"hours_per_week": round(draw(st.floats(0.5, 20)), 1)}
    if draw(st.booleans()):
        start = draw(days)
        found["mutual_aid"] = {
            "staff": draw(st.integers(1, 5)),
            "from_day": start,
            "until_day": start + draw(st.integers(0, 10)),
        }
    if draw(st.booleans()):
        found["alternative_channel"] = {"extra_minutes": round(draw(st.floats(0, 60)), 1)}
    if draw(st.booleans()):
        found["home_working"] = {"kit_share": round(draw(shares), 2)}
    return found


@st.composite
def plans(draw) -> dict:
    switches = [
        {"at": draw(moments()), "levers": draw(levers())} for _ in range(draw(st.integers(0, 2)))
    ]
    return {"name": "Random plan", "levers": draw(levers()), "switches": switches}


def valid_inputs(scenario: dict, plan: dict) -> tuple[Scenario, Plan]:
    """The scenario and plan as the schema reads them; an example the schema refuses is not a
    valid input, and hypothesis is told to draw another."""
    try:
        return Scenario.model_validate(scenario), Plan.model_validate(plan)
    except ValidationError:
        reject()
        raise  # (reject raises)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios(), plans(), st.integers(0, 2**31), st.integers(1, 2))
def test_random_valid_scenarios_and_plans_never_crash(scenario, plan, seed, weeks):
    valid, chosen = valid_inputs(scenario, plan)
    result = simulate(valid, plan=chosen, seed=seed, weeks=weeks)
    items = result["work_items"]
    counts = items["status"].value_counts()
    assert sum(result.measure(f"items_{s}") for s in STATUSES) == len(items)
    assert all(result.measure(f"items_{s}") == counts.get(s, 0) for s in STATUSES)
    done = items[items["finished_minute"].notna()]
    assert (done["started_minute"] <= done["finished_minute"]).all()
    assert not (items["finished_minute"].notna() & items["cancelled_minute"].notna()).any()
    weekly = result["staff_weekly"]
    room = weekly["hours_at_work"] + weekly["extra_hours"] + weekly["overtime_hours"]
    over = weekly["task_hours"] - room
    assert (over <= 1e-6).all(), weekly[over > 1e-6].head().to_dict("records")
    assert np.isfinite(weekly["hours_worked"]).all()


SMALL = scaled(reference_scenario(), 0.25)
REPRODUCERS = {  # inputs that once crashed the model
    "a slowdown of 20 times (work runs through the next shift)": {
        "outages.slow": [
            {
                "system": "case_system",
                "factor": 20,
                "start": {"day": 3, "hour": 9},
                "duration_days": 5,
            }
        ]
    },
    "two login caps on one system at once": {
        "outages.login_cap": [
            {
                "system": "case_system",
                "sessions": 5,
                "start": {"day": 3, "hour": 9},
                "duration_days": 5,
            },
            {
                "system": "case_system",
                "sessions": 3,
                "start": {"day": 4, "hour": 9},
                "duration_days": 5,
            },
        ]
    },
    "a 180-minute breach pack with cv 1": {
        "tasks.breach_action.duration": {
            "distribution": "lognormal",
            "mean_minutes": 180,
            "cv": 1.0,
        }
    },
}


@pytest.mark.parametrize("changes", REPRODUCERS.values(), ids=list(REPRODUCERS))
def test_inputs_that_once_crashed_the_model_run(changes):
    scenario = SMALL.with_changes(**changes)
    for seed in range(1, 4):
        result = simulate(scenario, seed=seed, weeks=3)
        assert len(result["work_items"]) > 0
