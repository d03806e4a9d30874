"""Outages on default parameters, same seeds: face validity and direction of effects."""

from __future__ import annotations

import numpy as np
import pytest

from office_runs import reference_scenario
from scenario_edits import REFERENCE
from sim import load_scenario, simulate
from sim.scenario.plans import Levers, LoginRota, MutualAid, Plan, PrintedRiskRegister, Triage
from sim.scenario.schema import headcount

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick

WEEKS = 6
OUTAGE_DAY = 21  # a Monday after three weeks of settling in
SEEDS = range(1, 6)


def with_outages(**outages):
    return reference_scenario().with_changes(**{"outages": outages, "run.weeks": WEEKS})


def down(system: str, days: float, day: int = OUTAGE_DAY, hour: float = 9) -> dict:
    return {"system": system, "start": {"day": day, "hour": hour}, "duration_days": days}


def tables_equal(a, b) -> None:
    for name in a.tables:
        if name in ("login_sessions", "login_roles"):
            continue
        assert a[name].equals(b[name]), name


@pytest.fixture(scope="module")
def baseline():
    return {seed: simulate(reference_scenario(), seed=seed, weeks=WEEKS) for seed in SEEDS}


def test_a_zero_length_outage_changes_nothing(baseline):
    scenario = with_outages(
        down=[down("case_system", 0)],
        slow=[{"system": "email", "factor": 3, "start": {"day": OUTAGE_DAY}, "duration_hours": 0}],
    )
    tables_equal(simulate(scenario, seed=1), baseline[1])


def test_a_login_cap_at_or_above_headcount_changes_nothing(baseline):
    cap = {
        "system": "case_system",
        "sessions": 10_000,
        "start": {"day": OUTAGE_DAY},
        "duration_days": 10,
    }
    tables_equal(simulate(with_outages(login_cap=[cap]), seed=1), baseline[1])
    full = dict(cap, sessions=None, share_of_staff=1.0)
    tables_equal(simulate(with_outages(login_cap=[full]), seed=1), baseline[1])


def test_a_longer_outage_never_gives_less_backlog_on_average():
    means = []
    for days in (1, 2, 4):
        scenario = with_outages(down=[down("case_system", days)])
        means.append(np.mean([simulate(scenario, seed=s).measure("backlog_mean") for s in SEEDS]))
    assert means == sorted(means), means
    assert means[-1] > means[0]


def working_days_until_clear(result, restored_day: int, task: str) -> int:
    b = result["backlog_daily"]
    series = b[b["task"] == task].set_index("day")["backlog"]
    days = [d for d in series.index if d >= restored_day and d % 7 < 5]
    clear = next((d for d in days if series[d] == 0), days[-1] + 1)
    return sum(1 for d in days if d < clear)


def test_court_feed_down_3_days_leaves_a_backlog_and_late_first_appointments(baseline):
    """Seed S3: court results could not be entered for 3 days. In direction: results pile up
    through the outage (overdue by its end) and first appointments run late, against the same
    seeds without it. (The calibrated court team, which keeps up in normal operation, clears
    the pile within about two working days of the feed's return; the seed's "still an issue in
    most areas a week later" is not reproduced in magnitude.)"""
    scenario = with_outages(down=[down("court_feed", 3)])
    runs = {s: simulate(scenario, seed=s) for s in SEEDS}
    for s, r in runs.items():
        b = r["backlog_daily"]
        court = b[b["task"] == "court_results_entry"].set_index("day")["backlog"]
        assert court[OUTAGE_DAY + 2] > 0, s
    late = [r.measure("late_first_appointments") for r in runs.values()]
    normal = [baseline[s].measure("late_first_appointments") for s in SEEDS]
    assert np.mean(late) > np.mean(normal), (late, normal)


@pytest.fixture(scope="module")
def login_cap_runs():
    """Seed S1 in one office: 1,250 of 3,000 staff can log in at once, for two weeks."""
    cap = {
        "system": "case_system",
        "share_of_staff": 1250 / 3000,
        "start": {"day": OUTAGE_DAY, "hour": 0},
        "duration_days": 14,
    }
    scenario = with_outages(login_cap=[cap])
    plans = {
        "do nothing": Plan(name="Do nothing"),
        "rota": Plan(name="Rota", levers=Levers(login_rota=LoginRota(slot_hours=2))),
        "rota and triage": Plan(
            name="Rota and triage",
            levers=Levers(login_rota=LoginRota(slot_hours=2), triage=Triage()),
        ),
    }
    return {
        name: {s: simulate(scenario, plan=plan, seed=s) for s in SEEDS}
        for name, plan in plans.items()
    }


def test_logged_in_hours_never_exceed_the_cap(login_cap_runs):
    for name, runs in login_cap_runs.items():
        for seed, r in runs.items():
            row = r["login_sessions"].iloc[0]
            hours = (row.end_minute - row.start_minute) / 60
            assert row.peak_sessions_in_use <= row.sessions, (name, seed)
            assert row.session_hours <= row.sessions * hours, (name, seed)
            share = row.session_hours / (row.headcount * hours)
            assert share <= 1250 / 3000 + 1e-9, (name, seed, share)


def test_when_demand_exceeds_the_cap_the_backlog_grows(login_cap_runs, baseline):
    for name, runs in login_cap_runs.items():
        capped = np.mean([r.measure("backlog_mean") for r in runs.values()])
        normal = np.mean([baseline[s].measure("backlog_mean") for s in SEEDS])
        assert capped > 1.2 * normal, (name, capped, normal)


def test_rota_and_first_come_differ_in_explained_ways(login_cap_runs):
    """First come: sessions go to whoever asks first and are kept all day. Rota: they are
    dealt slot by slot. Under both, time idle with work set aside for a login is lost waiting
    (one rule: the rota used to show none, its idle time uncounted), and a risk check whose
    information cannot be had within the maximum wait is missed (first come used to show none
    by letting people wait for hours)."""
    first = login_cap_runs["do nothing"]
    rota = login_cap_runs["rota"]
    for seed in SEEDS:
        assert first[seed]["login_sessions"]["login_wait_hours"].iloc[0] > 0
        assert rota[seed]["login_sessions"]["login_wait_hours"].iloc[0] > 0
        assert list(first[seed]["login_sessions"]["allocation"]) == ["first come"]
        assert list(rota[seed]["login_sessions"]["allocation"]) == ["rota"]
        assert first[seed].measure("missed_risk_checks") > 0
        assert rota[seed].measure("missed_risk_checks") > 0


def missed(result, levels) -> int:
    rc = result["risk_checks"]
    return int(rc[rc["rosh"].isin(levels)]["missed_risk_checks"].sum())


def deferred(result, levels) -> int:
    rc = result["risk_checks"]
    return int(rc[rc["rosh"].isin(levels)]["deferred_contacts"].sum())


def test_triage_lowers_missed_high_risk_checks_and_defers_low_risk_contacts(login_cap_runs):
    high, low = ("high", "very_high"), ("low",)
    rota, triaged = login_cap_runs["rota"], login_cap_runs["rota and triage"]
    assert sum(missed(triaged[s], high) for s in SEEDS) < sum(missed(rota[s], high) for s in SEEDS)
    assert all(missed(triaged[s], high) <= missed(rota[s], high) for s in SEEDS)
    assert all(deferred(triaged[s], low) > deferred(rota[s], low) for s in SEEDS)


def test_a_printed_risk_register_reduces_missed_risk_checks():
    scenario = with_outages(down=[down("case_system", 3)])
    register = Plan(name="Register", levers=Levers(printed_risk_register=PrintedRiskRegister()))
    for seed in SEEDS[:3]:
        nothing = simulate(scenario, seed=seed).measure("missed_risk_checks")
        printed = simulate(scenario, plan=register, seed=seed).measure("missed_risk_checks")
        assert nothing > 0 and printed < 0.5 * nothing, (seed, nothing, printed)


def test_lost_emails_make_late_recalls(baseline):
    loss = {
        "lost_share": 0.5,
        "detection_days": 3,
        "start": {"day": OUTAGE_DAY},
        "duration_days": 10,
    }
    scenario = with_outages(email_loss=[loss])
    late = [simulate(scenario, seed=s).measure("late_recalls") for s in SEEDS]
    normal = [baseline[s].measure("late_recalls") for s in SEEDS]
    assert sum(late) > sum(normal) + 3, (late, normal)


def test_record_loss_creates_reconstruction_hours(baseline):
    loss = {"at": {"day": OUTAGE_DAY, "hour": 9}, "share": 0.05, "reconstruction_minutes": 60}
    r = simulate(with_outages(record_loss=[loss]), seed=1)
    rebuilt = r["work_items"].query("task == 'record_reconstruction'")
    assert len(rebuilt) > 50
    assert r.measure("double_handling_hours") >= 0.5 * rebuilt["finished_minute"].notna().sum()
    assert baseline[1].measure("double_handling_hours") == 0


def test_work_in_progress_is_stopped_and_counted_as_double_handling():
    r = simulate(with_outages(down=[down("case_system", 2, hour=14)]), seed=1)
    counts = dict(zip(r["event_counts"]["event"], r["event_counts"]["count"], strict=True))
    assert counts["work_interrupted_by_failures"] > 0
    assert r.measure("double_handling_hours") > 0


def test_overtime_pays_for_the_hours_staff_would_give_unpaid():
    """Practitioners with overdue work stay up to an hour unpaid to clear it; the overtime lever
    pays for that time instead (and more of it, for the roles it names), so recovery is no
    slower and unpaid hours fall."""
    from sim.results.recovery import baseline_of, restoration_minute, time_to_recover
    from sim.scenario.plans import Overtime

    scenario = with_outages(down=[down("case_system", 4)])
    overtime = Plan(name="Overtime", levers=Levers(overtime=Overtime(hours_per_week=5)))
    restored = restoration_minute(scenario)
    weeks, left = 10, 10 * 7 - restored // (24 * 60)
    plain, extra, unpaid, plain_unpaid = [], [], [], []
    for seed in SEEDS:
        base = simulate(baseline_of(scenario), seed=seed, weeks=weeks)
        nothing = simulate(scenario, seed=seed, weeks=weeks)
        worked = simulate(scenario, plan=overtime, seed=seed, weeks=weeks)
        plain.append(time_to_recover(nothing, base, restored) or left)
        extra.append(time_to_recover(worked, base, restored) or left)
        unpaid.append(worked.measure("extra_hours"))
        plain_unpaid.append(nothing.measure("extra_hours"))
        assert worked.measure("overtime_hours") > 0 and nothing.measure("overtime_hours") == 0
    assert np.mean(extra) <= np.mean(plain) + 1.0, (extra, plain)
    assert np.mean(unpaid) < np.mean(plain_unpaid), (unpaid, plain_unpaid)


def test_a_share_of_staff_login_cap_counts_the_offices_own_filled_posts():
    """Mutual aid joins the office during the cap; the cap is a share of the office's own
    filled posts (the same count recovery uses), so helpers never raise it."""
    s01 = load_scenario(REFERENCE.parent / "s01-login-cap.yaml")
    aid = Plan(name="Aid", levers={"mutual_aid": MutualAid(staff=5, from_day=0)})
    for plan in (None, aid):
        result = simulate(s01, seed=1, weeks=4, **({} if plan is None else {"plan": plan}))
        sessions = result["login_sessions"]
        assert list(sessions["sessions"]) == [int(0.4167 * headcount(s01))]
        assert list(sessions["headcount"]) == [headcount(s01)]
