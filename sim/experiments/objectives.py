"""The ``objectives`` table of an experiment: per plan and prioritised activity, the probability
that the RTO, MTPD and MBCO are breached, each run assessed against the no-outage run of its own
replication (:mod:`sim.results.objectives`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY
from sim.experiments.engines import NO_OUTAGE, RunOutcome
from sim.experiments.statistics import nearest_rank
from sim.results.objectives import assess, counted_as
from sim.results.recovery import disruption_start, restoration_minute
from sim.scenario.schema import Scenario, office_calendar

COLUMNS = [
    "plan",
    "activity",
    "rto_days",
    "mtpd_days",
    "mbco",
    "p_rto_breached",
    "p_mtpd_breached",
    "p_mbco_breached",
    "days_to_resume_p50",
    "replications",
    "assessed",
    "service_counted",
]


def objectives_table(
    outcomes: list[RunOutcome], scenario: Scenario, plan_names: list[str], weeks: int
) -> pd.DataFrame:
    """Per plan and prioritised activity: the probability (share of the replications assessed)
    that the RTO, MTPD and MBCO are breached and the median days to resume; ``assessed`` counts
    the replications in which the activity could be assessed (0: not assessable at this volume,
    every probability NaN) and ``service_counted`` says what counts as service delivered. Empty
    without objectives, without a disruption, or when the run ends before the disruption
    starts."""
    start, restored = disruption_start(scenario), restoration_minute(scenario)
    if not scenario.objectives or start is None or restored is None or start >= weeks * 7 * DAY:
        return pd.DataFrame(columns=COLUMNS)
    calendar = office_calendar(scenario, weeks * 7)
    working = np.array([calendar.is_working_day(d) for d in range(weeks * 7)])
    base = {o.replication: o.service for o in outcomes if o.label == NO_OUTAGE}
    rows = []
    for label in plan_names:
        runs = [o for o in outcomes if o.label == label and o.replication in base]
        for objective in scenario.objectives:
            results = [
                assess(
                    objective,
                    o.service[objective.activity],
                    base[o.replication][objective.activity],
                    working,
                    int(start // DAY),
                    int(restored // DAY),
                )
                for o in runs
            ]
            assessed = [a for a in results if a["assessable"]]
            rows.append(
                {
                    "plan": label,
                    "activity": objective.activity,
                    "rto_days": objective.rto_days,
                    "mtpd_days": objective.mtpd_days,
                    "mbco": objective.mbco,
                    **{
                        f"p_{k}_breached": (
                            float(np.mean([a[f"{k}_breached"] for a in assessed]))
                            if assessed
                            else math.nan
                        )
                        for k in ("rto", "mtpd", "mbco")
                    },
                    "days_to_resume_p50": nearest_rank(
                        np.array([a["days_to_resume"] for a in assessed]), 50
                    ),
                    "replications": len(results),
                    "assessed": len(assessed),
                    "service_counted": counted_as(objective),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)
