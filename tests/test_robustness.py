"""Verdicts that say how robust they are (``python -m sim robustness``, the Compare page's section
and the report's): a scenario's assumptions section refuses what cannot be run, naming the field
and the fix; a ranking that must flip at one end of an assumption flips there, and one that
cannot flip holds; the same seed gives the same table, serially or on two workers; the command
exits 2 on bad input; the Compare page offers it and shows the sentence and the table."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from app_test_kit import button, no_crash, page, texts
from sim.cli.main import app
from sim.experiments.compare import compare
from sim.experiments.robustness import robustness
from sim.outputs.report_content import report_content
from sim.outputs.report_html import render_html
from sim.scenario.assumptions import plan_at, scenario_at
from sim.scenario.loader import ScenarioError, load_plan, load_scenario, plans_of
from sim.scenario.plans import Levers, Plan, PrintedRiskRegister, Triage
from sim.scenario.scaling import scaled

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
S01, S02 = SCENARIOS / "s01-login-cap.yaml", SCENARIOS / "s02-ndelius-upgrade.yaml"
runner = CliRunner()

# A tenth of the reference office with NDelius down for five days from day 14: the printed risk
# register covers the risk checks of people whose risk has not changed since it was printed,
# while triage puts back low and medium risk contacts and holds the rest without a check. With
# risk escalations as set (0.02 per case a week) the register misses far fewer checks; at one
# escalation per case a week nearly every print is stale, so triage must come out ahead.
FLIPPING = {
    "label": "risk escalations",
    "path": "caseload.risk_escalations_per_case_per_week",
    "ends": [0.02, 1.0],
}
# The case system's name changes nothing the model does: the ranking cannot flip.
HARMLESS = {"label": "case system's name", "path": "systems.case_system.name", "ends": ["A", "B"]}
NOT_PULLED = {"label": "overtime hours", "path": "levers.overtime.hours_per_week", "ends": [2, 8]}
REGISTER = Plan(name="Register", levers=Levers(printed_risk_register=PrintedRiskRegister()))
TRIAGE = Plan(name="Triage", levers=Levers(triage=Triage(defer_levels=("low", "medium"))))


def tiny(*assumptions: dict):
    office = scaled(load_scenario(SCENARIOS / "reference-office.yaml"), 0.1)
    outage = {"system": "case_system", "start": {"day": 14, "hour": 0}, "duration_days": 5}
    return office.with_changes(outages={"down": [outage]}, assumptions=list(assumptions))


def tiny_robustness(*assumptions: dict, replications: int = 4, weeks: int = 4, **options):
    return robustness(
        tiny(*assumptions), [REGISTER, TRIAGE], replications, weeks=weeks,
        measure="missed_risk_checks", rerun=["Register", "Triage"],
        **{"engine": "serial", **options},
    )  # fmt: skip


@pytest.fixture(scope="module")
def flipping():
    return tiny_robustness(FLIPPING, HARMLESS, NOT_PULLED)


# ----------------------------------------------------------------------------- the section
def loading(tmp_path: Path, body: str, base: Path = S02) -> ScenarioError:
    path = tmp_path / "with-assumptions.yaml"
    path.write_text(f"extends: {base}\nassumptions:\n{body}", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_a_path_the_scenario_does_not_have_is_refused_at_its_line_with_the_fields_there(tmp_path):
    err = loading(
        tmp_path, "  - label: wait\n    path: caseload.risk_check_wait\n    ends: [15, 60]\n"
    )
    [problem] = err.problems
    assert (problem.field, problem.line) == ("assumptions[0].path", 4)
    assert "no field caseload.risk_check_wait" in problem.message
    assert "risk_check_max_wait_minutes" in problem.fix  # the fields caseload does have


def test_a_list_index_past_the_end_is_refused_with_the_indices_there(tmp_path):
    body = "  - label: length\n    path: outages.down.2.duration_days\n    ends: [1, 4]\n"
    [problem] = loading(tmp_path, body).problems
    assert problem.field == "assumptions[0].path" and "index it with 0 to 0" in problem.fix


def test_an_end_that_makes_the_scenario_invalid_is_refused_with_its_limit(tmp_path):
    body = "  - label: wait\n    path: caseload.risk_check_max_wait_minutes\n    ends: [15, 600]\n"
    [problem] = loading(tmp_path, body).problems
    assert (problem.field, problem.line) == ("assumptions[0].ends", 5)
    assert "600" in problem.message and "less than or equal to 480" in problem.message
    assert "ends the scenario accepts" in problem.fix


def test_a_lever_field_that_does_not_exist_and_an_end_a_lever_refuses(tmp_path):
    body = (
        "  - label: paper\n    path: levers.paper_fallback.paper_speed\n    ends: [1.1, 2]\n"
        "  - label: factor\n    path: levers.paper_fallback.paper_factor\n    ends: [0.5, 2]\n"
    )
    speed, factor = loading(tmp_path, body).problems
    assert speed.field == "assumptions[0].path" and "paper_factor" in speed.fix
    assert factor.field == "assumptions[1].ends" and "greater than or equal to 1" in factor.message


def test_two_equal_ends_and_two_assumptions_of_one_label_are_refused(tmp_path):
    same = "  - label: wait\n    path: caseload.risk_check_max_wait_minutes\n    ends: [30, 30]\n"
    assert "two different values" in loading(tmp_path, same).problems[0].fix
    twice = (
        "  - label: wait\n    path: caseload.risk_check_max_wait_minutes\n    ends: [15, 60]\n"
        "  - label: wait\n    path: caseload.assessment_review_weeks\n    ends: [8, 26]\n"
    )
    [problem] = loading(tmp_path, twice).problems
    assert problem.field == "assumptions[1].label" and "own" in problem.fix


def test_extends_inherits_the_section_and_a_child_can_replace_it(tmp_path):
    london = load_scenario(SCENARIOS / "s01-login-cap-london.yaml")
    assert [a.label for a in london.assumptions] == [
        a.label for a in load_scenario(S01).assumptions
    ]
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {S01}\noutages:\n  login_cap: []\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:  # S1's cap length has no cap to act on here
        load_scenario(child)
    assert "inherited from s01-login-cap.yaml" in info.value.problems[0].fix
    child.write_text(child.read_text() + "assumptions: []\n", encoding="utf-8")
    assert load_scenario(child).assumptions == ()


def test_every_end_of_the_library_scenarios_runs_with_their_plans():
    marked = [p for p in sorted(SCENARIOS.glob("*.yaml")) if load_scenario(p).assumptions]
    assert {S01, S02} <= set(marked)
    for path in marked:
        scenario = load_scenario(path)
        plans = plans_of(scenario, SCENARIOS / "plans")
        for assumption in scenario.assumptions:
            moves = []
            for end in (0, 1):  # each end validates; one of them, at least, changes a run
                at = scenario_at(scenario, assumption, end)
                moved = [plan_at(p, assumption, end) for p in plans]
                moves.append(at != scenario or moved != plans)
            assert any(moves), (path.name, assumption.label)


def test_a_lever_end_is_set_in_every_timed_decision_that_pulls_it():
    s02 = load_scenario(S02)
    factor = next(a for a in s02.assumptions if a.path == "levers.paper_fallback.paper_factor")
    decided = plan_at(load_plan(SCENARIOS / "plans" / "decide-paper-on-day-2.yaml"), factor, 1)
    assert decided.switches[0].levers.paper_fallback.paper_factor == 2
    triage = load_plan(SCENARIOS / "plans" / "triage.yaml")
    assert plan_at(triage, factor, 1) is triage  # pulls no paper fallback: left as it is


# ----------------------------------------------------------------------------- the rule
def test_a_ranking_that_must_flip_at_one_end_flips_there(flipping):
    outcomes = flipping["outcomes"].set_index(["assumption", "end"])
    assert flipping.leader == "Register" and flipping.measure == "missed_risk_checks"
    assert outcomes.loc[("risk escalations", "low"), "outcome"] == "holds"
    flipped = outcomes.loc[("risk escalations", "high")]
    assert flipped["outcome"] == "flips" and flipped["plan"] == "Triage"
    assert flipped["vs_leader_high"] < 0  # Triage minus Register: clearly fewer missed checks
    assert "It flips when risk escalations is at 1 a week: Triage is then better than Register" in (
        flipping.sentence
    )
    assert "contacts (95% interval" in flipping.sentence  # the measure's unit, from the registry


def test_a_ranking_that_cannot_flip_holds_with_the_same_numbers(flipping):
    table = flipping["robustness"]
    base = table[table["end"] == "as set"].set_index("plan")["mean"]
    for end in ("low", "high"):
        at = table[(table["assumption"] == "case system's name") & (table["end"] == end)]
        assert (at["outcome"] == "holds").all()
        assert at.set_index("plan")["mean"].to_dict() == base.to_dict()
    assert "It holds across case system's name from A to B." in flipping.sentence


def test_an_assumption_no_leading_plan_can_feel_is_said_not_tested(flipping):
    untested = flipping["outcomes"].set_index("assumption").loc["overtime hours"]
    assert untested["outcome"] == "not tested" and "pulls overtime" in untested["why"]
    assert "Not tested: overtime hours (no leading plan pulls overtime)." in flipping.sentence
    assert "overtime hours" not in set(flipping["robustness"]["assumption"])


@pytest.mark.slow
def test_the_same_seed_gives_the_same_table_serially_on_two_workers_and_from_a_comparison():
    """Serial, on two workers, and from a comparison already made (as the app and the report
    do): the same numbers, the same sentence."""
    short = {"replications": 2, "weeks": 3}
    first = tiny_robustness(FLIPPING, **short)
    pooled = tiny_robustness(FLIPPING, **short, engine="pool", workers=2)
    compared = compare(tiny(FLIPPING), [REGISTER, TRIAGE], 2, weeks=3, engine="serial")
    reused = tiny_robustness(FLIPPING, **short, compared=compared)
    for other in (pooled, reused):
        pd.testing.assert_frame_equal(first["robustness"], other["robustness"])
        pd.testing.assert_frame_equal(first["outcomes"], other["outcomes"])
        assert first.sentence == other.sentence
    assert reused.manifest["runs"] == first.manifest["runs"] > 0  # the ends only, run again
    content = report_content(compared.tables, compared.manifest, reused)
    assert content.robustness is not None and content.robustness.sentence == reused.sentence
    assert "How robust the verdict is" in render_html(content)
    plain = report_content(compared.tables, compared.manifest)
    assert plain.robustness is None and "How robust" not in render_html(plain)


def test_bad_requests_say_what_to_change():
    with pytest.raises(ValueError, match="marks no assumptions"):
        robustness(tiny(), [REGISTER, TRIAGE], 2, weeks=1, engine="serial")
    with pytest.raises(ValueError, match="at least 2"):
        robustness(tiny(HARMLESS), [REGISTER], 1, weeks=1, engine="serial")
    with pytest.raises(ValueError, match="use one of"):
        robustness(tiny(HARMLESS), [REGISTER], 2, weeks=1, measure="contacts_held")
    with pytest.raises(ValueError, match="'Nope' is not among the plans"):
        robustness(tiny(HARMLESS), [REGISTER], 2, weeks=1, rerun=["Nope", "Register"])


# ----------------------------------------------------------------------------- the command
def invoke(*args: str):
    return runner.invoke(app, ["robustness", *args])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((str(SCENARIOS / "reference-office.yaml"),), "marks no assumptions"),
        ((str(S02), "--plans", "no-such-plan"), "no such plan file"),
        ((str(S02), "--measure", "backlog_avg"), "use one of"),
        ((str(S02), "--reps", "1"), "greater than or equal to 2"),
        ((str(ROOT / "no-such.yaml"),), "no such file"),
    ],
)
def test_the_command_exits_2_on_bad_input(args, says):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output


def test_the_command_exits_2_on_a_bad_path_with_the_loaders_message(tmp_path):
    bad = tmp_path / "bad-path.yaml"
    bad.write_text(
        f"extends: {S02}\nassumptions:\n  - label: wait\n    path: caseload.wait\n"
        "    ends: [15, 60]\n",
        encoding="utf-8",
    )
    result = invoke(str(bad))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "line 4, assumptions[0].path" in result.output and "Fix: use one of" in result.output


@pytest.mark.slow  # in make test, not the quick tier
def test_the_command_prints_the_cost_the_table_and_the_sentence(tmp_path):
    small = tmp_path / "small-s02.yaml"
    small.write_text(
        f"extends: {S02}\nname: Small S2\noffice:\n  staffing:\n"
        + "".join(
            f"    {role}: {{count: {n}}}\n"
            for role, n in (
                ("probation_officer", 4),
                ("probation_services_officer", 4),
                ("senior_probation_officer", 1),
                ("reception", 1),
                ("court_admin", 1),
                ("case_admin", 3),
            )
        )  # fmt: skip
        + "caseload:\n  cases: 300\n  new_cases_per_week: 5.4\n",
        encoding="utf-8",
    )
    paper = str(SCENARIOS / "plans" / "paper-fallback.yaml")
    args = (str(small), "--plans", paper, "--reps", "2", "--weeks", "4", "--engine", "serial")
    shown = invoke(*args)
    assert shown.exit_code == 0, shown.output
    assert "estimated cost: at most" in shown.output and "mean backlog (items)" in shown.output
    assert "Ranked on mean backlog (items, the measure the verdict leads with)" in shown.output
    found = json.loads(invoke(*args, "--json").stdout)
    assert set(found["manifest"]["leading"]) == {"Do nothing", "Paper fallback"}
    assert found["sentence"].startswith("Ranked on mean backlog")
    assert {r["assumption"] for r in found["robustness"]} >= {"", "risk-check wait"}


# ----------------------------------------------------------------------------- the app
def test_the_compare_page_offers_it_for_a_scenario_that_marks_assumptions(folders, experiment):
    at = page("compare", experiment=experiment)
    no_crash(at)
    assert button(at, "How robust is this verdict?")
    assert "risk-check wait from 15 minutes to 60 minutes" in texts(at)


@pytest.mark.slow
def test_the_compare_page_shows_the_sentence_and_table_from_the_board(
    folders, experiment, downloads
):
    at = page("compare", experiment=experiment)
    button(at, "How robust is this verdict?").click().run()
    deadline = time.monotonic() + 300
    while not any("Ranked on mean backlog" in m.value for m in at.markdown):
        assert time.monotonic() < deadline, "no robustness within the time allowed"
        assert not at.warning, [w.value for w in at.warning]
        time.sleep(0.5)
        at.run()
        no_crash(at)
    # the report's button is drawn above the section: the answer may have come in between the
    # two within one run of the page, so the report carries it from the next run on
    at.run()
    shown = at.dataframe[-1].value
    assert {"as set", "risk-check wait"} <= set(shown["assumption"])
    assert set(shown["ranking"]) - {"-"} <= {"holds", "flips", "unclear"}
    csv = pd.read_csv(io.BytesIO(downloads["Download robustness (CSV)"]["content"]()))
    assert set(csv["scenario_hash"]) == {experiment.manifest["scenario_hash"]}
    report = downloads["Download report (HTML)"]["content"]().decode()
    assert "How robust the verdict is" in report  # the report carries it once it is in
