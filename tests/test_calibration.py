"""Calibration: the reference office in normal operation is a credible office, and anyone can
check an office they build with ``python -m sim calibrate``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import load_scenario
from sim.cli.main import app
from sim.experiments.calibration import TARGETS, calibrate, run_values
from sim.results.recovery import baseline_of
from sim.run import simulate

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"
REFERENCE = LIBRARY / "reference-office.yaml"
runner = CliRunner()


def test_every_target_has_a_source_and_a_range():
    for target in TARGETS:
        assert target.source and (target.low is not None or target.high is not None), target
        assert target.label and target.unit


def test_calibration_is_of_normal_operation():
    """An outage scenario is calibrated with its outages removed (same office and caseload)."""
    s2 = load_scenario(LIBRARY / "s02-ndelius-upgrade.yaml")
    normal = baseline_of(s2)
    assert not normal.outages.down and normal.office == s2.office
    assert normal.caseload == s2.caseload


@pytest.mark.slow  # in make test, not the quick tier
def test_the_command_prints_the_table_and_json():
    result = runner.invoke(app, ["calibrate", str(REFERENCE), "--weeks", "6", "--reps", "2"])
    assert result.exit_code in (0, 1), result.output
    for target in TARGETS:
        assert target.label in result.output
    assert "outages removed" in result.output
    result = runner.invoke(
        app, ["calibrate", str(REFERENCE), "--weeks", "6", "--reps", "2", "--json"]
    )
    data = json.loads(result.output)
    assert data["replications"] == 2 and data["weeks"] == 6
    assert [row["name"] for row in data["rows"]] == [t.name for t in TARGETS]
    for row in data["rows"]:
        assert row["result"] in ("pass", "FAIL", "not assessable (run too short)")
        assert {"target_low", "target_high", "achieved", "source"} <= set(row)


def test_bad_input_exits_2_with_the_file_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(REFERENCE.read_text().replace("cases: 3000", "cases: lots"))
    result = runner.invoke(app, ["calibrate", str(bad), "--weeks", "1", "--reps", "1"])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "caseload.cases" in result.output


def test_the_no_outage_office_is_stationary_and_keeps_up():
    """Defects measured before calibration: the caseload fell 2-8% over 26 weeks, 42% of court
    results were late, POs held 16-18 cases and WMT capacity averaged ~124%."""
    values = run_values(simulate(load_scenario(REFERENCE), seed=3, weeks=12))
    assert abs(values["caseload_change"]) <= 3.0
    assert values["late_court_results_share"] <= 10.0
    assert 30.0 <= values["po_caseload_per_fte"] <= 45.0
    assert 100.0 <= values["wmt_capacity_mean"] <= 120.0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["reference-office.yaml", "s02-ndelius-upgrade.yaml"])
def test_the_calibrated_office_meets_every_target_over_26_weeks(name):
    """The acceptance run: 26 weeks, 10 replications, no outage; every row passes."""
    found = calibrate(load_scenario(LIBRARY / name), weeks=26, replications=10)
    failed = [
        (row.target.name, round(row.achieved, 2))
        for row in found.rows
        if not row.passed or math.isnan(row.achieved)
    ]
    assert not failed, failed


def test_the_calibration_page_records_the_office_as_it_is():
    """docs/calibration.md records the calibration of the reference office as it now is (the
    digest of the office with its outages removed): a change to the office's rules' inputs or
    defaults that moves it must come with the page rerun (its digest had gone stale)."""
    page = (REFERENCE.parents[1] / "docs" / "calibration.md").read_text(encoding="utf-8")
    digest = baseline_of(load_scenario(REFERENCE)).digest()
    assert f"(scenario {digest})" in page
