"""A plan or exercise whose lever settings act on nothing or contradict each other is warned of
before the run (sim/scenario/lever_settings.py, through without_effect and
exercise_without_effect), once, with the field, the value and the fix; the warnings about
switches say what the model does."""

from __future__ import annotations

from office_runs import reference_scenario
from sim.model.roster import mutual_aid_people
from sim.scenario.exercise import Exercise
from sim.scenario.exercise_warnings import exercise_without_effect
from sim.scenario.lever_settings import switch_faults
from sim.scenario.no_effect import without_effect
from sim.scenario.plans import Plan
from sim.scenario.schema import office_calendar

AT = {"day": 7}
CASE_DOWN = {"down": [{"system": "case_system", "start": AT, "duration_days": 2}]}
CAPPED = {"login_cap": [{"system": "case_system", "start": AT, "duration_days": 2,
                         "share_of_staff": 0.4}]}  # fmt: skip


def plan(levers: dict | None = None, switches: tuple = ()) -> Plan:
    return Plan.model_validate({"name": "P", "levers": levers or {}, "switches": list(switches)})


def said(levers: dict | None = None, switches: tuple = (), outages: dict | None = None, **changes):
    scenario = reference_scenario().with_changes(outages=outages or CASE_DOWN, **changes)
    return without_effect(scenario, [plan(levers, switches)], 4)


def test_overtime_for_no_role_is_said_once():
    assert said({"overtime": {"hours_per_week": 4, "roles": []}}) == [
        "plan 'P': levers.overtime.roles is empty ([]): the overtime is for nobody, so it "
        "changes nothing; name the roles that work it, e.g. roles: [probation_officer, "
        "probation_services_officer]"
    ]


def test_a_triage_that_defers_and_protects_nothing_is_said_once():
    assert said({"triage": {"defer_levels": [], "protect_levels": []}}) == [
        "plan 'P': levers.triage defers no RoSH level and protects none (defer_levels: [], "
        "protect_levels: []), so it changes nothing; list the levels put back in defer_levels "
        "(e.g. [low]) or those that go ahead in protect_levels (e.g. [high, very_high])"
    ]


def test_a_paper_fallback_with_no_tasks_is_said_once():
    assert said({"paper_fallback": {"tasks": []}}) == [
        "plan 'P': levers.paper_fallback.tasks is empty ([]): no work is done on paper, so it "
        "changes nothing; list the tasks done on paper, or write paper_fallback: {} for the "
        "record tasks"
    ]


def test_home_working_with_no_kit_is_said_once():
    cap = {"office_cap": [{"start": AT, "duration_days": 2, "max_on_site": 30,
                           "home_kit_share": 0}]}  # fmt: skip
    assert said({"home_working": {"kit_share": 0}}, outages=cap) == [
        "plan 'P': levers.home_working.kit_share is 0: nobody sent home gets kit, so it changes "
        "nothing; give the share of staff at home who get kit (e.g. 1.0), or leave home_working "
        "out"
    ]


def test_paper_for_a_task_that_needs_no_system():
    assert said({"paper_fallback": {"tasks": ["contact_recording", "supervision_contact"]}}) == [
        "plan 'P': levers.paper_fallback.tasks names supervision_contact, but supervision "
        "contacts need no system (tasks.supervision_contact.systems is empty), so they are "
        "never done on paper; take supervision_contact out of levers.paper_fallback.tasks"
    ]


def test_overtime_and_rota_priority_for_a_role_nobody_is_in():
    found = said(
        {
            "overtime": {"hours_per_week": 4, "roles": ["probation_officer", "case_admin"]},
            "login_rota": {"priority": ["court_admin", "case_admin"]},
        },
        outages=CAPPED,
        **{"office.staffing.case_admin.count": 0, "tasks.appointment_letter.roles": ["reception"]},
    )
    mine = [w for w in found if w.startswith("plan 'P'") and "no filled posts" in w]
    assert mine == [
        "plan 'P': levers.login_rota.priority names case_admin, who has no filled posts "
        "(office.staffing.case_admin), so no case admin is given a session; take case_admin out "
        "of levers.login_rota.priority, or add staff to it",
        "plan 'P': levers.overtime.roles names case_admin, who has no filled posts "
        "(office.staffing.case_admin), so no case admin works it; take case_admin out of "
        "levers.overtime.roles, or add staff to it",
    ]


def test_repeats_in_lever_lists_and_the_rota_order_the_model_uses():
    found = said(
        {
            "login_rota": {"priority": ["reception", "court_admin", "reception"]},
            "overtime": {"hours_per_week": 4, "roles": ["probation_officer"] * 2},
            "triage": {"defer_levels": ["low", "low"]},
            "paper_fallback": {"tasks": ["contact_recording"] * 2},
        },
        outages=CAPPED,
    )
    assert (
        found[:5]
        == [
            "plan 'P': levers.paper_fallback.tasks lists contact_recording twice; list each task "
            "once",
            "plan 'P': levers.login_rota.priority lists reception twice: the rota ranks a role by "
            "its last place, so the order used is ['court_admin', 'reception']; list each role "
            "once, in the order meant",
            "plan 'P': levers.triage.defer_levels lists low twice; list each RoSH level once",
            "plan 'P': levers.overtime.roles lists probation_officer twice; list each role once",
        ][:5]
    )


def test_two_switches_at_one_moment_say_which_wins_as_the_model_applies_them():
    paper = {"paper_fallback": {}}
    rota = {"login_rota": {}}
    switched = plan(
        switches=({"at": {"day": 3}, "levers": paper}, {"at": {"day": 3}, "levers": rota})
    )
    found = without_effect(reference_scenario().with_changes(outages=CAPPED), [switched], 4)
    assert found[0] == (
        "plan 'P': switches[0] and switches[1] both come on day 3, 09:00; the one later in "
        "the file (switches[1]) wins and the other is never in force; give them different "
        "moments, or keep one"
    )
    assert switched.levers_at(switched.switches[0].at.minute) == switched.switches[1].levers


def test_a_switch_at_the_start_or_to_the_levers_already_in_force():
    start = plan({"day_lists": {}}, ({"at": {"day": 0, "hour": 0}, "levers": {"triage": {}}},))
    same = plan(
        {"paper_fallback": {}},
        ({"at": {"day": 8}, "levers": {"paper_fallback": {}}},),
    )
    scenario = reference_scenario().with_changes(outages=CASE_DOWN)
    assert without_effect(scenario, [start], 4)[0] == (
        "plan 'P': switches[0] comes at the very start of the run (day 0, 00:00), so the "
        "plan's own levers are never in force; move them into switches[0].levers, or switch "
        "later"
    )
    assert without_effect(scenario, [same], 4) == [
        "plan 'P': switches[0] on day 8, 09:00 sets the levers already in force, so it "
        "changes nothing; change its levers, or take switches[0] out"
    ]


def exercise(**changes) -> Exercise:
    data = {
        "name": "Drill",
        "scenario": "office.yaml",
        "starts_at": {"day": 7, "hour": 9},
        "weeks": 3,
        "scenario_settings": reference_scenario().model_dump(),
        "injects": [
            {
                "id": "down",
                "at": {"day": 8},
                "title": "Down",
                "told": "NDelius is down.",
                "effect": {
                    "down": [{"system": "case_system", "start": {"day": 8}, "duration_days": 3}]
                },
            },
        ],  # fmt: skip
        "decision_points": [
            {
                "id": "paper",
                "at": {"day": 9},
                "question": "Paper?",
                "options": [{"name": "Wait"}, {"name": "Paper", "levers": {"paper_fallback": {}}}],
            },
            {
                "id": "stop",
                "at": {"day": 10},
                "question": "Stop?",
                "options": [
                    {"name": "Carry on"},
                    {"name": "Stop", "stop": ["paper_fallback", "login_rota"]},
                ],
            },
        ],  # fmt: skip
        **changes,
    }
    return Exercise.model_validate(data)


def test_an_exercise_option_that_stops_a_lever_never_pulled():
    assert exercise_without_effect(exercise()) == [
        "exercise 'Drill', decision point 'stop', option 'Stop': decision_points[1].options[1]."
        "stop names login_rota, which neither the starting levers nor any earlier option pulls, "
        "so stopping it changes nothing; take it out of stop"
    ]


def test_an_exercise_says_its_levers_its_scenario_and_its_injects_as_every_view_does():
    settings = reference_scenario().with_changes(**{"tasks.risk_check.roles": ["case_admin"]})
    found = exercise_without_effect(
        exercise(
            scenario_settings=settings.model_dump(),
            levers={"overtime": {"hours_per_week": 3, "roles": []}},
            injects=[
                {
                    "id": "slow",
                    "at": {"day": 8},
                    "title": "Slow",
                    "told": "Slow email.",
                    "effect": {
                        "slow": [
                            {
                                "system": "email",
                                "start": {"day": 8},
                                "duration_days": 1,
                                "factor": 1,
                            }
                        ]
                    },
                },
            ],  # fmt: skip
        )
    )
    assert found[0].startswith(
        "scenario office.yaml: tasks.risk_check.roles is ['case_admin'], but risk checks are "
        "done by the practitioner holding the case"
    )
    assert found[1] == (
        "injects[0].effect.slow[0].factor is 1, so nothing is slower and it has no effect; give "
        "a factor over 1"
    )
    assert found[2] == (
        "exercise 'Drill', starting levers: levers.overtime.roles is empty ([]): the overtime "
        "is for nobody, so it changes nothing; name the roles that work it, e.g. roles: "
        "[probation_officer, probation_services_officer]"
    )


def test_a_switch_that_hides_mutual_aid_says_the_lent_staff_still_come():
    lent = {"mutual_aid": {"staff": 2, "from_day": 3}}
    hidden = plan(
        {"day_lists": {}},
        ({"at": {"day": 4}, "levers": lent}, {"at": {"day": 4}, "levers": {}}),
    )
    calendar = office_calendar(reference_scenario(), 28)
    assert len(mutual_aid_people(reference_scenario(), hidden, calendar, 28, 0)) == 2
    assert switch_faults(hidden) == [
        "plan 'P': switches[0] and switches[1] both come on day 4, 09:00; the one later in "
        "the file (switches[1]) wins and the other is never in force (except for mutual aid: "
        "lent staff come from its from_day whatever is in force); give them different moments, "
        "or keep one"
    ]
