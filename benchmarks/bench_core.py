"""Speed of the core model against raw SimPy, and how its cost grows with office size.

Prints, from one run of this script:
* raw SimPy events/s: a bare ``yield env.timeout(1)`` loop;
* the model's events/s on the reference office (8 weeks, 1 replication), counting SimPy events
  processed and the whole wall time of ``simulate`` (set-up and result tables included);
* their ratio (target >= 0.5), also with outages active (a 4-day case-system outage and a week
  of lost emails, under the paper-fallback plan);
* wall time of the reference office and of a London-size office (25x staff and cases), and
  the cost per staff-week of each (linear cost: the two should be close);
* for scale, raw SimPy with as many concurrent processes as each office has staff: SimPy's own
  events/s fall as its event heap grows, and the model inherits that.

Usage: python benchmarks/bench_core.py [--weeks 8] [--scale 25] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import simpy

from sim import simulate
from sim.scenario.loader import load_plan, load_scenario
from sim.scenario.plans import DO_NOTHING
from sim.scenario.scaling import scaled

ROOT = Path(__file__).resolve().parents[1]


def raw_simpy_events_per_second(n_events: int = 1_000_000, processes: int = 1) -> float:
    """Events/s of bare ``yield env.timeout(...)`` loops (``processes`` of them at once)."""
    env = simpy.Environment()

    def ticker(env, step):
        while True:
            yield env.timeout(step)

    for k in range(processes):
        env.process(ticker(env, 1.0 + k / processes))
    start = time.perf_counter()
    env.run(until=n_events / processes)
    return (next(env._eid) - len(env._queue)) / (time.perf_counter() - start)


def with_outage(scenario):
    """The office with a 4-day case-system outage and a week of lost emails from week 4."""
    return scenario.with_changes(
        **{
            "outages": {
                "down": [
                    {"system": "case_system", "start": {"day": 21, "hour": 14}, "duration_days": 4}
                ],
                "email_loss": [
                    {
                        "lost_share": 0.3,
                        "detection_days": 2,
                        "start": {"day": 21},
                        "duration_days": 7,
                    }
                ],
            }
        }
    )


def timed_run(scenario, weeks: int, repeat: int, plan=DO_NOTHING) -> tuple[float, int, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = simulate(scenario, plan=plan, weeks=weeks)
        best = min(best, time.perf_counter() - start)
    staff = result["staff_weekly"]["staff_id"].nunique()
    return best, result.manifest["events"], staff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--scale", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    reference = load_scenario(ROOT / "scenarios" / "reference-office.yaml")
    raw = max(raw_simpy_events_per_second() for _ in range(args.repeat))
    ref_wall, ref_events, ref_staff = timed_run(reference, args.weeks, args.repeat)
    big_wall, big_events, big_staff = timed_run(scaled(reference, args.scale), args.weeks, 1)
    paper = load_plan(ROOT / "scenarios" / "plans" / "paper-fallback.yaml")
    out_wall, out_events, _ = timed_run(with_outage(reference), args.weeks, args.repeat, paper)
    raw_small = raw_simpy_events_per_second(processes=ref_staff)
    raw_big = raw_simpy_events_per_second(processes=big_staff)
    model_rate = ref_events / ref_wall
    figures = {
        "raw_simpy_events_per_s": round(raw),
        "model_events_per_s": round(model_rate),
        "ratio": round(model_rate / raw, 3),
        "reference_office": {
            "staff": ref_staff,
            "weeks": args.weeks,
            "events": ref_events,
            "wall_s": round(ref_wall, 3),
            "ms_per_staff_week": round(1000 * ref_wall / (ref_staff * args.weeks), 4),
        },
        f"office_x{args.scale}": {
            "staff": big_staff,
            "weeks": args.weeks,
            "events": big_events,
            "wall_s": round(big_wall, 3),
            "ms_per_staff_week": round(1000 * big_wall / (big_staff * args.weeks), 4),
            "events_per_s": round(big_events / big_wall),
        },
        "reference_with_outage_and_paper_fallback": {
            "events": out_events,
            "wall_s": round(out_wall, 3),
            "events_per_s": round(out_events / out_wall),
            "ratio": round(out_events / out_wall / raw, 3),
        },
        "cost_growth_vs_size": round((big_wall / ref_wall) / (big_staff / ref_staff), 3),
        "raw_simpy_slowdown_same_sizes": round(raw_small / raw_big, 3),
        "raw_simpy_events_per_s_by_processes": {
            ref_staff: round(raw_small),
            big_staff: round(raw_big),
        },
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
