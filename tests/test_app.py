"""The Streamlit page, driven headless by AppTest: it renders, runs, and reports bad scenarios.

In Streamlit 1.67, st.pyplot sends an "imgs" element, which AppTest turns into an Image node of
type "image": it is found with ``at.image`` (or ``at.get("image")``), not ``at.get("imgs")``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
REFERENCE = ROOT / "scenarios" / "reference-office.yaml"
HEADLINE_LABELS = ("Backlog at end", "Mean backlog", "Missed risk checks",
                   "Late first appointments", "Late recalls", "Mean workload")


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("SIM_DEFAULT_SCENARIO", raising=False)
    st.cache_data.clear()  # every test runs the model itself, not a result an earlier test left
    return AppTest.from_file(APP, default_timeout=60)


def number(text: str) -> float:
    assert re.fullmatch(r"-?[\d,]+(\.\d+)?", text), f"not a number: {text!r}"
    return float(text.replace(",", ""))


def metrics(at: AppTest) -> dict[str, str]:
    """Metric values by label, the unit dropped: "Late recalls (recalls)" -> "Late recalls"."""
    return {m.label.split(" (")[0]: m.value for m in at.metric}


def test_page_renders_the_default_scenario(app):
    scenario = load_scenario(REFERENCE)  # expected values follow the file as it is edited
    posts = sum(r.count for r in dict(scenario.office.staffing).values())
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Probation continuity simulator — reference office"
    assert at.subheader[0].value == scenario.name
    shown = metrics(at)
    assert number(shown["Posts"]) == posts
    assert number(shown["Cases at start"]) == scenario.caseload.cases
    assert [n.value for n in at.sidebar.number_input] == [
        min(scenario.run.weeks, 26), scenario.run.seed]
    assert len(at.sidebar.button) == 1 and at.sidebar.button[0].label == "Run"
    assert not at.image and not at.error  # nothing has been run yet


def test_run_shows_metrics_charts_table_and_manifest(app):
    at = app.run()
    at.sidebar.number_input(key="weeks").set_value(2)
    at.sidebar.number_input(key="seed").set_value(3)
    at.sidebar.button[0].click().run()
    assert not at.exception

    shown = metrics(at)
    values = {label: number(shown[label]) for label in HEADLINE_LABELS}
    assert values["Missed risk checks"] == 0  # no outage in the reference office
    assert values["Backlog at end"] >= 0 and values["Mean backlog"] >= 0
    assert 0.3 < values["Mean workload"] < 1.5

    assert len(at.image) >= 2  # backlog and workload charts (st.pyplot)
    assert all(img.value and img.value[0] for img in at.image)  # each holds one image URL
    summary = next(d.value for d in at.dataframe if "measure" in d.value.columns)
    assert {"backlog_end", "missed_risk_checks", "late_recalls", "workload_mean"} <= set(
        summary["measure"])
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download backlog by day (CSV)", "Download summary (CSV)"]
    manifest = at.json[0].value
    assert '"seed": 3' in manifest and '"weeks": 2' in manifest and '"scenario_hash"' in manifest

    # A rerun (any click) shows the same result from the cache, replaying the cached run's
    # progress bar without error.
    at.run()
    assert not at.exception
    assert metrics(at) == shown and len(at.image) >= 2


def test_bad_default_scenario_is_listed_as_errors_not_a_crash(app, tmp_path, monkeypatch):
    path = tmp_path / "bad.yaml"
    path.write_text(f"""\
extends: {REFERENCE}
office:
  staffing:
    probation_officer:
      count: -3
caseload:
  casess: 2400
""", encoding="utf-8")
    monkeypatch.setenv("SIM_DEFAULT_SCENARIO", str(path))

    at = app.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "2 problems" in errors[0] and len(errors) == 3  # a heading, then one per problem
    count_error = next(e for e in errors if "office.staffing.probation_officer.count" in e)
    assert "`-3`" in count_error and "line 5" in count_error and "Fix:" in count_error
    assert any("caseload.casess" in e and "did you mean cases" in e for e in errors)
    assert not at.sidebar.button and not at.metric  # the page stops at the errors


def test_missing_default_scenario_is_an_error_not_a_crash(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_DEFAULT_SCENARIO", str(tmp_path / "nowhere.yaml"))
    at = app.run()
    assert not at.exception
    assert any("nowhere.yaml" in e.value and "no such file" in e.value for e in at.error)
