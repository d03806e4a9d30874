"""The scenario and plan builder of the Scenarios page (app_pages/scenario_form.py,
app_pages/plan_editor.py, app_pages/forms.py): every library scenario and plan round-trips
through the forms to the same digest; outages are added, removed, moved and changed to another
kind; a plan is composed from levers with timed decisions; a bad value is refused with the
loader's message and nothing typed is lost; a saved plan is in my plans after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_test_kit import button, by_label, no_crash, open_library_scenario, page, texts
from sim.scenario.loader import load_plan, load_scenario, plan_from_text, scenario_from_mapping
from sim.scenario.plans import DO_NOTHING, Levers, Plan
from sim.scenario.problems import validate
from sim.scenario.schema import digest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))
PLANS = sorted((ROOT / "scenarios" / "plans").glob("*.yaml"))


def draft(at) -> dict:
    return at.session_state["scenario_draft"][1].data


def plan_draft(at) -> dict:
    return at.session_state["plan_draft"][2].data


def widget(elements, ending: str):
    """The widget whose key ends with ``ending`` (a field's path in the form)."""
    found = [e for e in elements if e.key and e.key.endswith(ending)]
    assert len(found) == 1, (ending, [e.key for e in elements])
    return found[0]


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_library_scenario_round_trips_through_the_form(folders, path):
    at = open_library_scenario(page("scenarios"), path.stem)
    no_crash(at)
    built = scenario_from_mapping(draft(at), "form")
    assert built.digest() == load_scenario(path).digest()


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_every_library_plan_round_trips_through_the_form(folders, path):
    plan = load_plan(path)
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value(plan.name).run()
    no_crash(at)
    held = DO_NOTHING if plan.name == DO_NOTHING.name else plan  # the app's own do-nothing
    assert digest(validate(plan_draft(at), {}, "form", model=Plan)) == digest(held)


@pytest.mark.slow  # in make test, not the quick tier
def test_an_outage_is_added_changed_to_another_kind_moved_and_removed(folders):
    at = open_library_scenario(page("scenarios"), "reference-office")
    assert not any(draft(at)["outages"].values())
    by_label(at.selectbox, "Kind of a new outage").set_value("login_cap").run()
    button(at, "Add outage").click().run()
    no_crash(at)
    [cap] = draft(at)["outages"]["login_cap"]
    widget(at.number_input, "outages.login_cap.0.start.day").set_value(3).run()
    assert draft(at)["outages"]["login_cap"][0]["start"]["day"] == 3
    by_label(at.selectbox, "Kind of a new outage").set_value("down").run()
    button(at, "Add outage").click().run()
    button(at, "Add outage").click().run()
    assert len(draft(at)["outages"]["down"]) == 2
    widget(at.number_input, "outages.down.1.duration_days").set_value(7).run()
    widget(at.button, "outages.down.1Up").click().run()  # the 7-day one first
    assert [w["duration_days"] for w in draft(at)["outages"]["down"]] == [7, 3]
    widget(at.selectbox, "outages.login_cap.0kind").set_value("slow").run()  # another kind
    no_crash(at)
    assert not draft(at)["outages"]["login_cap"]
    slow = draft(at)["outages"]["slow"][0]
    assert slow["start"] == {"day": 3, "hour": 9.0} and slow["system"] == cap["system"]
    widget(at.button, "outages.down.0-").click().run()  # remove the 7-day one
    assert [w["duration_days"] for w in draft(at)["outages"]["down"]] == [3]
    button(at, "Apply changes").click().run()
    no_crash(at)
    scenario = at.session_state["in_use"].scenario
    assert len(scenario.outages.down) == 1 and len(scenario.outages.slow) == 1
    assert "system slow" in texts(at) or at.table  # described from the new settings


def test_a_bad_value_shows_the_loaders_message_and_keeps_what_was_typed(folders):
    at = open_library_scenario(page("scenarios"), "reference-office")
    for role in ("probation officer", "probation services officer", "senior probation officer"):
        by_label(at.number_input, role).set_value(0)
    by_label(at.number_input, "weeks").set_value(5).run()
    no_crash(at)
    assert any("Fix" in e.value for e in at.error)
    assert "Nothing you typed is lost" in texts(at)
    assert draft(at)["run"]["weeks"] == 5  # kept, and the form still shows it
    assert by_label(at.number_input, "weeks").value == 5
    assert not [b for b in at.button if b.label == "Apply changes"]  # nothing to apply
    for role in ("probation officer", "probation services officer", "senior probation officer"):
        by_label(at.number_input, role).set_value(10)
    at.run()
    assert not at.error and by_label(at.number_input, "weeks").value == 5


@pytest.mark.slow  # in make test, not the quick tier
def test_a_plan_composed_from_nothing_with_timed_decisions(folders):
    """Paper fallback from day 1, then paper and overtime from day 3: composed in the form,
    kept, and saved to my plans, where a new session finds it (the YAML download is checked in
    the browser test)."""
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Do nothing").run()
    widget([t for t in at.text_input if t.key.startswith("plan-")], "~name").set_value(
        "Paper then overtime"
    ).run()
    button(at, "Add timed decision").click().run()
    button(at, "Add timed decision").click().run()
    widget(at.number_input, "switches.1.at.day").set_value(3).run()
    for i in (0, 1):
        widget(at.toggle, f"switches.{i}.levers.paper_fallback?").set_value(True).run()
    widget(at.toggle, "switches.1.levers.overtime?").set_value(True).run()
    widget(at.number_input, "switches.1.levers.overtime.hours_per_week").set_value(6).run()
    no_crash(at)
    button(at, "Keep this plan").click().run()
    no_crash(at)
    [plan] = at.session_state["edited_plans"].values()
    assert plan.name == "Paper then overtime"
    assert [s.at.day for s in plan.switches] == [1, 3]
    assert plan.switches[0].levers.paper_fallback is not None
    assert plan.switches[0].levers.overtime is None
    assert plan.switches[1].levers.overtime.hours_per_week == 6
    button(at, "Save to my plans").click().run()
    no_crash(at)
    saved = folders["library"] / "plans" / "paper-then-overtime.yaml"
    assert saved.exists()
    assert digest(plan_from_text(saved.read_text(), "saved")) == digest(plan)
    fresh = page("compare")  # a new session finds it in my plans
    assert "Paper then overtime" in by_label(fresh.multiselect, "Plans to compare").options
    again = page("scenarios")  # saving it again never replaces the file
    again.selectbox(key="plan_choice").set_value("Paper then overtime").run()
    button(again, "Save to my plans").click().run()
    assert any("already exists" in e.value for e in again.error)


def test_every_lever_switched_on_opens_on_settings_that_load(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Do nothing").run()
    for lever in Levers.model_fields:
        widget(at.toggle, f"~levers.{lever}?").set_value(True)
    at.run()
    no_crash(at)
    assert not at.error
    plan = validate(plan_draft(at), {}, "form", model=Plan)
    assert all(getattr(plan.levers, lever) is not None for lever in Levers.model_fields)


def test_a_setting_that_may_be_left_out_keeps_its_bounds_in_the_form(folders):
    """``share_of_staff: Share | None``: the box holds 0 to 1, as the schema does."""
    at = open_library_scenario(page("scenarios"), "s01-login-cap")
    box = widget(at.number_input, "outages.login_cap.0.share_of_staff")
    assert (box.min, box.max) == (0.0, 1.0)
