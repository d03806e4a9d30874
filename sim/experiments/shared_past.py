"""Runs that share a past, simulated once and forked at the moment they part.

The runs of one replication of a comparison (every plan on the same scenario, seed and random
streams) are one run until the model first reads something their plans differ on
(:mod:`sim.model.plan_branches`): for a plan that acts only in an outage, up to the outage; for
a tabletop exercise's options, up to the decision. :func:`run_group` simulates that past once.
Where the runs part, the process forks (POSIX): each child goes on from the very same state
under its own plans, one child at a time (so a worker never holds more than its own core), and
sends its outcomes back through a pipe; the process goes on with the first group itself. Where
there is no fork, or the process already holds more than :data:`FORK_MEMORY_CAP_MB`, the other
groups are simulated again from the start instead (still sharing among themselves). Either
way each run's outcome is exactly that of its own unshared run (tested for every library
scenario and both exercises): only the CPU differs.

:func:`groups_of` says which runs of an experiment can share a past: those of the same scenario,
seed, replication, weeks and settings whose plans lend the same staff
(:func:`sim.model.plan_branches.share_key`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.domain.errors import ModelError
from sim.experiments.runs import RunOutcome, RunSpec, outcome_of, run_spec, stop_when
from sim.model.disrupted import disrupted_anyway
from sim.model.plan_branches import PlanBranches, share_key
from sim.results.tables import RunResult
from sim.run import simulate
from sim.scenario.schema import digest

# A process holding more than this (resident) re-simulates the other branches rather than fork:
# a fork's pages are copied as the child writes them, so at worst it doubles what is held.
FORK_MEMORY_CAP_MB = 2048.0

Outcomes = dict[int, "RunOutcome | BaseException"]  # branch -> its outcome, or why it failed


def groups_of(specs: Sequence[RunSpec]) -> list[list[int]]:
    """The specs (by index, in order) that can share a past: one list per shared run."""
    digests: dict[int, str] = {}
    anyway: dict[str, bool] = {}
    groups: dict[tuple, list[int]] = {}
    for i, spec in enumerate(specs):
        scenario = spec.scenario
        key = digests.get(id(scenario))
        if key is None:
            key = digests[id(scenario)] = scenario.digest()
        if key not in anyway:
            anyway[key] = disrupted_anyway(scenario)
        together = (
            key,
            spec.seed,
            spec.replication,
            spec.weeks,
            spec.detail,
            spec.stop_file,
            spec.as_at_minute,
            spec.limits,
            share_key(spec.plan, anyway[key]),
        )
        groups.setdefault(together, []).append(i)
    return list(groups.values())


def can_fork() -> bool:
    """Whether this platform forks processes (POSIX)."""
    return hasattr(os, "fork") and sys.platform != "emscripten"


def run_group(specs: Sequence[RunSpec], fork: bool = True) -> list[RunOutcome]:
    """Each spec's outcome, in order, simulating the past they share once (the specs must come
    from one group of :func:`groups_of`). ``fork`` False: never fork (the other branches are
    simulated again). A run's failure is raised once every run is done (the first in order)."""
    if len(specs) == 1:
        return [run_spec(specs[0])]
    done: Outcomes = {}
    pending = list(range(len(specs)))
    while pending:
        outcomes, deferred = _shared([specs[i] for i in pending], fork and can_fork())
        done.update({pending[b]: outcome for b, outcome in outcomes.items()})
        pending = [pending[b] for b in sorted(deferred)]
    for i in range(len(specs)):
        if isinstance(done[i], BaseException):
            raise done[i]  # type: ignore[misc]
    return [done[i] for i in range(len(specs))]  # type: ignore[misc]


@dataclass
class _Parting:
    """Where the branches part: forks a child for each group but the first (or defers the
    group), collecting the children's outcomes; in a child, the pipe to its parent."""

    fork: bool
    outcomes: Outcomes = field(default_factory=dict)  # from this process's children
    deferred: list[int] = field(default_factory=list)  # branches to simulate again
    to_parent: int | None = None  # in a child: where its outcomes go

    def part(self, groups: list[list[int]]) -> int:
        for index, group in enumerate(groups[1:], start=1):
            if not (self.fork and _resident_mb() < FORK_MEMORY_CAP_MB):
                self.deferred.extend(group)
                continue
            try:
                read_end, write_end = os.pipe()
            except OSError:  # no descriptors left now: simulate it again later
                self.deferred.extend(group)
                continue
            try:
                pid = os.fork()
            except OSError:  # no processes left now: simulate it again later
                os.close(read_end)
                os.close(write_end)
                self.deferred.extend(group)
                continue
            if pid == 0:  # the child: goes on with this group
                os.close(read_end)
                _end_with_parent()
                self.outcomes, self.deferred, self.to_parent = {}, [], write_end
                return index
            os.close(write_end)
            with os.fdopen(read_end, "rb") as pipe:
                sent = pipe.read()
            _, status = os.waitpid(pid, 0)
            self._received(group, sent, status)
        return 0

    def _received(self, group: list[int], sent: bytes, status: int) -> None:
        try:
            outcomes, deferred = pickle.loads(sent)
        except Exception:  # the child ended before it could send (killed, out of memory)
            why = ModelError(
                f"internal error: a forked run ended without its outcome (exit status "
                f"{status}). This is a bug in the simulator, or the machine ran out of memory."
            )
            outcomes, deferred = dict.fromkeys(group, why), []
        self.outcomes.update(outcomes)
        self.deferred.extend(deferred)


def _shared(specs: list[RunSpec], fork: bool) -> tuple[Outcomes, list[int]]:
    """Simulate the specs' shared past once: each branch's outcome (from this process and its
    children) and the branches left to simulate again."""
    first = specs[0]
    parting = _Parting(fork)
    branches = PlanBranches([spec.plan for spec in specs], parting.part)
    outcomes: Outcomes
    try:
        result = simulate(
            first.scenario,
            plan=branches,
            seed=first.seed,
            replication=first.replication,
            weeks=first.weeks,
            progress=stop_when(first.stop_file),
            limits=first.limits,
        )
        outcomes = {b: outcome_of(specs[b], _as_run_of(result, specs[b])) for b in branches.live}
    except BaseException as exc:
        if parting.to_parent is None and not isinstance(exc, Exception):
            raise  # Ctrl-C in the process the caller runs: stop
        outcomes = dict.fromkeys(branches.live, exc)
    outcomes.update(parting.outcomes)
    if parting.to_parent is not None:  # a child: send everything to the parent, and end
        _send(parting.to_parent, outcomes, parting.deferred)
    return outcomes, parting.deferred


def _as_run_of(result: RunResult, spec: RunSpec) -> RunResult:
    """``result`` as the run of ``spec``'s plan: branches that never parted ran as one, and
    differ only in the plan named in the manifest."""
    if result.manifest["plan"] == spec.plan.name:
        return result
    manifest = {**result.manifest, "plan": spec.plan.name, "plan_hash": digest(spec.plan)}
    return RunResult(manifest, result.tables)


def _send(to_parent: int, outcomes: Outcomes, deferred: list[int]) -> None:
    """In a forked child: send its outcomes to its parent and end the process (never return
    into the caller's stack, which belongs to the parent)."""
    try:
        try:
            sent = pickle.dumps((outcomes, deferred))
        except Exception as exc:  # an outcome or an error that does not pickle
            why = ModelError(f"internal error: a forked run's outcome could not be sent ({exc})")
            sent = pickle.dumps((dict.fromkeys(outcomes, why), deferred))
        with os.fdopen(to_parent, "wb") as pipe:
            pipe.write(sent)
    finally:
        os._exit(0)


def _resident_mb() -> float:
    """This process's resident memory in MB (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _end_with_parent() -> None:
    """In a forked child (Linux): be killed if the parent process ends first, so a worker
    stopped mid-run leaves no child running on."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
