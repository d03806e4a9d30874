"""The planner's comparison: S2 with 4 plans (do nothing and the scenario's first three) x 30
replications x 8 weeks, plus the no-outage baseline, on the local process pool.

Prints the wall seconds of ``python -m sim compare`` (a fresh process: imports, runs, saving
included), and, through the API in this process, the wall seconds to the first answer (every
plan and the baseline with 2 replications, with intervals) and to the final one. With
``--before PATH`` (a checkout of an earlier version) its ``compare`` command is timed too,
alternating with this one. The load average is printed before and after.

Targets (issue "fast enough to use live"): the whole comparison <= 12 s and the first answer
<= 3 s on an idle 2-core machine.

Usage: python benchmarks/bench_compare.py [--repeat 2] [--before /tmp/before]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
S2 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"


def plan_names() -> list[str]:
    from sim.scenario.loader import load_scenario

    others = [name for name in load_scenario(S2).plans if name != "do-nothing"]
    return ["do-nothing", *others[:3]]


def command_seconds(source: Path, plans: list[str], reps: int, weeks: int) -> float:
    """Wall seconds of the ``compare`` command run from the checkout ``source``."""
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "compare", str(S2), "--plans", ",".join(plans)]
            + ["--reps", str(reps), "--weeks", str(weeks), "--store", store],
            cwd=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        return time.perf_counter() - start


def api_seconds(plans: list[str], reps: int, weeks: int) -> tuple[float, float]:
    """Wall seconds to the first answer and to the final one, through ``compare``."""
    from sim import compare
    from sim.scenario.loader import load_plan, load_scenario

    scenario = load_scenario(S2)
    chosen = [load_plan(S2.parent / "plans" / f"{name}.yaml") for name in plans]
    first: list[float] = []
    start = time.perf_counter()
    compare(
        scenario,
        chosen,
        reps,
        weeks=weeks,
        engine="pool",
        partial=lambda _e: first or first.append(time.perf_counter() - start),
    )
    return first[0], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--before", type=Path)
    args = parser.parse_args()
    plans = plan_names()
    load = os.getloadavg()
    sources = {"after": ROOT} | ({"before": args.before} if args.before else {})
    command: dict[str, list[float]] = {v: [] for v in sources}
    first, final = [], []
    for _ in range(args.repeat):
        for version, source in sources.items():
            command[version].append(command_seconds(source, plans, args.reps, args.weeks))
        a, b = api_seconds(plans, args.reps, args.weeks)
        first.append(a)
        final.append(b)
    print(
        json.dumps(
            {
                "load_average_before": [round(x, 2) for x in load],
                "plans": plans,
                "replications": args.reps,
                "weeks": args.weeks,
                "command_wall_s_median": {
                    v: round(statistics.median(t), 2) for v, t in command.items()
                },
                "command_wall_s_each": {v: [round(x, 2) for x in t] for v, t in command.items()},
                "api_first_answer_s_median": round(statistics.median(first), 2),
                "api_final_s_median": round(statistics.median(final), 2),
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
