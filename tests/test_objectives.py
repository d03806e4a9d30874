"""Continuity objectives (RTO, MTPD, MBCO) on constructed series with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from sim.results.objectives import assess
from sim.scenario.objectives import Objective

WORKING = np.array([d % 7 < 5 for d in range(28)])  # four weeks, Monday first
NORMAL = np.where(WORKING, 10.0, 0.0)  # the baseline completes 10 a working day
RECALLS = Objective(
    activity="Recall requests", tasks=("recall_request",), rto_days=3, mtpd_days=7, mbco=0.5
)


def series(levels_by_day: dict[int, float]) -> np.ndarray:
    out = NORMAL.copy()
    for day, value in levels_by_day.items():
        out[day] = value
    return out


def test_an_outage_that_stops_the_activity_for_a_week_breaches_rto_and_mbco_not_mtpd():
    # disrupted Monday day 7 to Friday day 11 (nothing done), normal again from Monday day 14
    completed = series({d: 0.0 for d in range(7, 12)})
    result = assess(RECALLS, completed, NORMAL, WORKING, start_day=7, restored_day=14)
    assert result["days_to_resume"] == 7.0
    assert result["rto_breached"] and not result["mtpd_breached"] and result["mbco_breached"]


def test_keeping_half_the_service_meets_every_objective():
    completed = series({d: 5.0 for d in range(7, 12)})  # exactly the MBCO during the outage
    result = assess(RECALLS, completed, NORMAL, WORKING, start_day=7, restored_day=14)
    assert result["days_to_resume"] == 0.0
    assert not (result["rto_breached"] or result["mtpd_breached"] or result["mbco_breached"])


def test_never_resumed_breaches_everything():
    completed = series({d: 1.0 for d in range(7, 28)})
    result = assess(RECALLS, completed, NORMAL, WORKING, start_day=7, restored_day=14)
    assert math.isinf(result["days_to_resume"])
    assert result["rto_breached"] and result["mtpd_breached"] and result["mbco_breached"]


def test_a_one_day_dip_after_restoration_is_not_an_mbco_breach():
    completed = series({15: 0.0})  # after restoration on day 14
    result = assess(RECALLS, completed, NORMAL, WORKING, start_day=7, restored_day=14)
    assert not result["mbco_breached"]
    assert result["days_to_resume"] == 0.0  # service never fell during the disruption


def test_rto_must_fall_within_mtpd():
    with pytest.raises(ValidationError, match="within the MTPD"):
        Objective(activity="x", tasks=("recall_request",), rto_days=8, mtpd_days=7, mbco=0.5)


def test_breach_probabilities_over_replications_known_answer():
    """Two replications: in one the activity stops for a week (RTO and MBCO breached), in the
    other it keeps half its service (nothing breached): each probability is 1/2, MTPD 0."""
    from office_runs import reference_scenario
    from sim.experiments.compare import NO_OUTAGE, objectives_table
    from sim.experiments.engines import RunOutcome

    scenario = reference_scenario().with_changes(
        **{
            "objectives": [RECALLS.model_dump()],
            "outages": {
                "down": [{"system": "email", "start": {"day": 7, "hour": 0}, "duration_days": 7}]
            },
        }
    )

    def outcome(label, replication, completed):
        return RunOutcome(label, replication, {}, {}, (), 0, {"Recall requests": tuple(completed)})

    outcomes = [
        outcome(NO_OUTAGE, 0, NORMAL),
        outcome(NO_OUTAGE, 1, NORMAL),
        outcome("Do nothing", 0, series({d: 0.0 for d in range(7, 12)})),
        outcome("Do nothing", 1, series({d: 5.0 for d in range(7, 12)})),
    ]
    table = objectives_table(outcomes, scenario, ["Do nothing"], weeks=4).iloc[0]
    assert table["p_rto_breached"] == 0.5 and table["p_mbco_breached"] == 0.5
    assert table["p_mtpd_breached"] == 0.0 and table["replications"] == 2


def test_objectives_in_an_experiment():
    from scenario_edits import REFERENCE
    from sim.experiments.compare import compare
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(REFERENCE.parent / "s02-ndelius-upgrade.yaml")
    experiment = compare(scenario, replications=2, weeks=6, engine="serial")
    table = experiment["objectives"].set_index("activity")
    assert set(table.index) == {o.activity for o in scenario.objectives}
    # four days without the case system: recall requests wait, so the 1-day RTO is breached
    assert table.loc["Recall requests", "p_rto_breached"] == 1.0
    assert (
        table[["p_rto_breached", "p_mtpd_breached", "p_mbco_breached"]].stack().between(0, 1).all()
    )
