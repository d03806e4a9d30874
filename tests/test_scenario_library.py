"""The scenario library: every scenario and plan file loads, each incident scenario respects the
warm-up rule, and each one's outage actually bites under "do nothing" (and runs under every plan
it compares)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.run import simulate
from sim.scenario.loader import ScenarioError, load_plan, load_scenario, plans_of
from sim.scenario.schema import filled_posts

pytestmark = pytest.mark.slow  # many runs: not in make test-quick

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "scenarios"
PLANS_DIR = FOLDER / "plans"
SCENARIOS = sorted(FOLDER.glob("*.yaml"))
PLANS = sorted(PLANS_DIR.glob("*.yaml"))
LONDON = FOLDER / "s01-login-cap-london.yaml"
LIBRARY = [p for p in SCENARIOS if p.name != "reference-office.yaml"]
NORMAL_SIZE = [p for p in LIBRARY if p != LONDON]
WARM_UP_DAYS = 21  # diaries start empty; the office settles in about three weeks


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def start_days(scenario) -> list[int]:
    out = scenario.outages
    windows = [*out.down, *out.login_cap, *out.slow, *out.email_loss, *out.office_cap]
    return [w.start.day for w in windows] + [e.at.day for e in (*out.record_loss, *out.surges)]


def counts(result) -> dict[str, int]:
    table = result["event_counts"]
    return dict(zip(table["event"], table["count"], strict=True))


def evidence(scenario, result) -> dict[str, float]:
    """What each kind of disruption in the scenario leaves behind under "do nothing".

    Login caps, office caps and slow windows are not checked here: they are being built into the
    model, and every scenario using them also has a disruption checked below."""
    out, c = scenario.outages, counts(result)
    found: dict[str, float] = {}
    if out.down:  # some work needs the system that is down and waits for it
        found["items_waiting_for_systems"] = c.get("items_waiting_for_systems", 0)
    if any(w.system == "case_system" for w in out.down):  # no risk information without NDelius
        found["missed_risk_checks"] = result.measure("missed_risk_checks")
    if out.record_loss:
        found["records_lost"] = c.get("records_lost", 0)
    if out.email_loss:
        found["emails_lost_or_delayed"] = c.get("emails_lost", 0) + c.get("emails_delayed", 0)
    for surge in out.surges:
        found[f"surge_{surge.task}"] = c.get(f"surge_{surge.task}", 0)
    return found


def short_weeks(scenario) -> int:
    """Weeks enough for every disruption to have started a few days before the end."""
    return max(start_days(scenario)) // 7 + 2


@pytest.mark.parametrize("path", SCENARIOS, ids=ids(SCENARIOS))
def test_scenario_and_its_plans_load(path):
    scenario = load_scenario(path)
    plans = plans_of(scenario, PLANS_DIR)
    assert plans[0].name == "Do nothing"
    if path in LIBRARY:
        assert "do-nothing" in scenario.plans and len(plans) == len(scenario.plans)
        assert scenario.description.strip() and "seed" in scenario.description


@pytest.mark.parametrize("path", PLANS, ids=ids(PLANS))
def test_plan_loads(path):
    plan = load_plan(path)
    assert plan.name and plan.description
    assert plan.pulls_any() == (path.name != "do-nothing.yaml")


@pytest.mark.parametrize("path", NORMAL_SIZE, ids=ids(NORMAL_SIZE))
def test_outages_start_after_the_warm_up_and_the_run_shows_recovery(path):
    scenario = load_scenario(path)
    assert start_days(scenario), "an incident scenario has at least one disruption"
    assert min(start_days(scenario)) >= WARM_UP_DAYS
    assert scenario.run.weeks >= 8


@pytest.mark.parametrize("path", NORMAL_SIZE, ids=ids(NORMAL_SIZE))
def test_outage_bites_under_do_nothing(path):
    scenario = load_scenario(path)
    result = simulate(scenario, weeks=short_weeks(scenario))
    found = evidence(scenario, result)
    assert found, f"{path.name}: no checkable disruption"
    assert all(v > 0 for v in found.values()), f"{path.name}: {found}"


def compared_plans() -> list[tuple[Path, str]]:
    """(scenario, plan name) for every plan a normal-size scenario compares, do nothing aside.
    A scenario that does not load adds none (test_scenario_and_its_plans_load reports it)."""
    pairs = []
    for path in NORMAL_SIZE:
        try:
            pairs += [(path, name) for name in load_scenario(path).plans if name != "do-nothing"]
        except ScenarioError:
            pass
    return pairs


@pytest.mark.parametrize(
    "path, plan_name", compared_plans(), ids=[f"{p.stem}-{n}" for p, n in compared_plans()]
)
def test_every_plan_compared_runs_through_the_outage(path, plan_name):
    scenario = load_scenario(path)
    plan = load_plan(PLANS_DIR / f"{plan_name}.yaml")
    result = simulate(scenario, plan=plan, weeks=short_weeks(scenario))
    assert result.manifest["plan"] == plan.name
    assert result.measure("contacts_held") > 0


def test_london_is_the_reference_office_times_25_and_runs_a_week():
    london, s01 = load_scenario(LONDON), load_scenario(FOLDER / "s01-login-cap.yaml")
    reference = load_scenario(FOLDER / "reference-office.yaml")
    staffing, ref = london.office.staffing, reference.office.staffing
    roles = list(type(staffing).model_fields)
    posts = sum(staffing.role(r).count for r in roles)
    assert 3000 <= posts <= 3500
    assert all(staffing.role(r).count == 25 * ref.role(r).count for r in roles)
    assert london.caseload.cases == 25 * reference.caseload.cases
    assert london.caseload.new_cases_per_week == 25 * reference.caseload.new_cases_per_week
    assert london.outages == s01.outages and london.plans == s01.plans
    assert london.run.weeks == 4
    result = simulate(london, weeks=1)  # large: one week only (a few seconds)
    filled = sum(filled_posts(staffing.role(r)) for r in roles)
    assert result["staff_weekly"]["staff_id"].nunique() == filled
    assert result.measure("contacts_held") > 1000


def test_a_library_scenario_is_not_relabelled_because_a_variant_shares_its_description(
    tmp_path,
):
    """A folder holding the reference office and a variant that extends it (so carries its
    description): the reference office is itself; a changed copy of it is labelled."""
    import shutil

    from sim.scenario.library import labelled

    shutil.copy(FOLDER / "reference-office.yaml", tmp_path / "reference-office.yaml")
    (tmp_path / "longer-breach.yaml").write_text(
        "extends: reference-office.yaml\nname: Longer breach packs\n"
        "tasks:\n  breach_action:\n    duration: {mean_minutes: 180, cv: 1}\n"
    )
    reference = load_scenario(tmp_path / "reference-office.yaml")
    assert labelled(reference, tmp_path) is reference
    changed = reference.with_changes(**{"caseload.cases": 2000})
    assert labelled(changed, tmp_path).name.startswith("Reference office (modified")
