"""Workload claims tested in the employer's own terms.

A claim is a measure, a comparison, a threshold and a plan, for example "under paper fallback,
more than a quarter of probation officers exceed 110% of their contracted hours for 4 consecutive
weeks". It is answered from an experiment's tables as the **probability** that it holds: the
share of replications (the same demand and outage under every plan) in which the measure is on
the claimed side of the threshold, with a 95% Wilson interval and each replication's value as
the evidence.

Per-role measures are read from the experiment's ``workload`` table (each person's weeks); the
others from its ``runs`` table (the headline measures of each run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from pydantic import Field, model_validator

from sim.domain.vocabulary import Role, pretty
from sim.domain.wmt import CONSECUTIVE_WEEKS, OVER_CAPACITY, OVER_HOURS
from sim.experiments.compare import NO_OUTAGE
from sim.results.claim_terms import COMPARISON_WORDS, ROLE_MEASURES, Comparison
from sim.results.measures import MEASURES, headlined
from sim.results.workload import longest_run
from sim.scenario.frozen import Frozen

Against = Literal["threshold", "no_outage"]
CENSORED = {"time_to_recover_days"}  # a missing value: not recovered by the end of the run
# Office-wide measures from the runs table: name -> (words, unit), from sim.results.measures
OFFICE_MEASURES = {m: (MEASURES[m].label, MEASURES[m].unit) for m in headlined("claims")}


class Claim(Frozen):
    """A claim about one plan: ``measure`` ``comparison`` ``threshold`` (for ``role``)."""

    plan: str = Field(min_length=1, description="The plan's name in the experiment.")
    measure: str = Field(
        description="A per-role or office-wide measure (claims.ROLE_MEASURES, "
        "claims.OFFICE_MEASURES)."
    )
    comparison: Comparison = "more_than"
    threshold: float
    role: Role | None = Field(None, description="The role, for a per-role measure.")
    against: Against = Field(
        "threshold",
        description="threshold: the plan's value is compared with the threshold; "
        "no_outage: its rise over the same replication without the "
        "outage is (paired, replication by replication).",
    )

    @model_validator(mode="after")
    def _measure_known(self) -> Claim:
        if self.measure in ROLE_MEASURES:
            if self.role is None:
                raise ValueError(f"{self.measure} is measured per role; name the role")
        elif self.measure not in OFFICE_MEASURES:
            known = ", ".join([*ROLE_MEASURES, *OFFICE_MEASURES])
            raise ValueError(f"unknown measure {self.measure!r}; use one of: {known}")
        return self

    def words(self) -> str:
        """The claim in plain words, the threshold with its unit."""
        what, unit = ROLE_MEASURES.get(self.measure) or OFFICE_MEASURES[self.measure]
        what = what.format(role=pretty(self.role or ""))
        amount = f"{self.threshold:g}" + ("" if unit == "share" else f" {unit}")
        if self.against == "no_outage":
            return (
                f"under {self.plan}, the {what} is {COMPARISON_WORDS[self.comparison]} "
                f"{amount} above its value in the same replication without the outage"
            )
        return f"under {self.plan}, the {what} is {COMPARISON_WORDS[self.comparison]} {amount}"


@dataclass(frozen=True)
class ClaimAnswer:
    claim: Claim
    probability: float  # share of replications in which the claim holds
    low: float  # 95% Wilson interval of that probability
    high: float
    holds_in: int
    replications: int  # the replications that decide it
    evidence: pd.DataFrame  # replication, value, [baseline_value, difference,] holds
    undecided: int = 0  # not recovered by a run's end, too short to decide the claim

    def sentence(self) -> str:
        words = self.claim.words()
        text = (
            f"{words[0].upper()}{words[1:]} in {self.holds_in} of {self.replications} "
            f"replications: probability {self.probability:.2f} (95% interval {self.low:.2f} to "
            f"{self.high:.2f})."
        )
        if self.undecided:
            text += (
                f" {self.undecided} more replication{'s' if self.undecided != 1 else ''} had "
                f"not recovered by the end of the run, which ended too soon to tell either way; "
                f"run more weeks to decide them."
            )
        return text


def role_values(workload: pd.DataFrame, measure: str, role: str) -> pd.Series:
    """A per-role measure for each replication of one plan's ``workload`` rows."""
    rows = workload[workload["role"] == role]
    if measure in ("share_over_110_hours_4_weeks", "share_over_110_wmt_4_weeks"):
        column, limit = (
            ("workload", OVER_HOURS) if "hours" in measure else ("wmt_capacity", OVER_CAPACITY)
        )
        ordered = rows.sort_values(["replication", "staff_id", "week"])
        longest = (
            ordered[column]
            .gt(limit)
            .groupby([ordered["replication"], ordered["staff_id"]])
            .agg(longest_run)
        )
        return (longest >= CONSECUTIVE_WEEKS).groupby(level="replication").mean()
    if measure == "mean_weekly_hours":
        return rows.groupby("replication")["hours_worked"].mean()
    if measure == "mean_weekly_hours_over_contract":
        over = (rows["hours_worked"] - rows["contracted_hours"]).clip(lower=0)
        return over.groupby(rows["replication"]).mean()
    column = measure.removesuffix("_per_person")
    totals = rows.groupby("replication")[column].sum()
    return totals / rows.groupby("replication")["staff_id"].nunique()


def measure_values(
    tables: dict[str, pd.DataFrame], claim: Claim, plan: str | None = None
) -> pd.Series:
    """The claim's measure for each replication of its plan (or of ``plan``), NaN where a run
    has no value."""
    plan = claim.plan if plan is None else plan
    if claim.measure in ROLE_MEASURES:
        workload = tables["workload"]
        role = claim.role or ""  # a per-role measure always has its role (Claim checks it)
        return role_values(workload[workload["plan"] == plan], claim.measure, role)
    runs = tables["runs"]
    sel = runs[(runs["plan"] == plan) & (runs["measure"] == claim.measure)]
    return sel.set_index("replication")["value"].sort_index()


def holds(values: pd.Series, comparison: str, threshold: float) -> pd.Series:
    test = {
        "more_than": values.gt,
        "at_least": values.ge,
        "less_than": values.lt,
        "at_most": values.le,
    }[comparison]
    return test(threshold) & values.notna()


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def answer(
    tables: dict[str, pd.DataFrame], claim: Claim, horizon_days: float | None = None
) -> ClaimAnswer:
    """How likely the claim is, over the experiment's replications of its plan; against the
    no-outage run, on the difference replication by replication.

    Time to recover is censored: a run that had not recovered by its end took longer than
    ``horizon_days`` (the days from restoration to the run's end), which decides a claim about
    a threshold within that horizon and leaves one beyond it undecided (said, never dropped)."""
    plans = set(tables["runs"]["plan"])
    if claim.plan not in plans:
        raise ValueError(
            f"plan {claim.plan!r} is not in this experiment; "
            f"choose one of: {', '.join(sorted(plans))}"
        )
    if claim.measure in CENSORED and claim.against == "no_outage":
        raise ValueError(
            "time to recover is already measured against the same replication without the "
            "outage; test it against a threshold"
        )
    values = measure_values(tables, claim)
    evidence = pd.DataFrame({"replication": values.index, "value": values.to_numpy()})
    tested = values
    if claim.against == "no_outage":
        if NO_OUTAGE not in plans:
            raise ValueError(
                "this experiment has no no-outage run (its scenario has no outage "
                "that changes anything), so a claim cannot be tested against it"
            )
        baseline = measure_values(tables, claim, NO_OUTAGE).reindex(values.index)
        tested = values - baseline
        evidence["baseline_value"] = baseline.to_numpy()
        evidence["difference"] = tested.to_numpy()
    held = holds(tested, claim.comparison, claim.threshold)
    decided = pd.Series(True, index=values.index)
    if claim.measure in CENSORED:
        held, decided = censored_holds(values, claim.comparison, claim.threshold, horizon_days)
        evidence["recovered"] = values.notna().to_numpy()
    evidence["holds"] = held.where(decided).to_numpy()
    n, k = int(decided.sum()), int((held & decided).sum())
    low, high = wilson(k, n)
    return ClaimAnswer(claim, k / n if n else math.nan, low, high, k, n, evidence, len(values) - n)


def censored_holds(
    values: pd.Series, comparison: str, threshold: float, horizon: float | None
) -> tuple[pd.Series, pd.Series]:
    """Whether a claim holds on each replication of a censored measure, and whether that
    replication decides it: a missing value is longer than ``horizon``, which decides a
    threshold at or below the horizon (more than: holds; less than: does not) and nothing
    beyond it."""
    missing = values.isna()
    known = holds(values, comparison, threshold)
    within = horizon is not None and threshold <= horizon
    held = known | (missing & within & (comparison in ("more_than", "at_least")))
    decided = ~missing | within
    return held, pd.Series(decided, index=values.index)


def role_summary(workload: pd.DataFrame, plan: str) -> pd.DataFrame:
    """Per role, each per-role measure's mean over the plan's replications."""
    rows = workload[workload["plan"] == plan]
    table = []
    for role in dict.fromkeys(rows["role"]):
        values = {m: float(role_values(rows, m, role).mean()) for m in ROLE_MEASURES}
        contracted = float(rows.loc[rows["role"] == role, "contracted_hours"].mean())
        table.append(
            {
                "role": role,
                "people": int(rows.loc[rows["role"] == role, "staff_id"].nunique()),
                "mean_contracted_hours": contracted,
                **values,
            }
        )
    return pd.DataFrame(table)


def person_summary(workload: pd.DataFrame, plan: str, replication: int) -> pd.DataFrame:
    """Each person of one run: contracted and mean weekly hours, peak week, the longest run of
    weeks over 110% of contracted hours and over 110% WMT capacity, overtime, double handling."""
    rows = workload[(workload["plan"] == plan) & (workload["replication"] == replication)]
    ordered = rows.sort_values(["staff_id", "week"])
    grouped = ordered.groupby("staff_id", sort=True)
    return pd.DataFrame(
        {
            "role": grouped["role"].first(),
            "contracted_hours": grouped["contracted_hours"].first(),
            "mean_weekly_hours": grouped["hours_worked"].mean(),
            "peak_weekly_hours": grouped["hours_worked"].max(),
            "weeks_over_110_hours_in_a_row": ordered["workload"]
            .gt(OVER_HOURS)
            .groupby(ordered["staff_id"])
            .agg(longest_run),
            "mean_wmt_capacity": grouped["wmt_capacity"].mean(),
            "weeks_over_110_wmt_in_a_row": ordered["wmt_capacity"]
            .gt(OVER_CAPACITY)
            .groupby(ordered["staff_id"])
            .agg(longest_run),
            "overtime_hours": grouped["overtime_hours"].sum(),
            "double_handling_hours": grouped["double_handling_hours"].sum(),
        }
    ).reset_index()
