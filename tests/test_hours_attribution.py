"""Hours count in the week they were worked, split at midnight, and none worked before the end of
the run is lost: the work in hand and the late hours of a day still under way when the run stops
are counted up to its last minute."""

from __future__ import annotations

import numpy as np
import pytest

from scenario_edits import REFERENCE
from sim.domain.calendar import HOUR, WEEK
from sim.model.staff import add_by_week
from sim.run import simulate
from sim.scenario.loader import load_scenario
from sim.scenario.plans import DO_NOTHING


@pytest.fixture(scope="module")
def reference():
    return load_scenario(REFERENCE)


def _office_days(reference, days: tuple[str, ...], start_hour: float, hours: float):
    """The reference office working only ``days`` from ``start_hour``, everyone full time on
    ``hours`` a week (so each shift lasts ``hours / len(days)``)."""
    changes: dict[str, object] = {
        "calendar.working_days": days,
        "calendar.day_start_hour": start_hour,
    }
    for role in reference.office.staffing.model_dump():
        changes[f"office.staffing.{role}.contracted_hours"] = hours
        changes[f"office.staffing.{role}.part_time_share"] = 0.0
        changes[f"office.staffing.{role}.part_time_hours"] = min(hours, 7.0)
    return reference.with_changes(**changes)


def test_time_is_split_at_the_midnight_that_starts_a_week():
    weeks = [0.0, 0.0, 0.0]  # two weeks and the bucket for after the run
    add_by_week(weeks, WEEK - 2 * HOUR, 5 * HOUR)  # Sunday 22:00 to Monday 03:00
    assert weeks == [2 * HOUR, 3 * HOUR, 0.0]
    add_by_week(weeks, 2 * WEEK - HOUR, 3 * WEEK)  # past the run: kept apart, then dropped
    assert weeks == [2 * HOUR, 4 * HOUR, WEEK]


def test_a_shift_over_the_end_of_the_week_counts_only_its_part_before_midnight(reference):
    """Saturday and Sunday from 16:00, 18.5 h each: Sunday's shift runs to Monday 10:30, and
    only its 8 hours before midnight are hours at work in the run's only week."""
    scenario = _office_days(reference, ("sat", "sun"), 16.0, 37.0)
    weekly = simulate(scenario, seed=1, weeks=1)["staff_weekly"]
    assert weekly["hours_at_work"].max() == pytest.approx(18.5 + 8.0)


@pytest.mark.parametrize("days,hours", [(("sun",), 7.5), (("sat", "sun"), 37.0)])
def test_work_under_way_when_the_run_ends_is_counted(reference, days, hours):
    """Sunday work from 16:00, running past the end of the run at midnight: the task hours are
    the time spent on work items up to the run's end, to the minute, and the late hours of a
    day past its end (23:30 for a 7.5-hour day) include the work in hand after it."""
    scenario = _office_days(reference, days, 16.0, hours)
    result = simulate(scenario, plan=DO_NOTHING, seed=1, weeks=1)
    items, weekly = result["work_items"], result["staff_weekly"]
    started = items[items["started_minute"].notna()]
    in_hand = started[started["finished_minute"].isna()]
    assert len(in_hand) > 0, "the case needs work under way at the end of the run"
    end = WEEK
    # the time worked on every item, to the minute: work under way at the end counts up to it
    assert weekly["task_hours"].sum() == pytest.approx(items["work_minutes"].sum() / HOUR)
    assert (in_hand["work_minutes"] > 0).all()
    assert (in_hand["work_minutes"] <= end - in_hand["started_minute"] + 1e-6).all()
    per_person = weekly.groupby("staff_id")[["task_hours", "hours_worked"]].sum()
    assert (per_person["task_hours"] <= per_person["hours_worked"] + 1e-9).all()
    if len(days) == 1:  # the day ends at 23:30: what is in hand after it is late work
        day_end = end - 0.5 * HOUR
        # worked on in one go up to the end (not desk work broken off and waiting to resume)
        to_the_end = in_hand[
            (end - in_hand["started_minute"] - in_hand["work_minutes"]).abs() < 1e-6
        ]
        after_day = (end - np.maximum(to_the_end["started_minute"], day_end)).sum() / HOUR
        late = weekly["extra_hours"].sum() + weekly["overtime_hours"].sum()
        assert late >= after_day - 1e-9
