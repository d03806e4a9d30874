"""A lever acts from the moment it is pulled, mid-window included, and changes nothing before.

A plan's timed switch (a decision taken during an exercise) used to act only where the model
happened to read the lever next: a login rota chosen at 12:00 was read when the cap's window
next opened (a week later), and work parked for a system that was down stayed parked under a
paper fallback or a phone channel pulled while it waited. Now every lever acts at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from office_runs import reference_scenario
from sim import simulate
from sim.domain.calendar import DAY, HOUR
from sim.exercise.log import advance_to_next, start
from sim.exercise.plans_in_play import option_plans, scenario_now
from sim.scenario.loader import load_exercise
from sim.scenario.outages import Moment
from sim.scenario.plans import Levers, Plan, Switch
from sim.scenario.scaling import scaled

ROOT = Path(__file__).resolve().parents[1]
OUTAGE_DAY = 8  # the second Tuesday: a working day with a week of warm-up before it
OUTAGE_DAYS = 4


def _window(**more) -> dict:
    return {"start": {"day": OUTAGE_DAY, "hour": 0}, "duration_days": OUTAGE_DAYS, **more}


# lever -> (the outages it can act on, its settings)
SITUATIONS = {
    "login_rota": ({"login_cap": [_window(share_of_staff=0.4)]}, {"login_rota": {}}),
    "paper_fallback": ({"down": [_window(system="case_system")]}, {"paper_fallback": {}}),
    "printed_risk_register": (
        {"down": [_window(system="case_system")]},
        {"printed_risk_register": {}},
    ),
    "day_lists": ({"down": [_window(system="case_system")]}, {"day_lists": {}}),
    "triage": ({"down": [_window(system="case_system")]}, {"triage": {}}),
    "overtime": (
        {"down": [_window(system="case_system")]},
        {"overtime": {"hours_per_week": 8}},
    ),
    "alternative_channel": ({"down": [_window(system="email")]}, {"alternative_channel": {}}),
    "home_working": (
        {"office_cap": [_window(max_on_site=5, home_kit_share=0.0)]},
        {"home_working": {"kit_share": 1.0}},
    ),
}


def _office(outages: dict):
    return scaled(reference_scenario(), 0.3).with_changes(**{"outages": outages})


def _known_before(items, cut: float):
    """The work items as known at minute ``cut`` (created by then, later times blanked)."""
    known = items[items["created_minute"] < cut].sort_values("item_id").reset_index(drop=True)
    columns = [c for c in known.columns if c.endswith("_minute")]
    for column in columns:
        values = known[column].to_numpy(dtype=float, copy=True)
        values[values >= cut] = np.nan
        known[column] = values
    return known[["item_id", "task", *columns]]


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lever=st.sampled_from(sorted(SITUATIONS)),
    # the moment pulled: from the start of the outage until a day before it ends, in minutes
    offset=st.floats(0, (OUTAGE_DAYS - 1) * DAY - 1, allow_nan=False),
    seed=st.integers(1, 50),
)
@pytest.mark.slow  # in make test, not the quick tier
def test_a_lever_pulled_inside_an_outage_changes_what_follows_and_nothing_before(
    lever, offset, seed
):
    outages, levers = SITUATIONS[lever]
    office = _office(outages)
    at = OUTAGE_DAY * DAY + offset
    moment = Moment(day=int(at // DAY), hour=(at % DAY) / HOUR)
    pulled = Plan(
        name=f"{lever} from {moment}",
        switches=(Switch(at=moment, levers=Levers.model_validate(levers)),),
    )
    without = simulate(office, seed=seed, weeks=3)
    with_it = simulate(office, plan=pulled, seed=seed, weeks=3)
    cut = moment.minute
    before = _known_before(without["work_items"], cut)
    assert before.equals(_known_before(with_it["work_items"], cut)), (lever, moment)
    ended = (without["backlog_daily"]["day"] + 1) * DAY < cut  # days ended before the moment
    a, b = without["backlog_daily"], with_it["backlog_daily"]
    assert a[ended].equals(b[ended])
    assert not without["work_items"].equals(with_it["work_items"]), (lever, moment)


def test_the_london_exercise_first_decision_differs_after_it_is_taken():
    """The rota chosen at day 21 12:00 acts from 12:00 that day (it used to be read only when
    the cap's window opened, at 09:00, so both options gave the same numbers until the next
    window, a week later)."""
    exercise = load_exercise(ROOT / "scenarios" / "exercises" / "london-login-cap.yaml")
    log = start(exercise)
    while log.pending() is None:
        log = advance_to_next(log)
    point = log.pending()
    assert point is not None and point.id == "share-the-logins"
    first_come, rota = option_plans(log, point, log.options(point.id))
    scenario = scenario_now(log)
    cut = point.at.minute
    runs = [simulate(scenario, plan=plan, seed=1, weeks=4) for plan in (first_come, rota)]
    before = [_known_before(run["work_items"], cut) for run in runs]
    assert before[0].equals(before[1])
    sessions = [run["login_sessions"] for run in runs]
    assert list(sessions[0]["allocation"]) == ["first come"]
    assert list(sessions[1]["allocation"]) == ["first come, then rota"]
    same_day = cut + 12 * HOUR  # by midnight of the decision's day
    after = [_known_before(run["work_items"], same_day) for run in runs]
    assert not after[0].equals(after[1])


def test_levers_that_do_not_change_leave_the_run_exactly_as_it_was():
    """A switch to the same levers (carrying on as decided) is no change: the run is identical
    to the plan without it."""
    office = _office(SITUATIONS["paper_fallback"][0])
    paper = Levers.model_validate({"paper_fallback": {}})
    plain = Plan(name="paper", levers=paper)
    again = Plan(
        name="paper", levers=paper, switches=(Switch(at=Moment(day=9, hour=12), levers=paper),)
    )
    a, b = (simulate(office, plan=p, seed=2, weeks=3) for p in (plain, again))
    assert a["work_items"].equals(b["work_items"])


@pytest.mark.parametrize("hour", [10.5, 14.25])
def test_a_rota_pulled_mid_slot_deals_a_first_shorter_slot_at_once(hour):
    office = _office(SITUATIONS["login_rota"][0])
    at = Moment(day=OUTAGE_DAY + 1, hour=hour)
    plan = Plan(
        name="rota", switches=(Switch(at=at, levers=Levers.model_validate({"login_rota": {}})),)
    )
    from office_runs import run_capturing_office

    run = run_capturing_office(office, seed=3, weeks=3, plan=plan)
    window = run.office.logins.windows[0]
    assert at.minute in window.deals
    later = [t for t in window.deals if t > at.minute]
    assert later and (later[0] % DAY) / HOUR in {11.0, 13.0, 15.0, 17.0, 19.0, 21.0, 23.0}
