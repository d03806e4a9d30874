"""Business-continuity objectives per prioritised activity: RTO, MTPD and MBCO (ISO 22301).

An activity is a set of tasks (e.g. recall requests). Its **service** on a working day is the
items of those tasks completed that day, as a share of the no-outage baseline's average per
working day (same replication). From the start of the disruption:

* **MBCO** (minimum business continuity objective, a share): breached if service falls below it
  on any working day before restoration;
* the activity is **resumed** on the first working day from which service stays at or above the
  MBCO for ``RESUMED_FOR`` working days in a row;
* **RTO** (recovery time objective, days): breached if resumption comes later than ``rto_days``
  after the disruption's start (or not within the run);
* **MTPD** (maximum tolerable period of disruption, days, at least the RTO): breached likewise
  against ``mtpd_days``.

Across replications each becomes a probability of breach.
"""

from __future__ import annotations

import math

import numpy as np

from sim.scenario.objectives import Objective

RESUMED_FOR = 5  # working days in a row at or above the MBCO (assumption, range 3-10)


def service_levels(completed, baseline_completed, working: np.ndarray) -> np.ndarray:
    """Daily completions as a share of the baseline's mean per working day (NaN off work days)."""
    completed = np.asarray(completed, dtype=float)
    normal = np.asarray(baseline_completed, dtype=float)[working].mean() if working.any() else 0.0
    levels = np.full(len(completed), np.nan)
    levels[working] = completed[working] / normal if normal > 0 else 1.0
    return levels


def assess(
    objective: Objective, completed, baseline_completed, working, start_day: int, restored_day: int
) -> dict:
    """One run's objectives: days to resume, and whether the RTO, MTPD and MBCO were breached.

    ``completed`` and ``baseline_completed`` are the activity's completions per day (index =
    day); ``working`` marks working days."""
    working = np.asarray(working, dtype=bool)
    levels = service_levels(completed, baseline_completed, working)
    days = [d for d in range(start_day, len(levels)) if working[d]]
    during = [d for d in days if d < max(restored_day, start_day + 1)]
    mbco_breached = any(levels[d] < objective.mbco for d in during)
    resumed = math.inf
    for i in range(len(days) - RESUMED_FOR + 1):
        if all(levels[d] >= objective.mbco for d in days[i : i + RESUMED_FOR]):
            resumed = float(days[i] - start_day)
            break
    return {
        "activity": objective.activity,
        "days_to_resume": resumed,
        "rto_breached": resumed > objective.rto_days,
        "mtpd_breached": resumed > objective.mtpd_days,
        "mbco_breached": bool(mbco_breached),
    }
