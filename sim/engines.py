"""Execution engines: run many independent simulations, serially or in parallel.

Each run is described by a :class:`RunSpec` (scenario, plan, seed, replication, weeks) and
returns a compact :class:`RunOutcome` (headline measures and daily backlog), small enough to
send between processes. A run's numbers depend only on its spec, never on the engine or on the
order runs finish in, so every engine gives identical results (tested).

* ``serial``: one after another in this process.
* ``pool``: a local process pool (``spawn`` start method, safe under a web server's threads).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from sim.config import Scenario
from sim.model import simulate
from sim.plans import Plan

ENGINES = ("serial", "pool")
Progress = Callable[[int, int], None]  # (runs done, runs in all)


@dataclass(frozen=True)
class RunSpec:
    """One simulation run: everything its numbers depend on."""

    label: str  # the plan's label in the experiment, or "no outage"
    scenario: Scenario
    plan: Plan
    seed: int
    replication: int
    weeks: int


@dataclass(frozen=True)
class RunOutcome:
    """What an experiment keeps of a run: headline measures, units and backlog by day."""

    label: str
    replication: int
    measures: dict[str, float]
    units: dict[str, str]
    backlog: tuple[float, ...]  # total backlog at the end of each day
    events: int


def run_spec(spec: RunSpec) -> RunOutcome:
    """Run one spec (the unit of work every engine runs)."""
    result = simulate(spec.scenario, plan=spec.plan, seed=spec.seed,
                      replication=spec.replication, weeks=spec.weeks)
    summary = result["summary"]
    backlog = result["backlog_daily"].groupby("day")["backlog"].sum()
    return RunOutcome(spec.label, spec.replication,
                      dict(zip(summary["measure"], map(float, summary["value"]))),
                      dict(zip(summary["measure"], summary["unit"])),
                      tuple(float(v) for v in backlog.to_numpy()), result.manifest["events"])


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_all(specs: Sequence[RunSpec], engine: str = "pool", workers: int | None = None,
            progress: Progress | None = None) -> list[RunOutcome]:
    """Run every spec with ``engine``; outcomes come back in the order of ``specs``."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    total = len(specs)
    if engine == "serial" or total <= 1:
        outcomes = []
        for spec in specs:
            outcomes.append(run_spec(spec))
            if progress is not None:
                progress(len(outcomes), total)
        return outcomes
    workers = workers or default_workers()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        outcomes = []
        for outcome in pool.map(run_spec, specs, chunksize=1):
            outcomes.append(outcome)
            if progress is not None:
                progress(len(outcomes), total)
    return outcomes
