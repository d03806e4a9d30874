"""The command line's plans: ``run --plan`` by name or path, clean exit 2 for a bad or unknown
plan, and ``list`` of scenarios and plans that shows broken files instead of crashing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.main import app
from sim.scenario.loader import load_plan, load_scenario

pytestmark = pytest.mark.slow  # many runs: not in make test-quick

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "scenarios"
S08 = FOLDER / "s08-reception.yaml"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_run_with_plan_by_name_shows_it_and_records_it(tmp_path):
    result = invoke("run", S08, "--plan", "day-lists", "--weeks", "1", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "S8 Reception without the case system: 1 weeks, seed 1" in result.output
    assert "plan Day lists" in result.output
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["plan"] == "Day lists"


def test_run_with_plan_by_path_and_by_file_name():
    for plan in (FOLDER / "plans" / "triage.yaml", "triage.yaml"):
        result = invoke("run", S08, "--plan", plan, "--weeks", "1")
        assert result.exit_code == 0, result.output
        assert "plan Triage" in result.output


def test_run_without_plan_is_do_nothing():
    result = invoke("run", S08, "--weeks", "1")
    assert result.exit_code == 0 and "plan Do nothing" in result.output


def test_plan_name_is_looked_up_beside_the_scenario(tmp_path):
    shutil.copy(FOLDER / "reference-office.yaml", tmp_path / "reference-office.yaml")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "mine.yaml").write_text(
        "name: My plan\nlevers:\n  overtime:\n    hours_per_week: 3   # assumption (range 1-5)\n"
    )
    result = invoke("run", tmp_path / "reference-office.yaml", "--plan", "mine", "--weeks", "1")
    assert result.exit_code == 0, result.output
    assert "plan My plan" in result.output
    assert (
        invoke(
            "run", tmp_path / "reference-office.yaml", "--plan", "triage", "--weeks", "1"
        ).exit_code
        == 2
    )  # not in this scenario's plans/ folder


def test_unknown_plan_exits_2_naming_the_plans_available():
    result = invoke("run", S08, "--plan", "nosuchplan", "--weeks", "1")
    assert result.exit_code == 2
    assert "nosuchplan" in result.output and "Fix:" in result.output
    assert "day-lists" in result.output and "paper-fallback" in result.output
    assert "Traceback" not in result.output


def test_bad_plan_file_exits_2_with_file_field_and_fix(tmp_path):
    bad = tmp_path / "bad-plan.yaml"
    bad.write_text("name: Bad\nlevers:\n  triage:\n    defer_days: 0\n")
    result = invoke("run", S08, "--plan", bad, "--weeks", "1")
    assert result.exit_code == 2
    assert str(bad) in result.output and "levers.triage.defer_days" in result.output
    assert "Fix:" in result.output and "paper-fallback" in result.output
    assert "Traceback" not in result.output


def test_list_names_every_scenario_and_plan():
    result = invoke("list", "--dir", FOLDER)
    assert result.exit_code == 0, result.output
    scenarios, _, plans = result.output.partition("Plans (")
    for path in sorted(FOLDER.glob("*.yaml")):
        assert path.name in scenarios and load_scenario(path).name in scenarios
    for path in sorted((FOLDER / "plans").glob("*.yaml")):
        assert path.name in plans and load_plan(path).name in plans
    assert "(invalid" not in result.output
    lines = [
        line.split()[0]
        for line in scenarios.splitlines()[1:]
        if line.strip() and not line.strip().startswith("plans:")
    ]
    assert lines == sorted(lines)


def test_list_shows_invalid_files_instead_of_crashing(tmp_path):
    shutil.copy(FOLDER / "reference-office.yaml", tmp_path / "reference-office.yaml")
    (tmp_path / "broken.yaml").write_text(
        "extends: reference-office.yaml\nname: Broken\nrun:\n  weeks: 0\n"
    )
    (tmp_path / "garbage.yaml").write_text("name: [unclosed\n")
    (tmp_path / "lists-missing-plan.yaml").write_text(
        "extends: reference-office.yaml\nname: Missing plan\nplans:\n  - not-there\n"
    )
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "ok.yaml").write_text("name: Fine plan\ndescription: It works. Really.\n")
    (tmp_path / "plans" / "bad.yaml").write_text("name: Bad\nlevers:\n  nonsense: {}\n")
    result = invoke("list", "--dir", tmp_path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Traceback" not in out
    line = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith("  ") and ln.split()}
    assert "(invalid: line 4, run.weeks" in line["broken.yaml"]
    assert "(invalid:" in line["garbage.yaml"]
    assert "(invalid: plan not-there.yaml" in line["lists-missing-plan.yaml"]
    assert "(invalid:" in line["bad.yaml"] and "nonsense" in line["bad.yaml"]
    assert "Fine plan: It works." in line["ok.yaml"] and "Really" not in line["ok.yaml"]
    assert "Reference office:" in line["reference-office.yaml"]


def test_list_of_a_missing_folder_exits_2(tmp_path):
    result = invoke("list", "--dir", tmp_path / "nope")
    assert result.exit_code == 2 and "nope" in result.output and "Fix:" in result.output


def test_an_outage_run_reports_time_to_recover_against_the_baseline(tmp_path):
    out = tmp_path / "s02"
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"),
            "--weeks",
            "5",
            "--quiet",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "restored on day 25.0; time to recover:" in result.output
    recovery = pd.read_csv(out / "recovery.csv")
    assert recovery.loc[0, "restored_day"] == 25.0
    assert recovery.loc[0, "backlog_peak"] > 3 * recovery.loc[0, "baseline_backlog_mean"]


def test_a_paper_run_and_a_comparison_print_the_rekeying_debt_beside_the_backlog(tmp_path):
    s02 = str(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml")
    out = tmp_path / "paper"
    ran = invoke("run", s02, "--plan", "paper-fallback", "--weeks", "5", "--quiet", "--out", out)
    assert ran.exit_code == 0, ran.output
    recovery = pd.read_csv(out / "recovery.csv").iloc[0]
    summary = pd.read_csv(out / "summary.csv").set_index("measure")["value"]
    assert recovery["rekeying_debt_peak"] == summary["rekeying_debt_max"] > 0
    assert (
        "re-keying debt beside it (paper records awaiting re-keying, not in the backlog): peak "
        f"{recovery['rekeying_debt_peak']:,.0f} records" in ran.output
    )
    debt = pd.read_csv(out / "rekeying_debt_daily.csv")
    assert debt["rekeying_debt"].max() == summary["rekeying_debt_max"]
    compared = invoke(
        "compare", s02, "--plans", "paper-fallback", "--reps", "2", "--weeks", "5",
        "--engine", "serial", "--store", tmp_path / "store",
    )  # fmt: skip
    assert compared.exit_code == 0, compared.output
    text = compared.output
    backlog, debt_at = text.index("mean backlog (items):"), text.index("peak re-keying debt")
    assert backlog < debt_at < text.index("missed risk checks (contacts):")
    assert "work not done; paper records awaiting re-keying are the re-keying debt" in text


def test_a_run_without_outage_has_no_recovery_line(tmp_path):
    result = CliRunner().invoke(
        app, ["run", str(ROOT / "scenarios" / "reference-office.yaml"), "--weeks", "1", "--quiet"]
    )
    assert result.exit_code == 0 and "time to recover" not in result.output


def test_compare_prints_paired_comparison_and_writes_tables(tmp_path):
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"),
            "--plans",
            "do-nothing,printed-risk-register",
            "--reps",
            "3",  # (with 2, the t-interval is 12.7 standard errors wide)
            "--weeks",
            "4",
            "--engine",
            "serial",
            "--out",
            str(out),
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 plans x 3 replications" in result.output
    run_id = result.output.split("saved as run ")[1].split()[0]
    listed = CliRunner().invoke(app, ["runs", "list", "--store", str(tmp_path / "store")])
    assert listed.exit_code == 0 and run_id in listed.output
    shown = CliRunner().invoke(
        app, ["runs", "show", run_id[:12], "--store", str(tmp_path / "store")]
    )
    assert shown.exit_code == 0 and "missed risk checks (contacts):" in shown.output
    assert "re-run with: python -m sim compare" in shown.output
    missing = CliRunner().invoke(app, ["runs", "show", "nope", "--store", str(tmp_path / "store")])
    assert missing.exit_code == 2 and "runs list" in missing.output
    assert "missed risk checks (contacts):" in result.output and "vs doing nothing" in result.output
    comparison = pd.read_csv(out / "comparison.csv")
    register = comparison[
        (comparison.plan == "Printed risk register") & (comparison.measure == "missed_risk_checks")
    ].iloc[0]
    assert register.vs_reference_high < 0 and register.probability_better == 1.0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--engine", "warp"], "'warp' is not one of 'serial', 'pool', 'dask'"),
        (["--plans", "no-such-plan"], "no-such-plan"),
        (["--reps", "0"], "reps"),
    ],
)
def test_compare_bad_input_exits_2(args, message, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"),
            "--weeks",
            "1",
            "--store",
            str(tmp_path),
            *args,
        ],
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())  # rich may wrap it


def test_sweep_one_at_a_time_and_grid(tmp_path):
    scenario = str(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml")
    tornado = CliRunner().invoke(
        app,
        [
            "sweep",
            scenario,
            "--vary",
            "outages.down.0.duration_days=2:6",
            "--reps",
            "2",
            "--weeks",
            "5",
            "--engine",
            "serial",
            "--out",
            str(tmp_path / "t.csv"),
        ],
    )
    assert tornado.exit_code == 0, tornado.output
    row = pd.read_csv(tmp_path / "t.csv").iloc[0]
    assert row.mean_at_high > row.mean_at_low  # a longer outage leaves more backlog
    cells = CliRunner().invoke(
        app,
        [
            "sweep",
            scenario,
            "--grid",
            "outages.down.0.duration_days=1,3",
            "--grid",
            "office.staffing.probation_officer.count=40,48",
            "--measure",
            "missed_risk_checks",
            "--reps",
            "1",
            "--weeks",
            "4",
            "--engine",
            "serial",
            "--out",
            str(tmp_path / "g.csv"),
        ],
    )
    assert cells.exit_code == 0, cells.output
    assert len(pd.read_csv(tmp_path / "g.csv")) == 4


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "either --vary"),
        (["--vary", "nonsense"], "PATH=LOW:HIGH"),
        (["--grid", "outages.down.0.duration_days=1,2"], "two --grid"),
        (
            ["--vary", "office.nowhere=1:2", "--engine", "serial", "--weeks", "1", "--reps", "1"],
            "office.nowhere",
        ),
    ],
)
def test_sweep_bad_input_exits_2(args, message):
    result = CliRunner().invoke(
        app, ["sweep", str(ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"), *args]
    )
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize(
    "text,field,line",
    [
        ("name: P\nlevers:\n  day_lists:\n", "levers.day_lists", 3),
        (
            "name: P\nswitches:\n  - at: {day: 2}\n    levers:\n      paper_fallback:\n",
            "switches[0].levers.paper_fallback",
            5,
        ),
    ],
)
def test_a_lever_named_with_no_settings_is_refused_not_left_off(tmp_path, text, field, line):
    from sim.scenario.loader import ScenarioError

    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_plan(path)
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == (field, line)
    assert "silently not pulled" in problem.message and ": {}" in problem.fix


def test_every_library_plan_written_out_loads_back_as_a_plan_file(tmp_path):
    from sim.scenario.loader import to_yaml
    from sim.scenario.schema import digest

    for source in sorted((ROOT / "scenarios" / "plans").glob("*.yaml")):
        plan = load_plan(source)
        copy = tmp_path / source.name
        copy.write_text(to_yaml(plan))
        assert digest(load_plan(copy)) == digest(plan), source.name
