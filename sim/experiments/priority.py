"""The model as a two-class priority queue, checked against Cobham's formula (and, in the tests,
against Ciw).

:func:`run_priority` runs the model's own staff, team queue and dispatcher as a non-preemptive
priority M/M/C queue (:func:`sim.experiments.mmc.build_mmc` with two classes): class 0 is picked
before class 1, first come first served within a class. Cobham (1954) gives each class's mean
wait in queue when every class has the same service rate: with a = λ/μ, the Erlang C probability
C(c, a) and σ_k the load of classes 0..k,

    W_k = C(c, a) / (c μ) / ((1 − σ_{k−1}) (1 − σ_k)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.experiments.mmc import build_mmc, check_mmc, erlang_c
from sim.experiments.statistics import Interval, mean_ci


def cobham_waits(rates: tuple[float, ...], service_rate: float, servers: int) -> list[float]:
    """Mean wait in queue of each class (rates in priority order) of a non-preemptive priority
    M/M/C queue whose classes share one service rate."""
    total = sum(rates)
    check_mmc(total, service_rate, servers)
    wait0 = erlang_c(servers, total / service_rate) / (servers * service_rate)
    waits, sigma = [], 0.0
    for rate in rates:
        before, sigma = sigma, sigma + rate / (servers * service_rate)
        waits.append(wait0 / ((1 - before) * (1 - sigma)))
    return waits


@dataclass(frozen=True)
class ClassWait:
    """One class's mean wait in queue in the model, with its 95% interval, and in theory."""

    rate: float
    model: Interval
    cobham: float

    @property
    def within(self) -> bool:
        return self.model.low <= self.cobham <= self.model.high


def run_priority(
    rates: tuple[float, ...],
    service_rate: float,
    servers: int,
    customers: int,
    seed: int,
    *,
    warmup_share: float = 0.1,
    batches: int = 20,
) -> list[ClassWait]:
    """Run the model as a priority queue and compare each class's mean wait with Cobham's.
    Intervals are from batch means: the observed customers (after the warm-up, by arrival) are
    cut into ``batches`` contiguous batches and each class's mean wait taken in each."""
    total = sum(rates)
    model = build_mmc(
        total, service_rate, servers, customers, seed, class_shares=tuple(r / total for r in rates)
    )
    model.env.run(until=model.all_served)
    first = int(round(customers * warmup_share))
    waits = model.started[first:] - model.created[first:]
    classes = model.priority[first:]
    size = len(waits) // batches
    theory = cobham_waits(rates, service_rate, servers)
    found = []
    for k, rate in enumerate(rates):
        means = [
            float(np.mean(w[c == k]))
            for w, c in zip(
                np.split(waits[: size * batches], batches),
                np.split(classes[: size * batches], batches),
                strict=True,
            )
        ]
        found.append(ClassWait(rate, mean_ci([m for m in means if not math.isnan(m)]), theory[k]))
    return found
