"""A scenario's ``plans:`` entries name files in the plans folder beside it: one that is absolute
or climbs out of that folder is refused when the scenario loads (file, line, field, value and
fix; exit code 2 from the command line), and one that leads out of it through a link is refused
when the plans are read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario.loader import ScenarioError, load_scenario, plans_of

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "reference-office.yaml"


def scenario_with_plans(folder: Path, *plans: str) -> Path:
    shutil.copy(REFERENCE, folder / "reference-office.yaml")
    listed = "".join(f"  - {json.dumps(p)}\n" for p in plans)  # YAML reads JSON strings
    path = folder / "mine.yaml"
    path.write_text(f"extends: reference-office.yaml\nname: Mine\nplans:\n{listed}")
    return path


@pytest.mark.parametrize(
    "entry", ["../secret", "../../etc/passwd", "/etc/passwd", "sub/../../secret", "..\\secret"]
)
def test_a_plans_entry_leading_out_of_the_plans_folder_is_refused(tmp_path, entry):
    path = scenario_with_plans(tmp_path, "do-nothing", entry)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 5, "plans[1]")
    assert problem.value == repr(entry)
    assert "leads out of that folder" in problem.message
    assert "give the plan file's name in plans/" in problem.fix


def test_plain_names_and_files_below_the_plans_folder_still_load(tmp_path):
    path = scenario_with_plans(tmp_path, "do-nothing", "paper-fallback.yaml", "mine/late..yaml")
    assert load_scenario(path).plans == ("do-nothing", "paper-fallback.yaml", "mine/late..yaml")


def test_the_command_line_refuses_it_with_exit_code_2(tmp_path):
    path = scenario_with_plans(tmp_path, "../secret")
    done = subprocess.run(
        [sys.executable, "-m", "sim", "compare", str(path), "--weeks", "1", "--reps", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert f"{path}, line 4, plans[0] = '../secret': a plan is named by its file in the plans " in (
        done.stderr
    )
    assert "Fix: give the plan file's name in plans/, such as paper-fallback" in done.stderr


def test_a_plan_file_linked_from_outside_the_plans_folder_is_refused(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("name: Elsewhere\nlevers: {day_lists: {}}\n")
    (plans / "linked.yaml").symlink_to(outside)
    path = scenario_with_plans(tmp_path, "linked")
    with pytest.raises(ScenarioError) as caught:
        plans_of(load_scenario(path), plans, str(path))
    [problem] = caught.value.problems
    assert (problem.file, problem.field, problem.value) == (str(path), "plans[0]", "'linked'")
    assert f"resolves to {outside}, outside the plans folder {plans}" in problem.message
    assert "put the plan file itself in the plans folder" in problem.fix
