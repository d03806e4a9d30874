"""A two-class priority queue built from the model's own staff, team queue and dispatcher
against Cobham's formula and against Ciw (an independent simulator), at three loads.

Class 0 is picked first, first come first served within a class, service is not pre-empted and
both classes share one exponential service rate: Cobham's non-preemptive priority M/M/C. Each
load runs on seeds chosen before looking at any result, never changed."""

from __future__ import annotations

import ciw
import numpy as np
import pytest

from sim.experiments.priority import cobham_waits, run_priority
from sim.experiments.statistics import mean_ci

pytestmark = pytest.mark.slow  # about half a minute: not in make test-quick

SERVICE_RATE, SERVERS, SHARE_FIRST = 0.1, 10, 0.4  # μ per minute, C, class 0's share of arrivals
LOADS = (0.5, 0.7, 0.85)
SEEDS = (1, 2, 3, 4)
CUSTOMERS = 100_000


def rates(load: float) -> tuple[float, float]:
    total = load * SERVERS * SERVICE_RATE
    return total * SHARE_FIRST, total * (1 - SHARE_FIRST)


def test_cobham_known_values():
    # one server, ρ = 0.5 split evenly: W0 = ρ/μ; W_1 = W0 / (1 - 0.25) and W_2 = W0 / (0.75·0.5)
    w1, w2 = cobham_waits((0.25, 0.25), 1.0, 1)
    assert (w1, w2) == pytest.approx((0.5 / 0.75, 0.5 / (0.75 * 0.5)))
    # one class is the M/M/C queue: Erlang C's wait
    [w] = cobham_waits((8.0,), 1.0, 10)
    assert w == pytest.approx(0.409 / 2.0, abs=5e-4)


@pytest.fixture(scope="module", params=LOADS, ids=lambda load: f"rho{load}")
def model(request):
    load = request.param
    runs = [run_priority(rates(load), SERVICE_RATE, SERVERS, CUSTOMERS, seed) for seed in SEEDS]
    return load, runs


def test_each_class_waits_as_cobham_says(model):
    load, runs = model
    for k, theory in enumerate(cobham_waits(rates(load), SERVICE_RATE, SERVERS)):
        means = [run[k].model.mean for run in runs]
        pooled = mean_ci(means)
        assert pooled.low <= theory <= pooled.high, (load, k, pooled, theory)
        assert abs(pooled.mean - theory) / theory < 0.1
    assert all(run[0].model.mean < run[1].model.mean for run in runs)  # priority works


def ciw_waits(load: float, seed: int, horizon: float) -> list[float]:
    first, second = rates(load)
    network = ciw.create_network(
        arrival_distributions={
            "first": [ciw.dists.Exponential(first)],
            "second": [ciw.dists.Exponential(second)],
        },
        service_distributions={
            "first": [ciw.dists.Exponential(SERVICE_RATE)],
            "second": [ciw.dists.Exponential(SERVICE_RATE)],
        },
        number_of_servers=[SERVERS],
        priority_classes={"first": 0, "second": 1},
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon)
    records = [r for r in sim.get_all_records() if r.arrival_date > 0.1 * horizon]
    return [
        float(np.mean([r.waiting_time for r in records if r.customer_class == name]))
        for name in ("first", "second")
    ]


def test_the_model_and_ciw_agree(model):
    load, runs = model
    horizon = 40_000 / (load * SERVERS * SERVICE_RATE)  # about 40,000 arrivals a run
    ciw_runs = [ciw_waits(load, seed, horizon) for seed in (11, 12, 13)]
    for k in range(2):
        ours = mean_ci([run[k].model.mean for run in runs])
        theirs = mean_ci([waits[k] for waits in ciw_runs])
        # the two estimates' intervals overlap, and their means are within 12% of each other
        assert ours.low <= theirs.high and theirs.low <= ours.high, (load, k, ours, theirs)
        assert abs(ours.mean - theirs.mean) / theirs.mean < 0.12
