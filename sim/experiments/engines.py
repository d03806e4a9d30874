"""Execution engines: run many independent simulations, serially or in parallel.

Each run is described by a :class:`RunSpec` (scenario, plan, seed, replication, weeks) and
returns a compact :class:`RunOutcome` (headline measures, daily backlog and re-keying debt),
small enough to send between processes. A run's numbers depend only on its spec, never on the
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
) -> list[RunOutcome]:
    """Run every spec with ``engine``; outcomes come back in the order of ``specs``.

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
    if engine == "dask" and total:
        return _run_dask(specs, workers, report, address, timeout)
    if engine == "serial" or (total <= 1 and executor is None):
        outcomes = []
        for spec in specs:
            outcomes.append(run_spec(spec))
            report(len(outcomes), outcomes[-1])
        return outcomes
    if executor is not None:
        return _run_on(executor, specs, report)
    pool = new_pool(workers)
    try:
        outcomes = _run_on(pool, specs, report)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    # every outcome is in: the workers' exit (a few tenths of a second of interpreter teardown)
    # need not hold up the caller; the pool's own thread joins them
    pool.shutdown(wait=False)
    return outcomes


Report = Callable[[int, RunOutcome], None]  # (runs done, the outcome just in)


def _reporter(total: int, progress: Progress | None, arrived: Arrived | None) -> Report:
    """One call for each outcome as it comes in: ``arrived`` with it, then ``progress``."""

    def report(done: int, outcome: RunOutcome) -> None:
        if arrived is not None:
            arrived(outcome)
        if progress is not None:
            progress(done, total)

    return report


def _run_on(executor: Executor, specs: Sequence[RunSpec], report: Report) -> list[RunOutcome]:
    """Every spec on ``executor``, one task each; on any error (a run's, or a report raising)
    the tasks not yet started are cancelled before the error propagates."""
    futures = [executor.submit(run_spec, spec) for spec in specs]
    index = {future: i for i, future in enumerate(futures)}
    outcomes: list[RunOutcome | None] = [None] * len(futures)
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = outcomes[index[future]] = future.result()
            report(done, outcome)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return outcomes  # type: ignore[return-value]


def _run_dask(
    specs: Sequence[RunSpec],
    workers: int | None,
    report: Report,
    address: str | None,
    timeout: float,
) -> list[RunOutcome]:
    """Every spec on a Dask cluster: a local one started for the call, or the one at
    ``address``."""
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
            return _map_in_order(client, specs, report)
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
        return _map_in_order(client, specs, report)


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


def _map_in_order(client, specs: Sequence[RunSpec], report: Report) -> list[RunOutcome]:
    """Submit one task per spec (never deduplicated), report progress as tasks finish and
    return the outcomes in spec order."""
    from distributed import as_completed

    futures = client.map(run_spec, list(specs), pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    outcomes: list[RunOutcome | None] = [None] * len(futures)
    for done, (future, outcome) in enumerate(
        as_completed(futures, loop=client.loop, with_results=True), start=1
    ):
        outcomes[index[future.key]] = outcome
        report(done, outcome)
    return outcomes  # type: ignore[return-value]
