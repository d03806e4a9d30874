"""The Streamlit app, page by page, through Streamlit's AppTest: widgets, runs, bad input.

Every test works in its own results store and scenario library (temporary folders), so nothing
here touches the project's results/ or my-scenarios/. What is shown and downloaded is the
experiment that ran: tests/test_app_provenance.py.
"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from app_test_kit import (
    ROOT,
    S02,
    button,
    by_label,
    no_crash,
    open_library_scenario,
    page,
    texts,
    wait_for_results,
)
from sim.store.results import ResultsStore


def test_the_entry_point_opens_the_scenarios_page(folders):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    no_crash(at)
    assert [t.value for t in at.title] == ["Scenarios"]
    assert "S2" in texts(at)  # the default scenario named by SIM_DEFAULT_SCENARIO
    library = by_label(at.selectbox, "Scenario library")
    assert library.value.path == S02  # the library box shows the scenario in use


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
        (ROOT / "scenarios" / "reference-office.yaml").read_text()
    )
    for name in ("scenarios", "compare", "method"):
        at = page(name)
        no_crash(at)
        assert any("run.weeks" in e.value for e in at.error), name


def test_the_library_opens_an_incident_with_its_story(folders):
    at = open_library_scenario(page("scenarios"), "s01-login-cap-london")
    assert "S1 Login cap at London scale" in [h.value for h in at.header]
    assert by_label(at.number_input, "probation officer").value == 1100  # the form follows
    assert "London Probation Trust" in texts(at)  # the incident's story and its source


def test_editing_the_scenario_changes_it_and_bad_edits_are_refused(folders):
    at = page("scenarios")
    by_label(at.number_input, "probation officer").set_value(50)
    button(at, "Apply changes").click().run()
    no_crash(at)
    edited = at.session_state["in_use"]
    assert edited.scenario.office.staffing.probation_officer.count == 50
    assert edited.source == "edited in the app"
    for role in ("probation officer", "probation services officer", "senior probation officer"):
        by_label(at.number_input, role).set_value(0)
    button(at, "Apply changes").click().run()
    no_crash(at)
    assert at.error and "Fix" in at.error[-1].value
    assert at.session_state["in_use"] == edited  # the refused edit changed nothing


def test_a_bad_upload_lists_its_problems_and_a_good_one_opens(folders):
    at = page("scenarios")
    at.file_uploader(key="upload").upload("mine.yaml", b"name: x\nrun: {weeks: many}\n").run()
    no_crash(at)
    assert any("mine.yaml" in e.value for e in at.error)
    assert any("Fix" in e.value for e in at.error)
    good = b"extends: reference-office.yaml\nname: Uploaded office\n"
    at.file_uploader(key="upload").set_value(("good.yaml", good, "application/x-yaml")).run()
    no_crash(at)
    assert at.session_state["in_use"].scenario.name == "Uploaded office"


def test_saving_to_my_scenarios_keeps_it_and_never_overwrites(folders):
    at = page("scenarios")
    by_label(at.text_input, "Save to my scenarios as").set_value("my-office")
    button(at, "Save").click().run()
    saved = folders["library"] / "my-office.yaml"
    assert saved.exists() and at.success
    before = saved.read_bytes()
    by_label(at.text_input, "Save to my scenarios as").set_value("my-office")  # the same again
    button(at, "Save").click().run()
    no_crash(at)
    assert any("already exists" in e.value for e in at.error)
    assert saved.read_bytes() == before
    fresh = page("scenarios")  # a new session (as after a restart) finds it in the library
    assert any(
        o.endswith("my scenarios / my-office")
        for o in by_label(fresh.selectbox, "Scenario library").options
    )


def test_a_plan_edited_in_a_form_can_be_compared(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Overtime").run()
    by_label(at.number_input, "hours per week").set_value(9)
    button(at, "Keep this plan").click().run()
    no_crash(at)
    [(name, plan)] = at.session_state["edited_plans"].items()
    assert plan.levers.overtime.hours_per_week == 9
    assert name == plan.name and "Overtime (edited" in name and "9" in name
    compare_page = page("compare", edited_plans={plan.name: plan})
    assert plan.name in by_label(compare_page.multiselect, "Plans to compare").options


@pytest.mark.slow
def test_compare_runs_in_the_background_and_shows_verdict_charts_and_tables(folders):
    at = page("compare")
    by_label(at.multiselect, "Plans to compare").set_value(["Do nothing", "Paper fallback"])
    by_label(at.number_input, "Replications").set_value(2)
    by_label(at.number_input, "Weeks to simulate").set_value(4)
    button(at, "Run").click().run()
    wait_for_results(at)
    assert {
        "Verdict",
        "Backlog and re-keying debt over time",
        "Missed risk checks by RoSH level",
        "Paired differences from doing nothing",
    } <= {s.value for s in at.subheader}
    assert len(at.image) >= 2  # fan chart, risk checks (recovery: the run ends first)
    assert at.download_button(key="compare-report-html")
    assert at.dataframe and any("mean backlog" in m.value for m in at.markdown)
    assert len(ResultsStore(folders["results"]).list()) == 1  # saved for History
    # the same experiment again: served from the finished job, not run or saved again
    button(at, "Run").click().run()
    wait_for_results(at)
    assert len(ResultsStore(folders["results"]).list()) == 1


@pytest.mark.slow
def test_the_compare_page_says_why_the_replications_stopped_and_offers_a_fixed_count(folders):
    """By default replications are added until the answer is clear, at most the number asked;
    the results say where they stopped and why. A fixed count runs exactly that many."""
    at = page("compare")
    assert by_label(at.radio, "How many replications").value == "Until the answer is clear"
    by_label(at.multiselect, "Plans to compare").set_value(["Do nothing"])
    by_label(at.number_input, "Replications").set_value(2)
    by_label(at.number_input, "Weeks to simulate").set_value(4)
    button(at, "Run").click().run()
    wait_for_results(at)
    said = texts(at).replace("\\", "")  # as read, without markdown's escapes
    assert "Replications: stopped at 2 of at most 2 replications, maximum of 2" in said, said
    by_label(at.radio, "How many replications").set_value("A fixed count")
    button(at, "Run").click().run()
    fixed = "Replications: a fixed count of 2 replications."
    deadline = time.monotonic() + 240
    while fixed not in texts(at).replace("\\", ""):  # the earlier results until it ends
        assert time.monotonic() < deadline, texts(at)
        time.sleep(0.5)
        at.run()
        no_crash(at)
    assert len(ResultsStore(folders["results"]).list()) == 2  # not the same experiment


@pytest.mark.slow
def test_a_first_answer_appears_while_running_and_a_cancel_keeps_it_labelled_partial(folders):
    """Progressive results: while the runs go on, the comparison of every plan's first
    replications is shown and refined; a cancel keeps it on screen, labelled partial (how many
    replications of how many) and not saved."""
    at = page("compare")
    by_label(at.multiselect, "Plans to compare").set_value(["Do nothing", "Paper fallback"])
    by_label(at.number_input, "Replications").set_value(100)
    by_label(at.number_input, "Weeks to simulate").set_value(4)
    button(at, "Run").click().run()
    assert any("Press **Run** again" in w.value for w in at.warning)  # over a minute: said first
    button(at, "Run").click().run()
    deadline = time.monotonic() + 240
    while not any("First answer" in m.value for m in at.markdown):
        assert time.monotonic() < deadline, "no first answer within the time allowed"
        assert at.button(key="compare_cancel"), "the run ended before a first answer was shown"
        time.sleep(0.5)
        at.run()
        no_crash(at)
    assert "replications" in next(m.value for m in at.markdown if "First answer" in m.value)
    so_far = at.table[0].value  # the headline measures so far, with their intervals
    assert len(so_far) and {"Do nothing", "Paper fallback"} <= set(
        so_far.index.get_level_values("plan")
    )
    at.button(key="compare_cancel").click().run()
    wait_for_results(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "cancelled" in warnings and "partial" in warnings and "of 100 replications" in warnings
    assert "Verdict" in [s.value for s in at.subheader]  # the partial comparison, shown
    assert ResultsStore(folders["results"]).list().empty  # and never saved as if complete


def test_history_reopens_a_saved_experiment_without_running(folders, experiment):
    run_id = ResultsStore(folders["results"]).save(experiment.tables, experiment.manifest)
    at = page("history")
    at.selectbox(key="history_run").set_value(run_id)
    at.button(key="history_open").click().run()
    no_crash(at)
    assert at.session_state["experiment"].manifest["run_id"] == run_id
    assert "Verdict" in {s.value for s in at.subheader}
    _backlog_and_rekeying_debt_side_by_side(at)


def test_history_leaves_out_the_runs_exercises_made_unless_asked(folders, experiment):
    """Every step of an exercise saves its experiment, marked with the exercise's name: History
    lists the others, says how many it hides, and lists them all when asked."""
    store = ResultsStore(folders["results"])
    mine = store.save(experiment.tables, experiment.manifest)
    steps = [
        store.save(experiment.tables, {**experiment.manifest, "exercise": "Small drill"})
        for _ in range(2)
    ]
    at = page("history")
    no_crash(at)
    options = at.selectbox(key="history_run").options
    assert len(options) == 1 and mine in options[0]
    assert "2 runs made by tabletop exercises are hidden" in texts(at)
    at.checkbox(key="history_exercise_runs").check().run()
    no_crash(at)
    options = at.selectbox(key="history_run").options
    assert len(options) == 3 and all(any(s in o for o in options) for s in steps)
    assert sum("exercise Small drill" in o for o in options) == 2
    assert "hidden" not in texts(at)


def _backlog_and_rekeying_debt_side_by_side(at) -> None:
    """The small S2 experiment (do nothing, paper fallback): the verdict ranks on work not done
    and states paper's re-keying debt; the paired table has the debt's rows beside the
    backlog's; the chart's caption says the two are never added together."""
    shown = texts(at)
    assert "Lowest mean backlog: Paper fallback" in shown
    assert "Paper fallback leaves " in shown and "to re-key at its peak" in shown
    assert "never added to it" in shown
    paired = next(d.value for d in at.dataframe if "P(better)" in d.value.columns)
    measures = list(dict.fromkeys(paired["measure"]))
    assert measures[:2] == ["mean backlog (items)", "peak backlog (items)"]
    assert {"peak re-keying debt (records)", "peak re-keying debt in hours"} <= set(measures)


def test_forecast_workload_and_method_show_the_rekeying_debt_beside_the_backlog(
    folders, experiment
):
    forecast = page("forecast", experiment=experiment)
    no_crash(forecast)
    assert "Backlog: work not done" in texts(forecast)
    assert "re-keying debt (records, with the hours they need)" in texts(forecast)
    workload = page("workload", experiment=experiment)
    no_crash(workload)
    office = next(d.value for d in workload.dataframe if "measure" in d.value.columns)
    assert "peak re-keying debt in hours" in set(office["measure"])
    debt = office[(office["measure"] == "peak re-keying debt in hours")].set_index("plan")
    assert debt.loc["Paper fallback", "mean"] > 0 == debt.loc["Do nothing", "mean"]
    method = page("method")
    assert "never in it, the re-keying debt" in texts(method)


def test_method_lists_assumptions_with_their_sources(folders):
    at = page("method")
    no_crash(at)
    sources = at.dataframe[-1].value
    assert len(sources) > 100 and sources["source or assumption"].str.len().gt(0).mean() > 0.8
    assert {"s02-ndelius-upgrade.yaml", "reference-office.yaml"} <= set(sources["file"])


def test_compare_warns_of_an_outage_after_the_end_of_the_run(folders):
    at = page("scenarios")
    open_library_scenario(at, "s02-ndelius-upgrade")
    compare_page = page("compare", **{k: at.session_state[k] for k in at.session_state})
    by_label(compare_page.multiselect, "Plans to compare").set_value(["Do nothing"])
    by_label(compare_page.number_input, "Replications").set_value(1)
    by_label(compare_page.number_input, "Weeks to simulate").set_value(2)
    button(compare_page, "Run").click().run()
    no_crash(compare_page)
    warned = [w.value for w in compare_page.warning]
    said = "starts on day 21, 00:00, after the run's 14 days: it has no effect"
    assert any(said in w for w in warned)


def test_history_lists_the_good_runs_and_says_which_is_damaged(folders, experiment):
    store = ResultsStore(folders["results"])
    good = store.save(experiment.tables, experiment.manifest)
    bad = store.path(store.save(experiment.tables, experiment.manifest))
    table = bad / "comparison.parquet"
    table.write_bytes(table.read_bytes()[:-40] + bytes(40))  # damaged in place
    at = page("history")
    no_crash(at)
    [shown] = at.selectbox(key="history_run").options  # the good run only
    assert good in shown
    warned = " ".join(w.value for w in at.warning)
    assert bad.name in warned and "changed or damaged" in warned
