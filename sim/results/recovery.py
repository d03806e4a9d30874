"""Time to recover: from restoration until the backlog is back to the no-outage baseline.

The **baseline** is the same scenario with its ``outages`` emptied, run with the same seed and
replication (and plan), so the two runs share their demand (common random numbers) and differ
only by the outage. **Restoration** is the end of the scenario's last effective disruption.

The backlog (work not done: paper records awaiting re-keying are the re-keying debt, not
backlog) is compared once a day, at the day's end (the ``backlog_daily`` table, summed over
tasks). The office has recovered on the first day from which the backlog stays within the
tolerance of the baseline's for ``HOLD_DAYS`` days in a row; **time to recover** counts the days
from the day of restoration to that day (0: back by the end of the day it was restored). A
backlog below the baseline's counts as recovered. None: not recovered within the run.

The rule's constants, their documented ranges and the margin a run needs after restoration are
:data:`RULE` (a :class:`RecoveryRule`): every view that shows a time to recover reads them from
there (or from an experiment's manifest, which keeps the rule it was made under).

The two runs share their demand, not the order work is done in after the outage, so their
backlogs never quite coincide again: read time to recover over many replications (P50/P90).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY
from sim.scenario.outages import Outages
from sim.scenario.schema import Scenario, headcount


@dataclass(frozen=True)
class Tolerance:
    """How close to the baseline counts as recovered: within ``max(items, share × baseline)``
    items of the baseline's backlog that day. Assumption: 10 items or 25% (ranges 5-20 items,
    10-30%: :data:`TOLERANCE_RANGE`): above the few items by which a run and its baseline keep
    differing once the order of work has changed, well below an outage's backlog."""

    items: float = 10.0
    share: float = 0.25

    def words(self) -> str:
        """``max(10 items, 25%)``."""
        return f"max({self.items:g} items, {self.share:.0%})"


HOLD_DAYS = 7  # "back to baseline" means within tolerance for a whole week (assumption, 5-14)
# The low (strict) and high (loose) ends of the tolerance's documented range (assumption)
TOLERANCE_RANGE = (Tolerance(items=5.0, share=0.10), Tolerance(items=20.0, share=0.30))
HOLD_RANGE = (5, 14)  # days (assumption)
# A run must last this many days after restoration for its time to recover to be read: a
# recovery takes a few weeks, and the rule needs the backlog to hold for HOLD_DAYS before the
# end (assumption, range 7-28 days). Shorter: compare warns and the app does not rank on it.
MARGIN_DAYS = 14.0
# Plans are ranked on time to recover only when each has at most this share of its replications
# censored (not recovered by the end of the run): beyond it a rank compares ends of the run, not
# recoveries (assumption: one in five; range 0-0.4). Censored runs are still reported as such.
MAX_CENSORED_SHARE = 0.2


@dataclass(frozen=True)
class RecoveryRule:
    """The recovery rule as the views show it: the tolerance and hold used, their documented
    ranges, and the margin a run needs after restoration (see the module's docstring)."""

    tolerance: Tolerance = Tolerance()
    hold_days: int = HOLD_DAYS
    tolerance_range: tuple[Tolerance, Tolerance] = TOLERANCE_RANGE
    hold_range: tuple[int, int] = HOLD_RANGE
    margin_days: float = MARGIN_DAYS
    max_censored_share: float = MAX_CENSORED_SHARE

    def short(self) -> str:
        """The rule in a phrase: ``back within max(10 items, 25%) of ... for 7 days in a row``."""
        return (
            f"back within {self.tolerance.words()} of the same replication's no-outage backlog "
            f"for {self.hold_days} days in a row"
        )

    def words(self) -> str:
        """The rule in words, with its assumptions' ranges."""
        low, high = self.tolerance_range
        return (
            f"recovered once {self.short()} (assumptions: tolerance from {low.words()} to "
            f"{high.words()}, hold {self.hold_range[0]}-{self.hold_range[1]} days); plans are "
            f"ranked on it only when at most {self.max_censored_share:.0%} of each plan's "
            "replications had not recovered by the end of the run (assumption, range 0-40%)"
        )

    def too_censored(self, censored: int, replications: int) -> bool:
        """Whether a plan with ``censored`` of its ``replications`` not recovered by the end of
        the run has too many for plans to be ranked on time to recover."""
        return replications > 0 and censored > self.max_censored_share * replications + 1e-9

    def as_dict(self) -> dict:
        """The rule as plain data, for an experiment's manifest."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RecoveryRule:
        low, high = (Tolerance(**t) for t in data["tolerance_range"])
        return cls(
            Tolerance(**data["tolerance"]),
            int(data["hold_days"]),
            (low, high),
            (int(data["hold_range"][0]), int(data["hold_range"][1])),
            float(data["margin_days"]),
            float(data.get("max_censored_share", MAX_CENSORED_SHARE)),  # absent: saved before
        )


RULE = RecoveryRule()


def rule_of(manifest: dict | None) -> RecoveryRule:
    """The recovery rule an experiment was made under (its manifest's ``recovery_rule``; the
    current rule for experiments saved before manifests kept it)."""
    found = (manifest or {}).get("recovery_rule")
    return RULE if not found else RecoveryRule.from_dict(found)


def too_short_to_recover(manifest: dict | None) -> bool:
    """Whether an experiment's run ends before its restoration day plus the rule's margin, too
    soon to read time to recover (False with no outage)."""
    found = manifest or {}
    window = found.get("disruption_days")
    if not window:
        return False
    return found["weeks"] * 7 < window[1] + rule_of(found).margin_days


def baseline_of(scenario: Scenario) -> Scenario:
    """The same scenario with no outages (validated again), for the baseline run."""
    return scenario.with_changes(outages=Outages().model_dump())


def effective_disruptions(scenario: Scenario) -> list[tuple[float, float]]:
    """Each disruption that changes something, as (start, end) minutes.

    Windows (down, login caps, slow, email loss, office caps, staff away) run from their start
    to their end; record losses and surges happen at one moment. Disruptions that change nothing
    are left out: empty windows, slowdowns of factor 1, caps at or above the headcount, losses or
    surges of no case."""
    outages = scenario.outages
    staff = headcount(scenario)
    windows = [
        w
        for kind in ("down", "slow", "email_loss", "login_cap", "office_cap", "staff_absent")
        for w in getattr(outages, kind)
        if w.has_effect(staff)
    ]
    moments = [m.at.minute for m in outages.record_loss if m.has_effect(staff)]
    moments += [m.at.minute for m in outages.surges if m.has_effect(staff)]
    moments += [m.at.minute for m in outages.work_lost if m.has_effect(staff)]
    return [(w.start_minute, w.end_minute) for w in windows] + [(t, t) for t in moments]


def restoration_minute(scenario: Scenario) -> float | None:
    """The end of the scenario's last effective disruption (minute), or None with none (see
    :func:`effective_disruptions`)."""
    ends = [end for _, end in effective_disruptions(scenario)]
    return max(ends) if ends else None


def disruption_start(scenario: Scenario) -> float | None:
    """The minute the first effective disruption starts (None: no outage)."""
    starts = [start for start, _ in effective_disruptions(scenario)]
    return min(starts) if starts else None


def total_backlog(result) -> pd.Series:
    """Backlog summed over tasks, by day."""
    return result["backlog_daily"].groupby("day")["backlog"].sum()


def time_to_recover(
    result,
    baseline,
    restored_minute: float | None,
    tolerance: Tolerance = Tolerance(),
    hold_days: int | None = HOLD_DAYS,
) -> float | None:
    """Days from the day of restoration until the backlog is back within ``tolerance`` of the
    baseline's and stays there for ``hold_days`` days in a row (None: to the end of the run);
    None if that does not happen within the run. ``restored_minute`` None (no disruption)
    counts from the first day.

    The outage run and its baseline share their demand but not, after the outage, the order in
    which work is done, so their backlogs keep differing by a few items either way for good;
    "to the end of the run" therefore makes the answer depend on the run's length, which
    ``hold_days`` does not."""
    backlog = total_backlog(result)
    base = total_backlog(baseline).reindex(backlog.index).to_numpy()
    return recovery_days(backlog.to_numpy(), base, restored_minute, tolerance, hold_days)


def recovery_days(
    backlog,
    base,
    restored_minute: float | None,
    tolerance: Tolerance = Tolerance(),
    hold_days: int | None = HOLD_DAYS,
) -> float | None:
    """:func:`time_to_recover` on daily total backlogs (arrays indexed by day from 0)."""
    backlog, base = np.asarray(backlog, dtype=float), np.asarray(base, dtype=float)
    day_index = np.arange(len(backlog))
    restored_day = 0 if restored_minute is None else int(restored_minute // DAY)
    after = day_index >= restored_day
    excess = backlog[after] - base[after]
    within = excess <= np.maximum(tolerance.items, tolerance.share * base[after])
    days = day_index[after]
    if hold_days is None:
        if len(within) == 0 or not within[-1]:
            return None
        outside = np.flatnonzero(~within)
        return float(days[outside[-1] + 1 if len(outside) else 0] - restored_day)
    for i in range(len(within) - hold_days + 1):
        if within[i : i + hold_days].all():
            return float(days[i] - restored_day)
    return None


def recovery_table(
    result,
    baseline,
    scenario: Scenario,
    tolerance: Tolerance = Tolerance(),
    hold_days: int | None = HOLD_DAYS,
) -> pd.DataFrame:
    """One row: the day of restoration, time to recover (days, NaN if not within the run), the
    backlog's peak and its day, the baseline's mean backlog, and beside them the re-keying
    debt's peak (records and hours)."""
    restored = restoration_minute(scenario)
    recover = time_to_recover(result, baseline, restored, tolerance, hold_days)
    backlog = total_backlog(result)
    debt = result.tables.get("rekeying_debt_daily")
    if debt is None or debt.empty:
        debt = pd.DataFrame({"rekeying_debt": [0.0], "rekeying_debt_hours": [0.0]})
    return pd.DataFrame(
        [
            {
                "restored_day": np.nan if restored is None else restored / DAY,
                "time_to_recover_days": np.nan if recover is None else recover,
                "backlog_peak": float(backlog.max()) if len(backlog) else 0.0,
                "backlog_peak_day": int(backlog.idxmax()) if len(backlog) else 0,
                "baseline_backlog_mean": float(total_backlog(baseline).mean()),
                "rekeying_debt_peak": float(debt["rekeying_debt"].max()),
                "rekeying_debt_hours_peak": float(debt["rekeying_debt_hours"].max()),
            }
        ]
    )
