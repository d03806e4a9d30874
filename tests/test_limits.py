"""Limits that keep any accepted input bounded in time and memory: inputs that once hung a run or
exhausted memory are refused before anything runs, naming the field, the value and why, with exit
code 2 and within seconds (each command has 60 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "reference-office.yaml"

SCENARIOS = {  # name -> (YAML lines after extends, field named, words of the reason)
    "a million cases in one office": (
        "caseload:\n  cases: 1000000\n",
        "caseload.cases",
        "national",
    ),
    "100,000 posts of one role": (
        "office:\n  staffing:\n    probation_officer:\n      count: 100000\n",
        "office.staffing.probation_officer.count",
        "national",
    ),
    "100,000 new cases a week": (
        "caseload:\n  new_cases_per_week: 100000\n",
        "caseload.new_cases_per_week",
        "national",
    ),
}
PLANS = {
    "login-rota slots of 0.001 h": (
        "levers:\n  login_rota:\n    slot_hours: 0.001\n",
        "levers.login_rota.slot_hours",
        "quarter of an hour",
    ),
    "login-rota slots of 1e-300 h": (
        "levers:\n  login_rota:\n    slot_hours: 1.0e-300\n",
        "levers.login_rota.slot_hours",
        "quarter of an hour",
    ),
    "a register printed every 1e-300 days": (
        "levers:\n  printed_risk_register:\n    refresh_days: 1.0e-300\n",
        "levers.printed_risk_register.refresh_days",
        "once a day",
    ),
    "10,000 mutual-aid staff": (
        "levers:\n  mutual_aid:\n    staff: 10000\n    from_day: 0\n",
        "levers.mutual_aid.staff",
        "500",
    ),
}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize("body,field,why", SCENARIOS.values(), ids=list(SCENARIOS))
def test_an_office_too_big_for_one_run_is_refused(tmp_path, body, field, why):
    path = tmp_path / "big.yaml"
    path.write_text(f"extends: {REFERENCE}\nname: Big\n{body}")
    done = run_cli("run", str(path), "--weeks", "1")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert field in done.stderr and why in done.stderr


@pytest.mark.parametrize("body,field,why", PLANS.values(), ids=list(PLANS))
def test_a_plan_that_would_never_finish_is_refused(tmp_path, body, field, why):
    path = tmp_path / "plan.yaml"
    path.write_text(f"name: Extreme\n{body}")
    done = run_cli("run", str(REFERENCE), "--plan", str(path), "--weeks", "1")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert field in done.stderr and why in done.stderr
