"""A lever the scenario's outages give nothing to act on is named before the run
(sim/scenario/lever_reach.py, through sim/scenario/no_effect.py): one rule per lever, judged from
the moment the lever is pulled; said by compare on standard error, by the exercise loader for
each decision option, and for the shipped library exactly where expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exercise_drill import PHONE
from office_runs import reference_scenario
from sim.scenario.exercise import Exercise
from sim.scenario.exercise_warnings import exercise_without_effect
from sim.scenario.lever_reach import plan_levers_without_effect
from sim.scenario.loader import load_exercise, load_scenario, plans_of
from sim.scenario.no_effect import without_effect
from sim.scenario.plans import Plan

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
AT = {"day": 7}  # 09:00 on day 7 (the second Monday)


def window(system: str, **more) -> dict:
    return {"system": system, "start": AT, "duration_days": 2, **more}


CASE_DOWN = {"down": [window("case_system")]}
COURT_DOWN = {"down": [window("court_feed")]}
EMAIL_DOWN = {"down": [window("email")]}
CAPPED = {"login_cap": [window("case_system", share_of_staff=0.4)]}
SLOW = {"slow": [window("case_system", factor=2)]}
EMAIL_LOSS = {"email_loss": [{"start": AT, "duration_days": 2, "lost_share": 0.1,
                              "detection_days": 3}]}  # fmt: skip
RECORDS_LOST = {"record_loss": [{"at": AT, "share": 0.02, "reconstruction_minutes": 60}]}
FORMS = {"surges": [{"at": AT, "task": "case_transfer", "share_of_cases": 0.1}]}


def office_cap(kit: float) -> dict:
    return {"office_cap": [{"start": AT, "duration_days": 5, "max_on_site": 30,
                            "home_kit_share": kit}]}  # fmt: skip


def said(outages: dict, levers: dict, switches: tuple = (), weeks: int = 4) -> list[str]:
    scenario = reference_scenario().with_changes(outages=outages)
    plan = Plan.model_validate({"name": "P", "levers": levers, "switches": list(switches)})
    return plan_levers_without_effect(scenario, plan, weeks)


RULES = [  # lever, its settings, outages it acts on, outages it has nothing in, what is said
    ("login_rota", {}, [CAPPED], CASE_DOWN,
     ["login rota changes nothing here: no login cap leaves fewer sessions than the office's "
      "125 staff", "add a login_cap outage, or leave login_rota out"]),
    ("paper_fallback", {}, [CASE_DOWN, CAPPED, COURT_DOWN, office_cap(0.5)], SLOW,
     ["paper fallback changes nothing here: none of its tasks (contact records, enforcement "
      "actions, breach actions and 5 more) needs a system that is down, capped or out of reach",
      "leave paper_fallback out"]),
    ("printed_risk_register", {}, [CASE_DOWN, CAPPED, RECORDS_LOST, office_cap(0.5)], FORMS,
     ["printed risk register changes nothing here: the risk check can always be done from the "
      "case system and assessment system", "leave printed_risk_register out"]),
    ("triage", {}, [CASE_DOWN, CAPPED, RECORDS_LOST], EMAIL_LOSS,
     ["triage changes nothing here: the risk check can always be done", "leave triage out"]),
    ("day_lists", {}, [CASE_DOWN, CAPPED], COURT_DOWN,
     ["day lists change nothing here: reception check-in never lacks the case system it needs",
      "leave day_lists out"]),
    ("alternative_channel", {}, [EMAIL_DOWN, EMAIL_LOSS], CASE_DOWN,
     ["alternative channel changes nothing here: email is neither down nor capped, and no "
      "email is lost", "leave alternative_channel out"]),
    ("home_working", {"kit_share": 1.0}, [office_cap(0.5)], CASE_DOWN,
     ["home working changes nothing here: no office cap sends staff home",
      "leave home_working out"]),
    ("overtime", {"hours_per_week": 4, "roles": ["court_admin"]}, [COURT_DOWN, CASE_DOWN], FORMS,
     ["overtime for court admin changes nothing here: transfer forms (case_transfer) are done "
      "by the case holder", "add those roles to overtime.roles"]),
]  # fmt: skip


@pytest.mark.parametrize("lever, settings, acting, idle, words", RULES, ids=[r[0] for r in RULES])
def test_each_lever_is_named_only_when_the_outages_give_it_nothing_to_act_on(
    lever, settings, acting, idle, words
):
    for outages in acting:
        assert said(outages, {lever: settings}) == [], outages
    [sentence] = said(idle, {lever: settings})
    assert sentence.startswith("plan 'P': "), sentence
    for part in words:
        assert part in sentence, (part, sentence)


def test_mutual_aid_is_never_named_while_it_arrives_in_the_run():
    for outages in (CASE_DOWN, FORMS, EMAIL_LOSS):
        assert said(outages, {"mutual_aid": {"staff": 2, "from_day": 8}}) == []


def test_home_working_needs_more_kit_than_the_office_cap_gives():
    [sentence] = said(office_cap(0.5), {"home_working": {"kit_share": 0.5}})
    assert "its kit_share (0.5) is not above the office cap's own home_kit_share (0.5)" in sentence
    assert "raise home_working.kit_share above 0.5" in sentence


def test_a_login_cap_above_the_headcount_gives_the_rota_nothing():
    loose = {"login_cap": [window("case_system", sessions=500)]}  # no effect: no outage at all
    [sentence] = said(loose, {"login_rota": {}})
    assert "the scenario has no outage in the run, so its login rota changes nothing" in sentence
    [sentence] = said({**loose, **EMAIL_DOWN}, {"login_rota": {}})
    assert "no login cap leaves fewer sessions than the office's 125 staff" in sentence


def test_paper_for_tasks_whose_systems_stay_up_names_the_tasks_that_lack_one():
    [sentence] = said(EMAIL_DOWN, {"paper_fallback": {}})
    assert "add recall_request and risk_escalation to paper_fallback.tasks" in sentence


def test_cross_organisation_access_counts_only_across_organisations():
    lockout = {"down": [window("cross_organisation_access")]}
    one_organisation = said(lockout, {"printed_risk_register": {}, "triage": {}})
    assert len(one_organisation) == 2  # one organisation: no case is another's
    s06 = load_scenario(SCENARIOS / "s06-cross-organisation.yaml")  # NPS and CRC
    plan = Plan.model_validate({"name": "P", "levers": {"printed_risk_register": {}}})
    assert plan_levers_without_effect(s06, plan, 8) == []


def test_admin_overtime_on_the_transfer_forms_of_s7_is_named_with_who_does_them():
    s07 = load_scenario(SCENARIOS / "s07-transfer-forms.yaml")
    forms_only = s07.with_changes(**{"outages.down": []})  # the transfer-form backlog alone
    admin = Plan.model_validate(
        {"name": "Overtime", "levers": {"overtime": {"hours_per_week": 5, "roles": ["case_admin"]}}}
    )
    assert plan_levers_without_effect(forms_only, admin, 12) == [
        "plan 'Overtime': overtime for case admin changes nothing here: transfer forms "
        "(case_transfer) are done by the case holder (probation officer, probation services "
        "officer); add those roles to overtime.roles"
    ]
    # with S7's two days of NDelius down, case admin's appointment letters run late too
    assert plan_levers_without_effect(s07, admin, 12) == []


def test_a_switch_after_the_last_outage_changes_nothing_but_overtime_and_mutual_aid():
    late = {"at": {"day": 20}, "levers": {"paper_fallback": {}, "triage": {},
                                          "overtime": {"hours_per_week": 4}}}  # fmt: skip
    assert said(CASE_DOWN, {}, [late]) == [
        "plan 'P', switches[0]: every outage has ended by then (the last on day 9, 09:00), "
        "so its paper fallback and triage change nothing (only overtime and mutual aid clear "
        "the backlog left); pull them before day 9, 09:00"
    ]
    during = {**late, "at": {"day": 8}}  # inside the outage: acts from then
    assert said(CASE_DOWN, {}, [during]) == []


def test_levers_replaced_before_the_outage_and_a_switch_judged_from_its_moment():
    off = {"at": {"day": 3}, "levers": {}}
    assert said(CASE_DOWN, {"triage": {}}, [off]) == [
        "plan 'P': no outage is in force before day 3, 09:00, so its triage changes nothing; "
        "keep it in force while an outage is"
    ]
    rota = {"at": {"day": 8}, "levers": {"login_rota": {}}}
    [sentence] = said(CASE_DOWN, {}, [rota])
    assert sentence.startswith("plan 'P', switches[0]: login rota changes nothing here")
    assert "from day 8, 09:00 on" in sentence
    assert "leave switches[0].levers.login_rota out" in sentence


def test_with_no_outage_one_sentence_per_plan_and_none_for_backlog_levers():
    assert said({}, {"paper_fallback": {}, "day_lists": {}, "overtime": {"hours_per_week": 2}}) == [
        "plan 'P': the scenario has no outage in the run, so its paper fallback and day lists "
        "change nothing (only overtime and mutual aid act in normal operation); compare it on a "
        "scenario with the outage it is meant for"
    ]
    assert said({}, {"overtime": {"hours_per_week": 2}}) == []


# The shipped library: the only lever with nothing to act on is the paper plan's day lists under
# S3, where only the court feed fails and reception's check-in needs the case system alone.
LIBRARY_WARNINGS = [
    (
        "s03-court-results.yaml",
        "plan 'Paper fallback': day lists change nothing here: reception check-in never lacks "
        "the case system it needs; they stand in only for a system check-in needs that is down "
        "or capped: leave day_lists out",
    )
]


def test_the_shipped_library_says_exactly_the_expected_warnings():
    found = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        plans = plans_of(scenario, SCENARIOS / "plans")
        found += [(path.name, w) for w in without_effect(scenario, plans, scenario.run.weeks)]
    assert found == LIBRARY_WARNINGS


# ----------------------------------------------------------------------------- exercises
def test_the_shipped_exercises_warn_of_nothing():
    for path in (SCENARIOS / "exercises").glob("*.yaml"):
        if "decision_points" in path.read_text():
            assert exercise_without_effect(load_exercise(path)) == [], path.name


def test_the_exercise_loader_judges_each_option_from_its_decision_with_every_inject(tmp_path):
    path = tmp_path / "phone.yaml"
    path.write_text(PHONE)
    exercise = load_exercise(path)
    assert exercise_without_effect(exercise) == [
        "exercise 'Small drill', decision point 'fallback', option 'Phone': alternative channel "
        "changes nothing here: email is neither down nor capped, and no email is lost from day 9, "
        "09:00 on; the channel acts only while email is down or messages are lost "
        "(email_loss): leave decision_points[0].options[2].levers.alternative_channel out"
    ]  # the Paper option acts on the inject's NDelius outage
    news_only = Exercise.model_validate(
        {**exercise.model_dump(), "injects": [exercise.injects[1].model_dump()]}
    )
    assert [w.split(":")[0] for w in exercise_without_effect(news_only)] == [
        "exercise 'Small drill', decision point 'fallback', option 'Paper'",
        "exercise 'Small drill', decision point 'fallback', option 'Phone'",
    ]


@pytest.mark.slow
def test_exercise_run_prints_the_warnings_on_stderr_and_plays_on(tmp_path):
    (tmp_path / "phone.yaml").write_text(PHONE)
    (tmp_path / "d.yaml").write_text(
        "decisions:\n  - {point: fallback, option: Wait}\n"
        "  - {point: overtime, option: Carry on as now}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "sim", "exercise", "run", str(tmp_path / "phone.yaml"),
         "--decisions", str(tmp_path / "d.yaml"), "--store", str(tmp_path / "store"),
         "--engine", "serial"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: exercise 'Small drill', decision point 'fallback', option 'Phone': " in (
        done.stderr
    )
    assert "warning" not in done.stdout


def test_compare_says_them_on_stderr_and_exits_0(tmp_path):
    path = tmp_path / "court.yaml"
    path.write_text(
        f"extends: {SCENARIOS / 'reference-office.yaml'}\nname: Court feed down\n"
        "outages:\n  down:\n    - {system: court_feed, start: {day: 1}, duration_days: 2}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "sim", "compare", str(path), "--weeks", "1", "--reps", "2",
         "--plans", str(SCENARIOS / "plans" / "paper-fallback.yaml"), "--engine", "serial",
         "--store", str(tmp_path / "results")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: plan 'Paper fallback': day lists change nothing here" in done.stderr
    assert "day lists" not in done.stdout
