"""Forecasts for directors: recovery dates and objectives as red, amber or green.

A run counts days from its start; a director thinks in dates. Given the date the outage began,
each plan's recovery date is that date plus the outage's length (from the experiment's manifest)
plus the time to recover (P50 and P90 over replications, from the ``recovery`` table).

Objective status by probability of breach: green below 10%, amber from 10% to below 50%, red from
50% (assumption: thresholds a continuity plan would set for itself; range 5-20% and 33-50%). An
activity the no-outage run delivers too little of to judge is "not assessable at this volume"
(:mod:`sim.results.objectives`), a status of its own: never met, never breached.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd

from sim.experiments.compare import NO_OUTAGE
from sim.outputs.readable import probability_text
from sim.results.objectives import NOT_ASSESSABLE

AMBER_FROM = 0.10
RED_FROM = 0.50
STATUS_WORDS = {
    "green": "met",
    "amber": "at risk",
    "red": "breached",
    "unknown": "unknown",
    "not_assessable": NOT_ASSESSABLE,
}
STATUS_COLOURS = {
    "met": "#d1fadf",
    "at risk": "#fef0c7",
    "breached": "#fee4e2",
    "unknown": "#f2f4f7",
    NOT_ASSESSABLE: "#e4e7ec",
}
OBJECTIVES = (("rto", "RTO"), ("mtpd", "MTPD"), ("mbco", "MBCO"))


def status(probability: float) -> str:
    """``green``, ``amber`` or ``red`` for a probability of breach (``unknown`` if NaN)."""
    if probability is None or math.isnan(probability):
        return "unknown"
    return "red" if probability >= RED_FROM else "amber" if probability >= AMBER_FROM else "green"


def assessed_in(row) -> int | None:
    """The replications an objectives row was assessed in (None in experiments saved before
    the table counted them: then every replication was)."""
    assessed = getattr(row, "assessed", None)
    return None if assessed is None else int(assessed)


def objective_state(probability: float, assessed: int | None) -> str:
    """:func:`status`, or ``not_assessable`` when no replication could be assessed."""
    return "not_assessable" if assessed == 0 else status(probability)


def _date(start: date, days: float) -> date | None:
    return None if days is None or math.isnan(days) else start + timedelta(days=math.ceil(days))


def recovery_dates(recovery: pd.DataFrame, manifest: dict, outage_began: date) -> pd.DataFrame:
    """Per plan: the date the outage ended, the recovery dates at P50 and P90 (None where
    the run ended first), the share of replications recovered and of how many."""
    window = manifest.get("disruption_days")
    columns = [
        "plan",
        "outage_ended",
        "recovered_p50",
        "recovered_p90",
        "recovered_share",
        "replications",
    ]
    if not window:
        return pd.DataFrame(columns=columns)
    ended = outage_began + timedelta(days=math.ceil(window[1] - window[0]))
    rows = [
        (
            r.plan,
            ended,
            _date(ended, r.time_to_recover_p50),
            _date(ended, r.time_to_recover_p90),
            r.recovered_share,
            getattr(r, "replications", None),
        )
        for r in recovery.itertuples()
        if r.plan != NO_OUTAGE
    ]
    return pd.DataFrame(rows, columns=columns)


def _target(kind: str, value: float) -> str:
    if kind == "mbco":
        return f"{value:.0%} of normal service"
    return f"{value:g} day{'' if value == 1 else 's'}"


def _days(days: float, assessed: int | None) -> str:
    if assessed == 0:
        return NOT_ASSESSABLE
    return "not within the run" if days != days else f"{days:g}"


def objective_rows(objectives: pd.DataFrame) -> pd.DataFrame:
    """One row per plan, activity and objective: its target, the probability it is breached
    (over the replications assessed, in words: "5 of 5" from few, as
    :func:`sim.outputs.readable.probability_text` says it), its status in words (met, at risk,
    breached, or not assessable at this volume), the median days to resume, the replications
    assessed, and what counts as the activity's service (a contact held without a risk check is
    not delivered safely)."""
    rows = []
    for r in objectives.itertuples():
        assessed = assessed_in(r)
        for kind, name in OBJECTIVES:
            p = getattr(r, f"p_{kind}_breached")
            rows.append(
                {
                    "plan": r.plan,
                    "activity": r.activity,
                    "objective": name,
                    "target": _target(
                        kind, getattr(r, f"{kind}_days" if kind != "mbco" else "mbco")
                    ),
                    "probability of breach": probability_text(
                        p,
                        NOT_ASSESSABLE if assessed == 0 else "-",
                        int(r.replications) if assessed is None else assessed,
                        percent=True,
                    ),
                    "status": STATUS_WORDS[objective_state(p, assessed)],
                    "days to resume, median": _days(r.days_to_resume_p50, assessed),
                    "replications assessed": (
                        f"{int(r.replications)}"
                        if assessed is None
                        else f"{assessed} of {int(r.replications)}"
                    ),
                    "service counted": getattr(r, "service_counted", "-"),
                }
            )
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


ROW_COLUMNS = [
    "plan",
    "activity",
    "objective",
    "target",
    "probability of breach",
    "status",
    "days to resume, median",
    "replications assessed",
    "service counted",
]


def objective_status(objectives: pd.DataFrame) -> pd.DataFrame:
    """The objectives table with a status per objective: ``rto``, ``mtpd``, ``mbco``."""
    out = objectives.copy()
    assessed = [assessed_in(r) for r in out.itertuples()]
    for kind in ("rto", "mtpd", "mbco"):
        out[f"{kind}_status"] = [
            objective_state(p, n) for p, n in zip(out[f"p_{kind}_breached"], assessed, strict=True)
        ]
    return out
