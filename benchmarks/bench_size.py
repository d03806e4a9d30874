"""How the cost of a run grows with the office: CPU and memory per case-week of the reference
office and of the same office ``--scale`` times larger (staff posts, caseload and intake).

Each run is measured in a fresh interpreter: CPU is ``time.process_time`` around ``simulate``
(set-up, the run and its result tables), memory the growth of the process's peak resident set
over the run (``ru_maxrss`` before and after, with the model imported and the scenario loaded
before the first reading). Sizes alternate (1x, scale, 1x, scale, ...) and each figure is the
median of ``--repeat`` runs, with the 1-minute load average before each run.

Targets: CPU per case-week at ``scale`` within 20% of 1x (ratio <= 1.2); memory <= 1 KB per
case-week at both sizes.

Usage: python benchmarks/bench_size.py [--scale 25] [--weeks 8] [--repeat 3]  (about 5 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "reference-office.yaml"


def one_run(scale: float, weeks: int) -> dict:
    import resource
    import time

    from sim import simulate
    from sim.scenario.loader import load_scenario
    from sim.scenario.scaling import scaled

    scenario = load_scenario(REFERENCE)
    if scale != 1:
        scenario = scaled(scenario, scale)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.process_time()
    result = simulate(scenario, seed=1, weeks=weeks)
    cpu = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    case_weeks = scenario.caseload.cases * weeks
    return {
        "cases": scenario.caseload.cases,
        "items": len(result["work_items"]),
        "cpu_s": cpu,
        "cpu_us_per_case_week": cpu / case_weeks * 1e6,
        "memory_bytes_per_case_week": (peak - before) / case_weeks,
    }


def in_child(scale: float, weeks: int) -> dict:
    load = os.getloadavg()[0]
    cmd = [sys.executable, __file__, "--child", str(scale), "--weeks", str(weeks)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"load_before": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=25.0)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_run(args.child, args.weeks)))
        return
    runs: dict[float, list[dict]] = {1.0: [], args.scale: []}
    for _ in range(args.repeat):
        for scale in runs:
            runs[scale].append(in_child(scale, args.weeks))

    def figure(scale: float, key: str) -> float:
        return round(median(r[key] for r in runs[scale]), 2)

    print(
        json.dumps(
            {
                "weeks": args.weeks,
                "sizes": {
                    f"{scale:g}x": {
                        "cases": runs[scale][0]["cases"],
                        "items": runs[scale][0]["items"],
                        "cpu_us_per_case_week": figure(scale, "cpu_us_per_case_week"),
                        "memory_bytes_per_case_week": figure(scale, "memory_bytes_per_case_week"),
                        "runs": [
                            {k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}
                            for r in runs[scale]
                        ],
                    }
                    for scale in runs
                },
                "cpu_ratio": round(
                    figure(args.scale, "cpu_us_per_case_week")
                    / figure(1.0, "cpu_us_per_case_week"),
                    3,
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
