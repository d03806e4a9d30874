"""A scenario that loads but cannot mean what it says is warned of before the run
(sim/scenario/plausibility.py and the outages without effect of sim/scenario/no_effect.py, both
through without_effect): one test per class, with the field, the value and the fix in the words;
the command line says them on standard error and runs (exit 0)."""

from __future__ import annotations

from pathlib import Path

from cli_kit import run_a_week_of
from office_runs import reference_scenario
from sim.scenario.no_effect import without_effect

ROOT = Path(__file__).resolve().parents[1]
AT = {"day": 7}  # 09:00 on the second Monday


def said(weeks: int = 4, **changes) -> list[str]:
    return without_effect(reference_scenario().with_changes(**changes), [], weeks)


def test_sixty_hours_in_a_one_day_week_is_a_sixty_hour_working_day():
    found = said(
        **{
            "calendar.working_days": ["mon"],
            "office.staffing.probation_officer.contracted_hours": 60,
        }
    )
    assert len(found) == 1, found  # one sentence for every role's day, the longest first
    assert found[0].startswith(
        "office.staffing.probation_officer.contracted_hours 60 hours a week in 1 working day "
        "(60.0 hours a day), "
    )
    assert (
        "longer than the 13 hours that 11 hours of daily rest (Working Time Regulations)"
        in (found[0])
    )
    assert found[0].endswith(
        "give at most 13 hours a week for each day worked (13 for 1 working day), or more "
        "calendar.working_days (now ['mon'])"
    )


def test_a_day_that_starts_late_and_runs_past_midnight():
    found = said(
        **{"calendar.day_start_hour": 16, "office.staffing.reception.contracted_hours": 45}
    )
    assert found == [
        "calendar.day_start_hour is 16 and office.staffing.reception.contracted_hours 45 hours "
        "a week in 5 working days (9.0 hours a day) and office.staffing.reception."
        "part_time_hours 22.2 hours a week in 2 working days (11.1 hours a day), so working "
        "days end after midnight (at 03:06 the next day); start the day by 12:54, or give "
        "fewer hours a week"
    ]
    assert said(**{"calendar.day_start_hour": 16}) == []  # 7.4 hours from 16:00: 23:24


def test_roles_on_a_task_the_case_holder_does_are_ignored_and_said():
    assert said(**{"tasks.risk_check.roles": ["case_admin"]}) == [
        "tasks.risk_check.roles is ['case_admin'], but risk checks are done by the practitioner "
        "holding the case (only reception check-ins, court results, case allocations and "
        "appointment letters go to a team), so the roles are ignored; leave "
        "tasks.risk_check.roles empty, or change caseload.holder_roles to say who holds the cases"
    ]


def test_a_role_with_nobody_in_post_named_to_do_a_task_or_hold_cases():
    found = said(
        **{
            "office.staffing.court_admin.count": 0,
            "tasks.court_results_entry.roles": ["court_admin", "case_admin"],
            "caseload.holder_roles.low": ["probation_services_officer", "probation_officer"],
            "office.staffing.probation_services_officer.count": 0,
            "caseload.holder_roles.medium": ["probation_officer"],
        }
    )
    assert found == [
        "tasks.court_results_entry.roles names court_admin, who has no filled posts "
        "(office.staffing.court_admin: count 0), so no court admin does court "
        "results; add staff to office.staffing.court_admin or take court_admin out of "
        "tasks.court_results_entry.roles",
        "caseload.holder_roles.low names probation_services_officer, who has no filled posts "
        "(office.staffing.probation_services_officer: count 0), so no "
        "probation services officer holds low cases; add staff to "
        "office.staffing.probation_services_officer or take probation_services_officer out of "
        "caseload.holder_roles.low",
    ]


def test_repeats_in_role_system_and_plan_lists():
    found = said(
        **{
            "tasks.case_allocation.roles": ["senior_probation_officer"] * 2,
            "tasks.recall_request.systems": ["case_system", "email", "case_system"],
            "caseload.holder_roles.high": ["probation_officer", "probation_officer"],
            "plans": ["paper-fallback", "overtime", "paper-fallback.yaml"],
        }
    )
    assert found == [
        "tasks.case_allocation.roles lists senior_probation_officer twice; list each role once",
        "tasks.recall_request.systems lists case_system twice; list each system the task needs "
        "once",
        "caseload.holder_roles.high lists probation_officer twice; list each role once",
        "plans lists paper-fallback twice, so it would be compared with itself; list each plan "
        "once",
    ]


def test_a_deadline_before_the_work_can_be_done():
    assert said(**{"tasks.recall_request.deadline": {"hours": 1}}) == [
        "tasks.recall_request.deadline.hours is 1, but recall requests take 120 minutes on "
        "average (duration.mean_minutes), so most are late however soon they are started; give "
        "a deadline of at least 2 hours or a shorter duration"
    ]


def window(**more) -> dict:
    return {"start": AT, "duration_days": 3, **more}


def test_two_outages_in_force_at_once_say_which_one_holds():
    found = said(
        outages={
            "login_cap": [
                window(system="case_system", sessions=40),
                {**window(system="case_system", sessions=20), "start": {"day": 8}},
                window(system="email", sessions=10),  # another system: both hold
            ],
            "slow": [window(system="email", factor=2), window(system="email", factor=3)],
            "office_cap": [
                window(max_on_site=30, home_kit_share=0.5),
                {**window(max_on_site=60, home_kit_share=0.5), "start": {"day": 9}},
            ],
        }
    )
    assert found == [
        "outages.login_cap[0] (40 sessions) and outages.login_cap[1] (20 sessions) both cap the "
        "case system from day 8, 09:00 to day 10, 09:00: only the tighter, 20 sessions, "
        "holds then; give one cap for that stretch, or make them not overlap",
        "outages.slow[0] (factor 2) and outages.slow[1] (factor 3) both slow the email from day "
        "7, 09:00 to day 10, 09:00: they do not multiply, the greater, 3, holds then; give "
        "one slowdown for that stretch, or make them not overlap",
        "outages.office_cap[0] (30 on site) and outages.office_cap[1] (60 on site) are both in "
        "force from day 9, 09:00 to day 10, 09:00: each day both choose who is on site, one "
        "after the other, and the last choice stands, and when either ends everyone is back on "
        "site until the next day's choice; give one office cap for that stretch, or make them "
        "not overlap",
    ]


def test_outages_left_without_effect_by_their_own_setting_or_the_office_size():
    found = said(
        outages={
            "login_cap": [window(system="case_system", share_of_staff=1.0)],
            "office_cap": [window(max_on_site=500, home_kit_share=0)],
            "slow": [window(system="case_system", factor=1)],
            "staff_absent": [
                window(role="court_admin", staff=10),
                window(role="senior_probation_officer", staff=1),
            ],
            "record_loss": [{"at": AT, "share": 0, "reconstruction_minutes": 30}],
            "surges": [{"at": AT, "share_of_cases": 0}],
            "work_lost": [{"at": AT, "share": 0.5, "completed_within_days": 0}],
        },
        **{
            "office.staffing.senior_probation_officer.count": 0,
            "tasks.case_allocation.roles": ["probation_officer"],
        },
    )
    assert found == [
        "outages.login_cap[0] allows 114 sessions (share_of_staff: 1), no fewer than the "
        "office's 114 staff, so it has no effect; give fewer than 114 sessions",
        "outages.slow[0].factor is 1, so nothing is slower and it has no effect; give a factor "
        "over 1",
        "outages.office_cap[0].max_on_site is 500, no fewer than the office's 114 staff, so "
        "nobody is sent home and it has no effect; give fewer than 114",
        "outages.staff_absent[0].staff is 10, but the office has only 3 court admin posts "
        "filled, so only 3 can be away; give at most 3",
        "outages.staff_absent[1].role is senior_probation_officer, who has no filled posts, so "
        "nobody is away "
        "and it has no effect; name a role the office has staff in",
        "outages.record_loss[0].share is 0, so it has no effect; give a share above 0",
        "outages.surges[0].share_of_cases is 0, so it has no effect; give a share above 0",
        "outages.work_lost[0].completed_within_days is 0, so no completed work is lost and it "
        "has no effect; give the days back the loss reaches",
    ]


def test_the_reference_office_is_plausible():
    assert said() == []


def test_the_command_line_says_them_on_stderr_and_runs(tmp_path):
    done = run_a_week_of(
        tmp_path, "Late and long", "calendar: {working_days: [mon], day_start_hour: 9}\n"
    )
    assert done.returncode == 0, done.stderr
    assert (
        "warning: office.staffing.probation_officer.contracted_hours 37 hours a week in 1 "
        "working day (37.0 hours a day)" in done.stderr
    )
    assert "warning" not in done.stdout


def test_durations_and_detection_below_the_models_floors_are_said():
    """A task of no length is worked for a second and a loss noticed at once is resent after an
    hour (sim.domain.floors): the scenario is told so, not left to believe its own numbers."""
    found = said(
        **{
            "tasks.recall_request.duration": {"distribution": "fixed", "mean_minutes": 1e-300},
            "outages.email_loss": [
                {"start": AT, "duration_days": 5, "lost_share": 1.0, "detection_days": 0}
            ],
        }
    )
    assert any(
        w.startswith("tasks.recall_request.duration.mean_minutes is 1e-300, under a second")
        for w in found
    ), found
    assert any(
        w.startswith("outages.email_loss[0].detection_days is 0, under an hour") for w in found
    ), found
    nothing_lost = said(
        **{
            "outages.email_loss": [
                {"start": AT, "duration_days": 5, "lost_share": 0.0, "detection_days": 0}
            ]
        }
    )
    assert not any("under an hour" in w for w in nothing_lost)


def test_a_phone_confirmation_sooner_than_an_hour_is_said():
    from sim.scenario.plans import Plan

    plan = Plan.model_validate(
        {
            "name": "Phone at once",
            "levers": {"alternative_channel": {"extra_minutes": 10, "confirm_within_hours": 0.1}},
        }
    )
    scenario = reference_scenario().with_changes(
        **{
            "outages.email_loss": [
                {"start": AT, "duration_days": 5, "lost_share": 0.1, "detection_days": 5}
            ]
        }
    )
    found = without_effect(scenario, [plan], 4)
    assert any("confirm_within_hours is 0.1, under an hour" in w for w in found), found
