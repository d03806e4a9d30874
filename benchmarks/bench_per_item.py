"""CPU cost per work item of the office model against an idiomatic SimPy M/M/c queue.

The yardstick is the textbook SimPy model, as in SimPy's own examples: Poisson arrivals, a
process per customer that requests a ``simpy.Resource`` of capacity c=10, holds it for an
exponential service time and releases it (rho = 0.9, 100,000 customers). The office model is
the reference office over 8 weeks with no outage. Both are timed with ``time.process_time``
(CPU) and ``time.perf_counter`` (wall), alternated ``--pairs`` times in one process, and the
median of each pair's ratio is reported with the load average before the first pair.

Target (issue "fast enough to use live"): the office's CPU per work item <= 0.5x the M/M/c's
CPU per customer.

Usage: python benchmarks/bench_per_item.py [--pairs 5] [--weeks 8] [--customers 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path

import simpy

from sim import simulate
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def idiomatic_mmc(customers: int, servers: int = 10, rho: float = 0.9, seed: int = 1) -> int:
    """The M/M/c queue written as in SimPy's examples; returns the customers served."""
    rng = random.Random(seed)
    service_rate = 1.0
    arrival_rate = rho * servers * service_rate
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=servers)
    served = [0]

    def customer(env, counter):
        with counter.request() as request:
            yield request
            yield env.timeout(rng.expovariate(service_rate))
        served[0] += 1

    def source(env, counter):
        for _ in range(customers):
            env.process(customer(env, counter))
            yield env.timeout(rng.expovariate(arrival_rate))

    env.process(source(env, counter))
    env.run()
    return served[0]


def timed(fn) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    reference = load_scenario(ROOT / "scenarios" / "reference-office.yaml")
    load_before = os.getloadavg()
    # warm both once (imports, first-call costs), untimed
    idiomatic_mmc(1000)
    simulate(reference, weeks=1)
    pairs = []
    for k in range(args.pairs):
        order = ("mmc", "office") if k % 2 == 0 else ("office", "mmc")
        figures = {}
        for which in order:
            if which == "mmc":
                cpu, wall, served = timed(lambda: idiomatic_mmc(args.customers))
                figures["mmc"] = (cpu / served, wall / served)
            else:
                cpu, wall, result = timed(lambda: simulate(reference, weeks=args.weeks))
                items = len(result["work_items"])
                figures["office"] = (cpu / items, wall / items)
                figures["items"] = items
        pairs.append(figures)
    ratio_cpu = [p["office"][0] / p["mmc"][0] for p in pairs]
    ratio_wall = [p["office"][1] / p["mmc"][1] for p in pairs]
    print(
        json.dumps(
            {
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "work_items_per_run": pairs[0]["items"],
                "office_cpu_us_per_item": round(
                    1e6 * statistics.median(p["office"][0] for p in pairs), 2
                ),
                "mmc_cpu_us_per_customer": round(
                    1e6 * statistics.median(p["mmc"][0] for p in pairs), 2
                ),
                "ratio_cpu_median": round(statistics.median(ratio_cpu), 3),
                "ratio_cpu_each_pair": [round(r, 3) for r in ratio_cpu],
                "ratio_wall_median": round(statistics.median(ratio_wall), 3),
                "target": "ratio_cpu_median <= 0.5",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
