"""CPU per case-week of a national run on a local Dask cluster against the same offices run one
after another in one process.

Prints, as JSON, with the 1-minute load average before each figure:
* ``national``: the national file's run (every PDU, the plan and its no-outage baseline) on a
  local Dask cluster of ``--workers`` processes: wall time, CPU of the whole process tree (this
  process, the scheduler's threads, the forkserver, the nannies and workers: ``cpu_tree.py``) and
  CPU per case-week (cases x weeks, summed over runs);
* ``offices_one_by_one``: a sample of the same PDUs' runs (every ``--every``-th PDU, the plan
  and its baseline) in this process, serially: CPU (``time.process_time``) per case-week;
* ``ratio``: national CPU per case-week over the sample's (target: within 20%, <= 1.2).

Each is measured in a fresh interpreter, the sample before and after the national run (the
machine's speed drifts), and the ratio uses the median of the two samples.

Usage: python benchmarks/bench_national.py [FILE] [--weeks W] [--workers 2] [--every 11]
(the shipped national file at 12 weeks: about 5 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from cpu_tree import tree_cpu

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "scenarios" / "national" / "ndelius-upgrade-england-and-wales.yaml"


def case_weeks(specs) -> float:
    return float(sum(s.scenario.caseload.cases * s.weeks for s in specs))


def national(path: str, weeks: int | None, workers: int, every: int) -> dict:
    from sim.experiments.national import national_specs, run_national
    from sim.scenario.loader import load_national
    from sim.scenario.plans import DO_NOTHING

    service = load_national(path)
    weeks = weeks or service.office.run.weeks
    specs = national_specs(service, DO_NOTHING, 1, weeks)
    cpu, start = tree_cpu(), time.perf_counter()
    result = run_national(service, weeks=weeks, engine="dask", workers=workers)
    wall, used = time.perf_counter() - start, tree_cpu() - cpu
    return {
        "runs": result.manifest["runs"],
        "case_weeks": case_weeks(specs),
        "wall_s": wall,
        "cpu_s": used,
        "cpu_us_per_case_week": used / case_weeks(specs) * 1e6,
    }


def one_by_one(path: str, weeks: int | None, workers: int, every: int) -> dict:
    from sim.experiments.engines import run_spec
    from sim.experiments.national import pdu_specs
    from sim.scenario.loader import load_national
    from sim.scenario.plans import DO_NOTHING

    service = load_national(path)
    weeks = weeks or service.office.run.weeks
    grouped = pdu_specs(service, DO_NOTHING, 1, weeks)
    sample = [spec for i, group in enumerate(grouped) if i % every == 0 for spec in group]
    start = time.process_time()
    for spec in sample:
        run_spec(spec)
    used = time.process_time() - start
    return {
        "runs": len(sample),
        "case_weeks": case_weeks(sample),
        "cpu_s": used,
        "cpu_us_per_case_week": used / case_weeks(sample) * 1e6,
    }


CHILDREN = {"national": national, "one_by_one": one_by_one}


def in_child(name: str, args: argparse.Namespace) -> dict:
    load = os.getloadavg()[0]
    cmd = [sys.executable, __file__, args.file, "--child", name, "--workers", str(args.workers)]
    cmd += ["--every", str(args.every)] + (["--weeks", str(args.weeks)] if args.weeks else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()} | {
        "load_before": round(load, 2)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(NATIONAL))
    parser.add_argument("--weeks", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=11, help="sample every n-th PDU serially")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.file, args.weeks, args.workers, args.every)))
        return
    before = in_child("one_by_one", args)
    whole = in_child("national", args)
    after = in_child("one_by_one", args)
    serial = sorted([before["cpu_us_per_case_week"], after["cpu_us_per_case_week"]])
    middle = sum(serial) / 2
    print(
        json.dumps(
            {
                "offices_one_by_one_before": before,
                "national": whole,
                "offices_one_by_one_after": after,
                "ratio": round(whole["cpu_us_per_case_week"] / middle, 3),
                "load_after": round(os.getloadavg()[0], 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
