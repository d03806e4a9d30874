"""Backlog and re-keying debt, side by side and never folded (PRODUCT.md): the backlog is work
not done (items past due and not done, paper records awaiting re-keying left out, overdue or
not); the re-keying debt is the paper records written and not yet re-keyed at the end of each
day, with the hours their re-keying needs. Checked on a run under paper fallback against the
work items, as-at a minute, in a run's outcome and an experiment's tables, and pooled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import load_plan, load_scenario, simulate
from sim.domain.calendar import DAY, HOUR
from sim.experiments.compare import tables_from
from sim.experiments.engines import RunSpec, run_spec
from sim.results.as_at import summary_as_at
from sim.results.measures import MEASURES
from sim.results.pooled import pooled_measures

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
WEEKS = 5  # the case system is down on days 21-24; re-keying runs on after it returns
REKEYING = "paper_rekeying"


@pytest.fixture(scope="module")
def paper():
    return load_plan(SCENARIOS / "plans" / "paper-fallback.yaml")


@pytest.fixture(scope="module")
def s02():
    return load_scenario(SCENARIOS / "s02-ndelius-upgrade.yaml")


@pytest.fixture(scope="module")
def paper_run(s02, paper):
    return simulate(s02, plan=paper, seed=1, weeks=WEEKS)


def _closed(items: pd.DataFrame) -> np.ndarray:
    return np.fmin(
        items["finished_minute"].fillna(np.inf), items["cancelled_minute"].fillna(np.inf)
    ).to_numpy()


def test_backlog_is_work_not_done_without_paper_records_awaiting_rekeying(paper_run):
    items = paper_run["work_items"]
    closed, rekeying = _closed(items), (items["task"] == REKEYING).to_numpy()
    # owed once past its deadline and once it exists (a rebooked contact keeps its deadline)
    due = np.maximum(items["due_minute"].to_numpy(), items["created_minute"].to_numpy())
    total = paper_run["backlog_daily"].groupby("day")["backlog"].sum()
    assert REKEYING not in set(paper_run["backlog_daily"]["task"])
    folded = []
    for day in total.index:
        end = (day + 1) * DAY
        past_due = (due < end) & (closed > end)
        assert total[day] == np.count_nonzero(past_due & ~rekeying), day
        folded.append(np.count_nonzero(past_due | rekeying & (items["created_minute"] < end)))
    assert paper_run.measure("backlog_mean") == pytest.approx(total.mean())
    assert paper_run.measure("backlog_max") == total.max()
    assert paper_run.measure("backlog_end") == total.iloc[-1]
    # the records awaiting re-keying were many: folded in, they would dwarf the work not done
    assert max(folded) > 5 * total.max()


def test_rekeying_debt_is_the_paper_records_written_and_not_yet_rekeyed_each_day(paper_run, paper):
    items = paper_run["work_items"]
    rekeying = items[items["task"] == REKEYING]
    closed = _closed(rekeying)
    debt = paper_run["rekeying_debt_daily"].set_index("day")
    assert list(debt.index) == list(range(WEEKS * 7))
    for day in debt.index:
        end = (day + 1) * DAY
        owed = (rekeying["created_minute"].to_numpy() < end) & (closed > end)
        assert debt.loc[day, "rekeying_debt"] == np.count_nonzero(owed), day
        hours = rekeying["minutes_needed"].to_numpy()[owed].sum() / HOUR
        assert debt.loc[day, "rekeying_debt_hours"] == pytest.approx(hours), day
    # written from the first day of the outage, none before
    assert (debt.loc[:20, "rekeying_debt"] == 0).all()
    assert debt.loc[21, "rekeying_debt"] > 0
    # a record's hours are its re-keying time: the plan's minutes per record (a wrong re-keying
    # redone takes the task's own drawn time)
    first = rekeying[rekeying["follows_item"].isin(items.loc[items["task"] != REKEYING, "item_id"])]
    assert (first["minutes_needed"] == paper.levers.paper_fallback.rekey_minutes).all()
    assert paper_run.measure("rekeying_debt_max") == debt["rekeying_debt"].max()
    assert paper_run.measure("rekeying_debt_hours_max") == pytest.approx(
        debt["rekeying_debt_hours"].max()
    )
    assert paper_run.measure("rekeying_debt_end") == debt["rekeying_debt"].iloc[-1]
    assert paper_run.measure("rekeying_debt_hours_end") == pytest.approx(
        debt["rekeying_debt_hours"].iloc[-1]
    )


def test_without_paper_there_is_no_rekeying_debt(s02):
    run = simulate(s02, seed=1, weeks=4)
    assert (run["rekeying_debt_daily"][["rekeying_debt", "rekeying_debt_hours"]] == 0).all().all()
    assert run.measure("rekeying_debt_max") == 0.0


def test_rekeying_debt_measures_are_in_the_registry_beside_the_backlog():
    names = list(MEASURES)
    debt = ["rekeying_debt_max", "rekeying_debt_hours_max", "rekeying_debt_end"]
    assert names.index("backlog_end") < names.index(debt[0])  # listed right after the backlog
    assert MEASURES["rekeying_debt_max"].label == "peak re-keying debt"
    assert MEASURES["rekeying_debt_max"].unit == "records"
    assert MEASURES["rekeying_debt_hours_max"].unit == "hours"
    for name in debt:
        assert MEASURES[name].better == "lower" and MEASURES[name].pooled == "summed_daily"
        assert "verdict" not in MEASURES[name].views  # stated, never ranked on
    assert "re-keying are not backlog" in MEASURES["backlog_mean"].about


def test_rekeying_debt_as_at_a_minute_is_the_debt_at_the_end_of_the_last_day_ended(paper_run):
    debt = paper_run["rekeying_debt_daily"]
    minute = 23 * DAY + 11 * HOUR  # day 23, mid-outage: days 0-22 have ended
    now = summary_as_at(paper_run.tables, minute)
    assert now["rekeying_debt_end"] == debt.loc[22, "rekeying_debt"] > 0
    assert now["rekeying_debt_hours_end"] == pytest.approx(debt.loc[22, "rekeying_debt_hours"])
    assert now["rekeying_debt_max"] == debt.loc[:22, "rekeying_debt"].max()
    at_end = summary_as_at(paper_run.tables, WEEKS * 7 * DAY)
    for name in ("rekeying_debt_max", "rekeying_debt_hours_max", "rekeying_debt_end"):
        assert at_end[name] == pytest.approx(paper_run.measure(name))


def test_an_experiment_keeps_the_rekeying_debt_beside_the_backlog(s02, paper, paper_run):
    outcome = run_spec(RunSpec("Paper fallback", s02, paper, 1, 0, WEEKS))
    debt = paper_run["rekeying_debt_daily"]
    assert outcome.rekeying_debt == tuple(map(float, debt["rekeying_debt"]))
    assert outcome.rekeying_debt_hours == pytest.approx(tuple(debt["rekeying_debt_hours"]))
    backlog = tables_from([outcome], ["Paper fallback"])["backlog"]
    assert list(backlog.columns) == [
        "plan",
        "replication",
        "day",
        "backlog",
        "rekeying_debt",
        "rekeying_debt_hours",
    ]
    assert backlog["rekeying_debt"].max() == outcome.measures["rekeying_debt_max"]
    assert backlog["backlog"].max() == outcome.measures["backlog_max"]


@dataclass(frozen=True)
class Office:
    measures: dict
    backlog: tuple
    rekeying_debt: tuple
    rekeying_debt_hours: tuple
    observations: dict


def test_offices_rekeying_debt_pools_as_the_peak_of_the_summed_days():
    """Two offices whose debts peak on different days: the national peak is the peak of the
    sum (150 on day 1), not the sum of the peaks (200)."""
    a = Office({"rekeying_debt_max": 100.0}, (0, 0, 0), (100, 50, 0), (10, 5, 0), {})
    b = Office({"rekeying_debt_max": 100.0}, (0, 0, 0), (0, 100, 20), (0, 20, 4), {})
    measures = {
        n: 0.0 for n in ("rekeying_debt_hours_max", "rekeying_debt_end", "rekeying_debt_hours_end")
    }
    a.measures.update(measures)
    b.measures.update(measures)
    pooled = pooled_measures([a, b])
    assert pooled["rekeying_debt_max"] == 150.0
    assert pooled["rekeying_debt_hours_max"] == 25.0
    assert pooled["rekeying_debt_end"] == 20.0
    assert pooled["rekeying_debt_hours_end"] == 4.0


def test_plans_are_never_ranked_on_the_rekeying_debt():
    from office_runs import reference_scenario
    from sim.experiments.compare import compare
    from sim.scenario.plans import Levers, PaperFallback, Plan

    paper = Plan(name="Paper", levers=Levers(paper_fallback=PaperFallback()))
    scenario = reference_scenario().with_changes(
        **{
            "outages": {
                "down": [
                    {"system": "case_system", "start": {"day": 7, "hour": 9}, "duration_days": 2}
                ]
            }
        }
    )
    c = compare(scenario, [paper], 2, weeks=3, engine="serial")["comparison"]
    debt = c[c["measure"].str.startswith("rekeying_debt")]
    assert len(debt) and debt["rank"].isna().all()
    assert c[c["measure"] == "backlog_mean"]["rank"].notna().any()
