"""A plain-language verdict on an experiment: which plan did best on what, by how much, how sure.

Sentences are built from the experiment's tables only (``comparison``, ``runs``, ``recovery``,
``objectives``), so a verdict read from a saved experiment is the verdict made when it ran, and
every number in a sentence is read from those tables.

A difference counts as **clear** when its paired 95% interval excludes zero, never on the
probability of being better alone (which is 1 for a small gain in every replication, and shown
as ">0.99": :func:`sim.outputs.readable.probability_text`). The verdict never
headlines a difference that is not clear: a plan is named best on a measure only if it is
clearly better than the experiment's reference plan (its manifest's ``reference``: doing
nothing, or carrying on as decided at a tabletop decision), and if the replications cannot tell
it from the next best plan, the sentence says so. When a plan named best on one measure is
clearly worse on another (than the reference, or than the plan named best there), a trade-off
sentence says so.

Plans are ranked on work not done (the backlog), never on the re-keying debt: paper records
awaiting re-keying are stated plan by plan beside the backlog (the measures the registry marks
``verdict_states``), so a plan that does the work on paper is neither hidden nor ranked last
for the records it leaves to key in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.domain.vocabulary import counted
from sim.experiments.compare import NO_OUTAGE
from sim.experiments.comparison import reference_of
from sim.experiments.statistics import Interval, paired_difference
from sim.outputs.charts import recovery_horizon
from sim.outputs.readable import probability_text
from sim.outputs.recovery_words import (
    censored_sentence,
    nothing_to_recover,
    recovery_sentence,
    rekeyed_words,
    too_short_sentence,
)
from sim.results.measures import headlined, measure
from sim.results.objectives import MIN_ITEMS, NOT_ASSESSABLE
from sim.results.recovery import rule_of
from sim.scenario.plans import DO_NOTHING, reference_words

HEADLINE = headlined("verdict")
# Stated beside the ranking, never ranked on: the re-keying debt in records, then in hours
RECORDS, HOURS = headlined("verdict_states")


@dataclass(frozen=True)
class Finding:
    """What the verdict found on one measure: the plan named best (None: none clearly better
    than the reference) and its sentence."""

    measure: str
    best: str | None
    sentence: str


def _count(value: float, unit: str) -> str:
    return f"{value:,.1f} {unit}"


def _interval(low: float, high: float, signed: bool = False) -> str:
    form = "{:+,.1f}" if signed else "{:,.1f}"
    return f"95% interval {form.format(low)} to {form.format(high)}"


def paired(runs: pd.DataFrame, name: str, plan: str, reference: str) -> Interval:
    """The paired difference ``plan`` - ``reference`` on ``name`` over the replications both
    have a value for."""

    def values(label: str) -> pd.Series:
        sel = runs[(runs["plan"] == label) & (runs["measure"] == name)]
        return sel.set_index("replication")["value"]

    both = pd.concat([values(plan), values(reference)], axis=1).dropna()
    return paired_difference(both.iloc[:, 0], both.iloc[:, 1])


def _clear(low: float, high: float) -> bool:
    return not (math.isnan(low) or math.isnan(high)) and (high < 0 or low > 0)


def measure_finding(
    comparison: pd.DataFrame, runs: pd.DataFrame, name: str, reference: str = DO_NOTHING.name
) -> Finding | None:
    """The verdict on one measure (None if the experiment does not have it), each plan against
    the ``reference`` plan."""
    rows = comparison[(comparison["measure"] == name) & (comparison["plan"] != NO_OUTAGE)]
    rows = rows.dropna(subset=["mean"])
    if rows.empty:
        return None
    what = measure(name)
    words, unit = what.label, what.unit
    against = reference_words(reference)
    own = rows[rows["plan"] == reference]
    if len(rows) == 1:
        only = rows.iloc[0]
        return Finding(
            name,
            None,
            f"Only {only['plan']} was run: {_count(only['mean'], unit)} of {words} "
            f"on average, with nothing to compare it with.",
        )
    if (rows["mean"] == rows["mean"].iloc[0]).all():
        return Finding(
            name,
            None,
            f"Every plan gave the same {words}: {_count(rows['mean'].iloc[0], unit)} on average.",
        )
    base = f"{against} gave {_count(own['mean'].iloc[0], unit)} on average" if len(own) else ""
    better = rows[(rows["plan"] != reference) & (rows["vs_reference_high"] < 0)]
    worse = rows[(rows["plan"] != reference) & (rows["vs_reference_low"] > 0)]
    worse_text = "".join(
        f" {r.plan} gave more than {against} ({r.vs_reference_mean:+,.1f} {unit}, "
        f"{_interval(r.vs_reference_low, r.vs_reference_high, True)})."
        for r in worse.itertuples()
    )
    if better.empty:
        n = int(rows["replications"].max())
        if worse.empty:
            head = (
                f"No clear difference in {words}: no plan's paired 95% interval against "
                f"{against} lies below zero over {counted(n, 'replication')} ({base})."
            )
        else:  # none lower, and some clearly higher: said as worse, never "no difference"
            head = (
                f"No plan gave clearly less {words} than {against} over "
                f"{counted(n, 'replication')} ({base}), and some gave clearly more."
            )
        return Finding(name, None, head + worse_text)
    ordered = better.sort_values(["mean", "plan"])
    best = ordered.iloc[0]
    head = (
        f"Lowest {words}: {best['plan']}, {_count(best['mean'], unit)} on average "
        f"({_interval(best['ci_low'], best['ci_high'])}, "
        f"{counted(int(best['replications']), 'replication')}); "
        f"{-best['vs_reference_mean']:,.1f} {unit} below {against} "
        f"({_interval(-best['vs_reference_high'], -best['vs_reference_low'])}); P(better) "
        f"{probability_text(best['probability_better'], replications=int(best['replications']))}"
        " (the share of replications in which it was lower, a tie counting half)."
    )
    others = rows[rows["plan"] != best["plan"]].sort_values(["mean", "plan"])
    runner = others[others["plan"] != reference]
    if len(runner):
        second = runner.iloc[0]
        diff = paired(runs, name, best["plan"], second["plan"])
        if not _clear(diff.low, diff.high):
            head += (
                f" The replications cannot tell it from {second['plan']} "
                f"({_count(second['mean'], unit)} on average; paired difference "
                f"{diff.mean:+,.1f}, {_interval(diff.low, diff.high, True)})."
            )
    return Finding(name, best["plan"], head + worse_text)


def beyond_the_outage(comparison: pd.DataFrame, reference: str = DO_NOTHING.name) -> list[str]:
    """A sentence for each plan that ends with clearly less backlog than the same replications
    without the outage: it does more than undo the outage (mutual aid, overtime: capacity the
    office would use in normal operation too), so part of its gain is not recovery from the
    outage, however short the outage (a 36-second outage used to crown mutual aid silently)."""
    rows = comparison[
        (comparison["measure"] == "backlog_mean") & ~comparison["plan"].isin([NO_OUTAGE, reference])
    ]
    if "vs_no_outage_high" not in rows:
        return []
    nothing = comparison[
        (comparison["measure"] == "backlog_mean") & (comparison["plan"] == reference)
    ]
    added = (
        f"; the outage itself added {nothing['vs_no_outage_mean'].iloc[0]:+,.1f} items under "
        f"{reference_words(reference)}"
        if len(nothing) and nothing["vs_no_outage_mean"].notna().iloc[0]
        else ""
    )
    return [
        f"{r.plan} ends with less backlog than the office without the outage "
        f"({r.vs_no_outage_mean:+,.1f} items, "
        f"{_interval(r.vs_no_outage_low, r.vs_no_outage_high, True)}{added}): it adds capacity "
        "the office would use without any outage too, so part of its gain is not recovery from "
        "the outage."
        for r in rows.itertuples()
        if r.vs_no_outage_high < 0
    ]


def trade_offs(
    comparison: pd.DataFrame,
    runs: pd.DataFrame,
    findings: list[Finding],
    reference: str = DO_NOTHING.name,
) -> list[str]:
    """A sentence for each plan named best on one measure that is clearly worse on another:
    than the ``reference`` plan, or than the plan named best on that measure."""
    best_on = {f.measure: f.best for f in findings if f.best is not None}
    sentences = []
    for name, plan in best_on.items():
        for other in (f.measure for f in findings if f.measure != name):
            what = measure(other)
            row = comparison[(comparison["measure"] == other) & (comparison["plan"] == plan)]
            if row.empty:
                continue
            row = row.iloc[0]
            if row["vs_reference_low"] > 0:
                against, diff = (
                    reference_words(reference),
                    Interval(
                        row["vs_reference_mean"],
                        row["vs_reference_low"],
                        row["vs_reference_high"],
                        0,
                    ),
                )
            elif best_on.get(other) not in (None, plan):
                against = best_on[other]
                diff = paired(runs, other, plan, against)
                if not diff.low > 0:
                    continue
            else:
                continue
            sentences.append(
                f"Trade-off: {plan} has the lowest {measure(name).label} but more "
                f"{what.label} than {against} ({diff.mean:+,.1f} {what.unit}, "
                f"{_interval(diff.low, diff.high, True)})."
            )
    return sentences


def _mean_of(comparison: pd.DataFrame, name: str, plan: str) -> pd.Series | None:
    row = comparison[(comparison["measure"] == name) & (comparison["plan"] == plan)]
    return None if row.empty else row.iloc[0]


def rekeying_debt_sentence(comparison: pd.DataFrame) -> str | None:
    """What each plan leaves to re-key at its peak (records, with the hours they need), stated
    beside the backlog and never ranked on (None: the experiment does not have it, or no plan
    left any)."""
    plans = [p for p in dict.fromkeys(comparison["plan"]) if p != NO_OUTAGE]
    records, hours = measure(RECORDS), measure(HOURS)
    owing, none = [], []
    for plan in plans:
        peak = _mean_of(comparison, RECORDS, plan)
        if peak is None or peak["mean"] != peak["mean"]:
            continue
        if peak["mean"] <= 0:
            none.append(plan)
            continue
        time = _mean_of(comparison, HOURS, plan)
        spent = "" if time is None else f" ({time['mean']:,.0f} {hours.unit})"
        interval = (
            ""
            if math.isnan(peak["ci_low"])  # no interval from a single replication
            else f", 95% interval {peak['ci_low']:,.0f} to {peak['ci_high']:,.0f} {records.unit}"
        )
        owing.append(
            f"{plan} leaves {peak['mean']:,.0f} {records.unit}{spent} to re-key at its peak "
            f"(the mean of each replication's peak{interval})"
        )
    if not owing:
        return None
    tail = f"; {', '.join(none)}: none" if none else ""
    return (
        "Re-keying debt (paper records awaiting re-keying, shown beside the backlog, not in "
        f"it, and not ranked on): {'; '.join(owing)}{tail}."
    )


def objectives_sentence(objectives: pd.DataFrame | None) -> str | None:
    if objectives is None or objectives.empty:
        return None
    if "assessed" in objectives.columns:
        judged = objectives[objectives["assessed"] > 0]
        unjudged = objectives[objectives["assessed"] == 0]["activity"].drop_duplicates()
    else:  # saved before activities could be not assessable
        judged, unjudged = objectives, objectives["activity"].iloc[:0]
    volume = (
        f" {', '.join(unjudged)}: {NOT_ASSESSABLE} (the no-outage run delivered fewer than "
        f"{MIN_ITEMS} items in the run), neither met nor breached."
        if len(unjudged)
        else ""
    )
    if judged.empty:
        return volume.strip()
    risky = judged[judged["p_mtpd_breached"] >= 0.5]
    if risky.empty:
        worst = judged.sort_values("p_rto_breached").iloc[-1]
        return (
            f"No plan is more likely than not to breach a maximum tolerable period of "
            f"disruption; the RTO most often breached is that of {worst['activity']} under "
            f"{worst['plan']}, {_breaches(worst['p_rto_breached'], worst)}." + volume
        )
    listed = "; ".join(
        f"{r['activity']} under {r['plan']} ({_breaches(r['p_mtpd_breached'], r)})"
        for _, r in risky.iterrows()
    )
    return f"More likely than not to breach the MTPD: {listed}." + volume


def _breaches(share: float, row: pd.Series) -> str:
    """The share of replications in which an objective was breached, as every view says it
    (over those assessed): "in 5 of 5 replications" from few, "in 85% of replications" from
    many."""
    count = row.get("assessed", row.get("replications"))
    said = probability_text(share, replications=None if count is None else int(count), percent=True)
    return f"in {said} replications" if " of " in said else f"in {said} of replications"


def _recovery_with_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The recovery table with its counts (experiments saved before the table had them get
    them from the runs table)."""
    recovery = tables["recovery"]
    if "recovered" in recovery.columns:
        return recovery
    runs = tables["runs"]
    times = runs[runs["measure"] == "time_to_recover_days"]
    counts = times.groupby("plan")["value"].agg(replications="size", recovered="count")
    return recovery.join(counts, on="plan")


def verdict(tables: dict[str, pd.DataFrame], manifest: dict | None = None) -> list[str]:
    """The verdict as short sentences, most important first (``manifest``: the experiment's,
    to say when the run ended before the outage did)."""
    comparison, runs = tables["comparison"], tables["runs"]
    reference = reference_of(manifest)
    findings = [f for f in (measure_finding(comparison, runs, m, reference) for m in HEADLINE) if f]
    sentences: list[str | None] = [f.sentence for f in findings]
    backlog_first = 1 if findings and findings[0].measure == "backlog_mean" else len(findings)
    sentences.insert(backlog_first, rekeying_debt_sentence(comparison))  # beside the backlog
    sentences += trade_offs(comparison, runs, findings, reference)
    sentences += beyond_the_outage(comparison, reference)
    if nothing_to_recover(manifest):
        sentences.append(nothing_to_recover(manifest))
    elif manifest and manifest.get("disruption_days") and recovery_horizon(manifest) is None:
        sentences.append(
            "The run ended before the outage did, so no time to recover can be measured; run "
            "more weeks to see it."
        )
    else:
        recovery = _recovery_with_counts(tables)
        rekeyed = rekeyed_words(tables.get("backlog"), manifest)
        sentences.append(recovery_sentence(recovery, rule_of(manifest), rekeyed))
        sentences.append(too_short_sentence(manifest) or censored_sentence(recovery, manifest))
    sentences.append(objectives_sentence(tables.get("objectives")))
    return [s for s in sentences if s]
