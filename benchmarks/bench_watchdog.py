"""What the watchdog costs: the reference office run under ``sim.model.watchdog.run_until``
against the same run under SimPy's own ``Environment.run``, interleaved (A B A B ...), the
median of the pairs' CPU and wall ratios, with the load average beside each figure.

Usage: python benchmarks/bench_watchdog.py [--weeks 8] [--pairs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import sim.run
from sim import simulate
from sim.model.watchdog import run_until
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def simpys_own(env, at, limits=None, busiest=None) -> None:
    env.run(until=at)


def timed(loop, scenario, weeks: int) -> tuple[float, float]:
    sim.run.run_until = loop
    wall, cpu = time.perf_counter(), time.process_time()
    simulate(scenario, seed=1, weeks=weeks)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "reference-office.yaml")
    timed(run_until, scenario, args.weeks)  # warm-up
    cpu_ratio, wall_ratio, watched_cpu, plain_cpu = [], [], [], []
    for _ in range(args.pairs):
        a_cpu, a_wall = timed(run_until, scenario, args.weeks)
        b_cpu, b_wall = timed(simpys_own, scenario, args.weeks)
        cpu_ratio.append(a_cpu / b_cpu)
        wall_ratio.append(a_wall / b_wall)
        watched_cpu.append(a_cpu)
        plain_cpu.append(b_cpu)
    sim.run.run_until = run_until
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"reference office, {args.weeks} weeks, {args.pairs} interleaved pairs (load {load})")
    print(f"  watched run CPU-s (median):   {statistics.median(watched_cpu):.3f}")
    print(f"  SimPy's run CPU-s (median):   {statistics.median(plain_cpu):.3f}")
    print(f"  CPU ratio watched/plain:      {statistics.median(cpu_ratio):.3f}")
    print(f"  wall ratio watched/plain:     {statistics.median(wall_ratio):.3f}")


if __name__ == "__main__":
    main()
