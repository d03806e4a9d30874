"""Progressive results: while a comparison runs, the comparison so far, refined as replications
complete (see :func:`sim.experiments.compare.compare` and docs/experiments.md)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sim.experiments.engines import RunOutcome, RunSpec

Answer = TypeVar("Answer")  # the comparison built from some outcomes (an Experiment)

# Replications of every plan and the baseline before a first, partial answer: the fewest a
# paired interval can be computed from.
FIRST_ANSWER = 2
# A partial answer is refined once the replications complete have grown by this factor (its
# intervals narrow by about 1/sqrt of it): a few builds of the tables, not one per replication.
REFINE_BY = 1.25


class Refiner(Generic[Answer]):
    """Gives the caller the comparison so far as replications complete: first once every plan
    and the baseline have :data:`FIRST_ANSWER` replications, then each time there are
    :data:`REFINE_BY` times as many, at most once every ``refresh_s`` seconds, never the final
    one (the caller has that)."""

    def __init__(
        self,
        experiment_of: Callable[[list[RunOutcome], int], Answer],
        partial: Callable[[Answer], None],
        refresh_s: float,
    ):
        self.experiment_of = experiment_of
        self.partial = partial
        self.refresh_s = refresh_s
        self.labels: set[str] = set()
        self.asked = 0
        self.by_replication: dict[int, list[RunOutcome]] = {}
        self.shown = 0  # complete replications in the last comparison given
        self.last = -math.inf  # when it was given (time.monotonic)

    def expect(self, specs: Sequence[RunSpec], asked: int) -> None:
        self.labels |= {spec.label for spec in specs}
        self.asked = asked

    def arrived(self, outcome: RunOutcome) -> None:
        self.by_replication.setdefault(outcome.replication, []).append(outcome)
        complete = [
            runs for runs in self.by_replication.values() if {o.label for o in runs} >= self.labels
        ]
        n = len(complete)
        if n < FIRST_ANSWER or n < self.shown * REFINE_BY or n >= self.asked:
            return  # too few to compare yet, too few more, or the final result is coming
        now = time.monotonic()
        if self.shown and now - self.last < self.refresh_s:
            return
        self.shown, self.last = n, now
        runs = [o for replication in complete for o in replication]
        self.partial(self.experiment_of(runs, self.asked))
