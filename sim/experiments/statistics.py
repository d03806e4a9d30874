"""Statistics for comparing runs: confidence intervals and paired differences.

Means carry 95% Student-t intervals over replications. Plans are compared with **paired**
differences: replication r of every plan shares its random numbers (common random numbers), so
the difference plan - reference is computed replication by replication, which cancels most of
the run-to-run noise. "Probability better" is the share of replications in which the plan did
better than the reference.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Final

import numpy as np

EXACT_T_DF = 1000  # above this many degrees of freedom: t quantiles by Cornish-Fisher


def _t_coverage(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer ``df`` (the closed forms in Abramowitz & Stegun
    26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    total, term = 1.0, 1.0
    if df % 2:
        if df == 1:
            return 2.0 * theta / math.pi
        for k in range(1, (df - 3) // 2 + 1):
            term *= c2 * (2 * k) / (2 * k + 1)
            total += term
        return 2.0 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    for k in range(1, (df - 2) // 2 + 1):
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom (p > 0.5).

    Exact (bisection on the closed-form distribution function) up to ``EXACT_T_DF`` degrees of
    freedom; beyond that the Cornish-Fisher expansion about the normal quantile (error < 1e-12).
    """
    if not 0.5 < p < 1.0:
        raise ValueError(f"p must be in (0.5, 1), got {p!r}")
    if not isinstance(df, int) or df < 1:
        raise ValueError(f"df must be an integer >= 1, got {df!r}")
    if df > EXACT_T_DF:
        z = statistics.NormalDist().inv_cdf(p)
        z2 = z * z
        return z * (
            1
            + (z2 + 1) / (4 * df)
            + (5 * z2**2 + 16 * z2 + 3) / (96 * df**2)
            + (3 * z2**3 + 19 * z2**2 + 17 * z2 - 15) / (384 * df**3)
        )
    target = 2.0 * p - 1.0
    lo, hi = 0.0, 2.0
    while _t_coverage(hi, df) < target:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _t_coverage(mid, df) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Interval:
    """A mean with its 95% confidence interval (NaN bounds with fewer than two values)."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def mean_ci(
    values, level: float = 0.95, least: float | None = None, most: float | None = None
) -> Interval:
    """The mean of ``values`` with its Student-t confidence interval; with ``least`` (the
    smallest value the quantity can take, such as 0 for a count) the interval is cut there, as
    no mean can lie below it, and likewise above at ``most`` (1 for a share)."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    half = t_quantile(0.5 + level / 2, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    low = mean - half if least is None else max(mean - half, least)
    high = mean + half if most is None else min(mean + half, most)
    return Interval(mean, low, high, n)


def paired_difference(plan, reference, level: float = 0.95) -> Interval:
    """Mean of plan - reference, replication by replication, with its confidence interval."""
    a, b = np.asarray(plan, dtype=float), np.asarray(reference, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired values need the same replications on both sides")
    return mean_ci(a - b, level)


def paired_values(values, reference) -> tuple[np.ndarray, np.ndarray]:
    """The two sides' values (pandas Series indexed by replication) for the replications both
    have a value for, in replication order: what paired statistics are computed from."""
    _, mine, theirs = np.intersect1d(
        values.index.to_numpy(), reference.index.to_numpy(), return_indices=True
    )
    a = values.to_numpy(dtype=float)[mine]
    b = reference.to_numpy(dtype=float)[theirs]
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def probability_better(plan, reference, lower_is_better: bool = True) -> float:
    """Share of replications in which the plan did better than the reference (ties: half)."""
    a, b = np.asarray(plan, dtype=float), np.asarray(reference, dtype=float)
    if len(a) == 0:
        return math.nan
    better = (a < b) if lower_is_better else (a > b)
    return float((better.sum() + 0.5 * (a == b).sum()) / len(a))


# The one percentile convention of every view (P10, P50, P90 of replications): nearest rank,
# the smallest value with at least q% of the values at or below it (numpy's "inverted_cdf")
PERCENTILE_METHOD: Final = "inverted_cdf"


def percentiles(values, qs, axis: int | None = None):
    """The ``qs`` percentiles of ``values`` (along ``axis``) by nearest rank, the convention of
    :func:`nearest_rank` (without its NaN ranking: give values that have one)."""
    return np.percentile(values, qs, axis=axis, method=PERCENTILE_METHOD)


def nearest_rank(values, q: float) -> float:
    """The ``q`` percentile by nearest rank, NaN (no value: not recovered by the end of the
    run, say) ranking last; NaN if the percentile falls on such a value."""
    ordered = np.sort(np.where(np.isnan(values), np.inf, values))
    if len(ordered) == 0:
        return math.nan
    value = ordered[max(math.ceil(q / 100 * len(ordered)), 1) - 1]
    return math.nan if value == np.inf else float(value)
