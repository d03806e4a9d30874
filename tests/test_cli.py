"""The command line: runs, writes tables, refuses to overwrite, and fails cleanly with exit 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "reference-office.yaml"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_prints_summary_and_writes_tables(tmp_path):
    out = tmp_path / "run1"
    result = invoke("run", str(REFERENCE), "--weeks", "1", "--seed", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Reference office: 1 weeks, seed 3" in result.output
    assert "missed_risk_checks" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["weeks"] == 1 and len(manifest["scenario_hash"]) == 16
    backlog = pd.read_csv(out / "backlog_daily.csv")
    assert list(backlog.columns) == ["day", "task", "backlog"]
    assert backlog["day"].max() == 6
    summary = pd.read_csv(out / "summary.csv")
    assert {"backlog_end", "missed_risk_checks", "late_recalls"} <= set(summary["measure"])


def test_run_refuses_to_overwrite_saved_results(tmp_path):
    out = tmp_path / "kept"
    out.mkdir()
    (out / "summary.csv").write_text("precious\n")
    result = invoke("run", str(REFERENCE), "--weeks", "1", "--out", str(out))
    assert result.exit_code == 2
    assert "already holds results" in result.output and "--force" in result.output
    assert (out / "summary.csv").read_text() == "precious\n"
    forced = invoke("run", str(REFERENCE), "--weeks", "1", "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert (out / "summary.csv").read_text() != "precious\n"


def test_same_seed_same_csv(tmp_path):
    for name in ("a", "b"):
        assert (
            invoke("run", str(REFERENCE), "--weeks", "1", "--out", str(tmp_path / name)).exit_code
            == 0
        )
    for table in ("work_items", "backlog_daily", "staff_weekly", "summary"):
        assert (tmp_path / "a" / f"{table}.csv").read_bytes() == (
            tmp_path / "b" / f"{table}.csv"
        ).read_bytes()


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda t: t.replace("cases: 3000", "cases: lots"), "caseload.cases"),
        (lambda t: t.replace("  weeks: 8 ", "  weeks: 0 "), "run.weeks"),
        (lambda t: t.replace("rosh_mix:", "rosh_mx:"), "caseload.rosh_mx"),
    ],
)
def test_bad_scenario_exits_2_with_field_and_fix(tmp_path, edit, field):
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit(REFERENCE.read_text()))
    result = invoke("run", str(bad))
    assert result.exit_code == 2
    assert str(bad) in result.output and field in result.output and "Fix:" in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path):
    result = invoke("run", str(tmp_path / "nope.yaml"))
    assert (
        result.exit_code == 2 and "nope.yaml" in result.output and "Traceback" not in result.output
    )


def test_extends_from_cli(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "reference-office.yaml")
    child = tmp_path / "short.yaml"
    child.write_text("extends: reference-office.yaml\nname: Short run\nrun: {weeks: 1}\n")
    result = invoke("run", str(child))
    assert result.exit_code == 0, result.output
    assert "Short run: 1 weeks" in result.output


def test_the_command_lines_choices_are_the_models_own():
    from sim.cli.claim import Comparison, Role
    from sim.domain.vocabulary import ROLES
    from sim.results.claim_terms import COMPARISONS

    assert tuple(Comparison) == COMPARISONS and tuple(Role) == ROLES


def _modules_loaded_by(*argv: str) -> set[str]:
    """The top-level modules a fresh interpreter has imported after ``python -m sim ARGV``, and
    ``sim.model`` or ``sim.run`` if any module of the model was imported."""
    code = (
        "import sys\n"
        "from sim.cli.main import app\n"
        f"sys.argv = ['sim', *{list(argv)!r}]\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
        "model = {'sim.model' for m in sys.modules if m.startswith('sim.model')}\n"
        "model |= {'sim.run'} & set(sys.modules)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} | model)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(done.stderr.split())


HEAVY = {"numpy", "pandas", "simpy", "yaml", "matplotlib", "rich", "sim.model", "sim.run"}


def test_help_starts_without_the_heavy_libraries():
    """Cold start a user feels: help imports neither the model's libraries nor rich (its
    speed is measured in benchmarks/, this checks what makes it)."""
    assert not _modules_loaded_by("--help") & (HEAVY | {"pydantic"})


@pytest.mark.parametrize("argv", [("compare", "--help"), ("runs", "--help")])
def test_a_commands_help_starts_without_the_model(argv):
    # typer reads a command's options with pydantic's help; nothing of the model is loaded
    assert not _modules_loaded_by(*argv) & HEAVY


def test_list_reads_without_the_model_or_the_tables():
    loaded = _modules_loaded_by("list")
    assert "pydantic" in loaded  # it validates every file
    assert not loaded & {"numpy", "pandas", "simpy", "matplotlib", "rich", "sim.model", "sim.run"}
