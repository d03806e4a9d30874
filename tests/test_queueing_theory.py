"""The model in its degenerate configuration (C always-on staff, one queue, Poisson arrivals,
exponential service) against M/M/C queueing theory: Erlang C, the mean wait in queue inside the
model's 95% confidence interval, and Little's law."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sim.experiments.mmc import build_mmc, erlang_c, run_mmc
from sim.experiments.statistics import t_quantile

# One seed, chosen before looking at any result and never changed: if a set fails, run it longer.
SEED = 1
BATCHES = 30

# (arrival rate λ, service rate μ, servers C, customers): long enough that the 95% CI's
# half-width is under about 8% of the theoretical mean wait.
MMC_SETS = [
    (0.5, 1.0, 1, 100_000),  # ρ = 0.5
    (0.9, 1.0, 1, 800_000),  # ρ = 0.9
    (4.5, 1.0, 5, 800_000),  # ρ = 0.9
    (8.0, 1.0, 10, 400_000),  # ρ = 0.8
    (19.0, 1.0, 20, 2_000_000),  # ρ = 0.95, C >= 20
    (22.5, 1.0, 25, 1_600_000),  # ρ = 0.9
]


# ----- theory -------------------------------------------------------------------------------
def test_erlang_c_single_server_is_utilisation():
    for a in (0.0, 0.1, 0.5, 0.9, 0.99):
        assert erlang_c(1, a) == pytest.approx(a, abs=1e-15)


def test_erlang_c_known_values():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    # C = 2, a = 1.5: P0 = 1/7, C = a²/(2(1 - ρ)) · P0 = 9/14 by hand.
    assert erlang_c(2, 1.5) == pytest.approx(9 / 14, rel=1e-12)
    # C = 3, a = 2: sum_{k<3} a^k/k! = 5, tail term a³/3! · 1/(1-ρ) = 4, so C = 4/9.
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)
    assert erlang_c(10, 8.0) == pytest.approx(0.409, abs=5e-4)
    assert 0.0 < erlang_c(500, 499.0) < 1.0  # large C: no overflow


def test_erlang_c_rejects_overload():
    with pytest.raises(ValueError, match="offered_load"):
        erlang_c(2, 2.0)
    with pytest.raises(ValueError, match="servers"):
        erlang_c(0, 0.5)


def test_t_quantiles_match_tables():
    table = {1: 12.7062, 2: 4.3027, 4: 2.7764, 19: 2.0930, 29: 2.0452, 120: 1.9799}
    for df, value in table.items():
        assert t_quantile(0.975, df) == pytest.approx(value, abs=1e-4)
    assert t_quantile(0.95, 10) == pytest.approx(1.8125, abs=1e-4)
    # Either side of the switch to the Cornish-Fisher expansion, and the normal limit.
    assert t_quantile(0.975, 1000) == pytest.approx(t_quantile(0.975, 1001), abs=1e-5)
    assert t_quantile(0.975, 10**7) == pytest.approx(1.959964, abs=1e-6)


# ----- the model's machinery ----------------------------------------------------------------
def test_mmc_uses_every_server_first_come_first_served():
    model = build_mmc(2.4, 1.0, 3, 2_000, SEED)
    model.env.run(until=model.all_served)
    assert not np.isnan(model.finished).any()  # every customer served
    assert set(model.server.tolist()) == {0, 1, 2}
    assert (np.diff(model.created) > 0).all()
    assert (np.diff(model.started) >= 0).all()  # one queue, no priorities or deadlines: FCFS
    assert (model.started >= model.created).all() and (model.finished > model.started).all()
    waits = model.started - model.created
    assert 0 < (waits == 0).sum() < len(waits)  # some walk straight in, some wait


def test_service_means_beyond_the_schema_bound_still_run():
    report = run_mmc(1 / 4000, 1 / 2000, 1, 2_000, SEED)  # mean service 2000 min > 1440
    assert report.theory_mean_wait == pytest.approx(2000.0)
    assert report.mean_wait > 0


@pytest.fixture(scope="module", params=MMC_SETS, ids=lambda p: f"lam{p[0]}-mu{p[1]}-C{p[2]}")
def mmc(request):
    lam, mu, c, customers = request.param
    return run_mmc(lam, mu, c, customers, SEED, batches=BATCHES)


@pytest.mark.slow
def test_erlang_c_wait_inside_model_ci(mmc):
    assert mmc.theory_within_ci, (
        f"theory Wq {mmc.theory_mean_wait:.4f} outside the model's 95% CI "
        f"[{mmc.ci_low:.4f}, {mmc.ci_high:.4f}]"
    )
    assert mmc.ci_half_width < 0.15 * mmc.theory_mean_wait  # a meaningful, not a huge, CI
    assert mmc.erlang_c_probability == erlang_c(mmc.servers, mmc.arrival_rate / mmc.service_rate)
    assert mmc.utilisation == pytest.approx(mmc.arrival_rate / (mmc.servers * mmc.service_rate))


@pytest.mark.slow
def test_littles_law(mmc):
    assert mmc.time_average_queue > 0
    assert mmc.littles_law_relative_error < 0.02
    assert mmc.littles_law_queue == pytest.approx(mmc.time_average_queue, rel=0.02)


@pytest.mark.slow
def test_ci_coverage_over_many_seeds():
    """The CI is honest: over 40 fixed seeds the 95% CI holds the theory about 95% of the time
    (at least 34 of 40: a binomial(40, 0.95) falls that low with probability under 0.5%)."""
    hits = sum(
        run_mmc(0.5, 1.0, 1, 20_000, seed, batches=20).theory_within_ci for seed in range(40)
    )
    assert hits >= 34


# ----- determinism and reports --------------------------------------------------------------
def test_same_seed_same_report_other_seed_other_wait():
    first = run_mmc(4.0, 1.0, 5, 20_000, SEED)
    again = run_mmc(4.0, 1.0, 5, 20_000, SEED)
    other = run_mmc(4.0, 1.0, 5, 20_000, SEED + 1)
    assert first == again
    assert first.events == again.events > 0
    assert other.mean_wait != first.mean_wait


def test_report_is_json():
    report = run_mmc(0.5, 1.0, 1, 1_000, SEED)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["servers"] == 1 and data["seed"] == SEED
    assert isinstance(data["theory_within_ci"], bool)
    assert math.isclose(data["mean_wait"], report.mean_wait)
    assert set(data) == set(report.__dataclass_fields__)


# ----- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, match",
    [
        ((1.0, 1.0, 1), "unstable"),
        ((2.5, 1.0, 2), r"arrival_rate / \(servers \* service_rate\)"),
        ((1.0, 1.0, 0), "servers"),
        ((1.0, 1.0, 1.5), "servers"),
        ((-1.0, 1.0, 1), "arrival_rate"),
        ((0.5, 0.0, 1), "service_rate"),
        ((0.5, math.nan, 1), "service_rate"),
    ],
)
def test_bad_parameters_are_rejected(args, match):
    with pytest.raises(ValueError, match=match):
        run_mmc(*args, customers=10_000, seed=SEED)


def test_too_few_customers_or_batches_rejected():
    with pytest.raises(ValueError, match="customers"):
        run_mmc(0.5, 1.0, 1, 199, SEED, batches=20)
    with pytest.raises(ValueError, match="batches"):
        run_mmc(0.5, 1.0, 1, 1_000, SEED, batches=1)
    with pytest.raises(ValueError, match="warmup_share"):
        run_mmc(0.5, 1.0, 1, 1_000, SEED, warmup_share=0.95)
