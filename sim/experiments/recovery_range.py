"""Time to recover under the ends of the recovery rule's tolerance range, from a saved
experiment's daily backlogs: nothing is run again.

The rule (:data:`sim.results.recovery.RULE`) is an assumption with a documented range, and time
to recover moves with it; a director should see by how much. :func:`recovery_range` measures
every run's time to recover again against the same replication's no-outage backlog (the
experiment's ``backlog`` table keeps both), with the tolerance at the strict (low) end of its
range, at the rule's value and at the loose (high) end, the hold kept at the rule's, and gives
P50 and P90 per plan as :func:`sim.experiments.compare.recovery_table` does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY
from sim.experiments.compare import NO_OUTAGE
from sim.experiments.statistics import nearest_rank
from sim.results.recovery import recovery_days, rule_of

COLUMNS = (
    "plan",
    "tolerance",
    "rule",
    "replications",
    "recovered",
    "time_to_recover_p50",
    "time_to_recover_p90",
)
ENDS = ("low end", "as used", "high end")  # the tolerance: strict end, the rule's, loose end


def recovery_range(backlog: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """Per plan and tolerance (:data:`ENDS`): the tolerance in words, the replications, how many
    recovered within the run, and time to recover P50 and P90 (NaN: after the run), from the
    experiment's ``backlog`` table (plan, replication, day, backlog). Empty when the scenario
    has no outage or the run ends before the outage does."""
    window = manifest.get("disruption_days")
    if not window or manifest["weeks"] * 7 <= window[1]:
        return pd.DataFrame(columns=list(COLUMNS))
    restored = window[1] * DAY
    rule = rule_of(manifest)
    low, high = rule.tolerance_range
    by_run = {
        key: group.sort_values("day")["backlog"].to_numpy()
        for key, group in backlog.groupby(["plan", "replication"])
    }
    base = {rep: values for (plan, rep), values in by_run.items() if plan == NO_OUTAGE}
    rows = []
    for plan in manifest["plans"]:
        runs = [(rep, v) for (p, rep), v in sorted(by_run.items()) if p == plan and rep in base]
        for end, tolerance in zip(ENDS, (low, rule.tolerance, high), strict=True):
            found = [
                recovery_days(v, base[rep], restored, tolerance, rule.hold_days) for rep, v in runs
            ]
            days = np.array([np.nan if d is None else d for d in found], dtype=float)
            rows.append(
                (
                    plan,
                    end,
                    tolerance.words(),
                    len(days),
                    int((~np.isnan(days)).sum()),
                    nearest_rank(days, 50),
                    nearest_rank(days, 90),
                )
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))
