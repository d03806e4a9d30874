"""One process pool shared fairly by several experiments at once (the app's users).

A :class:`SharedPool` is an :class:`concurrent.futures.Executor` to pass to
:func:`sim.experiments.engines.run_all` (or ``compare(executor=...)``). Runs submitted to it wait
in a queue per experiment (per submitting thread: the app runs each experiment in its own thread)
and go to the pool's workers in turn, one experiment after another, never more at once than there
are workers. So a big experiment holds a smaller one started after it for one run at most, not for
all the runs it has queued; and a run cancelled while it waits is simply never started.

An experiment registered with :meth:`SharedPool.experiment` and a stop file has that file set on
each of its runs' specs: once the file exists (its user pressed cancel), runs under way stop at the
next simulated day (:class:`sim.experiments.engines.RunStopped`) and free their workers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from functools import partial

from sim.experiments.engines import RunSpec
from sim.model.watchdog import NO_LIMITS, RunLimits


class SharedPool(Executor):
    """A process pool whose workers take runs from each experiment in turn; ``limits``: what
    each run may spend (:class:`~sim.model.watchdog.RunLimits`), so one very long run stops
    with its reason and frees its worker for the other experiments' runs."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int, limits: RunLimits = NO_LIMITS):
        self._pool = pool
        self._limits = limits
        self._slots = max(1, workers)
        self._lock = threading.Lock()
        self._waiting: OrderedDict[int, deque] = OrderedDict()  # experiment -> runs waiting
        self._running = 0
        self._stop_files: dict[int, str] = {}

    @contextmanager
    def experiment(self, stop_file: str | None) -> Iterator[None]:
        """Runs submitted from this thread meanwhile stop once ``stop_file`` exists."""
        key = threading.get_ident()
        with self._lock:
            if stop_file is not None:
                self._stop_files[key] = stop_file
        try:
            yield
        finally:
            with self._lock:
                self._stop_files.pop(key, None)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        key = threading.get_ident()
        outer: Future = Future()
        with self._lock:
            stop_file = self._stop_files.get(key)
            if args and isinstance(args[0], RunSpec):
                args = (self._set(args[0], stop_file), *args[1:])
            elif (
                args
                and isinstance(args[0], tuple)
                and all(isinstance(spec, RunSpec) for spec in args[0])
            ):  # runs sharing a past
                args = (tuple(self._set(spec, stop_file) for spec in args[0]), *args[1:])
            self._waiting.setdefault(key, deque()).append((fn, args, kwargs, outer))
        self._dispatch()
        return outer

    def _set(self, spec: RunSpec, stop_file: str | None) -> RunSpec:
        spec = replace(spec, limits=self._limits)
        return spec if stop_file is None else replace(spec, stop_file=stop_file)

    def _dispatch(self) -> None:
        """Start waiting runs, one experiment after another, while workers are free."""
        while True:
            with self._lock:
                if self._running >= self._slots or not self._waiting:
                    return
                key, queue = next(iter(self._waiting.items()))
                fn, args, kwargs, outer = queue.popleft()
                if queue:
                    self._waiting.move_to_end(key)  # the next run comes from another experiment
                else:
                    del self._waiting[key]
                if not outer.set_running_or_notify_cancel():
                    continue  # cancelled while it waited: never started
                self._running += 1
            try:
                inner = self._pool.submit(fn, *args, **kwargs)
            except BaseException as exc:  # the pool is broken or shut down
                with self._lock:
                    self._running -= 1
                outer.set_exception(exc)
                continue
            inner.add_done_callback(partial(self._finished, outer))

    def _finished(self, outer: Future, inner: Future) -> None:
        with self._lock:
            self._running -= 1
        exc = CancelledError() if inner.cancelled() else inner.exception()
        if exc is None:
            outer.set_result(inner.result())
        else:
            outer.set_exception(exc)
        self._dispatch()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            waiting = [entry for queue in self._waiting.values() for entry in queue]
            self._waiting.clear()
        for *_, outer in waiting:
            outer.cancel()
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
