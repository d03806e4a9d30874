"""Branching is exact: a decision taken at a moment of the run (a plan's timed switch) leaves
everything before that moment as it was, on the same random numbers, and changes what comes
after. This is what lets a tabletop exercise re-simulate each option from the start and show
the room only the decision's consequences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.domain.calendar import DAY, HOUR, WEEK
from sim.run import simulate
from sim.scenario.loader import load_scenario
from sim.scenario.plans import Plan

ROOT = Path(__file__).resolve().parents[1]
DECISION_DAY = 22  # S2's outage began on day 21: the room decides the next morning


@pytest.fixture(scope="module")
def branches():
    s2 = load_scenario(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml")
    options = {
        "wait": Plan(name="wait"),
        "paper and overtime": Plan.model_validate(
            {
                "name": "paper and overtime",
                "switches": [
                    {
                        "at": {"day": DECISION_DAY, "hour": 9.0},
                        "levers": {"paper_fallback": {}, "overtime": {"hours_per_week": 5}},
                    }
                ],
            }
        ),
    }
    return {name: simulate(s2, plan=plan, seed=3, weeks=6) for name, plan in options.items()}


def _before(items, cut: float):
    """What was known of the work items at minute ``cut``: those created by then, with each
    time that had happened by then (later ones blanked)."""
    known = items[items["created_minute"] < cut].sort_values("item_id").reset_index(drop=True)
    for column in [c for c in known.columns if c.endswith("_minute")]:
        values = known[column].to_numpy(dtype=float, copy=True)
        values[values >= cut] = np.nan
        known[column] = values
    return known


def test_the_past_up_to_the_decision_is_identical_and_the_future_differs(branches):
    wait, act = branches["wait"], branches["paper and overtime"]
    cut = DECISION_DAY * DAY + 9 * HOUR
    for name in ("backlog_daily", "rekeying_debt_daily", "completed_daily"):
        a, b = wait[name], act[name]
        before = a["day"] < DECISION_DAY
        assert a[before].equals(b[before]), name
        assert not a[~before].equals(b[~before]), name
    whole_weeks = int(cut // WEEK)  # weeks that ended before the decision
    a, b = (r["staff_weekly"] for r in (wait, act))
    assert a[a["week"] < whole_weeks].equals(b[b["week"] < whole_weeks])
    items_a = _before(wait["work_items"], cut)
    items_b = _before(act["work_items"], cut)
    columns = [c for c in items_a.columns if c.endswith("_minute") or c in ("item_id", "task")]
    assert items_a[columns].equals(items_b[columns])
