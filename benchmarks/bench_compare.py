"""The planner's comparison: S2 with 4 plans (do nothing and the scenario's first three) x at most
30 replications x 8 weeks, plus the no-outage baseline, on the local process pool.

Each measurement runs in a fresh process from a checkout (imports, runs and all), three ways:
through the API (``compare``, its pool started by the call), on the app's job board (its pool
started and warmed first, as on a running server: what a planner pressing Run waits for), and
as the command line (``python -m sim compare``, wall seconds of the whole command). For the API
and the app: the wall seconds to the first answer (every plan and the baseline with 2
replications, with intervals) and to the final one, the CPU seconds of the whole process tree
(``benchmarks/cpu_tree.py``) and the replications run. Ways measured: ``fixed`` (30 replications,
the only way before the stopping rule) and, where the checkout has it, ``until clear`` (the
stopping rule, at most 30: what the command line and the app do by default). With ``--before
PATH`` (a checkout of an earlier version) the same measurements of that version alternate with
this one's. The 1-minute load average is printed before each measurement.

Targets (the speed issue's): the whole comparison <= 12 s and the first answer <= 3 s on an idle
2-core machine.

Usage: python benchmarks/bench_compare.py [--repeat 2] [--before PATH] [--ways api,app,command]
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MEASURE = """
import json, sys, tempfile, time
from pathlib import Path
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


def api():
    cpu, first = tree_cpu(settle=False), []
    start = time.perf_counter()
    done = compare(scenario, plans, {reps}, weeks={weeks}, engine="pool",
                   partial=lambda _e: first or first.append(time.perf_counter() - start), **extra)
    final = time.perf_counter() - start
    return first[0] if first else final, final, tree_cpu() - cpu, done.manifest["replications"]


def app():
    sys.path.insert(0, ".")
    from app_pages.jobs import JobBoard
    with tempfile.TemporaryDirectory() as store:
        board = JobBoard(Path(store), 2)
        board.start(scenario, plans[:1], 2, 99, 1)  # the server's pool, started and warmed
        while any(j.running for j in list(board._jobs.values())):
            time.sleep(0.05)
        cpu, first = tree_cpu(), None
        start = time.perf_counter()
        job = board.start(scenario, plans, {reps}, scenario.run.seed, {weeks}, **extra)
        while job.running:
            if first is None and job.partial is not None:
                first = time.perf_counter() - start
            time.sleep(0.02)
        final = time.perf_counter() - start
        assert job.result is not None, job.error
        return first or final, final, tree_cpu() - cpu, job.result.manifest["replications"]


if __name__ == "__main__":
    first, final, cpu, replications = {way}()
    print(json.dumps({{"first_s": first, "final_s": final, "cpu_s": cpu,
                      "replications": replications}}))
"""


def command(source: Path, until_clear: bool, reps: int, weeks: int) -> dict:
    """Wall seconds of ``python -m sim compare`` run from the checkout ``source``."""
    from sim.scenario.loader import load_scenario

    s2 = source / "scenarios" / "s02-ndelius-upgrade.yaml"
    names = [n for n in load_scenario(s2).plans if n != "do-nothing"][:3]
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "compare", str(s2), "--plans"]
            + [",".join(["do-nothing", *names]), "--reps", str(reps), "--weeks", str(weeks)]
            + ["--store", store]
            + ([] if until_clear or source != ROOT else ["--fixed"]),
            cwd=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        return {"final_s": time.perf_counter() - start}


def measure(way: str, source: Path, until_clear: bool, reps: int, weeks: int) -> dict:
    """One comparison in a fresh interpreter from the checkout ``source``, ``way``: ``api``,
    ``app`` or ``command``."""
    if way == "command":
        return command(source, until_clear, reps, weeks)
    code = MEASURE.format(
        bench=str(HERE),
        s2=str(source / "scenarios" / "s02-ndelius-upgrade.yaml"),
        until_clear=until_clear,
        reps=reps,
        weeks=weeks,
        way=way,
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
    parser.add_argument(
        "--ways", default="api", help="comma-separated: api, app, command (default: api)"
    )
    args = parser.parse_args()
    ways = []
    for way in args.ways.split(","):
        ways += [(f"{way}, after, until clear", way, ROOT, True)]
        ways += [(f"{way}, after, fixed", way, ROOT, False)]
        if args.before:
            ways.insert(len(ways) - 2, (f"{way}, before, fixed", way, args.before, False))
    found: dict[str, list[dict]] = {name: [] for name, *_ in ways}
    for _ in range(args.repeat):
        for name, way, source, until_clear in ways:
            load = round(os.getloadavg()[0], 2)
            found[name].append(
                {**measure(way, source, until_clear, args.reps, args.weeks), "load_1min": load}
            )
    summary = {
        name: {
            key: round(statistics.median(m[key] for m in runs), 2)
            for key in ("first_s", "final_s", "cpu_s", "replications")
            if key in runs[0]
        }
        | {"each": runs}
        for name, runs in found.items()
    }
    print(json.dumps({"replications_at_most": args.reps, "weeks": args.weeks} | summary, indent=2))


if __name__ == "__main__":
    main()
