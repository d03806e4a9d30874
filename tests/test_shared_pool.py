"""One pool shared fairly (sim/experiments/shared_pool.py, app_pages/jobs.py): a big experiment
holds a small one started after it for a run or two, not for all its queued runs; a cancel stops
runs under way, not only those waiting; a stopped run is never taken for a bug. Counted in runs,
never timed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app_pages.jobs import JobBoard
from office_runs import reference_scenario
from sim import RunLimitError, RunLimits
from sim.experiments.engines import RunSpec, RunStopped, new_pool, run_all
from sim.experiments.shared_pool import SharedPool
from sim.scenario.plans import DO_NOTHING
from sim.scenario.scaling import scaled

pytestmark = pytest.mark.slow


def specs(label: str, n: int, weeks: int, stop_file: str | None = None) -> list[RunSpec]:
    office = reference_scenario()
    return [RunSpec(label, office, DO_NOTHING, 1, r, weeks, stop_file=stop_file) for r in range(n)]


def test_a_small_experiment_waits_for_a_run_or_two_of_a_big_one():
    shared = SharedPool(new_pool(2), 2)
    order: list[str] = []
    lock = threading.Lock()

    def note(outcome) -> None:
        with lock:
            order.append(outcome.label)

    try:
        big = threading.Thread(
            target=run_all,
            args=(specs("big", 24, 1),),
            kwargs={"executor": shared, "arrived": note},
        )
        big.start()
        while not order:  # the big experiment is under way
            time.sleep(0.05)
        run_all(specs("small", 2, 1), executor=shared, arrived=note)
        small_done = len(order)
        big.join()
    finally:
        shared.shutdown()
    started = order.index("small")
    big_meanwhile = order[1:small_done].count("big")
    assert order.count("small") == 2 and order.count("big") == 24
    # without turns the small one would wait for every queued big run (about 22)
    assert big_meanwhile <= 6, (started, order)


def test_a_stop_file_stops_runs_under_way(tmp_path):
    stop = tmp_path / "job.stop"
    shared = SharedPool(new_pool(2), 2)
    try:
        with shared.experiment(str(stop)):
            futures = [shared.submit(run_all_one, spec) for spec in specs("long", 2, 26)]
        stop.touch()
        for future in futures:
            with pytest.raises(RunStopped):
                future.result(timeout=120)
    finally:
        shared.shutdown()


def test_a_stop_file_stops_runs_sharing_a_past_and_those_forked_from_them(tmp_path):
    from sim.experiments.shared_past import run_group
    from sim.scenario.loader import load_scenario
    from sim.scenario.plans import Levers, PaperFallback, Plan

    s2 = load_scenario(Path(__file__).resolve().parents[1] / "scenarios/s02-ndelius-upgrade.yaml")
    paper = Plan(name="Paper fallback", levers=Levers(paper_fallback=PaperFallback()))
    group = tuple(RunSpec(p.name, s2, p, 1, 0, 26) for p in (DO_NOTHING, paper))  # part: day 21
    stop = tmp_path / "job.stop"
    shared = SharedPool(new_pool(1), 1, RunLimits(max_cpu_seconds=600))
    try:
        with shared.experiment(str(stop)):
            future = shared.submit(run_group, group)
        time.sleep(3)  # under way: the shared past, or its branches
        stop.touch()
        with pytest.raises(RunStopped):
            future.result(timeout=120)
    finally:
        shared.shutdown()


def run_all_one(spec: RunSpec):
    from sim.experiments.engines import run_spec

    return run_spec(spec)


def test_a_cancelled_big_job_frees_the_pool_for_a_small_one(tmp_path: Path):
    board = JobBoard(tmp_path / "results", workers=2)
    office = reference_scenario()
    big = board.start(office, [DO_NOTHING], 40, 1, 26)
    while big.done < 1 and big.running:  # two long runs under way, more waiting
        time.sleep(0.1)
    big.cancel()
    small = board.start(office, [DO_NOTHING], 2, 2, 1)
    while small.running:
        time.sleep(0.1)
    assert small.result is not None and small.error is None
    while big.running:
        time.sleep(0.1)
    assert big.cancelled and big.error is None and big.result is None
    assert big.done < 10  # stopped: of its 40 runs, those under way stopped, the rest never ran


def test_a_failed_save_is_said_without_the_servers_folders(tmp_path: Path):
    blocked = tmp_path / "results"
    blocked.write_text("a file where the store's folder should be")
    board = JobBoard(blocked, workers=1)
    job = board.start(reference_scenario(), [DO_NOTHING], 1, 1, 1)
    while job.running:
        time.sleep(0.1)
    assert job.result is not None  # shown, though not saved
    assert job.error is not None and "could not be saved" in job.error
    assert str(tmp_path) not in job.error and "the store's folder (results)" in job.error


def test_a_run_past_the_pools_limit_stops_and_the_other_experiments_runs_carry_on():
    # the limit, in events, lets a week of the small office run and stops a long run of the
    # reference office part way, as the app's limit in CPU-seconds stops one far past its
    # estimate (sim.model.watchdog)
    shared = SharedPool(new_pool(2), 2, RunLimits(max_events=20_000))
    failed: list[BaseException] = []

    def long_one() -> None:
        try:
            run_all(specs("long", 1, 8), executor=shared)
        except RunLimitError as stopped:
            failed.append(stopped)

    try:
        long = threading.Thread(target=long_one)
        long.start()
        small = scaled(reference_scenario(), 0.1)
        outcomes = run_all(
            [RunSpec("small", small, DO_NOTHING, 1, r, 1) for r in range(3)], executor=shared
        )
        long.join()
    finally:
        shared.shutdown()
    assert [o.label for o in outcomes] == ["small"] * 3
    assert len(failed) == 1 and "20,000 events" in str(failed[0]) and "Fix:" in str(failed[0])
