"""How each headline measure of one run is computed from its tables: one function per measure,
keyed by the name :mod:`sim.results.measures` defines it under.

:data:`SUMMARY` gives the run's ``summary`` table (in this order, with the registry's units);
:data:`BY_RISK` the missed risk checks by RoSH level that every experiment keeps per run. Time
to recover needs the same run without the outage, so the experiment computes it
(:mod:`sim.results.recovery`). Adding a measure is one registry entry and one function here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sim.domain.calendar import HOUR
from sim.domain.vocabulary import ROSH_LEVELS
from sim.domain.wmt import OVER_CAPACITY, OVER_HOURS
from sim.model.work import STATUSES
from sim.results.measures import MEASURES
from sim.results.workload import people_over

ENFORCEMENT_TASKS = ("enforcement_action", "breach_action")
HIGH_RISK = ("high", "very_high")  # the RoSH levels counted by ``missed_high_risk_checks``


def late_count(items: pd.DataFrame, end: float) -> int:
    """Items done after their deadline, or not done and past it at ``end`` (not cancelled)."""
    finished = items["finished_minute"].to_numpy()
    due = items["due_minute"].to_numpy()
    cancelled = items["cancelled_minute"].notna().to_numpy()
    late_done = finished > due
    overdue = np.isnan(finished) & ~cancelled & (due < end)
    return int(np.count_nonzero(late_done | overdue))


def delivered_by(messages: pd.DataFrame, end: float) -> np.ndarray:
    """Whether each message had reached its recipient by ``end`` (a lost message when its
    resend did)."""
    delivered = messages["delivered_minute"].to_numpy()
    return ~np.isnan(delivered) & (delivered <= end)


def late_delivery_count(messages: pd.DataFrame, end: float) -> int:
    """Messages delivered after their deadline, or not delivered by ``end`` and past it."""
    delivered = messages["delivered_minute"].to_numpy()
    due = messages["due_minute"].to_numpy()
    undelivered = ~delivered_by(messages, end)
    return int(np.count_nonzero((delivered > due) & ~undelivered | undelivered & (due < end)))


def censored_delays(messages: pd.DataFrame, end: float) -> np.ndarray:
    """Minutes from each message's creation to its delivery, a message not delivered by ``end``
    counting the minutes to ``end`` (censored there: its delay is at least that)."""
    delivered = np.where(delivered_by(messages, end), messages["delivered_minute"], end)
    return delivered - messages["created_minute"].to_numpy()


@dataclass(frozen=True)
class RunTables:
    """What the measures are computed from: a run's work items, daily backlog, people's weeks
    and risk checks, the minute it ended, and its daily re-keying debt (None: none)."""

    items: pd.DataFrame
    backlog: pd.DataFrame
    staff: pd.DataFrame
    risk: pd.DataFrame
    end: float
    rekeying_debt: pd.DataFrame | None = None

    @cached_property
    def by_day(self) -> pd.Series:
        return self.backlog.groupby("day")["backlog"].sum()

    def daily(self, series: str) -> np.ndarray:
        """One of :data:`DAILY_SERIES` at the end of each day."""
        if series == "backlog":
            return self.by_day.to_numpy()
        if self.rekeying_debt is None:
            return np.zeros(0)
        return self.rekeying_debt[series].to_numpy(dtype=float)

    @cached_property
    def recalls(self) -> pd.DataFrame:
        """One recall request per recall decision: a lost request's resend (which follows it
        up) is the same recall, delivered when the resend is."""
        items = self.items
        return items[(items["task"] == "recall_request") & (items["follows_item"] < 0)]

    @cached_property
    def status(self) -> pd.Series:
        return self.items["status"].value_counts()

    def tasks(self, *names: str) -> pd.DataFrame:
        return self.items[self.items["task"].isin(names)]


def _mean_or_zero(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else 0.0


def _recall_delay(t: RunTables) -> float:
    """Mean hours from decision to delivery, a recall not delivered by the end of the run
    counting the hours to the end (a restricted mean: a lower bound when some were not)."""
    hours = censored_delays(t.recalls, t.end) / HOUR
    return float(hours.mean()) if len(hours) else 0.0


def _recalls_delivered(t: RunTables) -> float:
    """The share of recall requests delivered by the end of the run (1 with none made)."""
    return float(delivered_by(t.recalls, t.end).mean()) if len(t.recalls) else 1.0


def _held_waits(t: RunTables) -> pd.Series:
    """Minutes from arrival to the start of each contact held (NaN where either is missing)."""
    held = t.items[t.items["outcome"] == "held"]
    return held["started_minute"] - held["arrived_minute"]


def _appointment_wait(t: RunTables) -> float:
    return _mean_or_zero(_held_waits(t).dropna())


def _first_appointments(t: RunTables) -> pd.DataFrame:
    return t.items[(t.items["task"] == "supervision_contact") & t.items["first_appointment"]]


def _status(name: str) -> Callable[[RunTables], float]:
    return lambda t: float(t.status.get(name, 0))


# The series kept for each day of a run (its value at the day's end): the total backlog (work
# not done), the re-keying debt in records and the hours it needs. An experiment keeps them per
# run; several offices' add up day by day (:mod:`sim.results.pooled`).
DAILY_SERIES = ("backlog", "rekeying_debt", "rekeying_debt_hours")


def _end(by_day: np.ndarray) -> float:
    return float(by_day[-1]) if len(by_day) else 0.0


def _mean(by_day: np.ndarray) -> float:
    return float(by_day.mean()) if len(by_day) else 0.0


def _peak(by_day: np.ndarray) -> float:
    return float(by_day.max()) if len(by_day) else 0.0


# The measures read from a daily series (one office's, or the sum of several offices'):
# name -> (series, how the days make one value)
FROM_DAILY: dict[str, tuple[str, Callable[[np.ndarray], float]]] = {
    "backlog_end": ("backlog", _end),
    "backlog_mean": ("backlog", _mean),
    "backlog_max": ("backlog", _peak),
    "rekeying_debt_max": ("rekeying_debt", _peak),
    "rekeying_debt_hours_max": ("rekeying_debt_hours", _peak),
    "rekeying_debt_end": ("rekeying_debt", _end),
    "rekeying_debt_hours_end": ("rekeying_debt_hours", _end),
}


def from_daily(name: str, by_day: np.ndarray) -> float:
    """The measure ``name`` of :data:`FROM_DAILY` from its series' values by day."""
    return FROM_DAILY[name][1](np.asarray(by_day, dtype=float))


def _from_daily(name: str) -> Callable[[RunTables], float]:
    return lambda t: from_daily(name, t.daily(FROM_DAILY[name][0]))


# name -> computation, in the order of the summary table
SUMMARY: dict[str, Callable[[RunTables], float]] = {
    **{name: _from_daily(name) for name in FROM_DAILY},
    "missed_risk_checks": lambda t: float(t.risk["missed_risk_checks"].sum()),
    "deferred_contacts": lambda t: float(t.risk["deferred_contacts"].sum()),
    "appointments_rebooked": lambda t: float(t.risk["appointments_rebooked"].sum()),
    "contacts_held": lambda t: float(t.risk["contacts_held"].sum()),
    "appointment_wait_mean": _appointment_wait,
    "recalls": lambda t: float(len(t.recalls)),
    "recall_delay_mean": _recall_delay,
    "recalls_delivered_share": _recalls_delivered,
    "late_recalls": lambda t: float(late_delivery_count(t.recalls, t.end)),
    "late_first_appointments": lambda t: float(late_count(_first_appointments(t), t.end)),
    "late_court_results": lambda t: float(late_count(t.tasks("court_results_entry"), t.end)),
    "late_enforcement": lambda t: float(late_count(t.tasks(*ENFORCEMENT_TASKS), t.end)),
    "workload_mean": lambda t: float(t.staff["workload"].mean()),
    "extra_hours": lambda t: float(t.staff["extra_hours"].sum()),
    "overtime_hours": lambda t: float(t.staff["overtime_hours"].sum()),
    "overtime_for_unpaid_hours": lambda t: float(t.staff["overtime_for_unpaid_hours"].sum()),
    "double_handling_hours": lambda t: float(t.staff["double_handling_hours"].sum()),
    "login_wait_hours": lambda t: float(t.staff["login_wait_hours"].sum()),
    "task_hours": lambda t: float(t.staff["task_hours"].sum()),
    "wmt_capacity_mean": lambda t: _mean_or_zero(t.staff["wmt_capacity"].dropna()),
    "staff_over_110_for_4_weeks": lambda t: float(
        people_over(t.staff, "wmt_capacity", OVER_CAPACITY)
    ),
    "staff_over_110_hours_4_weeks": lambda t: float(people_over(t.staff, "workload", OVER_HOURS)),
    **{f"items_{name}": _status(name) for name in STATUSES},
}


# What each mean or share is a mean over, in this run: the weight an office's value has when
# several offices' are pooled (:mod:`sim.results.national`). Every measure pooled as
# "mean_over_observations" in the registry has one.
OBSERVATIONS: dict[str, Callable[[RunTables], float]] = {
    "appointment_wait_mean": lambda t: float(_held_waits(t).count()),
    "recall_delay_mean": lambda t: float(len(t.recalls)),
    "recalls_delivered_share": lambda t: float(len(t.recalls)),
    "workload_mean": lambda t: float(t.staff["workload"].count()),
    "wmt_capacity_mean": lambda t: float(t.staff["wmt_capacity"].count()),
}


def summary_table(tables: RunTables) -> pd.DataFrame:
    """One row per headline measure: its name, its value in this run, its unit, and for a mean
    or share the number of observations it is over (NaN for a count or a total)."""
    rows = [
        (
            name,
            compute(tables),
            MEASURES[name].unit,
            OBSERVATIONS[name](tables) if name in OBSERVATIONS else np.nan,
        )
        for name, compute in SUMMARY.items()
    ]
    return pd.DataFrame(rows, columns=["measure", "value", "unit", "observations"])


def by_risk(risk_checks: pd.DataFrame) -> dict[str, float]:
    """Missed risk checks by RoSH level, and at high or very high RoSH together, from a run's
    ``risk_checks`` table."""
    missed = dict(
        zip(risk_checks["rosh"], map(float, risk_checks["missed_risk_checks"]), strict=True)
    )
    out = {f"missed_risk_checks_{level}": missed.get(level, 0.0) for level in ROSH_LEVELS}
    out["missed_high_risk_checks"] = sum(missed.get(level, 0.0) for level in HIGH_RISK)
    return out
