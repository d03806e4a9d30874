"""The comparison table of an experiment: per plan and headline measure, the mean with its
interval, the paired differences from the reference plan (``vs_reference_*``: "do nothing" in
a comparison of plans, carrying on as decided at a tabletop decision) and from the no-outage
baseline, the probability of being better than the reference and the rank; and time to
recover per plan (P50, P90). Plans are ranked on time to recover only while no plan has more
replications not recovered by the end of the run than the recovery rule allows
(:func:`unrecovered`). Built from the experiment's ``runs`` table by
:func:`sim.experiments.compare.compare` and by every view
that reopens a saved one."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.experiments.engines import NO_OUTAGE
from sim.experiments.statistics import (
    mean_ci,
    nearest_rank,
    paired_difference,
    paired_values,
    probability_better,
)
from sim.results.measures import MEASURES, headlined
from sim.results.recovery import RULE, RecoveryRule
from sim.scenario.plans import DO_NOTHING

# Headline measures compared (sim.results.measures says which way is better for each), with time to
# recover added per run.
COMPARED = headlined("compared")


def _series(runs: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    """Each plan's values of each measure, indexed by replication in order (one pass)."""
    found = {}
    for (plan, measure), group in runs.groupby(["plan", "measure"], sort=False):
        values = pd.Series(group["value"].to_numpy(), index=group["replication"].to_numpy())
        found[(plan, measure)] = values.sort_index()
    return found


def reference_of(manifest: dict | None) -> str:
    """The plan an experiment pairs every plan with (its manifest's ``reference``; "do nothing"
    in one saved before comparisons named theirs)."""
    return str((manifest or {}).get("reference", DO_NOTHING.name))


def plan_labels(plan_names: Sequence[str], runs: pd.DataFrame) -> list[str]:
    """The plans in the experiment's order, then the no-outage baseline if it was run (``runs``:
    the experiment's ``runs`` table)."""
    return list(plan_names) + ([NO_OUTAGE] if (runs["plan"] == NO_OUTAGE).any() else [])


def comparison_table(
    runs: pd.DataFrame,
    plan_names: list[str],
    censored: dict[str, float] | None = None,
    reference: str = DO_NOTHING.name,
) -> pd.DataFrame:
    """Per plan and measure: the mean with its interval, the paired differences (from the
    ``reference`` plan and from the no-outage baseline), P(better than the reference) and
    the rank (1 = best; P(better) and rank follow the measure's direction in the registry). A
    measure in ``censored`` (measure -> the value at which a run is censored, such
    as the days left after restoration for time to recover) has its missing values counted at
    that value: its mean is then a lower bound (a restricted mean) and a censored run ranks as
    no better than any run with a value, never dropped; ``without_value`` counts them."""
    rows = []
    labels = plan_labels(plan_names, runs)
    series = _series(runs)
    none = pd.Series([], dtype=float)
    present = set(runs["measure"])
    for measure in COMPARED:
        if measure not in present:
            continue
        at = (censored or {}).get(measure)
        lower = MEASURES[measure].better != "higher"
        against = _filled(series.get((reference, measure), none), at)
        baseline = _filled(series.get((NO_OUTAGE, measure), none), at)
        for label in labels:
            raw = series.get((label, measure), none)
            if raw.empty:
                continue
            values = _filled(raw, at)
            bounds = MEASURES[measure]
            ci = mean_ci(values.dropna(), least=bounds.least, most=bounds.most)
            row = {
                "plan": label,
                "measure": measure,
                "mean": ci.mean,
                "ci_low": ci.low,
                "ci_high": ci.high,
                "replications": ci.n,
                "without_value": int(raw.isna().sum()),
            }
            row.update(_paired("vs_reference", values, against, label == reference))
            row.update(_paired("vs_no_outage", values, baseline, label == NO_OUTAGE))
            mine, theirs = paired_values(values, against)
            row["probability_better"] = (
                probability_better(mine, theirs, lower)
                if label != reference and len(mine)
                else math.nan
            )
            rows.append(row)
    table = pd.DataFrame(rows)
    if len(table):
        plans_only = table[table["plan"] != NO_OUTAGE]
        # 1 = best: the lowest mean, or the highest where higher is better
        sign = plans_only["measure"].map(lambda m: -1.0 if MEASURES[m].better == "higher" else 1.0)
        scored = sign * plans_only["mean"]
        table["rank"] = scored.groupby(plans_only["measure"]).rank(method="min")
        unranked = ~table["measure"].map(lambda m: MEASURES[m].ranked)
        table.loc[unranked, "rank"] = math.nan  # stated, never ranked on (re-keying debt)
        if unrecovered(recovery_table(runs, plan_names)):  # ranks would compare ends of runs
            table.loc[table["measure"] == "time_to_recover_days", "rank"] = math.nan
    return table


def tie_counts(runs: pd.DataFrame, reference: str = DO_NOTHING.name) -> dict[tuple[str, str], int]:
    """Per (plan, measure) of the comparison: the replications in which the plan gave the same
    value as the ``reference`` plan, each counting half in P(better). Paired by replication as
    P(better) is: a replication without a value is left out, but two runs not recovered by the
    end of the run (time to recover) are counted at the same moment, so tie."""
    series = _series(runs)
    found = {}
    for (plan, measure), values in series.items():
        against = series.get((reference, measure))
        if plan == reference or against is None:
            continue
        mine, theirs = values.align(against, join="inner")
        both_censored = mine.isna() & theirs.isna() if measure == "time_to_recover_days" else False
        found[(str(plan), str(measure))] = int(((mine == theirs) | both_censored).sum())
    return found


def unrecovered(recovery: pd.DataFrame, rule: RecoveryRule = RULE) -> list[tuple[str, int, int]]:
    """The plans with more replications not recovered by the end of the run (censored) than
    ``rule`` allows for ranking on time to recover, as (plan, censored, replications); none:
    plans may be ranked on it. ``recovery``: an experiment's recovery table."""
    found = []
    for row in recovery.itertuples():
        if row.plan == NO_OUTAGE or "recovered" not in recovery.columns:
            continue
        n, censored = int(row.replications), int(row.replications - row.recovered)
        if rule.too_censored(censored, n):
            found.append((str(row.plan), censored, n))
    return found


def _filled(values: pd.Series, censored_at: float | None) -> pd.Series:
    """``values`` with a censored run's missing value set to the censoring value."""
    return values if censored_at is None else values.fillna(censored_at)


def _paired(prefix: str, values: pd.Series, reference: pd.Series, itself: bool) -> dict:
    """The paired difference from ``reference`` (NaN for the reference itself)."""
    mine, theirs = paired_values(values, reference)
    if len(mine) == 0 or itself:
        return {f"{prefix}_mean": math.nan, f"{prefix}_low": math.nan, f"{prefix}_high": math.nan}
    diff = paired_difference(mine, theirs)
    return {f"{prefix}_mean": diff.mean, f"{prefix}_low": diff.low, f"{prefix}_high": diff.high}


def recovery_table(runs: pd.DataFrame, plan_names: list[str]) -> pd.DataFrame:
    """Time to recover per plan: P50 and P90 over replications by nearest rank, a run that did
    not recover within the run counting as longer than any that did (NaN: the percentile falls
    on such runs, "after the run"), the replications, how many recovered and their share.
    Every run is censored at the same moment (the end of the run), so this is the Kaplan-Meier
    estimate of each percentile."""
    rows = []
    restored = runs[runs["measure"] == "time_to_recover_days"]
    for label in plan_names:
        values = restored[restored["plan"] == label]["value"].to_numpy()
        rows.append(
            {
                "plan": label,
                "replications": len(values),
                "recovered": int((~np.isnan(values)).sum()),
                "recovered_share": float((~np.isnan(values)).mean()) if len(values) else math.nan,
                "time_to_recover_p50": nearest_rank(values, 50),
                "time_to_recover_p90": nearest_rank(values, 90),
            }
        )
    return pd.DataFrame(rows)
