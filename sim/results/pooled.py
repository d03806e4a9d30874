"""Several offices' runs as one: the measures of a national service (or any group of offices)
from each office's run of the same replication.

Each measure is pooled by the rule the registry gives it (:data:`sim.results.measures.Pooling`),
so it keeps its meaning at every size: counts and hours add up; the backlog and re-keying debt
measures are read from the offices' daily series summed day by day (the national peak is the
peak of the sum, not the sum of each office's peak); a mean or a share is the mean over every
office's observations (an office's value weighted by the number of observations it is a mean
over); and time to recover applies the recovery rule (:mod:`sim.results.recovery`) to the
summed backlog against the summed no-outage backlog of the same replication.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from sim.results.measures import measure
from sim.results.recovery import RULE, recovery_days
from sim.results.summary import FROM_DAILY, from_daily


class OfficeRun(Protocol):
    """What pooling reads of an office's run (a :class:`sim.experiments.engines.RunOutcome`):
    its measures, and each of :data:`sim.results.summary.DAILY_SERIES` by day."""

    @property
    def measures(self) -> Mapping[str, float]: ...

    @property
    def observations(self) -> Mapping[str, float]: ...

    @property
    def backlog(self) -> Sequence[float]: ...

    @property
    def rekeying_debt(self) -> Sequence[float]: ...

    @property
    def rekeying_debt_hours(self) -> Sequence[float]: ...


def summed_daily(runs: Sequence[OfficeRun], series: str = "backlog") -> np.ndarray:
    """The offices' ``series`` (one of :data:`sim.results.summary.DAILY_SERIES`) at the end of
    each day, added up day by day (an office that kept none counting zero)."""
    days = max((len(r.backlog) for r in runs), default=0)
    total = np.zeros(days)
    for r in runs:
        values = np.asarray(getattr(r, series), dtype=float)
        total[: len(values)] += values
    return total


def summed_backlog(runs: Sequence[OfficeRun]) -> np.ndarray:
    """The offices' total backlogs at the end of each day, added up day by day."""
    return summed_daily(runs, "backlog")


def _mean_over_observations(name: str, runs: Sequence[OfficeRun]) -> float:
    weights = np.array([r.observations.get(name, 0.0) for r in runs])
    values = np.array([r.measures[name] for r in runs])
    if weights.sum() > 0:
        return float(np.dot(weights, values) / weights.sum())
    return float(values[0])  # no observations anywhere: every office gives the same value


def pooled_measures(
    runs: Sequence[OfficeRun],
    baselines: Sequence[OfficeRun] = (),
    restored_minute: float | None = None,
) -> dict[str, float]:
    """The measures of ``runs`` (one per office, the same replication) taken together, in the
    order of the first run's measures. Time to recover needs ``baselines`` (the same offices'
    no-outage runs of that replication) and the minute the outage ended; NaN when the summed
    backlog does not recover within the run (censored at its end)."""
    if not runs:
        return {}
    backlog = summed_backlog(runs)
    pooled: dict[str, float] = {}
    for name in runs[0].measures:
        rule = measure(name).pooled
        if rule == "summed_daily":
            series = FROM_DAILY[name][0]
            summed = backlog if series == "backlog" else summed_daily(runs, series)
            pooled[name] = from_daily(name, summed)
        elif rule == "mean_over_observations":
            pooled[name] = _mean_over_observations(name, runs)
        elif rule == "summed_recovery":
            if not baselines or restored_minute is None:
                continue
            found = recovery_days(
                backlog, summed_backlog(baselines), restored_minute, RULE.tolerance, RULE.hold_days
            )
            pooled[name] = math.nan if found is None else found
        else:
            pooled[name] = float(sum(r.measures[name] for r in runs))
    return pooled
