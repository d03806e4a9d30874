"""Engines (sim/experiments/engines.py): serial, pool and dask give the same outcomes bit for
bit, in spec
order, and bad engine settings fail fast with an error that says what to fix."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app_server import free_port
from office_runs import reference_scenario
from sim.experiments.engines import ENGINES, RunSpec, run_all
from sim.experiments.shared_past import groups_of
from sim.scenario.plans import DO_NOTHING, Levers, Overtime, Plan

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick

OUTAGE = {"down": [{"system": "case_system", "start": {"day": 7, "hour": 9}, "duration_days": 2}]}
OVERTIME = Plan(name="Overtime", levers=Levers(overtime=Overtime(hours_per_week=5)))


@pytest.fixture(scope="module")
def specs() -> list[RunSpec]:
    """Six runs of three weeks: two plans on three replications, with an outage."""
    scenario = reference_scenario().with_changes(outages=OUTAGE)
    return [
        RunSpec(plan.name, scenario, plan, 5, r, 3)
        for r in range(3)
        for plan in (DO_NOTHING, OVERTIME)
    ]


def exact(outcomes) -> list[str]:
    """The outcomes as text that shows every float in full (repr round-trips exactly), so equal
    text means equal bits, NaN included."""
    return [repr(o) for o in outcomes]


@pytest.fixture(scope="module")
def serial(specs):
    return run_all(specs, engine="serial")


def test_serial_pool_and_dask_agree_bit_for_bit(specs, serial):
    assert ENGINES == ("serial", "pool", "dask")
    seen: list[tuple[int, int]] = []
    pool = run_all(specs, engine="pool", workers=2)
    dask = run_all(specs, engine="dask", workers=2, progress=lambda d, n: seen.append((d, n)))
    assert exact(pool) == exact(serial)
    assert exact(dask) == exact(serial)
    assert [(o.label, o.replication) for o in dask] == [(s.label, s.replication) for s in specs]
    assert seen == [(k, len(specs)) for k in range(1, len(specs) + 1)]  # as runs finish


def test_dask_at_an_address_uses_that_cluster(specs, serial):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        outcomes = run_all(specs[:3], engine="dask", address=cluster.scheduler_address)
    assert exact(outcomes) == exact(serial[:3])


def test_risk_check_breakdown_adds_up(serial):
    for o in serial:
        levels = [
            o.measures[f"missed_risk_checks_{lvl}"]
            for lvl in ("low", "medium", "high", "very_high")
        ]
        assert sum(levels) == o.measures["missed_risk_checks"]
        assert o.measures["missed_high_risk_checks"] == levels[2] + levels[3]
        assert o.units["missed_high_risk_checks"] == "contacts"
    assert any(o.measures["missed_high_risk_checks"] > 0 for o in serial)  # the outage bites


def test_bad_engine_settings_are_value_errors(specs):
    with pytest.raises(ValueError, match="unknown engine 'threads'.*serial, pool, dask"):
        run_all(specs, engine="threads")
    with pytest.raises(ValueError, match="workers must be at least 1"):
        run_all(specs, engine="pool", workers=0)
    with pytest.raises(ValueError, match="only used by the dask engine"):
        run_all(specs, engine="pool", address="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="'nonsense://x' is not a Dask scheduler address"):
        run_all(specs, engine="dask", address="nonsense://x")
    assert run_all([], engine="dask") == []  # nothing to run: no cluster started


def test_dask_with_no_scheduler_at_the_address_fails_within_the_timeout(specs):
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.perf_counter()
    with pytest.raises(OSError) as info:
        run_all(specs[:2], engine="dask", address=address, timeout=2)
    assert time.perf_counter() - start < 15
    message = str(info.value)
    assert address in message and "leave it out for a local cluster" in message


def test_importing_sim_does_not_import_dask():
    code = (
        "import sys, sim, sim.experiments.engines, sim.experiments.compare, "
        "sim.experiments.sweeps; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class _Recording(ThreadPoolExecutor):
    """A one-worker pool that remembers the futures it was given."""

    def __init__(self):
        super().__init__(max_workers=1)
        self.futures = []

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future


def test_a_caller_owned_pool_gives_the_same_numbers_and_stays_open(specs, serial):
    with _Recording() as pool:
        assert exact(run_all(specs, engine="pool", executor=pool)) == exact(serial)
        # one task per replication: its two plans share a past
        assert len(pool.futures) == len(groups_of(specs)) == 3
        assert pool.submit(sum, [1, 2]).result() == 3  # the caller's pool is not shut down


def test_progress_raising_cancels_the_runs_not_started(specs):
    class Cancelled(Exception):
        pass

    def cancel_after_first(done: int, total: int) -> None:
        raise Cancelled

    with _Recording() as pool:
        with pytest.raises(Cancelled):
            run_all(specs, engine="pool", executor=pool, progress=cancel_after_first)
        # one task (a replication's runs) finished, at most one more had started; every other
        # one was cancelled
        assert sum(f.cancelled() for f in pool.futures) >= len(groups_of(specs)) - 2 == 1


def test_an_executor_is_only_for_the_pool_engine(specs):
    with _Recording() as pool, pytest.raises(ValueError, match="only used by the pool engine"):
        run_all(specs, engine="serial", executor=pool)


@pytest.mark.parametrize("engine", ["pool", "dask"])
def test_workers_end_with_the_process_they_work_for(tmp_path, engine):
    """Killed outright (no chance to close its pool or cluster), a comparison leaves no worker
    process behind: each watches the process it works for."""
    import psutil

    command = [sys.executable, "-m", "sim", "compare", "scenarios/s02-ndelius-upgrade.yaml"]
    command += ["--reps", "20", "--weeks", "4", "--engine", engine, "--store", str(tmp_path)]
    caller = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        workers: list = []
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            workers = [
                p
                for p in psutil.Process(caller.pid).children(recursive=True)
                if "resource_tracker" not in " ".join(p.cmdline())
            ]
        assert len(workers) >= 2, "the comparison started no workers"
    finally:
        caller.kill()
        caller.wait()
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"left running: {[p.cmdline()[-1][:60] for p in alive]}"
