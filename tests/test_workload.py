"""WMT workload measures (sim/results/workload.py): available points, case points and capacity
%, the
110%-for-4-weeks rule on WMT capacity and on hours, tiers drawn without disturbing the other
random numbers, and overtime from a plan showing up in hours worked."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from scenario_edits import REFERENCE
from sim import simulate
from sim.domain.calendar import WEEK
from sim.domain.wmt import CASE_POINTS, available_points, capacity_percent, default_tier_mix
from sim.model.caseload import Case, draw_cases
from sim.results.summary import SUMMARY, RunTables
from sim.results.workload import (
    longest_run,
    people_over,
    weekly_case_points,
    with_wmt,
)
from sim.scenario.loader import load_scenario
from sim.scenario.plans import Levers, Overtime, Plan
from sim.scenario.schema import Caseload

OUTAGE = {"down": [{"system": "case_system", "start": {"day": 7, "hour": 9}, "duration_days": 3}]}


@pytest.fixture(scope="module")
def reference():
    return load_scenario(REFERENCE)


@pytest.fixture(scope="module")
def reference_run(reference):
    return simulate(reference, seed=1, weeks=8)


# ----------------------------------------------------------------------------- formulas
def test_available_points_formula():
    assert available_points(37.0) == pytest.approx(2176.0)
    assert available_points(22.2) == pytest.approx(1305.6)
    assert available_points(37.0, reduction_hours=7.4) == pytest.approx(2176.0 * 0.8)
    assert available_points(0.0) == 0.0


def test_points_per_case_by_tier():
    assert len(CASE_POINTS) == 16
    assert (
        CASE_POINTS["A3"],
        CASE_POINTS["A0"],
        CASE_POINTS["B0"],
        CASE_POINTS["C2"],
        CASE_POINTS["D2"],
        CASE_POINTS["D0"],
    ) == (206, 110, 72, 63, 41, 29)
    assert capacity_percent(2176.0, 2176.0) == 100.0
    assert np.isnan(capacity_percent(10.0, 0.0))


def _case(id, tier, holder, start=0.0, ended=None):
    c = Case(id, 1, False, False, False, "Probation Service", False, 14, start, 10_000, [0.5], tier)
    c.holder, c.ended = holder, ended
    return c


def test_capacity_for_a_constructed_caseload():
    """Cases count for their holder in a week if allocated by the week's start and not ended by
    then; new cases from the finish of their case allocation."""
    po = SimpleNamespace(id=0, role="probation_officer")
    pso = SimpleNamespace(id=1, role="probation_services_officer")
    desk = SimpleNamespace(id=2, role="reception")
    cases = [
        _case(0, "A3", po),  # on the books from the start, never ends
        _case(1, "B0", po, ended=1.5 * WEEK),  # ends in week 1: held at the start of weeks 0, 1
        _case(2, "C2", pso, start=0.5 * WEEK),  # allocated at 1.2 weeks: counts from week 2
        _case(3, "A3", None, start=0.2 * WEEK),  # never allocated
    ]
    items = pd.DataFrame(
        {
            "task": ["case_allocation", "court_results_entry"],
            "case_id": [2, 3],
            "finished_minute": [1.2 * WEEK, 0.3 * WEEK],
        }
    )
    office = SimpleNamespace(cases=cases, staff=[po, pso, desk], weeks=3)
    points = weekly_case_points(office, items).set_index(["staff_id", "week"])["case_points"]
    assert points.to_dict() == {
        (0, 0): 278.0,
        (0, 1): 278.0,
        (0, 2): 206.0,
        (1, 0): 0.0,
        (1, 1): 0.0,
        (1, 2): 63.0,
    }
    staff = pd.DataFrame(
        {
            "staff_id": [0] * 3 + [1] * 3 + [2] * 3,
            "week": [0, 1, 2] * 3,
            "role": ["probation_officer"] * 3
            + ["probation_services_officer"] * 3
            + ["reception"] * 3,
            "contracted_hours": [37.0] * 3 + [22.2] * 3 + [37.0] * 3,
            "workload": [1.0] * 9,
        }
    )
    out = with_wmt(staff, weekly_case_points(office, items)).set_index(["staff_id", "week"])
    assert out.loc[(0, 0), "wmt_capacity"] == pytest.approx(100 * 278 / 2176)
    assert out.loc[(1, 2), "wmt_capacity"] == pytest.approx(100 * 63 / 1305.6)
    assert out.loc[(1, 2), "available_points"] == pytest.approx(1305.6)
    assert out.loc[2, ["case_points", "available_points", "wmt_capacity"]].isna().all().all()


# ----------------------------------------------------------------------------- 4-week rule
def test_longest_run():
    assert longest_run([]) == 0
    assert longest_run([True, True, False, True, True, True]) == 3


def test_over_110_for_4_consecutive_weeks():
    series = {
        1: [120, 120, 120, 100, 100, 100],  # 3 weeks over: not counted
        2: [100, 111, 115, 140, 112, 100],  # 4 weeks over: counted
        3: [120, 120, 100, 120, 120, 120],  # broken run of 2 then 3: not counted
        4: [110, 110, 110, 110, 110, 110],  # at 110, not above: not counted
        5: [np.nan] * 6,  # no WMT capacity (not a practitioner)
        6: [130] * 6,  # 6 weeks over: counted
    }
    rows = [
        (sid, week, value) for sid, values in series.items() for week, value in enumerate(values)
    ]
    frame = pd.DataFrame(rows, columns=["staff_id", "week", "wmt_capacity"])
    assert people_over(frame.sample(frac=1.0, random_state=0), "wmt_capacity", 110.0) == 2
    frame["workload"] = frame["wmt_capacity"] / 100
    empty = pd.DataFrame()
    tables = RunTables(empty, empty, frame, empty, 0.0)
    assert SUMMARY["staff_over_110_for_4_weeks"](tables) == 2.0
    assert SUMMARY["staff_over_110_hours_4_weeks"](tables) == 2.0


# ----------------------------------------------------------------------------- the model
def test_reference_office_wmt_capacity_is_plausible(reference_run):
    """National WMT capacity was ~112-120% in 2023-24 (DOMAIN.md); the model is not tuned to it,
    only bounded loosely."""
    sw = reference_run["staff_weekly"]
    practitioners = sw["role"].isin(["probation_officer", "probation_services_officer"])
    assert sw.loc[practitioners, "wmt_capacity"].notna().all()
    assert sw.loc[~practitioners, ["case_points", "wmt_capacity"]].isna().all().all()
    hours = sw.loc[practitioners, "contracted_hours"]
    assert np.allclose(sw.loc[practitioners, "available_points"], 2176.0 * hours / 37.0)
    mean = reference_run.measure("wmt_capacity_mean")
    assert mean == pytest.approx(sw.loc[practitioners, "wmt_capacity"].mean())
    assert 40.0 < mean < 200.0
    # every practitioner holds cases, and no case is counted twice
    assert (sw.loc[practitioners, "case_points"] > 0).all()
    n = reference_run.measure("staff_over_110_for_4_weeks")
    assert 0 <= n <= sw.loc[practitioners, "staff_id"].nunique()


def test_tiers_follow_the_mix_and_leave_the_stream_alone(reference):
    caseload = reference.caseload
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    cases = draw_cases(caseload, 4000, 0, 0.0, 56, False, rng_a)
    all_d = {level: {"D": 1.0} for level in caseload.tier_mix}
    other = draw_cases(
        caseload.model_copy(update={"tier_mix": all_d}), 4000, 0, 0.0, 56, False, rng_b
    )
    assert rng_a.random() == rng_b.random(), "the tier draw moved the caseload stream"
    assert all(o.tier[0] == "D" for o in other)
    for a, b in zip(cases, other, strict=True):
        assert (a.rosh, a.licence, a.end_day, a.attendance) == (
            b.rosh,
            b.licence,
            b.end_day,
            b.attendance,
        )
    mix = default_tier_mix()
    for rosh, level in enumerate(("low", "medium", "high", "very_high")):
        letters = pd.Series([c.tier[0] for c in cases if c.rosh == rosh])
        for letter, share in mix[level].items():
            assert abs((letters == letter).mean() - share) < 0.05, (level, letter)
    assert {c.tier[1] for c in cases} == {"0", "1", "2", "3"}


def test_tier_mix_changes_no_demand(reference):
    """The tier stream is separate: a different tier mix gives the same people, court results
    and contacts falling due (cases are allocated by WMT points, so who holds a case, and so
    when work is done, may change)."""
    all_d = {level: {"D": 1.0} for level in reference.caseload.tier_mix}
    other = reference.with_changes(**{"caseload.tier_mix": all_d})
    a = simulate(reference, seed=1, weeks=2)
    b = simulate(other, seed=1, weeks=2)
    for task in ("court_results_entry", "recall_request", "risk_escalation", "case_transfer"):
        created = [r["work_items"] for r in (a, b)]
        first, second = (w[w["task"] == task][["case_id", "created_minute"]] for w in created)
        pd.testing.assert_frame_equal(
            first.reset_index(drop=True), second.reset_index(drop=True), check_exact=True
        )
    assert b.measure("wmt_capacity_mean") < a.measure("wmt_capacity_mean")


def test_demand_pinned_from_before_tiers_were_added(reference):
    """Counts of seed 1, 2 weeks, pinned when the reference office was calibrated (3,000
    cases, stationary starting caseload): drawing tiers must not move the caseload or intake
    streams. (These are demand counts, so calibrating durations or deadlines leaves them alone;
    a change to how cases or contacts are drawn will not.)"""
    result = simulate(reference, seed=1, weeks=2)
    items = result["work_items"]
    # a contact rebooked after the person left unseen is the same demand, booked again
    counts = items[items["outcome"] != "rebooked"]["task"].value_counts()
    assert {
        t: int(counts[t])
        for t in (
            "supervision_contact",
            "assessment_review",
            "court_results_entry",
            "risk_escalation",
            "recall_request",
            "case_transfer",
            "enforcement_action",
        )
    } == {
        "supervision_contact": 3044,
        "assessment_review": 321,
        "court_results_entry": 103,
        "risk_escalation": 127,
        "recall_request": 18,
        "case_transfer": 14,
        "enforcement_action": 139,
    }
    assert result.measure("contacts_held") == 2890.0  # (2888 before appointments ran on time)
    assert (int(items["case_id"].max()), int(items["case_id"].nunique())) == (3102, 2696)


def test_tier_mix_must_add_up_and_cover_every_level(reference):
    data = reference.caseload.model_dump()
    data["tier_mix"] = {**default_tier_mix(), "high": {"A": 0.5, "B": 0.4}}
    with pytest.raises(ValidationError, match=r"tier_mix.high shares add up to 0.9"):
        Caseload.model_validate(data)
    data["tier_mix"] = {k: v for k, v in default_tier_mix().items() if k != "low"}
    with pytest.raises(ValidationError, match="tier_mix has no entry for low"):
        Caseload.model_validate(data)
    data["tier_mix"] = {**default_tier_mix(), "low": {"E": 1.0}}
    with pytest.raises(ValidationError):
        Caseload.model_validate(data)


def test_overtime_from_the_plan_shows_in_hours_worked(reference):
    outage = reference.with_changes(outages=OUTAGE)
    plan = Plan(name="x", levers=Levers(overtime=Overtime(hours_per_week=5)))
    with_overtime = simulate(outage, plan=plan, seed=1, weeks=3)["staff_weekly"]
    without = simulate(outage, seed=1, weeks=3)["staff_weekly"]
    assert with_overtime["overtime_hours"].sum() > 0
    assert without["overtime_hours"].sum() == 0
    assert np.allclose(
        with_overtime["hours_worked"],
        with_overtime["hours_at_work"]
        + with_overtime["extra_hours"]
        + with_overtime["overtime_hours"],
    )
    assert with_overtime["hours_worked"].sum() > without["hours_worked"].sum()
    # only the roles the lever names, and at most the weekly cap each
    assert (
        with_overtime.loc[with_overtime["overtime_hours"] > 0, "role"]
        .isin(["probation_officer", "probation_services_officer"])
        .all()
    )
    assert with_overtime["overtime_hours"].max() <= 5.0 + 1e-9


@pytest.mark.slow
def test_caseloads_are_spread_across_practitioners_so_the_110_rule_can_move(reference):
    """Allocation within teams whose vacancies differ leaves caseloads spread as in real
    offices: some practitioners over 110% WMT capacity for 4 weeks, not all (every one of 78
    used to sit at the mean, over 110% in every run, with or without an outage)."""
    result = simulate(reference, seed=1, weeks=8)
    staff = result["staff_weekly"]
    capacity = staff[staff["wmt_capacity"].notna()].groupby("staff_id")["wmt_capacity"].mean()
    assert capacity.std() > 4.0
    over = result.measure("staff_over_110_for_4_weeks")
    assert 0 < over < len(capacity)
    # a court-results outage delays allocations, and the people over 110% change with it
    down = {"system": "court_feed", "start": {"day": 21, "hour": 9}, "duration_days": 5}
    outage = reference.with_changes(**{"outages": {"down": [down]}})
    moved = [
        simulate(outage, seed=seed, weeks=8).measure("staff_over_110_for_4_weeks")
        != simulate(reference, seed=seed, weeks=8).measure("staff_over_110_for_4_weeks")
        for seed in (1, 2, 3)
    ]
    assert any(moved)


def test_one_team_allocates_as_the_whole_office_did(reference):
    """With one team (or every team within the tolerance) allocation is to the least loaded
    of the whole office."""
    one = reference.with_changes(**{"office.teams": 1})
    staff = simulate(one, seed=1, weeks=4)["staff_weekly"]
    capacity = staff[staff["wmt_capacity"].notna()].groupby("staff_id")["wmt_capacity"].mean()
    assert capacity.std() < 3.0
