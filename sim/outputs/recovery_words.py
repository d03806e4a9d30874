"""The recovery rule in words, beside every time to recover a view shows: the rule itself, time
to recover at both ends of its tolerance's range, why a run too short or with too many runs not
recovered by its end is not ranked on it, and that there was nothing to recover from.

Every view (verdict, report, app) takes these sentences from here, and the numbers from the
experiment's tables and manifest (:func:`sim.results.recovery.rule_of` gives the rule an
experiment was made under)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.domain.vocabulary import counted
from sim.experiments.compare import NO_OUTAGE
from sim.experiments.comparison import unrecovered
from sim.experiments.recovery_range import recovery_range
from sim.experiments.statistics import nearest_rank
from sim.outputs.readable import CONVENTIONS
from sim.results.recovery import RULE, RecoveryRule, rule_of, too_short_to_recover

NOTHING_TO_RECOVER = "There was no outage to recover from, so no time to recover is measured."


def nothing_to_recover(manifest: dict | None) -> str | None:
    """That the experiment had no outage to recover from (None: it had one, or its manifest
    does not say)."""
    found = manifest or {}
    if "disruption_days" not in found or found["disruption_days"]:
        return None
    return NOTHING_TO_RECOVER


def rule_sentence(manifest: dict | None) -> str:
    """``Time to recover: recovered once back within ... (assumptions: ...).``"""
    return f"Time to recover: {rule_of(manifest).words()}."


def too_short_sentence(manifest: dict | None) -> str | None:
    """Why time to recover is not read (nor plans ranked on it) when the run ends before the
    outage's end plus the rule's margin; None when the run is long enough."""
    if not too_short_to_recover(manifest):
        return None
    return (
        f"The run ended less than {rule_of(manifest).margin_days:g} days after the outage did, "
        "too soon to read time to recover: most runs are cut off by the end of the run, so no "
        "plan is ranked on it. Run more weeks to see it."
    )


def censored_sentence(recovery: pd.DataFrame, manifest: dict | None) -> str | None:
    """Why plans are not ranked on time to recover when some plan has more replications not
    recovered by the end of the run than the rule allows (None: they may be ranked)."""
    found = unrecovered(recovery, rule_of(manifest))
    if not found:
        return None
    first, *rest = [f"{c} of {n} replications of {plan}" for plan, c, n in found]
    listed = " and ".join(filter(None, [", ".join([first, *rest[:-1]]), *rest[-1:]]))
    return (
        f"Not ranked on time to recover: {listed} did not recover by the end of the run; run "
        "longer."
    )


def ranked_on_recovery(recovery: pd.DataFrame, manifest: dict | None) -> bool:
    """Whether plans may be ranked on time to recover: the run is long enough after the
    outage and no plan has too many replications not recovered by its end."""
    return not too_short_to_recover(manifest) and not unrecovered(recovery, rule_of(manifest))


def recovery_note(manifest: dict) -> str:
    """The note beside the time to recover at both ends of the tolerance's range."""
    note = (
        f"{rule_sentence(manifest)} The same runs measured again with the tolerance at the "
        "low (strict) and high (loose) ends of its range, from the stored daily backlogs: how "
        "far the figure rests on that assumption. " + CONVENTIONS["percentile"]
    )
    short = too_short_sentence(manifest)
    return note if short is None else f"{note} {short}"


def recovery_range_rows(backlog: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """Time to recover P50/P90 per plan at the low end of the tolerance's range, as used and
    at the high end, as text cells with headings in words (empty: nothing to recover from)."""
    found = recovery_range(backlog, manifest)

    def days(value: float) -> str:
        return "after the run" if value != value else f"{value:.0f}"

    return pd.DataFrame(
        {
            "plan": found["plan"],
            "tolerance": found["tolerance"],
            "recovered when within": found["rule"],
            "time to recover, P50 (days)": found["time_to_recover_p50"].map(days),
            "time to recover, P90 (days)": found["time_to_recover_p90"].map(days),
            "replications recovered": [
                f"{r.recovered} of {r.replications}" for r in found.itertuples()
            ],
        }
    )


def recovery_sentence(
    recovery: pd.DataFrame, rule: RecoveryRule = RULE, rekeyed: dict[str, str] | None = None
) -> str | None:
    """Time to recover plan by plan (the backlog, work not done, back to the no-outage run's);
    ``rekeyed``: for plans that left paper records, when they were all keyed in."""
    rekeyed = rekeyed or {}
    rows = recovery[recovery["plan"] != NO_OUTAGE].dropna(subset=["recovered_share"])
    if rows.empty:
        return None
    parts = []
    for row in rows.itertuples():
        n = int(row.replications)
        recovered = int(row.recovered)
        within = f"{recovered} of {counted(n, 'replication')} recovered within the run"
        if recovered == 0:
            parts.append(
                f"{row.plan}: no replication had recovered by the end of the run (0 of {n})"
            )
        elif math.isnan(row.time_to_recover_p50):
            parts.append(f"{row.plan}: P50 after the end of the run ({within})")
        elif math.isnan(row.time_to_recover_p90):
            parts.append(
                f"{row.plan}: P50 {counted(round(row.time_to_recover_p50), 'day')}; P90 after "
                f"the end of the run ({within})"
            )
        else:
            parts.append(
                f"{row.plan}: P50 {counted(round(row.time_to_recover_p50), 'day')}, P90 "
                f"{counted(round(row.time_to_recover_p90), 'day')} ({within})"
            )
        parts[-1] += rekeyed.get(row.plan, "")
    return f"Time to recover after the outage ended ({rule.short()}) - " + "; ".join(parts) + "."


def rekeyed_words(backlog: pd.DataFrame | None, manifest: dict | None) -> dict[str, str]:
    """For each plan that left paper records to re-key: when, after the outage ended, they
    were all keyed in (P50 over replications), or how many replications still had records
    waiting at the end of the run. Time to recover reads the backlog (work not done) alone, so
    this is said beside it: back to normal is not the same as every record keyed in."""
    days = (manifest or {}).get("disruption_days")
    if backlog is None or "rekeying_debt" not in backlog or not days:
        return {}
    restored = int(days[1])
    words = {}
    for plan, rows in backlog.groupby("plan", sort=False):
        if rows["rekeying_debt"].max() <= 0:
            continue
        cleared = []
        for _, run in rows.sort_values("day").groupby("replication"):
            owed = run.loc[run["day"] >= restored, "rekeying_debt"].to_numpy()
            last = np.flatnonzero(owed > 0)
            cleared.append(
                math.nan
                if len(last) and last[-1] == len(owed) - 1
                else (last[-1] + 1 if len(last) else 0)
            )
        waiting = sum(math.isnan(c) for c in cleared)
        p50 = nearest_rank(np.array(cleared, dtype=float), 50)
        words[str(plan)] = (
            f"; its paper records still awaiting re-keying at the end of the run in {waiting} "
            f"of {counted(len(cleared), 'replication')}"
            if math.isnan(p50)
            else f"; its paper records all re-keyed P50 {counted(int(p50), 'day')} after the "
            "outage ended"
            + (f" (not by the end of the run in {waiting} of {len(cleared)})" if waiting else "")
        )
    return words
