"""The library's scenarios under their plans, as a Markdown table for docs/calibration.md.

Each scenario S1-S10 (at the reference office's size) is compared under the plans it names, on
the same replications, with its own weeks and seed, and each plan's headline measures are
printed as means over the replications. Rerun it after a change to the model's rules or
defaults, and paste the table into docs/calibration.md:

    .venv/bin/python docs/scenario_results.py --reps 5 > /tmp/table.md
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from sim import compare, load_scenario
from sim.scenario.loader import plans_of

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
SCENARIOS = (
    "s01-login-cap",
    "s02-ndelius-upgrade",
    "s03-court-results",
    "s04-records-lost",
    "s05-email-failure",
    "s06-cross-organisation",
    "s07-transfer-forms",
    "s08-reception",
    "s09-network-glitch",
    "s10-office-cap",
)
# (measure, heading, digits)
COLUMNS = (
    ("backlog_mean", "mean backlog (items)", 1),
    ("rekeying_debt_max", "peak re-keying debt (records)", 0),
    ("missed_risk_checks", "missed risk checks", 0),
    ("appointments_rebooked", "appointments rebooked", 0),
    ("late_recalls", "late recalls", 1),
    ("late_first_appointments", "late first appointments", 1),
    ("time_to_recover_days", "time to recover (days, P50)", 0),
    ("overtime_hours", "overtime hours", 0),
    ("extra_hours", "unpaid hours beyond the contracted day", 0),
)


def _cell(value: float, digits: int) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def table(replications: int, workers: int) -> tuple[list[str], float]:
    lines = [
        "| scenario | plan | " + " | ".join(h for _, h, _ in COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    started = time.monotonic()
    for name in SCENARIOS:
        scenario = load_scenario(LIBRARY / f"{name}.yaml")
        plans = plans_of(scenario, LIBRARY / "plans")
        experiment = compare(scenario, plans, replications, workers=workers)
        runs = experiment["runs"]
        recovery = experiment["recovery"].set_index("plan")
        for plan in [p.name for p in plans]:
            mine = runs[runs["plan"] == plan].groupby("measure")["value"].mean()
            cells = []
            for measure, _, digits in COLUMNS:
                if measure == "time_to_recover_days":
                    value = (
                        recovery.loc[plan, "time_to_recover_p50"]
                        if plan in recovery.index
                        else float("nan")
                    )
                else:
                    value = float(mine.get(measure, float("nan")))
                cells.append(_cell(value, digits))
            lines.append(f"| {scenario.name} | {plan} | " + " | ".join(cells) + " |")
    return lines, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    lines, seconds = table(args.reps, args.workers)
    print("\n".join(lines))
    print(f"\n({args.reps} replications each, {seconds:.0f} s on {args.workers} workers)")


if __name__ == "__main__":
    main()
