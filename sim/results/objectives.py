"""Business-continuity objectives per prioritised activity: RTO, MTPD and MBCO (ISO 22301),
assessed on the service lost against the no-outage run of the same replication.

An activity is a set of tasks (e.g. recall requests). Its **service** is the items of those
tasks delivered, a supervision contact only if it was held *with* a risk check: a contact held
without one is service not delivered safely. An item still in hand (not done, not yet due) is
not yet service lost, so work done a little later than in the no-outage run but within its
deadline costs nothing; an item is lost once it is overdue, cancelled, or a contact is held
without a risk check (:class:`Service`).

Each working day from the disruption's start, a run is compared with the no-outage run of the
same replication (same seed, so the same demand) over a **window**: the shortest run of days
ending that day in which the no-outage run delivered at least ``MIN_ITEMS`` items (a day for a
busy activity, a couple of weeks for recall requests). The activity is **within the MBCO** on
that day if the service it lost over the window, beyond what the no-outage run lost, is at most
(1 - MBCO) x the items the no-outage run delivered in it (:func:`within_mbco`).

* **MBCO** (minimum business continuity objective, a share) is breached if the activity is below
  it on any working day from the start of the disruption until restoration;
* the activity is **resumed** on the first working day from the start from which it is within
  the MBCO on ``RESUMED_FOR`` working days in a row; days to resume count from the start (0 if it
  was within from the start);
* **RTO** (recovery time objective, days) is breached if it resumed later than ``rto_days`` after
  the start, or not within the run;
* **MTPD** (maximum tolerable period of disruption, days, at least the RTO) likewise against
  ``mtpd_days``.

A working day before the no-outage run had delivered ``MIN_ITEMS`` items since the run began has
no window and is not assessed. If the no-outage run delivered fewer than ``MIN_ITEMS`` items in
the whole run, the activity is **not assessable at this volume** in that replication: neither
met nor breached. A run assessed against itself loses nothing beyond the no-outage run on any
window, so it never breaches (tested for every library scenario).

Across replications each becomes a probability of breach over the replications assessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY
from sim.scenario.objectives import Objective

RESUMED_FOR = 5  # working days in a row within the MBCO (assumption, range 3-10)
MIN_ITEMS = 10  # items the no-outage run delivers in a window (assumption, range 5-30)
NOT_ASSESSABLE = "not assessable at this volume"
SAFELY = "supervision_contact"  # the task whose items count only when held with a risk check


def counted_as(objective: Objective) -> str:
    """In words, what counts as the activity's service delivered."""
    if objective.tasks == (SAFELY,):
        return (
            "contacts held with a risk check; one held without is counted as not delivered safely"
        )
    if SAFELY in objective.tasks:
        return (
            "items delivered; a contact held without a risk check is counted as not delivered "
            "safely"
        )
    return "items delivered"


@dataclass(frozen=True)
class Service:
    """An activity's service in one run, per day (index = day): the items delivered that day,
    and the items in hand at the day's end (not done or cancelled, not yet due)."""

    delivered: tuple[float, ...]
    in_hand: tuple[float, ...] = ()  # none: no item in hand

    def by_day(self) -> np.ndarray:
        """The service by the end of each day: items delivered so far plus those in hand."""
        done = np.cumsum(np.asarray(self.delivered, dtype=float))
        return done + (np.asarray(self.in_hand, dtype=float) if self.in_hand else 0.0)


def _delivered_once(items: pd.DataFrame) -> np.ndarray:
    """When each item's service was delivered, counting a message and its resends once: a
    resend (an item following one of its own task) delivers nothing of its own (NaN), and a
    lost message is delivered when its last resend is (its ``delivered_minute``, NaN if never);
    any other item when it was finished."""
    when = items["finished_minute"].to_numpy(dtype=float).copy()
    task = np.asarray(items["task"].to_numpy(), dtype=object)
    follows = items["follows_item"].to_numpy()
    ids = items["item_id"].to_numpy()
    position = np.full(int(ids.max()) + 1 if len(ids) else 0, -1)
    position[ids] = np.arange(len(ids))
    linked = follows >= 0
    original = np.where(linked, position[np.where(linked, follows, 0)], -1)
    resend = (original >= 0) & (task[np.maximum(original, 0)] == task)
    lost = np.zeros(len(ids), dtype=bool)
    lost[original[resend]] = True
    when[lost] = items["delivered_minute"].to_numpy(dtype=float)[lost]
    when[resend] = np.nan
    return when


def service_of(items: pd.DataFrame, objective: Objective, n_days: int) -> Service:
    """The activity's service in a run (``items``: its ``work_items`` table): its tasks' items
    finished each day (a supervision contact only if held with a risk check; a lost message and
    its resends once, when delivered), and those in hand
    at each day's end. An item stops being in hand when it is done, cancelled or overdue, so a
    contact held without a risk check, or an item past its due time, is service lost."""
    mine = items["task"].isin(objective.tasks).to_numpy()
    finished = items["finished_minute"].to_numpy()[mine]
    safe = (items["task"] != SAFELY).to_numpy()[mine] | items["risk_checked"].to_numpy()[mine]
    once = _delivered_once(items)[mine]
    done = once[safe & ~np.isnan(once)]
    days = (done // DAY).astype(int)
    delivered = np.bincount(days[days < n_days], minlength=n_days)
    # in hand at the end of day d: created by then, and neither closed nor due by then
    closed = np.fmin(finished, items["cancelled_minute"].to_numpy()[mine])
    ends = np.fmin(np.nan_to_num(closed, nan=np.inf), items["due_minute"].to_numpy()[mine])
    first = np.ceil(items["created_minute"].to_numpy()[mine] / DAY) - 1
    last = np.ceil(ends / DAY) - 1  # exclusive
    first, last = np.clip(first, 0, n_days), np.clip(last, 0, n_days)
    held = last > first
    steps = np.zeros(n_days + 1)
    np.add.at(steps, first[held].astype(int), 1.0)
    np.add.at(steps, last[held].astype(int), -1.0)
    in_hand = np.cumsum(steps)[:n_days]
    return Service(tuple(delivered.astype(float).tolist()), tuple(in_hand.tolist()))


def within_mbco(run: Service, baseline: Service, mbco: float) -> np.ndarray:
    """Per day: 1.0 if the run is within the MBCO over the day's window, 0.0 if below, NaN if
    there is no window yet (fewer than ``MIN_ITEMS`` items delivered by the no-outage run since
    the run began).

    Within the MBCO: the service the run lost over the window, beyond what the no-outage run
    lost, is at most (1 - MBCO) x the items the no-outage run delivered in it. Service by a day
    is the items delivered so far plus those in hand (:meth:`Service.by_day`), so what it loses
    over a window is the items that went overdue or were cancelled, contacts held without a
    risk check, and work not yet created because the work before it waits."""
    delivered = np.concatenate(([0.0], np.cumsum(np.asarray(baseline.delivered, dtype=float))))
    ends = np.arange(1, len(delivered))
    # the latest window start with at least MIN_ITEMS no-outage items delivered up to the day
    starts = np.searchsorted(delivered, delivered[ends] - MIN_ITEMS, side="right") - 1
    has_window = starts >= 0
    starts = np.maximum(starts, 0)
    ours = np.concatenate(([0.0], run.by_day()))
    theirs = np.concatenate(([0.0], baseline.by_day()))
    # service lost before the window is not counted again in it, and a lead over the no-outage
    # run carries into it: doing work earlier is never service lost
    before = np.minimum(ours[starts], theirs[starts])
    lost = (theirs[ends] - theirs[starts]) - (ours[ends] - before)
    allowed = (1 - mbco) * (delivered[ends] - delivered[starts])
    return np.where(has_window, (lost <= allowed + 1e-9).astype(float), np.nan)


def assess(
    objective: Objective,
    run: Service,
    baseline: Service,
    working,
    start_day: int,
    restored_day: int,
) -> dict:
    """One run's objectives: whether the activity could be assessed, the days to resume, and
    whether the RTO, MTPD and MBCO were breached (None when not assessable).

    ``run`` and ``baseline`` are the activity's service in the run and in the no-outage run of
    the same replication; ``working`` marks working days."""
    working = np.asarray(working, dtype=bool)
    levels = within_mbco(run, baseline, objective.mbco)
    days = [d for d in range(start_day, len(levels)) if working[d] and levels[d] == levels[d]]
    if not days:
        return {
            "activity": objective.activity,
            "assessable": False,
            "days_to_resume": math.nan,
            "rto_breached": None,
            "mtpd_breached": None,
            "mbco_breached": None,
        }
    during = [d for d in days if d < max(restored_day, start_day + 1)]
    resumed = days_to_resume(levels, days, start_day)
    return {
        "activity": objective.activity,
        "assessable": True,
        "days_to_resume": resumed,
        "rto_breached": resumed > objective.rto_days,
        "mtpd_breached": resumed > objective.mtpd_days,
        "mbco_breached": any(levels[d] == 0.0 for d in during),
    }


def days_to_resume(levels: np.ndarray, days: list[int], start_day: int) -> float:
    """Days from the start to the first of ``RESUMED_FOR`` assessed working days in a row within
    the MBCO (0 if the first ones are, or the activity never fell below; inf if not within the
    run)."""
    if all(levels[d] == 1.0 for d in days):
        return 0.0
    for i in range(len(days) - RESUMED_FOR + 1):
        if all(levels[d] == 1.0 for d in days[i : i + RESUMED_FOR]):
            return float(days[i] - start_day) if i else 0.0
    return math.inf
