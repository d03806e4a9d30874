"""The terms a workload claim is made in: the per-role measures a claim may name (from each
person's weeks; the office-wide ones are the registry's, :mod:`sim.results.measures`) and how it
compares a measure with its threshold."""

from __future__ import annotations

from typing import Literal, get_args

# Per-role measures, from each person's weeks (the Workload page and the claim tester):
# name -> (what it is, in words, for {role}; its unit)
ROLE_MEASURES = {
    "share_over_110_hours_4_weeks": (
        "share of {role}s over 110% of contracted hours for 4 consecutive weeks",
        "share",
    ),
    "share_over_110_wmt_4_weeks": (
        "share of {role}s over 110% WMT capacity for 4 consecutive weeks",
        "share",
    ),
    "mean_weekly_hours": ("mean weekly hours worked per {role}", "hours"),
    "mean_weekly_hours_over_contract": (
        "mean weekly hours worked beyond contract per {role}",
        "hours",
    ),
    "overtime_hours_per_person": ("overtime hours per {role} over the run", "hours"),
    "double_handling_hours_per_person": ("double-handling hours per {role} over the run", "hours"),
}

# How a claim compares a measure with its threshold
Comparison = Literal["more_than", "at_least", "less_than", "at_most"]
COMPARISONS: tuple[str, ...] = get_args(Comparison)
COMPARISON_WORDS = {
    "more_than": "more than",
    "at_least": "at least",
    "less_than": "less than",
    "at_most": "at most",
}
