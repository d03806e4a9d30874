"""The app names a lever with nothing to act on before anything runs (AppTest): the plan builder
checks the plan against the scenario in use, the scenario builder checks the plans the scenario
lists, the Compare page says it when Run is pressed, and the Exercise page says it for the
options of the exercise chosen."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from app_test_kit import button, by_label, no_crash, open_library_scenario, page
from exercise_drill import PHONE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROTA = "Plan 'Login rota': login rota changes nothing here"  # S2: NDelius down, no login cap


def warnings_of(at) -> list[str]:
    return [w.value for w in at.warning]


def test_the_plan_builder_checks_the_plan_against_the_scenario_in_use(folders):
    at = page("scenarios")  # S2 in use
    at.selectbox(key="plan_choice").set_value("Login rota").run()
    no_crash(at)
    assert any(w.startswith(ROTA) for w in warnings_of(at)), warnings_of(at)
    at.selectbox(key="plan_choice").set_value("Paper fallback").run()
    assert not any("changes nothing" in w for w in warnings_of(at))


def test_the_scenario_builder_checks_the_plans_the_scenario_lists(folders):
    at = open_library_scenario(page("scenarios"), "s03-court-results")
    assert any(
        w.startswith("Plan 'Paper fallback': day lists change nothing here")
        for w in warnings_of(at)
    ), warnings_of(at)


def test_the_compare_page_says_it_when_run_is_pressed(folders):
    from app_pages import state

    at = page("compare")
    by_label(at.multiselect, "Plans to compare").set_value(["Do nothing", "Login rota"])
    by_label(at.number_input, "Replications").set_value(1)
    by_label(at.number_input, "Weeks to simulate").set_value(5)
    button(at, "Run").click().run()
    no_crash(at)
    state.board().cancel_running()  # the runs are not what this test is about
    assert any(w.startswith(ROTA) for w in warnings_of(at)), warnings_of(at)


@pytest.fixture
def phone_library(folders, tmp_path, monkeypatch) -> Iterator[None]:
    library = tmp_path / "exercise-library"
    library.mkdir()
    (library / "phone.yaml").write_text(PHONE)
    monkeypatch.setenv("SIM_EXERCISE_LIBRARY", str(library))
    monkeypatch.setenv("SIM_EXERCISES_DIR", str(tmp_path / "exercises"))
    yield


def test_the_exercise_page_says_it_for_the_options_of_the_exercise_chosen(phone_library):
    at = page("exercise")
    by_label(at.selectbox, "Exercise").set_value("Small drill").run()
    no_crash(at)
    assert any(
        w.startswith("Exercise 'Small drill', decision point 'fallback', option 'Phone': ")
        for w in warnings_of(at)
    ), warnings_of(at)


def said_in(at) -> list[str]:
    """The warnings as the user reads them (markdown escapes taken out)."""
    return [re.sub(r"\\(.)", r"\1", w) for w in warnings_of(at)]


def widget(elements, ending: str):
    """The widget whose key ends with ``ending`` (a field's path in the form)."""
    found = [e for e in elements if e.key and e.key.endswith(ending)]
    assert len(found) == 1, (ending, [e.key for e in elements])
    return found[0]


def test_the_scenario_builder_says_an_implausible_setting_as_it_is_typed(folders):
    at = open_library_scenario(page("scenarios"), "reference-office")
    assert not said_in(at)
    widget(at.multiselect, "~calendar.working_days").set_value(["mon"]).run()
    no_crash(at)
    assert any(
        w.startswith(
            "office.staffing.probation_officer.contracted_hours 37 hours a week in 1 working "
            "day (37.0 hours a day)"
        )
        and "daily rest" in w
        for w in said_in(at)
    ), said_in(at)
    widget(at.multiselect, "~calendar.working_days").set_value(["mon", "tue", "wed", "thu", "fri"])
    widget(at.multiselect, "~tasks.risk_check.roles").set_value(["case_admin"]).run()
    assert any(
        w.startswith("tasks.risk_check.roles is ['case_admin'], but risk checks are done by")
        for w in said_in(at)
    ), said_in(at)


def test_the_plan_builder_says_overtime_for_nobody(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Overtime").run()
    widget(at.multiselect, "levers.overtime.roles").set_value([]).run()
    no_crash(at)
    assert any(
        w.startswith("Plan 'Overtime (edited: ")
        and "': levers.overtime.roles is empty ([]): the overtime is for nobody" in w
        for w in said_in(at)
    ), said_in(at)
