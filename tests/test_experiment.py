"""Experiments: common random numbers, paired statistics, and engines that agree bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from office_runs import reference_scenario
from sim import simulate
from sim.experiments.compare import NO_OUTAGE, compare
from sim.experiments.statistics import mean_ci, nearest_rank, paired_difference, probability_better
from sim.scenario.plans import DO_NOTHING, Levers, Overtime, PaperFallback, Plan

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick

OUTAGE = {"down": [{"system": "case_system", "start": {"day": 21, "hour": 14}, "duration_days": 3}]}
OVERTIME = Plan(name="Overtime", levers=Levers(overtime=Overtime(hours_per_week=5)))
PAPER = Plan(name="Paper fallback", levers=Levers(paper_fallback=PaperFallback()))


@pytest.fixture(scope="module")
def scenario():
    return reference_scenario().with_changes(**{"outages": OUTAGE})


def demand(result):
    """What no plan can change: court results arriving and contacts falling due by cadence."""
    wi = result["work_items"]
    court = wi[wi["task"] == "court_results_entry"][["case_id", "created_minute"]]
    cadence = wi[(wi["task"] == "supervision_contact") & (wi["created_minute"] % 1440 == 0)]
    return (
        sorted(map(tuple, court.to_numpy())),
        sorted(map(tuple, cadence[["case_id", "created_minute", "due_minute"]].to_numpy())),
    )


def test_common_random_numbers_are_real(scenario):
    """The same replication under two plans sees the same people, court results, contacts and
    outage; another replication does not."""
    a = simulate(scenario, replication=3, weeks=6)
    b = simulate(scenario, plan=PAPER, replication=3, weeks=6)
    c = simulate(scenario, plan=PAPER, replication=4, weeks=6)
    assert demand(a) == demand(b)
    assert demand(a) != demand(c)
    # the outage bites both the same way: the same restoration, different handling
    assert a.measure("backlog_mean") != b.measure("backlog_mean")


@pytest.fixture(scope="module")
def experiment(scenario):
    return compare(
        scenario, [DO_NOTHING, OVERTIME, PAPER], replications=6, weeks=10, engine="serial"
    )


def test_paired_intervals_are_narrower_than_unpaired(experiment):
    runs = experiment["runs"]
    for measure in ("backlog_mean", "late_court_results"):

        def values(plan, measure=measure):
            sel = runs[(runs["plan"] == plan) & (runs["measure"] == measure)]
            return sel.sort_values("replication")["value"].to_numpy()

        plan, reference = values("Overtime"), values("Do nothing")
        paired = paired_difference(plan, reference).half_width
        a, b = mean_ci(plan), mean_ci(reference)
        unpaired = math.hypot(a.half_width, b.half_width)  # independent samples
        assert paired < 0.6 * unpaired, (measure, paired, unpaired)


def test_comparison_table(experiment):
    c = experiment["comparison"]
    assert set(c["plan"]) == {"Do nothing", "Overtime", "Paper fallback", NO_OUTAGE}
    reference = c[c["plan"] == "Do nothing"]
    assert reference["vs_reference_mean"].isna().all()
    assert c[c["plan"] != "Do nothing"]["probability_better"].dropna().between(0, 1).all()
    # overtime pays for hours practitioners would otherwise stay unpaid to clear overdue work
    unpaid = c[c["measure"] == "extra_hours"].set_index("plan")
    assert unpaid.loc["Overtime", "vs_reference_high"] < 0
    backlog = c[c["measure"] == "backlog_mean"].set_index("plan")
    assert backlog.loc[NO_OUTAGE, "mean"] < backlog.loc["Do nothing", "mean"]
    ranks = backlog.drop(index=NO_OUTAGE)["rank"]
    assert sorted(ranks) == [1, 2, 3]
    assert experiment.manifest["runs"] == 6 * 4 and experiment.manifest["replications"] == 6


def test_recovery_percentiles(experiment):
    rec = experiment["recovery"].set_index("plan")
    assert (rec["recovered_share"] > 0).all()
    assert (
        rec.loc["Overtime", "time_to_recover_p50"] <= rec.loc["Do nothing", "time_to_recover_p50"]
    )
    assert nearest_rank(np.array([3.0, 1.0, 2.0, np.nan]), 50) == 2.0
    assert math.isnan(nearest_rank(np.array([3.0, np.nan, np.nan, np.nan]), 50))
    assert nearest_rank(np.array([5.0, 1.0, 9.0, 7.0, 3.0]), 90) == 9.0


def test_serial_and_pool_give_identical_numbers(scenario):
    args = dict(plans=[DO_NOTHING, OVERTIME], replications=2, weeks=4)
    serial = compare(scenario, engine="serial", **args)
    pool = compare(scenario, engine="pool", workers=2, **args)
    for name, table in serial.tables.items():
        assert table.equals(pool[name]), name


def test_statistics_known_values():
    ci = mean_ci([1.0, 2.0, 3.0, 4.0])
    assert ci.mean == 2.5 and ci.half_width == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)
    assert probability_better([1, 2, 3], [2, 2, 2]) == pytest.approx(0.5)  # one better, one tie
    with pytest.raises(ValueError):
        compare(reference_scenario(), replications=0)


def test_automatic_replication_count_stops_at_the_target_or_the_maximum(scenario):
    from sim.experiments.stopping import StoppingRule

    loose = compare(
        scenario,
        [DO_NOTHING],
        9,
        weeks=4,
        engine="serial",
        stopping=StoppingRule(measures=("backlog_mean",), relative=0.5, hold=0, first=3, step=2),
    )
    assert loose.manifest["stopping"]["stopped_by"] == "precision"
    assert 3 <= loose.manifest["replications"] <= 9
    strict = compare(
        scenario,
        [DO_NOTHING],
        7,
        weeks=4,
        engine="serial",
        stopping=StoppingRule(measures=("backlog_mean",), relative=0.0001, hold=0, first=3, step=2),
    )
    assert strict.manifest["replications"] == 7
    assert strict.manifest["stopping"]["stopped_by"] == "maximum"
    # the first replications are the same runs as without the automatic count
    plain = compare(scenario, [DO_NOTHING], replications=3, weeks=4, engine="serial")
    first = strict["runs"][strict["runs"]["replication"] < 3].reset_index(drop=True)
    assert first.equals(plain["runs"])


def test_comparison_counts_replications_without_a_value():
    """A run that never recovered has no time to recover: the mean is over the others and the
    table says how many were left out, so nobody reads that mean as the whole story."""
    import pandas as pd

    from sim.experiments.compare import comparison_table

    runs = pd.DataFrame(
        [
            (plan, rep, "time_to_recover_days", value, "days")
            for plan, values in (
                (DO_NOTHING.name, [10.0, 12.0, math.nan, math.nan]),
                ("Overtime", [6.0, 7.0, 9.0, math.nan]),
            )
            for rep, value in enumerate(values)
        ],
        columns=["plan", "replication", "measure", "value", "unit"],
    )
    table = comparison_table(runs, [DO_NOTHING.name, "Overtime"]).set_index("plan")
    assert table.loc[DO_NOTHING.name, "without_value"] == 2
    assert table.loc[DO_NOTHING.name, "replications"] == 2
    assert table.loc["Overtime", "without_value"] == 1
    assert table.loc["Overtime", "mean"] == pytest.approx(22 / 3)
