"""Workload measures of one run in the employer's own terms (WMT) and in hours.

Case points each practitioner holds week by week, WMT capacity % against their available
points (reference data: :mod:`sim.domain.wmt`), and the 110%-for-4-weeks rule applied to WMT
capacity and to hours worked against contracted hours. WMT counts cases, not hours: an outage
leaves every case where it was, so it is the hours that move (``workload`` in ``staff_weekly``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.domain.calendar import WEEK
from sim.domain.vocabulary import PRACTITIONER_ROLES
from sim.domain.wmt import (
    CASE_POINTS,
    CONSECUTIVE_WEEKS,
    available_points,
)

if TYPE_CHECKING:
    from sim.model.office import OfficeModel


def allocation_minutes(items: pd.DataFrame) -> dict[int, float]:
    """When each allocated new case got its holder: the finish of its case allocation (the
    allocator runs as that task completes, on paper or not). Cases on the books at the start
    have no such item; they are held from minute 0."""
    done = items[(items["task"] == "case_allocation") & items["finished_minute"].notna()]
    return dict(zip(done["case_id"].tolist(), done["finished_minute"].tolist(), strict=True))


def weekly_case_points(office: OfficeModel, items: pd.DataFrame) -> pd.DataFrame:
    """Case points each practitioner holds at the start of each week: cases allocated to them by
    then and not ended by then. Columns: staff_id, week, case_points, cases_held."""
    allocated = allocation_minutes(items)
    held = [
        (
            c.holder.id,
            allocated.get(c.id, c.start),
            np.inf if c.ended is None else c.ended,
            CASE_POINTS[c.tier],
        )
        for c in office.cases
        if c.holder is not None and c.tier is not None
    ]
    if held:
        columns = zip(*held, strict=True)
        holder, since, until, points = (np.array(col, dtype=float) for col in columns)
    else:
        holder = since = until = points = np.empty(0)
    ids = [s.id for s in office.staff if s.role in PRACTITIONER_ROLES]
    rows: dict[str, list[float]] = {"staff_id": [], "week": [], "case_points": [], "cases_held": []}
    for week in range(office.weeks):
        start = week * WEEK
        mask = (since <= start) & (until > start)
        grouped = pd.Series(points[mask]).groupby(holder[mask].astype(int))
        rows["staff_id"] += ids
        rows["week"] += [week] * len(ids)
        rows["case_points"] += grouped.sum().reindex(ids, fill_value=0.0).tolist()
        rows["cases_held"] += grouped.size().reindex(ids, fill_value=0).tolist()
    return pd.DataFrame(rows)


def with_wmt(staff_weekly: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """``staff_weekly`` with ``case_points``, ``available_points`` and ``wmt_capacity`` (%) for
    practitioners (NaN for everyone else, who holds no cases)."""
    out = staff_weekly.merge(points, on=["staff_id", "week"], how="left")
    practitioner = out["role"].isin(PRACTITIONER_ROLES).to_numpy()
    points_by_hours = [available_points(h) for h in out["contracted_hours"]]
    available = np.where(practitioner, points_by_hours, np.nan)
    out["available_points"] = available
    out["wmt_capacity"] = 100.0 * out["case_points"] / available
    return out


def longest_run(flags) -> int:
    """The longest run of consecutive True values."""
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def people_over(
    staff_weekly: pd.DataFrame, column: str, threshold: float, weeks: int = CONSECUTIVE_WEEKS
) -> int:
    """People whose ``column`` was above ``threshold`` for ``weeks`` or more consecutive weeks
    (a missing value, such as no WMT capacity for a non-practitioner, is not above)."""
    frame = staff_weekly.sort_values(["staff_id", "week"])
    over = frame[column].gt(threshold)
    runs = over.groupby(frame["staff_id"]).agg(longest_run)
    return int((runs >= weeks).sum())
