"""The planner's comparison: S2 with 4 plans (do nothing and the scenario's first three) x at most
30 replications x 8 weeks, plus the no-outage baseline, on the local process pool.

Each measurement runs in a fresh process from a checkout (imports, runs and all), through the
API: the wall seconds to the first answer (every plan and the baseline with 2 replications, with
intervals) and to the final one, the CPU seconds of the whole process tree
(``benchmarks/cpu_tree.py``) and the replications run. Ways measured: ``fixed`` (30 replications,
the only way before the stopping rule) and, where the checkout has it, ``until clear`` (the
stopping rule, at most 30: what the command line and the app do by default). With ``--before
PATH`` (a checkout of an earlier version) the same measurements of that version alternate with
this one's. The 1-minute load average is printed before each measurement.

Targets (the speed issue's): the whole comparison <= 12 s and the first answer <= 3 s on an idle
2-core machine.

Usage: python benchmarks/bench_compare.py [--repeat 2] [--before /tmp/before]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MEASURE = """
import json, sys, time
sys.path.append({bench!r})
from cpu_tree import tree_cpu
from sim.experiments.compare import compare
from sim.scenario.loader import load_plan, load_scenario
S2 = {s2!r}
scenario = load_scenario(S2)
names = [n for n in scenario.plans if n != "do-nothing"][:3]
plans = [load_plan(S2.rsplit("/", 1)[0] + f"/plans/{{n}}.yaml") for n in ["do-nothing", *names]]
extra = {{}}
if {until_clear!r}:
    from sim.experiments.stopping import StoppingRule
    extra["stopping"] = StoppingRule()
if __name__ == "__main__":
    cpu, first = tree_cpu(settle=False), []
    start = time.perf_counter()
    done = compare(scenario, plans, {reps}, weeks={weeks}, engine="pool",
                   partial=lambda _e: first or first.append(time.perf_counter() - start), **extra)
    final = time.perf_counter() - start
    print(json.dumps({{"first_s": first[0] if first else final, "final_s": final,
                      "cpu_s": tree_cpu() - cpu, "replications": done.manifest["replications"]}}))
"""


def measure(source: Path, until_clear: bool, reps: int, weeks: int) -> dict:
    """One comparison in a fresh interpreter from the checkout ``source``."""
    code = MEASURE.format(
        bench=str(HERE),
        s2=str(source / "scenarios" / "s02-ndelius-upgrade.yaml"),
        until_clear=until_clear,
        reps=reps,
        weeks=weeks,
    )
    script = source / ".bench_compare_measure.py"
    script.write_text(code)
    try:
        done = subprocess.run(
            [sys.executable, script.name], cwd=source, capture_output=True, text=True, check=True
        )
    finally:
        script.unlink()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--before", type=Path)
    args = parser.parse_args()
    ways = [("after, until clear", ROOT, True), ("after, fixed", ROOT, False)]
    if args.before:
        ways.insert(0, ("before, fixed", args.before, False))
    found: dict[str, list[dict]] = {name: [] for name, _, _ in ways}
    for _ in range(args.repeat):
        for name, source, until_clear in ways:
            load = round(os.getloadavg()[0], 2)
            found[name].append(
                {**measure(source, until_clear, args.reps, args.weeks), "load_1min": load}
            )
    summary = {
        name: {
            key: round(statistics.median(m[key] for m in runs), 2)
            for key in ("first_s", "final_s", "cpu_s", "replications")
        }
        | {"each": runs}
        for name, runs in found.items()
    }
    print(json.dumps({"replications_at_most": args.reps, "weeks": args.weeks} | summary, indent=2))


if __name__ == "__main__":
    main()
