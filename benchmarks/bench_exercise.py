"""A tabletop exercise's steps as the app runs them: the June 2014 exercise (the reference office,
8 weeks) on the app's job board (one process pool, as the server has), 10 replications.

For each repeat, in a fresh results store (nothing reused):

* **decision**: the first decision point's projection (both options, each against carrying on as
  decided, and the no-outage baseline, replications added until the answer is clear) started
  when the room gets there: wall seconds to the first answer (every
  plan with 2 replications, with intervals: what the room first sees) and to the final one;
* **composed option**: a third option composed in the room at that decision point once the
  first two are projected, its projection (every option again, on the same replications: a new
  experiment) from the moment it is added;
* **second decision**: the second decision point, after the first was decided (each option
  against carrying on as decided);
* **decision, prefetched**: the same projection started, as the app starts it, when the step
  before it is shown (beside that step's office now), with the room reaching the decision point
  ``--lead`` seconds later (a facilitator reading the inject out): seconds from reaching it to
  the first answer and to the final one;
* **office now, plan alone** (as the app runs a step between decision points) against **office
  now with the references** (do nothing and the no-outage baseline as well, as a comparison would
  run), alternated: wall seconds to the first answer and to the final one, and CPU seconds of the
  whole process tree.

Targets (the tabletop issue's): the first answer at a step within 3 s where the projection
started a step early, 8 s otherwise; every replication of a two-option decision at 10
replications within 30 s; a composed option's first answer within 10 s. The load average is
printed beside the figures.

Usage: python benchmarks/bench_exercise.py [--repeat 3] [--replications 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_tree import tree_cpu  # noqa: E402

EXERCISE = ROOT / "scenarios" / "exercises" / "june-2014-split-week.yaml"


def start(board, step, baselines: bool):
    """The step's job as the app starts it (at a decision point: its stopping rule, and each
    option paired with carrying on as decided; between them, with ``baselines``, do nothing and
    the no-outage run as a comparison would have them)."""
    at_point = step.point is not None
    return board.start(step.scenario, step.plans, step.replications, step.seed, step.weeks,
                       as_at_minute=step.as_at_minute, baselines=baselines,
                       stopping=step.stopping if at_point else None,
                       reference=step.reference)  # fmt: skip


def answers(job, cpu: float) -> dict:
    """Wall seconds from now to the job's first answer and to its final one (0: already in), and
    the tree's CPU seconds since ``cpu`` was read."""
    begin, first = time.monotonic(), None
    while job.running:
        if first is None and job.partial is not None:
            first = time.monotonic() - begin
        time.sleep(0.02)
    total = time.monotonic() - begin
    assert job.result is not None, job.error
    return {
        "first_answer_s": first if first is not None else total,
        "final_s": total,
        "cpu_s": tree_cpu() - cpu,
        "runs": job.total,
    }


def timed(board, step, baselines: bool) -> dict:
    """The step's experiment started now: its first and final answers."""
    cpu = tree_cpu()
    return answers(start(board, step, baselines), cpu)


def prefetched(board, before, decision, lead: float) -> dict:
    """The decision's projection started with the step before it (as the app does); its first
    and final answers from the room reaching the decision point ``lead`` seconds later."""
    cpu = tree_cpu()
    start(board, before, False)
    job = start(board, decision, True)
    time.sleep(lead)
    return answers(job, cpu)


def _composed():
    from sim.scenario.exercise import Option

    return Option(
        name="Paper, day lists and overtime",
        levers={"paper_fallback": {}, "day_lists": {}, "overtime": {"hours_per_week": 4}},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lead", type=float, default=20.0)
    args = parser.parse_args()

    from app_pages.jobs import JobBoard
    from sim.exercise import log as play
    from sim.exercise import plans_in_play
    from sim.exercise.projection import step_inputs
    from sim.scenario.loader import load_exercise

    exercise = load_exercise(EXERCISE).model_copy(update={"replications": args.replications})
    started = play.start(exercise)
    at_point = play.advance_to_next(started)
    decided = play.decide(at_point, "keep-going", at_point.options("keep-going")[1])
    decision_step, now_step = step_inputs(at_point), step_inputs(decided)
    before_step = step_inputs(started)
    composed = play.propose(at_point, "keep-going", _composed())
    composed_step = step_inputs(composed)
    second = decided
    while second.pending() is None:
        second = play.advance_to_next(second)
    second_step = step_inputs(second)
    rows: dict[str, list[dict]] = {
        "decision": [],
        "decision, prefetched": [],
        "composed option": [],
        "second decision": [],
        "plan alone": [],
        "with references": [],
    }
    load = {"before": os.getloadavg()[0]}
    for i in range(args.repeat):
        order = (
            ["plan alone", "with references"] if i % 2 == 0 else ["with references", "plan alone"]
        )
        cases = ["decision", "decision, prefetched", "composed option", "second decision"]
        for name in [*cases, *order]:
            with tempfile.TemporaryDirectory() as store:
                board = JobBoard(Path(store), args.workers)
                board.start(
                    now_step.scenario, [plans_in_play.plan_now(decided)], 2, 99, 1
                )  # warm the pool
                while any(j.running for j in list(board._jobs.values())):
                    time.sleep(0.05)
                if name == "decision":
                    rows[name].append(timed(board, decision_step, True))
                elif name == "decision, prefetched":
                    rows[name].append(prefetched(board, before_step, decision_step, args.lead))
                elif name == "composed option":  # the decision's runs done, then a third option
                    answers(start(board, decision_step, True), tree_cpu())
                    rows[name].append(timed(board, composed_step, True))
                elif name == "second decision":
                    rows[name].append(timed(board, second_step, True))
                else:
                    rows[name].append(timed(board, now_step, name == "with references"))
    load["after"] = os.getloadavg()[0]
    summary = {
        name: {k: statistics.median(r[k] for r in found) for k in found[0]}
        for name, found in rows.items()
    }
    ratio = summary["plan alone"]["cpu_s"] / summary["with references"]["cpu_s"]
    print(json.dumps({"median": summary, "cpu_ratio_plan_alone_to_with_references": ratio,
                      "load_average": load, "every_repeat": rows}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
