"""Experiments run in the background, so no user's page waits on another's simulation.

One :class:`JobBoard` per server process (made by ``st.cache_resource``) owns one process pool
shared by every user: simulations run in its worker processes, each experiment is driven by a
background thread that only waits on the pool, and the script thread that draws a page never
simulates. A job is keyed by what its numbers depend on (scenario and plan hashes, seed,
replications, weeks), so asking again for the same experiment, in this session or another, gets
the running job or its finished result: the board keeps the last ``KEEP`` finished ones, and the
results store (where every finished experiment is saved) serves older ones, even after a restart.

While it runs, a job keeps the comparison so far (every plan's first replications, refined as
more arrive), so a page can show a first answer. A user may cancel a running job: runs not yet
started are cancelled, runs in progress stop at their next simulated day (a stop file, see
:mod:`sim.experiments.shared_pool`), and the comparison so far stays, labelled partial and not
saved. The pool's workers take runs from each running job in turn, so one user's big job holds
another's small one for a run at most.

How robust an experiment's verdict is (:func:`JobBoard.start_robustness`) runs the same way: a
job on the same pool, keyed by the experiment's numbers, its answer kept on the board (not in
the results store).
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from sim import RunLimitError, RunLimits
from sim.experiments.compare import Experiment, compare
from sim.experiments.comparison import reference_of
from sim.experiments.cost import APP_RUN_LIMIT_CPU_S
from sim.experiments.engines import RunStopped, default_workers, new_pool
from sim.experiments.robustness import Robustness, robustness
from sim.experiments.shared_pool import SharedPool
from sim.experiments.stopping import StoppingRule
from sim.run import ModelError
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario, digest
from sim.store.results import ResultsStore, StoreError

KEEP = 16  # finished experiments kept in memory (older ones are reloaded from the store)
T = TypeVar("T")


class Cancelled(Exception):
    """Raised in a job's progress callback when its user pressed cancel."""


@dataclass
class Job:
    """One experiment, running or finished. Its thread writes; pages only read."""

    key: tuple
    total: int = 0
    done: int = 0
    result: Experiment | None = None
    partial: Experiment | None = None  # the comparison so far, refined as replications arrive
    error: str | None = None
    cancelled: bool = False
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    stop_file: str | None = field(default=None, repr=False)  # runs under way stop once it exists
    at_most: bool = False  # under a stopping rule: ``total`` is the most runs, not the count

    @property
    def running(self) -> bool:
        return self.result is None and self.error is None and not self.cancelled

    def cancel(self) -> None:
        self._cancel.set()
        if self.stop_file is not None:
            Path(self.stop_file).touch()

    def report(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.done, self.total = done, total

    def refine(self, experiment: Experiment) -> None:
        """Keep the comparison so far (kept after a cancel, labelled partial)."""
        self.partial = experiment
        if self._cancel.is_set():
            raise Cancelled


def job_key(
    scenario: Scenario,
    plans: list[Plan],
    replications: int,
    seed: int,
    weeks: int,
    as_at_minute: float | None = None,
    baselines: bool = True,
    stopping: StoppingRule | None = None,
    reference: str = DO_NOTHING.name,
) -> tuple:
    """What a job's numbers depend on (with ``stopping``, ``replications`` is the most)."""
    return (
        scenario.digest(),
        tuple(digest(p) for p in plans),
        int(replications),
        int(seed),
        int(weeks),
        as_at_minute,
        baselines,
        stopping,
        reference,
    )


@dataclass
class RobustnessJob(Job):
    """How robust an experiment's verdict is, running or finished (in ``answer``)."""

    answer: Robustness | None = None

    @property
    def running(self) -> bool:
        return self.answer is None and self.error is None and not self.cancelled


APP_RUN_LIMITS = RunLimits(max_cpu_seconds=APP_RUN_LIMIT_CPU_S)  # each run of the app's pool


class JobBoard:
    """The jobs of every user of one server process, and the pool they share."""

    def __init__(
        self,
        store: Path,
        workers: int | None = None,
        run_limits: RunLimits | None = None,
    ):
        self.store = ResultsStore(store)
        self._workers = workers or default_workers()
        # what one run may spend (default APP_RUN_LIMITS): a long one frees its worker
        self._run_limits = run_limits or APP_RUN_LIMITS
        self._pool: SharedPool | None = None
        self._stops = Path(tempfile.mkdtemp(prefix="sim-stops-"))  # jobs' stop files
        self._jobs: OrderedDict[tuple, Job] = OrderedDict()
        self._lock = threading.Lock()

    def start(
        self,
        scenario: Scenario,
        plans: list[Plan],
        replications: int,
        seed: int,
        weeks: int,
        notes: dict | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
        as_at_minute: float | None = None,
        baselines: bool = True,
        stopping: StoppingRule | None = None,
        reference: str = DO_NOTHING.name,
    ) -> Job:
        """The job for this experiment: running or finished if there is one, else a new one.
        ``notes`` are added to the saved manifest (such as the scenario's file), ``tables`` to
        its tables (such as the parameter sources); ``as_at_minute``, ``baselines``,
        ``stopping`` (then ``replications`` is the most) and ``reference``: see
        :func:`sim.experiments.compare.compare`."""
        key = job_key(
            scenario, plans, replications, seed, weeks, as_at_minute, baselines, stopping, reference
        )
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and (job.running or job.result is not None):
                return job
            job = Job(
                key,
                stop_file=str(self._stops / f"{uuid.uuid4().hex}.stop"),
                at_most=stopping is not None,
            )
            self._jobs[key] = job
            self._forget_old()
        stored = self._from_store(key)
        if stored is not None:
            job.result = stored
            job.done = job.total = stored.manifest.get("runs", 0)
            return job
        thread = threading.Thread(
            target=self._run,
            daemon=True,
            name=f"experiment-{key[0][:8]}",
            args=(job, scenario, plans, replications, seed, weeks, notes or {}, tables or {}),
            kwargs={
                "as_at_minute": as_at_minute,
                "baselines": baselines,
                "stopping": stopping,
                "reference": reference,
            },
        )
        thread.start()
        return job

    @property
    def workers(self) -> int:
        return self._workers

    def get(self, key: tuple) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def cancel_running(self) -> int:
        """Cancel every running job (a server shutting down, a test ending); how many."""
        with self._lock:
            running = [job for job in self._jobs.values() if job.running]
        for job in running:
            job.cancel()
        return len(running)

    def _run(
        self,
        job: Job,
        scenario,
        plans,
        replications,
        seed,
        weeks,
        notes,
        tables,
        as_at_minute,
        baselines,
        stopping,
        reference,
    ) -> None:
        pool = self._executor()

        def work() -> Experiment:
            return compare(
                scenario,
                plans,
                replications,
                seed=seed,
                weeks=weeks,
                engine="pool",
                executor=pool,
                progress=job.report,
                partial=job.refine,
                as_at_minute=as_at_minute,
                baselines=baselines,
                stopping=stopping,
                reference=reference,
            )

        experiment = self._guarded(job, pool, work)
        if experiment is None:
            return
        experiment = Experiment(
            {**experiment.manifest, **notes, "saved_by": "app"}, {**experiment.tables, **tables}
        )
        try:
            run_id = self.store.save(experiment.tables, experiment.manifest)
            experiment = Experiment({**experiment.manifest, "run_id": run_id}, experiment.tables)
        except StoreError as exc:  # the result is still shown; only the saving failed
            job.error = f"the results could not be saved: {self._for_users(str(exc))}"
        job.result = experiment

    def _guarded(self, job: Job, pool: SharedPool, work: Callable[[], T]) -> T | None:
        """``work()``'s result, its runs stopping once the job's stop file exists; None, with
        the job cancelled or its error said in words, if it did not finish."""
        try:
            with pool.experiment(job.stop_file):
                return work()
        except (Cancelled, RunStopped):
            job.cancelled = True
        except BrokenProcessPool:
            with self._lock:
                self._pool = None  # a worker died: the next job starts a new pool
            job.error = "a simulation worker process stopped unexpectedly; run again"
        except (ModelError, RunLimitError, ValueError) as exc:  # a bug; a run stopped; a fix
            job.error = str(exc)
        except Exception as exc:  # shown to the user: the page must not crash
            job.error = (
                f"internal error ({type(exc).__name__}: {exc}). This is a bug in the simulator, "
                "not a mistake in the input: please report it with the scenario and plans."
            )
        return None

    def start_robustness(
        self, experiment: Experiment, scenario: Scenario, plans: list[Plan]
    ) -> RobustnessJob:
        """The job saying how robust ``experiment``'s verdict is (its leading plans rerun at
        both ends of each of ``scenario``'s assumptions, on its replications): running or
        finished if there is one, else a new one. ``plans``: every plan it compared."""
        m = experiment.manifest
        hashes = tuple(m.get("plan_hashes", ()))
        key = ("robustness", m["scenario_hash"], hashes, m["replications"], m["seed"], m["weeks"])
        with self._lock:
            job = self._jobs.get(key)
            if isinstance(job, RobustnessJob) and (job.running or job.answer is not None):
                return job
            job = RobustnessJob(key, stop_file=str(self._stops / f"{uuid.uuid4().hex}.stop"))
            self._jobs[key] = job
            self._forget_old()
        pool = self._executor()

        def work() -> Robustness:
            return robustness(
                scenario, plans, compared=experiment, engine="pool", executor=pool,
                progress=job.report,
            )  # fmt: skip

        def run() -> None:
            job.answer = self._guarded(job, pool, work)

        threading.Thread(target=run, daemon=True, name=f"robustness-{key[1][:8]}").start()
        return job

    def _for_users(self, text: str) -> str:
        """A message without the server's own folders: the store named by its folder's name."""
        root = self.store.root
        for where in sorted({str(root.resolve()), str(root.absolute()), str(root)}, key=len)[::-1]:
            text = text.replace(where, f"the store's folder ({root.name})")
        return text

    def _executor(self) -> SharedPool:
        with self._lock:
            if self._pool is None:
                self._pool = SharedPool(new_pool(self._workers), self._workers, self._run_limits)
            return self._pool

    def _from_store(self, key: tuple) -> Experiment | None:
        scenario_hash, plan_hashes, replications, seed, weeks, as_at_minute, baselines = key[:7]
        rule, reference = key[7:]
        extra = {} if as_at_minute is None else {"as_at_minute": as_at_minute}
        if not baselines:
            extra["baselines"] = False
        if rule is None:  # a fixed count: that many replications, no stopping rule
            extra["replications"] = replications
        try:
            found = self.store.find(
                where=lambda m: (
                    _same_stopping(m, rule, replications)
                    and (not baselines or reference_of(m) == reference)
                ),
                scenario_hash=scenario_hash,
                plan_hashes=list(plan_hashes),
                seed=seed,
                weeks=weeks,
                **extra,
            )
            if not found:
                return None
            tables, manifest = self.store.load(found[0])
        except StoreError:
            return None  # an unreadable store only means running again
        return Experiment(manifest, tables)

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if not j.running]
        for key in finished[: max(0, len(finished) - KEEP)]:
            del self._jobs[key]


def _same_stopping(manifest: dict, rule: StoppingRule | None, replications: int) -> bool:
    """Whether a saved experiment ran as asked: a fixed count (no stopping rule), or ``rule``
    with ``replications`` the most."""
    stopping = manifest.get("stopping") or {}
    if rule is None:
        return not stopping
    return stopping.get("rule") == rule.as_dict() and stopping.get("maximum") == replications
