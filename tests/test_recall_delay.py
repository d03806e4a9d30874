"""Recall delay with recalls never delivered censored at the end of the run, and a lost recall
request resent counted once: an email outage never shows a shorter delay than no outage, a
resend is not a new recall nor a new late recall, and an undelivered recall counts the hours to
the end. The share of recalls delivered is better higher: ranks and P(better) say so."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from office_runs import reference_scenario
from sim import simulate
from sim.domain.calendar import DAY, HOUR
from sim.experiments.compare import comparison_table
from sim.results.summary import SUMMARY, RunTables
from sim.scenario.plans import DO_NOTHING

OUTAGE_DAY = 21


def email_down(days: float) -> dict:
    return {"down": [{"system": "email", "start": {"day": OUTAGE_DAY}, "duration_days": days}]}


@pytest.mark.parametrize(  # ends inside the outage, just after, well after
    "weeks", [4, pytest.param(5, marks=pytest.mark.slow), pytest.param(7, marks=pytest.mark.slow)]
)
def test_a_two_week_email_outage_never_shows_a_shorter_recall_delay(weeks):
    """Recall requests wait for email; those still waiting at the end used to be left out,
    so a run ending inside the outage showed a shorter delay than the same run without it."""
    outage = reference_scenario().with_changes(outages=email_down(14))
    for seed in (1, 2, 3):
        hit = simulate(outage, seed=seed, weeks=weeks)
        normal = simulate(reference_scenario(), seed=seed, weeks=weeks)
        assert hit.measure("recall_delay_mean") >= normal.measure("recall_delay_mean"), seed
        assert hit.measure("recalls") == normal.measure("recalls")  # the same decisions
        if weeks * 7 < OUTAGE_DAY + 14:  # still down at the end: some never delivered
            assert hit.measure("recalls_delivered_share") < 1.0
            assert hit.measure("recalls_delivered_share") < normal.measure(
                "recalls_delivered_share"
            )


@pytest.fixture(scope="module")
def lost():
    """Every recall request sent by email in a 5-day window is lost and resent 2 days later."""
    loss = {
        "lost_share": 1.0,
        "detection_days": 2,
        "start": {"day": OUTAGE_DAY},
        "duration_days": 5,
    }
    return simulate(
        reference_scenario().with_changes(outages={"email_loss": [loss]}), weeks=5, seed=1
    )


def test_a_resent_recall_counts_once_in_recalls_and_late_recalls(lost):
    items = lost["work_items"]
    recalls = items[items["task"] == "recall_request"]
    resends = recalls[recalls["follows_item"] >= 0]
    originals = recalls[recalls["follows_item"] < 0]
    assert len(resends) >= 3
    assert set(resends["follows_item"]) <= set(recalls["item_id"])  # each resends a recall
    counts = lost["event_counts"].set_index("event")["count"]
    assert lost.measure("recalls") == counts["recall_decisions"] == len(originals)
    end = 5 * 7 * DAY
    delivered = originals["delivered_minute"]
    on_time = delivered.notna() & (delivered <= originals["due_minute"])
    overdue = delivered.isna() & (originals["due_minute"] < end)
    late = (delivered > originals["due_minute"]) | overdue
    assert lost.measure("late_recalls") == late.sum() <= len(originals)
    assert (on_time | late | (delivered.isna() & (originals["due_minute"] >= end))).all()


def test_a_lost_recall_is_delivered_when_its_resend_is(lost):
    items = lost["work_items"].set_index("item_id")
    resends = items[(items["task"] == "recall_request") & (items["follows_item"] >= 0)]
    for resend in resends.itertuples():
        first = resend.follows_item
        while items.loc[first, "follows_item"] >= 0:  # a resend lost in turn
            first = items.loc[first, "follows_item"]
        delivered = items.loc[first, "delivered_minute"]
        assert delivered == resend.delivered_minute or (
            math.isnan(delivered) and math.isnan(resend.delivered_minute)
        )
    lost_ones = items[
        (items["task"] == "recall_request") & items.index.isin(resends["follows_item"])
    ]
    assert (lost_ones["delivered_minute"].dropna() > lost_ones["finished_minute"].dropna()).all()


def recall_items(rows: list[tuple[float, float, int]], end: float) -> RunTables:
    """Recall requests (created, delivered, follows) due 24 hours after creation."""
    items = pd.DataFrame(
        [
            ("recall_request", created, created + 24 * HOUR, delivered, follows)
            for created, delivered, follows in rows
        ],
        columns=["task", "created_minute", "due_minute", "delivered_minute", "follows_item"],
    )
    empty = pd.DataFrame()
    return RunTables(items, empty, empty, empty, end)


def test_an_undelivered_recall_contributes_its_censored_delay():
    end = 10 * DAY
    nan = math.nan
    tables = recall_items(
        [
            (DAY, DAY + 2 * HOUR, -1),  # delivered after 2 hours
            (end - 10 * HOUR, nan, -1),  # never delivered: 10 hours to the end
            (end - 30 * HOUR, nan, -1),  # never delivered, past its 24 hours: 30 hours, late
            (end - 4 * HOUR, end + HOUR, -1),  # delivered after the end: 4 hours to the end
            (end - 40 * HOUR, nan, 2),  # a resend of the third: not a recall of its own
        ],
        end,
    )
    assert SUMMARY["recalls"](tables) == 4
    assert SUMMARY["recall_delay_mean"](tables) == pytest.approx((2 + 10 + 30 + 4) / 4)
    assert SUMMARY["recalls_delivered_share"](tables) == pytest.approx(1 / 4)
    assert SUMMARY["late_recalls"](tables) == 1
    # with nothing left out the mean is the plain mean, and no recalls at all: nothing owed
    done = recall_items([(DAY, DAY + 2 * HOUR, -1), (DAY, DAY + 6 * HOUR, -1)], end)
    assert SUMMARY["recall_delay_mean"](done) == pytest.approx(4.0)
    assert SUMMARY["recalls_delivered_share"](done) == 1.0
    assert SUMMARY["recalls_delivered_share"](recall_items([], end)) == 1.0


def test_a_higher_share_delivered_ranks_first_and_is_better():
    shares = {DO_NOTHING.name: [0.8, 0.9, 0.85, 0.7], "Alternative channel": [1.0, 1.0, 0.95, 0.9]}
    runs = pd.DataFrame(
        [
            (plan, r, "recalls_delivered_share", v, "share")
            for plan, values in shares.items()
            for r, v in enumerate(values)
        ],
        columns=["plan", "replication", "measure", "value", "unit"],
    )
    table = comparison_table(runs, list(shares)).set_index("plan")
    assert table.loc["Alternative channel", "rank"] == 1
    assert table.loc[DO_NOTHING.name, "rank"] == 2
    assert table.loc["Alternative channel", "probability_better"] == 1.0
    assert np.isnan(table.loc[DO_NOTHING.name, "probability_better"])
    assert table.loc["Alternative channel", "ci_high"] == 1.0  # a share's interval stops at 1
