"""Execution engines: run many independent simulations, serially or in parallel.

Each run is described by a :class:`RunSpec` (scenario, plan, seed, replication, weeks) and
returns a compact :class:`RunOutcome` (headline measures, daily backlog and re-keying debt),
small enough to send between processes. Runs that share a past (the plans of one replication)
go to an engine as one task, which simulates that past once and forks where they part
(:mod:`sim.experiments.shared_past`). A run's numbers depend only on its spec, never on the
engine or on the order runs finish in, so every engine gives identical results (tested bit for
bit).

* ``serial``: one after another in this process.
* ``pool``: a local process pool. Workers are forked from a ``forkserver`` that has imported the
  model once (``spawn`` where the platform has no forkserver), so after the first pool of a
  process a new one starts in milliseconds; never plain ``fork``, unsafe under a web server's
  threads.
* ``dask``: a Dask cluster. With no ``address``, a local cluster of worker processes is started
  for the call and closed after it; its workers are forked from the same forkserver, which then
  has imported Dask as well as the model, so they start ready to run (about 0.07 s for a second
  cluster, against about 0.3 s and an import of the model per worker when spawned). With an
  ``address`` (``"tcp://host:8786"``) the runs go to that running cluster's scheduler. Dask is
  imported only here, when this engine is used, so importing :mod:`sim` stays fast.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from multiprocessing import forkserver, get_all_start_methods, get_context

from sim.experiments.runs import (  # noqa: F401  (re-exported: the unit of work here)
    WORKLOAD_COLUMNS,
    RunOutcome,
    RunSpec,
    RunStopped,
    run_spec,
)
from sim.experiments.shared_past import groups_of, run_group

ENGINES = ("serial", "pool", "dask")
NO_OUTAGE = "no outage"  # the label of the same-seed run without the outage in an experiment
Progress = Callable[[int, int], None]  # (runs done, runs in all)
Arrived = Callable[["RunOutcome"], None]  # given each run's outcome as soon as it is in
CONNECT_TIMEOUT_S = 10.0  # default wait for a Dask scheduler at a given address


def default_workers() -> int:
    """Worker processes used when none are asked for: the machine's cores, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def pool_context(preload: Sequence[str] = ("sim.experiments.engines",)):
    """The start method of worker processes: a forkserver that has imported ``preload`` (the
    model) before forking any of them, or ``spawn`` where there is none. The forkserver lives as
    long as this process and is shared by every pool and local cluster it starts; ``preload`` has
    effect only if the server is not yet running."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


WATCH_PARENT_S = 0.5  # how often a worker checks that the process it works for is alive


def _alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie, killed but not yet waited for, is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the system
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def watch_parent(pid: int) -> None:
    """In a worker: end this process as soon as process ``pid`` (the one whose runs it does) is
    gone, even if it was killed with no chance to close its pool or cluster. A worker's parent
    is the forkserver, which outlives a killed caller as long as its workers do, so the worker
    watches the caller itself."""

    def watch() -> None:
        while _alive(pid):
            time.sleep(WATCH_PARENT_S)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _start_worker(caller: int) -> None:
    """In a pool worker: leave Ctrl-C to the caller, which stops the experiment (runs not yet
    started are cancelled, runs under way finish), and end with the caller."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(caller)


def new_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool of ``workers`` (default :func:`default_workers`) forked from the
    model-loaded forkserver (:func:`pool_context`), its workers leaving Ctrl-C to the caller and
    ending with it."""
    return ProcessPoolExecutor(
        max_workers=workers or default_workers(),
        mp_context=pool_context(),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


def run_all(
    specs: Sequence[RunSpec],
    engine: str = "pool",
    workers: int | None = None,
    progress: Progress | None = None,
    *,
    address: str | None = None,
    timeout: float = CONNECT_TIMEOUT_S,
    executor: Executor | None = None,
    arrived: Arrived | None = None,
    share_past: bool = True,
) -> list[RunOutcome]:
    """Run every spec with ``engine``; outcomes come back in the order of ``specs``.

    With ``share_past`` (the default), runs that share a past (the plans of one replication)
    go to the engine together as one task and simulate that past once
    (:mod:`sim.experiments.shared_past`); their outcomes are those of their own runs. False:
    one task per run, each simulated from the start.

    ``workers``: processes for ``pool`` or a local Dask cluster (default :func:`default_workers`).
    ``address``: a running Dask scheduler to use (``dask`` only; its own workers run the specs
    and need this package installed, ``workers`` is then unused); ``timeout``: seconds to wait
    for it. ``executor``: a process pool the caller owns and keeps (``pool`` only; a web server
    shares one among its users), instead of a pool started and closed for this call.
    ``progress(done, total)`` is called as runs finish, in whatever order they do; if it raises
    (a user pressed cancel), runs not yet started are cancelled and the exception propagates.
    ``arrived(outcome)`` is given each outcome as it comes in, before ``progress`` is called,
    and may raise in the same way."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1 (got {workers}); give 1 or more, or None")
    if address is not None and engine != "dask":
        raise ValueError(
            f"address {address!r} is only used by the dask engine; "
            f"pass engine='dask' or leave address out"
        )
    if executor is not None and engine != "pool":
        raise ValueError(
            f"an executor is only used by the pool engine (got engine {engine!r}); "
            f"pass engine='pool' or leave executor out"
        )
    if timeout <= 0:
        raise ValueError(f"timeout must be more than 0 seconds (got {timeout})")
    total = len(specs)
    report = _reporter(total, progress, arrived)
    tasks = groups_of(specs) if share_past else [[i] for i in range(total)]
    # replication by replication (a first answer needs every run of the first ones), the
    # longest task of each first: its shared runs finish when its baseline's do
    tasks.sort(key=lambda task: (specs[task[0]].replication, -len(task)))
    groups = [tuple(specs[i] for i in task) for task in tasks]
    if engine == "dask" and total:
        return _in_order(tasks, _run_dask(groups, workers, report, address, timeout), total)
    if engine == "serial" or (len(groups) <= 1 and executor is None):
        by_group: list[list[RunOutcome]] = []
        done = 0
        for group in groups:
            by_group.append(run_group(group))
            for outcome in by_group[-1]:
                done += 1
                report(done, outcome)
        return _in_order(tasks, by_group, total)
    if executor is not None:
        return _in_order(tasks, _run_on(executor, groups, report), total)
    pool = new_pool(workers)
    try:
        in_pool = _run_on(pool, groups, report)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    # every outcome is in: the workers' exit (a few tenths of a second of interpreter teardown)
    # need not hold up the caller; the pool's own thread joins them
    pool.shutdown(wait=False)
    return _in_order(tasks, in_pool, total)


def _in_order(
    tasks: list[list[int]], by_group: list[list[RunOutcome]], total: int
) -> list[RunOutcome]:
    """The outcomes of the groups' runs in the order of the specs they were grouped from."""
    outcomes: list[RunOutcome | None] = [None] * total
    for task, group in zip(tasks, by_group, strict=True):
        for i, outcome in zip(task, group, strict=True):
            outcomes[i] = outcome
    return outcomes  # type: ignore[return-value]


Report = Callable[[int, RunOutcome], None]  # (runs done, the outcome just in)
Group = tuple[RunSpec, ...]  # runs sharing a past: one task (sim.experiments.shared_past)


def _reporter(total: int, progress: Progress | None, arrived: Arrived | None) -> Report:
    """One call for each outcome as it comes in: ``arrived`` with it, then ``progress``."""

    def report(done: int, outcome: RunOutcome) -> None:
        if arrived is not None:
            arrived(outcome)
        if progress is not None:
            progress(done, total)

    return report


def _run_on(executor: Executor, groups: Sequence[Group], report: Report) -> list[list[RunOutcome]]:
    """Every group on ``executor``, one task each; on any error (a run's, or a report raising)
    the tasks not yet started are cancelled before the error propagates."""
    futures = [executor.submit(run_group, group) for group in groups]
    index = {future: i for i, future in enumerate(futures)}
    by_group: list[list[RunOutcome]] = [[] for _ in futures]
    done = 0
    try:
        for future in as_completed(futures):
            by_group[index[future]] = future.result()
            for outcome in by_group[index[future]]:
                done += 1
                report(done, outcome)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return by_group


def _run_dask(
    groups: Sequence[Group],
    workers: int | None,
    report: Report,
    address: str | None,
    timeout: float,
) -> list[list[RunOutcome]]:
    """Every group on a Dask cluster, one task each: a local cluster started for the call, or
    the one at ``address``."""
    # workers copy the config when they start: no statistical profiler sampling the runs'
    # deep SimPy stacks every 10 ms (about 4% of their time, and nobody reads it here)
    settings: dict[str, object] = {"distributed.worker.profile.enabled": False}
    if address is None and "forkserver" in get_all_start_methods():
        # started first, so it imports the model and Dask while this process imports Dask; and
        # before Dask's first worker, so Dask's own preload list (without the model) has no effect
        pool_context(("sim.experiments.engines", "distributed"))
        forkserver.ensure_running()
        settings["distributed.worker.multiprocessing-method"] = "forkserver"
    import dask
    from distributed import Client, LocalCluster

    if address is not None:
        with _connect(Client, address, timeout) as client:
            return _map_in_order(client, groups, report)
    with dask.config.set(settings):
        cluster = LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster, set_as_default=False) as client:
        client.run(watch_parent, os.getpid())  # its workers end with this process
        return _map_in_order(client, groups, report)


def _connect(client_class, address: str, timeout: float):
    """A client of the Dask scheduler at ``address``, or an error naming it and the fix."""
    if not isinstance(address, str) or not address.strip():
        raise ValueError(
            f"address {address!r} is not a scheduler address; "
            f"give one like 'tcp://127.0.0.1:8786', or None for a local cluster"
        )
    try:
        return client_class(address, timeout=timeout, set_as_default=False)
    except ValueError as exc:  # a malformed address, such as an unknown scheme
        malformed, detail = True, str(exc)
    except OSError as exc:  # nothing answering there in time (TimeoutError is an OSError)
        malformed, detail = False, str(exc)
    # raised outside the handlers so the failed client is not kept alive by the traceback
    if malformed:
        raise ValueError(
            f"address {address!r} is not a Dask scheduler address ({detail}); "
            f"give one like 'tcp://127.0.0.1:8786', or None for a local cluster"
        )
    raise OSError(
        f"could not reach a Dask scheduler at {address!r} within {timeout:g} s "
        f"({detail}); start one there (`dask scheduler` and `dask worker "
        f"{address}`), correct the address, or leave it out for a local cluster"
    )


TASKS_PER_WORKER = 4  # a Dask cluster gets its groups in about this many tasks per worker


def run_batch(groups: Sequence[Group]) -> list[list[RunOutcome]]:
    """Several groups' runs, one group after another: one task on a Dask cluster."""
    return [run_group(group) for group in groups]


def _map_in_order(client, groups: Sequence[Group], report: Report) -> list[list[RunOutcome]]:
    """Submit the groups in batches, about :data:`TASKS_PER_WORKER` tasks per worker (fewer,
    larger tasks: less of the scheduler's and workers' time per run; never deduplicated), report
    progress as tasks finish and return the groups' outcomes in order."""
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    size = max(1, len(groups) // (workers * TASKS_PER_WORKER))
    batches = [list(groups[i : i + size]) for i in range(0, len(groups), size)]
    futures = client.map(run_batch, batches, pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    by_batch: list[list[list[RunOutcome]]] = [[] for _ in futures]
    done = 0
    for future, outcomes in as_completed(futures, loop=client.loop, with_results=True):
        by_batch[index[future.key]] = outcomes
        for outcome in (o for group in outcomes for o in group):
            done += 1
            report(done, outcome)
    return [group for batch in by_batch for group in batch]
