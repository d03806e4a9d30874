"""A tabletop exercise played end to end from the command line: ``python -m sim exercise run`` on
the June 2014 exercise with its decisions file (every step's projection: the office now between
decision points, do nothing and the options with the no-outage baseline at each decision), in a
fresh store, wall seconds of the whole command. With ``--before PATH`` the same command runs from
that checkout too, alternating with this one. The 1-minute load average is printed before each.

Usage: python benchmarks/bench_exercise_cli.py [--repeat 2] [--reps 10] [--before PATH]
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
EXERCISE = "scenarios/exercises/june-2014-split-week.yaml"
DECISIONS = "scenarios/exercises/decisions/june-2014-paper-then-phone.yaml"


def seconds(source: Path, reps: int) -> float:
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "exercise", "run", EXERCISE, "--decisions", DECISIONS]
            + ["--reps", str(reps), "--store", store],
            cwd=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--before", type=Path)
    args = parser.parse_args()
    sources = ({"before": args.before} if args.before else {}) | {"after": ROOT}
    found: dict[str, list[dict]] = {name: [] for name in sources}
    for _ in range(args.repeat):
        for name, source in sources.items():
            load = round(os.getloadavg()[0], 2)
            found[name].append({"wall_s": round(seconds(source, args.reps), 2), "load_1min": load})
    print(
        json.dumps(
            {"replications": args.reps}
            | {
                name: {"wall_s_median": statistics.median(r["wall_s"] for r in runs), "each": runs}
                for name, runs in found.items()
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
