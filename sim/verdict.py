"""A plain-language verdict on an experiment: which plan did best on what, by how much, how sure.

Sentences are built from the ``comparison``, ``recovery`` and ``objectives`` tables only, so a
verdict read from a saved experiment is the verdict made when it ran. A difference counts as
clear when its paired 95% interval excludes zero; otherwise the verdict says the replications
cannot tell the plans apart.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.claims import OFFICE_MEASURES
from sim.experiment import NO_OUTAGE
from sim.plans import DO_NOTHING
from sim.vocabulary import pretty

# Measures the verdict speaks about: name -> (words, unit words), worded as the claim tester's
HEADLINE = {m: OFFICE_MEASURES[m] for m in ("backlog_mean", "missed_high_risk_checks",
                                            "late_recalls")}


def _best(comparison: pd.DataFrame, measure: str) -> pd.Series | None:
    rows = comparison[(comparison["measure"] == measure) & (comparison["plan"] != NO_OUTAGE)]
    rows = rows.dropna(subset=["mean"])
    return None if rows.empty else rows.sort_values(["mean", "plan"]).iloc[0]


def measure_sentence(comparison: pd.DataFrame, measure: str) -> str | None:
    """Which plan gives the lowest ``measure``, and whether it clearly beats doing nothing."""
    best = _best(comparison, measure)
    if best is None:
        return None
    words, unit = HEADLINE.get(measure, (pretty(measure), ""))
    n = int(best["replications"])
    plans = comparison[(comparison["measure"] == measure) & (comparison["plan"] != NO_OUTAGE)]
    if (plans["mean"] == best["mean"]).all():
        return f"Every plan gave the same {words}: {best['mean']:,.1f} {unit} on average."
    head = (f"Lowest {words}: {best['plan']}, {best['mean']:,.1f} {unit} on average "
            f"(95% interval {best['ci_low']:,.1f} to {best['ci_high']:,.1f}, {n} replications).")
    if best["plan"] == DO_NOTHING.name:
        return head + " No plan did better than doing nothing on this measure."
    low, high, mean = (best["vs_do_nothing_low"], best["vs_do_nothing_high"],
                       best["vs_do_nothing_mean"])
    if math.isnan(mean):
        return head
    if high < 0:
        return (head + f" That is {-mean:,.1f} fewer than doing nothing (95% interval "
                f"{-high:,.1f} to {-low:,.1f}); it did better in "
                f"{best['probability_better']:.0%} of replications.")
    return (head + f" The difference from doing nothing ({mean:+,.1f}, 95% interval "
            f"{low:+,.1f} to {high:+,.1f}) is within what {n} replications can tell apart.")


def recovery_sentence(recovery: pd.DataFrame) -> str | None:
    rows = recovery[recovery["plan"] != NO_OUTAGE].dropna(subset=["recovered_share"])
    if rows.empty:
        return None
    parts = []
    for row in rows.itertuples():
        if row.recovered_share == 0:
            parts.append(f"{row.plan}: no replication had recovered by the end of the run")
        elif math.isnan(row.time_to_recover_p50):
            parts.append(f"{row.plan}: half the replications had not recovered by the end of "
                         f"the run ({row.recovered_share:.0%} recovered)")
        elif math.isnan(row.time_to_recover_p90):
            parts.append(f"{row.plan}: P50 {row.time_to_recover_p50:.0f} days, but 1 in 10 "
                         f"replications had not recovered by the end")
        else:
            parts.append(f"{row.plan}: P50 {row.time_to_recover_p50:.0f} days, P90 "
                         f"{row.time_to_recover_p90:.0f} days")
    return "Time to recover after the outage ended - " + "; ".join(parts) + "."


def objectives_sentence(objectives: pd.DataFrame | None) -> str | None:
    if objectives is None or objectives.empty:
        return None
    risky = objectives[objectives["p_mtpd_breached"] >= 0.5]
    if risky.empty:
        worst = objectives.sort_values("p_rto_breached").iloc[-1]
        return (f"No plan is more likely than not to breach a maximum tolerable period of "
                f"disruption; the highest RTO breach probability is {worst['p_rto_breached']:.0%} "
                f"({worst['activity']}, {worst['plan']}).")
    listed = "; ".join(f"{r.activity} under {r.plan} ({r.p_mtpd_breached:.0%})"
                       for r in risky.itertuples())
    return f"More likely than not to breach the MTPD: {listed}."


def verdict(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The verdict as short sentences, most important first."""
    sentences = [measure_sentence(tables["comparison"], m) for m in HEADLINE]
    sentences.append(recovery_sentence(tables["recovery"]))
    sentences.append(objectives_sentence(tables.get("objectives")))
    return [s for s in sentences if s]
