"""What sharing a past saves: the same runs with each plan simulated alone and with the plans of a
replication simulated as one until they part (``sim/experiments/shared_past.py``), alternated in
one process, CPU of the process and its forked children (``os.times``) and wall time.

Cases: the planner's comparison (S2, do nothing and the scenario's first three plans, 8 weeks,
with the no-outage baseline) and a tabletop decision point (the June 2014 exercise's first
decision: do nothing and its options, up to the exercise's weeks). Each pair runs both ways on
the same replications, in alternating order; the figures are medians of the pairs' ratios, with
the load average before each pair.

Usage: python benchmarks/bench_shared_past.py [--pairs 3] [--replications 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
S2 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"
EXERCISE = ROOT / "scenarios" / "exercises" / "june-2014-split-week.yaml"


def comparison_specs(replications: int):
    from sim.experiments.compare import specs_for
    from sim.scenario.loader import load_plan, load_scenario

    scenario = load_scenario(S2)
    names = [n for n in scenario.plans if n != "do-nothing"][:3]
    plans = [load_plan(S2.parent / "plans" / f"{n}.yaml") for n in ["do-nothing", *names]]
    return specs_for(scenario, plans, range(replications), 1, 8)


def decision_specs(replications: int):
    from sim.exercise import log as play
    from sim.exercise.projection import step_inputs
    from sim.experiments.compare import specs_for
    from sim.scenario.loader import load_exercise

    log = play.start(load_exercise(EXERCISE))
    while log.pending() is None:
        log = play.advance_to_next(log)
    step = step_inputs(log)
    return specs_for(
        step.scenario, step.plans, range(replications), step.seed, step.weeks, step.as_at_minute
    )


def cpu_and_wall(specs, share_past: bool) -> tuple[float, float]:
    from sim.experiments.engines import run_all

    before, start = os.times(), time.perf_counter()
    run_all(specs, engine="serial", share_past=share_past)
    after, wall = os.times(), time.perf_counter() - start
    cpu = sum(after[:4]) - sum(before[:4])  # user and system, this process and its children
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--replications", type=int, default=2)
    args = parser.parse_args()
    figures = {}
    for name, specs in (
        ("planner's comparison (S2, 4 plans + baseline, 8 weeks)", comparison_specs),
        ("tabletop decision point (June 2014, first decision)", decision_specs),
    ):
        runs = specs(args.replications)
        cpu_alone, cpu_shared, wall_alone, wall_shared, cpu_ratio, wall_ratio, loads = (
            [] for _ in range(7)
        )
        for pair in range(args.pairs):
            loads.append(round(os.getloadavg()[0], 2))
            order = (False, True) if pair % 2 == 0 else (True, False)
            got = {share: cpu_and_wall(runs, share) for share in order}
            cpu_alone.append(got[False][0])
            cpu_shared.append(got[True][0])
            wall_alone.append(got[False][1])
            wall_shared.append(got[True][1])
            cpu_ratio.append(got[True][0] / got[False][0])
            wall_ratio.append(got[True][1] / got[False][1])
        figures[name] = {
            "runs": len(runs),
            "cpu_s_alone_median": round(statistics.median(cpu_alone), 2),
            "cpu_s_shared_median": round(statistics.median(cpu_shared), 2),
            "cpu_ratio_median": round(statistics.median(cpu_ratio), 3),
            "cpu_ratios": [round(r, 3) for r in cpu_ratio],
            "wall_ratio_median": round(statistics.median(wall_ratio), 3),
            "load_before_each_pair": loads,
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
