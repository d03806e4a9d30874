"""The Streamlit app, page by page, through Streamlit's AppTest: widgets, runs, bad input.

Every test works in its own results store and scenario library (temporary folders), so nothing
here touches the project's results/ or my-scenarios/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sim.experiment import compare
from sim.loader import load_plan, load_scenario
from sim.store import ResultsStore

ROOT = Path(__file__).resolve().parents[1]
S02 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"
PAPER = ROOT / "scenarios" / "plans" / "paper-fallback.yaml"


# A page on its own, guarded like app.py: simulation workers may import the running script
PAGE_SCRIPT = """
from app_pages.{page} import render

if __name__ == "__main__":
    render()
"""


@pytest.fixture
def folders(tmp_path, monkeypatch) -> dict[str, Path]:
    found = {"results": tmp_path / "results", "library": tmp_path / "library"}
    monkeypatch.setenv("SIM_RESULTS_DIR", str(found["results"]))
    monkeypatch.setenv("SIM_LIBRARY_DIR", str(found["library"]))
    monkeypatch.setenv("SIM_DEFAULT_SCENARIO", str(S02))
    monkeypatch.setenv("SIM_APP_WORKERS", "2")
    return found


def page(name: str, **state) -> AppTest:
    at = AppTest.from_string(PAGE_SCRIPT.format(page=name), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Every piece of text on the page, joined (markdown, captions, alerts, headings)."""
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info",
                                  "warning", "error", "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def no_crash(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def experiment():
    """A small S2 experiment (do nothing and paper fallback, 3 replications, 5 weeks)."""
    return compare(load_scenario(S02), [load_plan(PAPER)], 3, weeks=5, engine="serial")


def wait_for_results(at: AppTest, seconds: float = 240) -> AppTest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        no_crash(at)
        if "Verdict" in [s.value for s in at.subheader] or at.warning or at.error:
            return at
        time.sleep(0.5)
    raise AssertionError("no results within the time allowed")


def test_the_entry_point_opens_the_scenarios_page(folders):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    no_crash(at)
    assert [t.value for t in at.title] == ["Scenarios"]
    assert "S2" in texts(at)  # the default scenario named by SIM_DEFAULT_SCENARIO
    assert at.selectbox(key="library_choice").value == "s02-ndelius-upgrade"  # in the library


def test_every_page_renders_without_an_experiment(folders):
    for name in ("scenarios", "compare", "forecast", "workload", "history", "method"):
        at = page(name)
        no_crash(at)
        assert at.title, name


def test_a_bad_default_scenario_is_shown_as_errors_on_every_page(folders, tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: reference-office.yaml\nrun: {weeks: 0}\n")
    monkeypatch.setenv("SIM_DEFAULT_SCENARIO", str(bad))
    (tmp_path / "reference-office.yaml").write_text(
        (ROOT / "scenarios" / "reference-office.yaml").read_text())
    for name in ("scenarios", "compare", "method"):
        at = page(name)
        no_crash(at)
        assert any("run.weeks" in e.value for e in at.error), name


def test_the_library_opens_an_incident_with_its_story(folders):
    at = page("scenarios")
    at.selectbox(key="library_choice").set_value("s01-login-cap-london")
    at.button(key="library_open").click().run()
    no_crash(at)
    assert "S1 Login cap at London scale" in [h.value for h in at.header]
    assert at.number_input(key="edit_probation_officer").value == 1100  # the form follows
    assert "London Probation Trust" in texts(at)  # the incident's story and its source


def test_editing_the_scenario_changes_it_and_bad_edits_are_refused(folders):
    at = page("scenarios")
    at.number_input(key="edit_probation_officer").set_value(50)
    at.button(key="FormSubmitter:edit_scenario-Apply changes").click().run()
    no_crash(at)
    edited = at.session_state["scenario"]
    assert edited.office.staffing.probation_officer.count == 50
    assert at.session_state["scenario_source"] == "edited in the app"
    for role in ("probation_officer", "probation_services_officer", "senior_probation_officer"):
        at.number_input(key=f"edit_{role}").set_value(0)
    at.button(key="FormSubmitter:edit_scenario-Apply changes").click().run()
    no_crash(at)
    assert at.error and "Fix" in at.error[-1].value
    assert at.session_state["scenario"] == edited  # the refused edit changed nothing


def test_a_bad_upload_lists_its_problems_and_a_good_one_opens(folders):
    at = page("scenarios")
    at.file_uploader(key="upload").upload("mine.yaml", b"name: x\nrun: {weeks: many}\n").run()
    no_crash(at)
    assert any("mine.yaml" in e.value for e in at.error)
    assert any("Fix" in e.value for e in at.error)
    good = b"extends: reference-office.yaml\nname: Uploaded office\n"
    at.file_uploader(key="upload").set_value(("good.yaml", good, "application/x-yaml")).run()
    no_crash(at)
    assert at.session_state["scenario"].name == "Uploaded office"


def test_saving_to_my_scenarios_keeps_it_and_never_overwrites(folders):
    at = page("scenarios")
    at.text_input(key="save_name").set_value("my-office")
    at.button(key="FormSubmitter:save_scenario-Save").click().run()
    saved = folders["library"] / "my-office.yaml"
    assert saved.exists() and at.success
    before = saved.read_bytes()
    at.button(key="FormSubmitter:save_scenario-Save").click().run()
    no_crash(at)
    assert any("already exists" in e.value for e in at.error)
    assert saved.read_bytes() == before
    fresh = page("scenarios")  # a new session (as after a restart) finds it in the library
    assert any(o.endswith("my scenarios / my-office")
               for o in fresh.selectbox(key="library_choice").options)


def test_a_plan_edited_in_a_form_can_be_compared(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Overtime").run()
    at.number_input(key="lever_overtime_hours_per_week").set_value(9)
    at.button(key="FormSubmitter:edit_plan-Keep this plan").click().run()
    no_crash(at)
    plan = at.session_state["edited_plans"]["Overtime (edited)"]
    assert plan.levers.overtime.hours_per_week == 9
    compare_page = page("compare", edited_plans={plan.name: plan})
    assert plan.name in compare_page.multiselect(key="compare_plans").options


def test_compare_runs_in_the_background_and_shows_verdict_charts_and_tables(folders):
    at = page("compare")
    at.multiselect(key="compare_plans").set_value(["Do nothing", "Paper fallback"])
    at.number_input(key="compare_replications").set_value(2)
    at.number_input(key="compare_weeks").set_value(4)
    at.button(key="FormSubmitter:compare-Run").click().run()
    wait_for_results(at)
    assert {"Verdict", "Backlog over time", "Missed risk checks by RoSH level",
            "Paired differences from doing nothing"} <= {s.value for s in at.subheader}
    assert len(at.image) >= 3  # fan chart, risk checks, recovery
    assert at.download_button(key="compare-report-html")
    assert at.dataframe and any("Lowest mean backlog" in m.value for m in at.markdown)
    assert len(ResultsStore(folders["results"]).list()) == 1  # saved for History
    # the same experiment again: served from the finished job, not run or saved again
    at.button(key="FormSubmitter:compare-Run").click().run()
    wait_for_results(at)
    assert len(ResultsStore(folders["results"]).list()) == 1


def test_a_running_comparison_can_be_cancelled(folders):
    at = page("compare")
    at.number_input(key="compare_replications").set_value(60)
    at.number_input(key="compare_weeks").set_value(8)
    at.button(key="FormSubmitter:compare-Run").click().run()
    assert at.button(key="compare_cancel")
    at.button(key="compare_cancel").click().run()
    wait_for_results(at)
    assert any("cancelled" in w.value for w in at.warning)
    assert ResultsStore(folders["results"]).list().empty


def test_forecast_shows_recovery_dates_and_objective_status(folders, experiment):
    at = page("forecast", experiment=experiment)
    no_crash(at)
    assert {m.label for m in at.metric} >= {"Do nothing", "Paper fallback"}
    assert at.download_button(key="forecast-report-html")  # the after-action report
    assert at.download_button(key="forecast-report-pdf")
    table = at.dataframe[1].value  # objectives, with a status per objective
    assert table["RTO"].str.contains("met|at risk|breached").all()
    assert at.image


def test_workload_shows_roles_people_and_answers_a_claim(folders, experiment):
    at = page("workload", experiment=experiment)
    no_crash(at)
    assert "probation officer" in set(at.dataframe[0].value["role"])
    assert at.download_button(key="workload-report-pdf")
    at.selectbox(key="claim_plan").set_value("Paper fallback")
    at.selectbox(key="claim_measure").set_value("share_over_110_wmt_4_weeks")
    at.selectbox(key="claim_role").set_value("probation_officer")
    at.number_input(key="claim_threshold").set_value(0.25)
    at.button(key="FormSubmitter:claim-Test the claim").click().run()
    no_crash(at)
    metric = next(m for m in at.metric if m.label == "Probability the claim holds")
    assert 0.0 <= float(metric.value) <= 1.0
    assert any("replications: probability" in m.value for m in at.markdown)


def test_history_reopens_a_saved_experiment_without_running(folders, experiment):
    run_id = ResultsStore(folders["results"]).save(experiment.tables, experiment.manifest)
    at = page("history")
    at.selectbox(key="history_run").set_value(run_id)
    at.button(key="history_open").click().run()
    no_crash(at)
    assert at.session_state["experiment"].manifest["run_id"] == run_id
    assert "Verdict" in {s.value for s in at.subheader}


def test_method_lists_assumptions_with_their_sources(folders):
    at = page("method")
    no_crash(at)
    sources = at.dataframe[-1].value
    assert len(sources) > 100 and sources["source or assumption"].str.len().gt(0).mean() > 0.8
