"""A run's headline measures as they stood at a moment of it: what a room playing the run as a
tabletop exercise could know then.

The run is cut at ``minute``: work items created before it, each time that had happened by then
(later ones blank), an appointment's outcome only once its contact had closed, and each item's
status as it was then; the days and weeks that had ended by then (the backlog and the
re-keying debt at the end of each day ended). Every measure is then computed
by the same function as the run's ``summary`` table (:data:`sim.results.summary.SUMMARY`), so a
measure "as at" a moment means what it means at the end of a run. Cut at the run's end, this
gives the run's own summary (tested).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY, WEEK
from sim.results.summary import SUMMARY, RunTables
from sim.results.tables import risk_checks_table

TIMES = (
    "created_minute",
    "arrived_minute",
    "started_minute",
    "finished_minute",
    "cancelled_minute",
    "delivered_minute",
)


def items_as_at(items: pd.DataFrame, minute: float) -> pd.DataFrame:
    """The work items as known at ``minute``."""
    known = items[items["created_minute"] < minute].copy()
    for column in TIMES:
        values = known[column].to_numpy(dtype=float, copy=True)
        values[values >= minute] = np.nan
        known[column] = values
    finished = known["finished_minute"].notna()
    cancelled = known["cancelled_minute"].notna()
    closed = finished | cancelled
    late = finished & (known["finished_minute"] > known["due_minute"])
    status = np.where(cancelled, "cancelled", np.where(late, "done_late", "done"))
    status = np.where(closed, status, "pending")
    known["status"] = pd.Categorical(status, categories=items["status"].cat.categories)
    contact = known["task"] == "supervision_contact"
    open_contact = contact & ~closed
    outcome = known["outcome"].astype(object).where(~open_contact, "booked")
    known["outcome"] = pd.Categorical(outcome, categories=items["outcome"].cat.categories)
    known["risk_checked"] = known["risk_checked"] & closed
    return known


def summary_as_at(tables: dict[str, pd.DataFrame], minute: float) -> dict[str, float]:
    """Every headline measure of a run (its ``tables``) as it stood at ``minute``."""
    items = items_as_at(tables["work_items"], minute)
    backlog, debt = tables["backlog_daily"], tables["rekeying_debt_daily"]
    staff = tables["staff_weekly"]
    days_ended = int(minute // DAY)
    cut = RunTables(
        items,
        backlog[backlog["day"] < days_ended],
        staff[staff["week"] < int(minute // WEEK)],
        risk_checks_table(items),
        minute,
        debt[debt["day"] < days_ended],
    )
    return {name: float(compute(cut)) for name, compute in SUMMARY.items()}
