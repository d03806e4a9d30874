"""Waiting under a login cap is bounded and visible, and a rota says whom it served.

Under first come, first served, anyone without a session used to wait for one and do nothing
else, reception included: people under supervision then waited hours, days even, for their
contact. Now staff without a session set the work aside, do whatever needs no system, and count
the time they are idle with work waiting for a login; a person waits for their contact no
longer than ``caseload.appointment_max_wait_minutes`` and is then rebooked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from office_runs import reference_scenario, run_capturing_office
from sim import simulate
from sim.domain.calendar import DAY
from sim.scenario.loader import load_plan
from sim.scenario.plans import DO_NOTHING, Levers, LoginRota, Plan
from sim.scenario.schema import ROLES

CAP_DAY = 7
ALL_SIX = ROLES  # every role in a strict order: the shipped plan's order until now
PLANS = {
    "first come": DO_NOTHING,
    "rota": Plan(name="Rota", levers=Levers(login_rota=LoginRota())),
    "rota, all six in order": Plan(
        name="Rota, all six", levers=Levers(login_rota=LoginRota(priority=ALL_SIX))
    ),
}


def capped():
    """S1's cap (1,250 of 3,000 may log in) on the reference office for two working weeks,
    with email down as in S1."""
    window = {"start": {"day": CAP_DAY, "hour": 0}, "duration_days": 12}
    return reference_scenario().with_changes(
        **{
            "outages": {
                "login_cap": [{"system": "case_system", "share_of_staff": 1250 / 3000, **window}],
                "down": [{"system": "email", **window}],
            }
        }
    )


@pytest.fixture(scope="module")
def runs():
    return {name: run_capturing_office(capped(), 1, 3, plan) for name, plan in PLANS.items()}


def test_no_one_waits_for_their_contact_beyond_the_longest_wait(runs):
    limit = reference_scenario().caseload.appointment_max_wait_minutes
    for name, run in runs.items():
        items = run.items
        held = items[items["outcome"] == "held"]
        waited = held["started_minute"] - held["arrived_minute"]
        assert waited.max() <= limit + 1e-6, (name, waited.max())
        later_day = (held["started_minute"] // DAY) > (held["arrived_minute"] // DAY)
        assert not later_day.any(), name


def test_people_who_waited_too_long_are_rebooked_with_the_same_deadline(runs):
    items = runs["first come"].items
    rebooked = items[items["outcome"] == "rebooked"]
    measure = runs["first come"].result.measure("appointments_rebooked")
    assert measure == len(rebooked)
    contacts = items[items["task"] == "supervision_contact"]
    for _, contact in rebooked.head(20).iterrows():
        again = contacts[
            (contacts["case_id"] == contact["case_id"])
            & (contacts["created_minute"] >= contact["cancelled_minute"])
        ]
        assert len(again) and again["due_minute"].iloc[0] == contact["due_minute"]


def test_staff_without_a_session_work_on_and_their_idle_time_is_login_wait(runs):
    """Under first come, the people without a session still hold contacts (a meeting needs no
    system) and do other work; the hours they are idle with work set aside for a login are the
    login wait, in the staff table, the window table and the headline measure alike."""
    result = runs["first come"].result
    lost = result.measure("login_wait_hours")
    assert lost > 0
    assert lost == pytest.approx(result["staff_weekly"]["login_wait_hours"].sum())
    assert lost == pytest.approx(result["login_sessions"]["login_wait_hours"].sum())
    assert lost == pytest.approx(result["login_roles"]["login_wait_hours"].sum())
    week = result["staff_weekly"]
    idle = week["hours_at_work"] + week["extra_hours"] + week["overtime_hours"] - week["task_hours"]
    assert (week["login_wait_hours"] <= idle + 1e-6).all()


def test_every_role_gets_session_time_under_any_rota_order(runs):
    """With all six roles in a strict order, senior probation officers and case admin used to
    get no session at all (0.0 task hours in the cap weeks); now everyone at work has a slot
    each day while the sessions can go round, whatever the order."""
    for name in ("rota", "rota, all six in order"):
        run = runs[name]
        window = run.office.logins.windows[0]
        for day in range(CAP_DAY, CAP_DAY + 12):
            if not run.office.calendar.is_working_day(day):
                continue
            deals = [t for t in window.deals if run.office.calendar.day_of(t) == day]
            at_work = [
                s
                for s in run.office.staff
                if (shift := s.shift_on.get(day))
                and any(shift.start <= t < shift.end for t in deals)
            ]
            missed = [s.role for s in at_work if window.slots_on.get((s.id, day), 0) == 0]
            assert not missed, (name, day, missed)
        roles = run.result["login_roles"]
        assert (roles.loc[roles["people"] > 0, "sessions_given"] > 0).all(), name
        assert (roles.loc[roles["people"] > 0, "task_hours"] > 0).all(), name


def test_the_login_roles_table_adds_up_to_the_window(runs):
    for name, run in runs.items():
        roles = run.result["login_roles"]
        window = run.result["login_sessions"].iloc[0]
        assert roles["session_hours"].sum() == pytest.approx(window["session_hours"]), name
        assert roles["people"].sum() == len(run.office.staff), name


def test_the_shipped_rota_and_the_documented_default_agree():
    library = Path(__file__).resolve().parents[1] / "scenarios" / "plans"
    for name in ("login-rota.yaml", "login-rota-with-triage.yaml"):
        rota = load_plan(library / name).levers.login_rota
        assert rota is not None and rota.priority == LoginRota().priority, name


def test_first_come_keeps_people_waiting_no_longer_than_without_a_cap_allows():
    """Reception without a session checks people in by phoning round (as with the case system
    down), rather than waiting for a session while people queue at the desk."""
    items = simulate(capped(), seed=2, weeks=3)["work_items"]
    check_ins = items[(items["task"] == "reception_check_in") & items["started_minute"].notna()]
    waited = check_ins["started_minute"] - check_ins["arrived_minute"]
    assert waited.max() < reference_scenario().caseload.appointment_max_wait_minutes


@pytest.mark.slow
def test_s1_at_reference_size_bounded_waits_and_every_role_served():
    """The acceptance run: S1 as shipped, 12 weeks, 5 replications, every plan it compares: no
    contact starts more than a working day after the person arrived unless it was rebooked (and
    none on a later day at all), and under the shipped rota every role at work in the cap's
    weeks does some work."""
    from sim import load_scenario
    from sim.scenario.loader import plans_of

    library = Path(__file__).resolve().parents[1] / "scenarios"
    s1 = load_scenario(library / "s01-login-cap.yaml")
    cap = s1.outages.login_cap[0]
    first_week, last_week = (
        int(cap.start_minute // (7 * DAY)),
        int((cap.end_minute - 1) // (7 * DAY)),
    )
    for plan in plans_of(s1, library / "plans"):
        for replication in range(5):
            result = simulate(s1, plan=plan, seed=1, replication=replication, weeks=12)
            items = result["work_items"]
            held = items[items["outcome"] == "held"]
            waited = held["started_minute"] - held["arrived_minute"]
            assert waited.max() <= s1.caseload.appointment_max_wait_minutes, plan.name
            assert not ((held["started_minute"] // DAY) > (held["arrived_minute"] // DAY)).any()
            if plan.levers.login_rota is not None:
                week = result["staff_weekly"]
                in_cap = week[(week["week"] >= first_week) & (week["week"] <= last_week)]
                hours = in_cap.groupby(["week", "role"])["task_hours"].sum()
                assert (hours > 0).all(), (plan.name, replication, hours[hours <= 0])


def test_a_role_left_out_of_the_cap_is_named_with_what_it_still_did():
    from sim.outputs.login_served import unserved_sentences

    served = pd.DataFrame(
        [
            ("Do nothing", "court admin", 3, 0.0, 0.0, 0.0, 40.0),
            ("Paper fallback", "court admin", 3, 0.0, 0.0, 88.9, 0.0),
            ("Rota", "case admin", 28, 410.0, 735.0, 0.0, 0.0),
            ("Rota", "reception", 5, 156.0, 288.0, 135.0, 0.0),
        ],
        columns=[
            "plan",
            "role",
            "people",
            "sessions given",
            "session hours",
            "hours worked in the cap",
            "hours lost waiting for a login",
        ],
    )
    assert unserved_sentences(served) == [
        "Under Do nothing, court admins had no session in the cap and did no work in it.",
        "Under Paper fallback, court admins had no session in the cap; they worked 88.9 hours "
        "in it without the system (on paper, by phone, or on work that needs none).",
        "Under Rota, case admins were given sessions but did no work in the cap.",
    ]
