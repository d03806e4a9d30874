"""Speed of the engines on experiment-sized batches: pool against serial, Dask against the pool,
and the wall time of a full comparison on the reference office.

Prints, as JSON:
* ``pool_speedup``: one batch (S2 NDelius upgrade, do nothing and paper fallback, 8 replications,
  8 weeks, with the no-outage baseline: 24 runs) serial and on a pool of ``--workers`` processes
  (target >= 1.9x on 2 cores), in ``--pairs`` serial/pool pairs one after the other (which goes
  first alternates from pair to pair); the median speed-up of each kind, and each. ``cold``: the
  first pool of a fresh process (its forkserver starts and imports the model); ``warm``: a
  second pool in the same process; ``kept_pool``: a pool kept open whose workers have run once
  already (how the app runs experiments), which leaves out the workers' start-up and first-run
  costs.
* ``dask_overhead``: a one-at-a-time sweep of 100 runs (S2, 4 weeks, 2 parameters x low/high +
  base, 20 replications) on the pool and on a local Dask cluster of as many workers; overhead =
  (dask - pool) / pool, in wall time and in CPU time of the whole process tree (this process, the
  forkserver, the workers and Dask's nannies: ``cpu_tree.py``) (target <= 10%). ``--only-dask``
  measures this alone. Each engine's first call in a fresh
  process (``cold``: its forkserver starts and imports the model, and for Dask, Dask) and its
  second (``warm``), in ``--pairs`` pool/Dask pairs one after the other, alternating which goes
  first; the median overhead over all calls, the median of each kind, and each. Every run must
  give the same table.
* ``reference_office``: S2 with 4 of its plans, 30 replications, 8 weeks (150 runs with the
  baseline) compared on the pool: wall time.

Every figure is timed in a fresh Python process, one at a time, with the 1-minute load average
before it: other work on the machine slows parallel engines first.

Usage: python benchmarks/bench_experiments.py [--workers 2] [--pairs 5]   (about 10 minutes)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from cpu_tree import tree_cpu

ROOT = Path(__file__).resolve().parents[1]
S02 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"
PAIRS = 5  # serial/pool and pool/Dask pairs, one after the other: the machine's speed varies
SWEEP = {
    "office.staffing.probation_officer.count": (34, 54),
    "outages.down.0.duration_days": (2, 6),
}


def fingerprint(obj) -> str:
    """A short hash of ``repr(obj)``: equal only if every number is equal to the last bit."""
    return hashlib.sha256(repr(obj).encode()).hexdigest()[:16]


def plans(names):
    from sim.scenario.loader import load_plan

    return [load_plan(ROOT / "scenarios" / "plans" / f"{n}.yaml") for n in names]


def batch(engine: str, workers: int) -> dict:
    """The pool-speed-up batch on ``engine``, twice (cold, then warm); for the pool, also on a
    long-lived pool whose workers have already run once (``kept``, as the app's pool)."""
    from concurrent.futures import ProcessPoolExecutor

    from sim.experiments.compare import specs_for
    from sim.experiments.engines import pool_context, run_all, run_spec
    from sim.scenario.loader import load_scenario

    specs = specs_for(load_scenario(S02), plans(["do-nothing", "paper-fallback"]), range(8), 1, 8)
    out = {"runs": len(specs)}
    for when in ("cold", "warm"):
        start = time.perf_counter()
        outcomes = run_all(specs, engine=engine, workers=workers)
        out[when] = time.perf_counter() - start
        out["fingerprint"] = fingerprint(outcomes)
    if engine == "pool":
        with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
            list(pool.map(run_spec, specs[:workers]))  # every worker started and warmed up
            start = time.perf_counter()
            kept = run_all(specs, engine="pool", executor=pool)
            out["kept"] = time.perf_counter() - start
        assert fingerprint(kept) == out["fingerprint"]
    return out


def sweep(engine: str, workers: int) -> dict:
    """The 100-run one-at-a-time sweep on ``engine``, twice (cold, then warm)."""
    from sim.experiments.sweeps import one_at_a_time
    from sim.scenario.loader import load_scenario
    from sim.scenario.plans import DO_NOTHING

    scenario = load_scenario(S02)
    out = {"runs": 20 * (1 + 2 * len(SWEEP))}
    for when in ("cold", "warm"):
        cpu, start = tree_cpu(), time.perf_counter()
        table = one_at_a_time(
            scenario, DO_NOTHING, SWEEP, "backlog_mean", 20, weeks=4, engine=engine, workers=workers
        )
        out[when] = time.perf_counter() - start
        out[f"{when}_cpu"] = tree_cpu() - cpu
        out["fingerprint"] = fingerprint(table.to_dict("records"))
    return out


def reference(engine: str, workers: int) -> dict:
    """The reference comparison: S2, 4 plans x 30 replications x 8 weeks, once."""
    from sim.experiments.compare import compare
    from sim.scenario.loader import load_scenario

    chosen = plans(["do-nothing", "paper-fallback", "overtime", "triage"])
    start = time.perf_counter()
    experiment = compare(load_scenario(S02), chosen, 30, weeks=8, engine=engine, workers=workers)
    return {
        "runs": experiment.manifest["runs"],
        "cold": time.perf_counter() - start,
        "events": experiment.manifest["events"],
    }


MEASUREMENTS = {"batch": batch, "sweep": sweep, "reference": reference}


def in_child(name: str, engine: str, workers: int) -> dict:
    """Run one measurement in a fresh interpreter; its figures, with the load average before."""
    load = os.getloadavg()[0]
    cmd = [sys.executable, __file__, "--child", name, "--engine", engine, "--workers", str(workers)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load_before"] = round(load, 2)
    return figures


def in_pair(name: str, first: str, second: str, workers: int, i: int) -> tuple[dict, dict]:
    """One measurement on two engines, ``first`` first in even pairs and last in odd ones, so a
    drift in the machine's speed during the benchmark favours neither; (first's, second's)."""
    if i % 2:
        later = in_child(name, second, workers)
        return in_child(name, first, workers), later
    return in_child(name, first, workers), in_child(name, second, workers)


def rounded(figures: dict) -> dict:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def median_and_each(values: list[float]) -> dict:
    return {"median": round(float(np.median(values)), 3), "each": [round(v, 3) for v in values]}


def dask_overhead(workers: int, pairs_wanted: int) -> dict:
    """The 100-run sweep on the pool and on a local Dask cluster, in alternated pairs: Dask's
    overhead in wall time and in CPU time (this process and every process under it)."""
    pairs = [in_pair("sweep", "pool", "dask", workers, i) for i in range(pairs_wanted)]
    found: dict = {"runs": pairs[0][0]["runs"]}
    for what, suffix in (("wall", ""), ("cpu", "_cpu")):
        over = {
            when: [(d[when + suffix] - p[when + suffix]) / p[when + suffix] for p, d in pairs]
            for when in ("cold", "warm")
        }
        found[f"{what}_overhead_median"] = round(float(np.median(over["cold"] + over["warm"])), 3)
        found |= {f"{what}_overhead_{when}": median_and_each(v) for when, v in over.items()}
    found["pool"] = [rounded(p) for p, _ in pairs]
    found["dask"] = [rounded(d) for _, d in pairs]
    found["identical"] = len({f["fingerprint"] for pair in pairs for f in pair}) == 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=PAIRS, help="pairs of each comparison")
    parser.add_argument("--child", choices=sorted(MEASUREMENTS), help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="pool", help=argparse.SUPPRESS)
    parser.add_argument(
        "--only-dask", action="store_true", help="only Dask's overhead over the pool (2-3 min)"
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(MEASUREMENTS[args.child](args.engine, args.workers)))
        return

    w, n = args.workers, args.pairs
    if args.only_dask:
        print(json.dumps({"dask_overhead": dask_overhead(w, n)}, indent=2))
        return
    batches = [in_pair("batch", "serial", "pool", w, i) for i in range(n)]
    speedups = {
        kind: [serial[when] / pool[pool_when] for serial, pool in batches]
        for kind, when, pool_when in (
            ("cold", "cold", "cold"),
            ("warm", "warm", "warm"),
            ("kept_pool", "warm", "kept"),
        )
    }
    ref = in_child("reference", "pool", w)
    figures = {
        "cpus": os.cpu_count(),
        "workers": w,
        "pairs": n,
        "pool_speedup": {
            "runs": batches[0][0]["runs"],
            **{f"speedup_{kind}": median_and_each(v) for kind, v in speedups.items()},
            "serial_s": [rounded(serial) for serial, _ in batches],
            "pool_s": [rounded(pool) for _, pool in batches],
            "identical": all(s["fingerprint"] == p["fingerprint"] for s, p in batches),
        },
        "dask_overhead": dask_overhead(w, n),
        "reference_office": {
            **rounded(ref),
            "plans": 4,
            "replications": 30,
            "weeks": 8,
            "engine": "pool",
        },
        "load_after": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
