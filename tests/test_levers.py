"""Every contingency lever changes outcomes, in the direction it is meant to, where it applies."""

from __future__ import annotations

import pytest

from office_runs import reference_scenario
from sim import simulate
from sim.scenario.outages import Moment
from sim.scenario.plans import (
    AlternativeChannel,
    DayLists,
    HomeWorking,
    Levers,
    LoginRota,
    MutualAid,
    Overtime,
    PaperFallback,
    Plan,
    PrintedRiskRegister,
    Switch,
    Triage,
)

DAY = 21


def scenario(**outages):
    return reference_scenario().with_changes(**{"outages": outages})


CASE_SYSTEM_DOWN = scenario(
    down=[{"system": "case_system", "start": {"day": DAY, "hour": 9}, "duration_days": 4}]
)
EMAIL_DOWN = scenario(
    down=[{"system": "email", "start": {"day": DAY, "hour": 9}, "duration_days": 4}]
)

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick
OFFICE_CAP = scenario(
    office_cap=[
        {"max_on_site": 40, "home_kit_share": 0.2, "start": {"day": DAY}, "duration_days": 10}
    ]
)
LOGIN_CAP = scenario(
    login_cap=[{"share_of_staff": 0.42, "start": {"day": DAY, "hour": 0}, "duration_days": 10}]
)

# lever name -> (situation, levers, measure, the lever should make it "lower" or "higher")
CASES = {
    "paper_fallback": (
        CASE_SYSTEM_DOWN,
        Levers(paper_fallback=PaperFallback()),
        "late_court_results",
        "lower",
    ),
    "printed_risk_register": (
        CASE_SYSTEM_DOWN,
        Levers(printed_risk_register=PrintedRiskRegister()),
        "missed_risk_checks",
        "lower",
    ),
    "day_lists": (CASE_SYSTEM_DOWN, Levers(day_lists=DayLists()), "appointment_wait_mean", "lower"),
    "login_rota": (LOGIN_CAP, Levers(login_rota=LoginRota()), "appointment_wait_mean", "lower"),
    "triage": (CASE_SYSTEM_DOWN, Levers(triage=Triage()), "deferred_contacts", "higher"),
    "overtime": (
        CASE_SYSTEM_DOWN,
        Levers(overtime=Overtime(hours_per_week=5)),
        "backlog_mean",
        "lower",
    ),
    "mutual_aid": (
        CASE_SYSTEM_DOWN,
        Levers(mutual_aid=MutualAid(staff=8, from_day=DAY + 4)),
        "backlog_mean",
        "lower",
    ),
    "alternative_channel": (
        EMAIL_DOWN,
        Levers(alternative_channel=AlternativeChannel()),
        "late_recalls",
        "lower",
    ),
    "home_working": (
        OFFICE_CAP,
        Levers(home_working=HomeWorking(kit_share=1.0)),
        "missed_risk_checks",
        "lower",
    ),
}


def test_every_lever_is_tested():
    assert set(CASES) == set(Levers.model_fields)


@pytest.mark.parametrize("lever", sorted(CASES))
def test_lever_changes_outcomes(lever):
    situation, levers, measure, direction = CASES[lever]
    totals = {"nothing": 0.0, "lever": 0.0}
    for seed in (1, 2):
        totals["nothing"] += simulate(situation, seed=seed, weeks=6).measure(measure)
        totals["lever"] += simulate(
            situation, plan=Plan(name=lever, levers=levers), seed=seed, weeks=6
        ).measure(measure)
    if direction == "lower":
        assert totals["lever"] < totals["nothing"], totals
    else:
        assert totals["lever"] > totals["nothing"], totals


def test_a_decision_during_the_run_takes_effect_from_then():
    """Paper fallback decided on the outage's second day: between doing nothing and having it
    from the start, on the backlog (work not done). (On late court results it now matches the
    plan from the start: the work parked on the first day goes on paper as soon as the decision
    is taken, in time for the results' next-day deadline.)"""
    paper = Levers(paper_fallback=PaperFallback())
    late = Plan(name="decide", switches=(Switch(at=Moment(day=DAY + 1, hour=9), levers=paper),))
    early = Plan(name="from the start", levers=paper)
    measure = "backlog_mean"
    nothing = simulate(CASE_SYSTEM_DOWN, seed=1, weeks=6).measure(measure)
    decided = simulate(CASE_SYSTEM_DOWN, plan=late, seed=1, weeks=6).measure(measure)
    planned = simulate(CASE_SYSTEM_DOWN, plan=early, seed=1, weeks=6).measure(measure)
    assert planned < decided < nothing, (planned, decided, nothing)
