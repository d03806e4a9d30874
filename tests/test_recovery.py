"""Time to recover (sim/results/recovery.py): a constructed case with a known answer, the
restoration
moment of a scenario, its baseline, and the real model: a 3-day case-system outage recovers, a
5-day one does not recover faster, and a zero-length outage is its own baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenario_edits import REFERENCE
from sim import simulate
from sim.domain.calendar import DAY, HOUR
from sim.results.recovery import (
    Tolerance,
    baseline_of,
    recovery_table,
    restoration_minute,
    time_to_recover,
)
from sim.results.tables import RunResult
from sim.scenario.loader import load_scenario
from sim.scenario.outages import Outages

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick

SEEDS = range(1, 6)
# The known-answer tests: a 5-item / 10% tolerance, and "to the end of the run".
STRICT = Tolerance(items=5, share=0.10)
END = {"hold_days": None}
WEEKS = 10  # a 3-5 day outage in week 4 takes 3-5 weeks to recover (assessment reviews last)


def down(days: float, day: int = 7) -> dict:
    return {
        "down": [{"system": "case_system", "start": {"day": day, "hour": 9}, "duration_days": days}]
    }


def made(totals: list[int]) -> RunResult:
    """A result whose daily backlog totals are ``totals`` (split over two tasks)."""
    rows = [
        (d, task, part)
        for d, total in enumerate(totals)
        for task, part in (("risk_check", total // 2), ("contact_recording", total - total // 2))
    ]
    return RunResult({}, {"backlog_daily": pd.DataFrame(rows, columns=["day", "task", "backlog"])})


@pytest.fixture(scope="module")
def reference():
    return load_scenario(REFERENCE)


# ----------------------------------------------------------------------------- constructed
BASE = [20] * 16
#            0   1   2   3   4   5    6   7   8   9  10  11  12  13  14  15
OUTAGE = [20, 20, 20, 20, 20, 100, 80, 50, 26, 25, 30, 21, 21, 21, 21, 21]
RESTORED = 5 * DAY + 12 * HOUR  # noon on day 5


def test_known_answer_back_and_staying_back():
    # day 8: 6 over (tolerance max(5, 2) = 5): out; day 9 in; day 10 out; in from day 11 on
    assert time_to_recover(made(OUTAGE), made(BASE), RESTORED, STRICT, **END) == 6.0
    # held for 1 day: back on day 9; for 3 days in a row: back from day 11
    assert time_to_recover(made(OUTAGE), made(BASE), RESTORED, STRICT, hold_days=1) == 4.0
    assert time_to_recover(made(OUTAGE), made(BASE), RESTORED, STRICT, hold_days=3) == 6.0
    # a looser tolerance: 10 items -> back on day 8 (day 10 is exactly 10 over, within)
    assert time_to_recover(made(OUTAGE), made(BASE), RESTORED, Tolerance(items=10), **END) == 3.0


def test_known_answer_not_back_and_below_baseline():
    assert time_to_recover(made(OUTAGE[:-1] + [40]), made(BASE), RESTORED, STRICT, **END) is None
    assert time_to_recover(made(OUTAGE), made(BASE), RESTORED, hold_days=20) is None
    assert (
        time_to_recover(made(OUTAGE), made(BASE), 20 * DAY, **END) is None
    )  # restored after the run
    # below the baseline counts as recovered; back by the end of the restoration day: 0
    assert time_to_recover(made([20] * 5 + [3] * 11), made(BASE), RESTORED, **END) == 0.0
    # no disruption: counted from day 0
    assert time_to_recover(made(BASE), made(BASE), None, **END) == 0.0


def test_tolerance_is_relative_for_a_large_baseline():
    base = made([100] * 4)
    assert time_to_recover(made([100, 200, 109, 110]), base, DAY, STRICT, **END) == 1.0  # 10%
    assert time_to_recover(made([100, 200, 109, 111]), base, DAY, STRICT, **END) is None
    # the default: 25% of 100
    assert time_to_recover(made([100, 200, 124, 125]), base, DAY, **END) == 1.0
    assert time_to_recover(made([100, 200, 124, 126]), base, DAY, **END) is None


# ----------------------------------------------------------------------------- scenario
def test_restoration_is_the_end_of_the_last_effective_disruption(reference):
    assert restoration_minute(reference) is None
    three = reference.with_changes(outages=down(3))
    assert restoration_minute(three) == 10 * DAY + 9 * HOUR
    outages = {
        **down(3),
        "slow": [
            {"system": "email", "start": {"day": 20}, "duration_days": 2, "factor": 1.0}
        ],  # factor 1: no effect
        "login_cap": [{"start": {"day": 30}, "duration_days": 1, "sessions": 10_000}],
        "record_loss": [
            {"at": {"day": 12, "hour": 10}, "share": 0.1, "reconstruction_minutes": 60}
        ],
    }
    assert restoration_minute(reference.with_changes(outages=outages)) == 12 * DAY + 10 * HOUR
    outages["login_cap"] = [{"start": {"day": 30}, "duration_hours": 5, "share_of_staff": 0.5}]
    assert restoration_minute(reference.with_changes(outages=outages)) == 30 * DAY + 14 * HOUR
    assert restoration_minute(reference.with_changes(outages=down(0))) is None


def test_baseline_is_the_scenario_without_outages(reference):
    scenario = reference.with_changes(outages=down(3))
    base = baseline_of(scenario)
    assert base.outages == Outages()
    assert base.model_dump(exclude={"outages"}) == scenario.model_dump(exclude={"outages"})
    assert base.digest() == reference.digest()


# ----------------------------------------------------------------------------- the model
@pytest.fixture(scope="module")
def recoveries(reference):
    """Time to recover (None: not within the run) and backlog peak of 3- and 5-day outages of
    the case system from Monday of week 2, per seed, against the same seed's baseline."""
    out = {}
    for days in (3, 5):
        scenario = reference.with_changes(outages=down(days))
        base = baseline_of(scenario)
        for seed in SEEDS:
            result = simulate(scenario, seed=seed, weeks=WEEKS)
            baseline = simulate(base, seed=seed, weeks=WEEKS)
            out[days, seed] = recovery_table(result, baseline, scenario).iloc[0]
    return out


def test_a_three_day_outage_recovers(recoveries):
    times = [recoveries[3, s]["time_to_recover_days"] for s in SEEDS]
    recovered = [t for t in times if not np.isnan(t)]
    assert len(recovered) >= 3, times  # most seeds, within an 8-week run
    assert all(t > 0 for t in recovered), times
    assert all(recoveries[3, s]["restored_day"] == pytest.approx(10.375) for s in SEEDS)


def test_a_longer_outage_does_not_recover_faster(recoveries):
    """On the mean of 5 seeds; a run that never recovers counts the days left after restoration
    (a lower bound of its time to recover)."""

    def mean(days):
        rows = [recoveries[days, s] for s in SEEDS]
        left = WEEKS * 7 - np.floor(np.array([r["restored_day"] for r in rows]))
        times = np.array([r["time_to_recover_days"] for r in rows])
        return np.where(np.isnan(times), left, times).mean()

    assert mean(5) >= mean(3)
    for s in SEEDS:  # a longer outage leaves a bigger backlog
        assert recoveries[5, s]["backlog_peak"] > recoveries[3, s]["backlog_peak"]


def test_zero_length_outage_is_the_baseline(reference):
    scenario = reference.with_changes(outages=down(0))
    result = simulate(scenario, seed=2, weeks=3)
    baseline = simulate(baseline_of(scenario), seed=2, weeks=3)
    assert set(result.tables) == set(baseline.tables)
    for name in result.tables:
        pd.testing.assert_frame_equal(result[name], baseline[name], check_exact=True)
    assert time_to_recover(result, baseline, restoration_minute(scenario)) == 0.0
    row = recovery_table(result, baseline, scenario).iloc[0]
    assert np.isnan(row["restored_day"]) and row["time_to_recover_days"] == 0.0
    assert row["baseline_backlog_mean"] == pytest.approx(
        baseline["backlog_daily"].groupby("day")["backlog"].sum().mean()
    )
