"""The app names a lever with nothing to act on before anything runs (AppTest): the plan builder
checks the plan against the scenario in use, the scenario builder checks the plans the scenario
lists, the Compare page says it when Run is pressed, and the Exercise page says it for the
options of the exercise chosen."""

from __future__ import annotations

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
