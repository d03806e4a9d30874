"""Expected-results backtests: three runs whose tables are stored in tests/expected/ and must
come out exactly the same from every later version, until a change to the model is meant.

    make expected        (or: .venv/bin/python tests/backtest_cases.py)

regenerates them; commit the new files with the reason in the message. The cases: the
reference office in normal operation, S2 (NDelius down four days) under paper fallback, and S1
(a login cap) under the login rota, at seed 1. The reference office runs 3 weeks; S2 and S1
run 4, since their outages start on day 21 and a 3-week run would end before they begin.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).resolve().parent / "expected"
SEED = 1
# name -> (scenario file, plan file or None for do nothing, weeks)
CASES = {
    "reference-office": ("reference-office.yaml", None, 3),
    "s02-paper-fallback": ("s02-ndelius-upgrade.yaml", "paper-fallback.yaml", 4),
    "s01-login-rota": ("s01-login-cap.yaml", "login-rota.yaml", 4),
}
TABLES = (
    "summary",
    "backlog_daily",
    "rekeying_debt_daily",
    "completed_daily",
    "staff_weekly",
    "risk_checks",
)


def run_case(name: str) -> dict[str, pd.DataFrame]:
    """The stored tables of one case, run now."""
    from sim import load_plan, load_scenario, simulate

    scenario_file, plan_file, weeks = CASES[name]
    scenario = load_scenario(ROOT / "scenarios" / scenario_file)
    options = (
        {} if plan_file is None else {"plan": load_plan(ROOT / "scenarios" / "plans" / plan_file)}
    )
    result = simulate(scenario, seed=SEED, weeks=weeks, **options)
    return {table: result[table] for table in TABLES}


def expected_path(name: str, table: str) -> Path:
    return EXPECTED / name / f"{table}.csv"


def read_expected(name: str, table: str) -> pd.DataFrame:
    return pd.read_csv(expected_path(name, table))


def regenerate() -> None:
    for name in CASES:
        (EXPECTED / name).mkdir(parents=True, exist_ok=True)
        for table, frame in run_case(name).items():
            frame.to_csv(expected_path(name, table), index=False)
            print(f"wrote {expected_path(name, table).relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(regenerate())
