"""The employer's workload reference data: the HMPPS Workload Measurement Tool (WMT).

WMT counts **case points**: each case held weighs a number of points by its tier (A3 highest to
D0 lowest). A practitioner's **available points** are a nominal target scaled by their contracted
hours, and **WMT capacity %** = case points / available points × 100. The excessive-workload rule
is capacity above 110% for 4 consecutive weeks (parliamentary answer 172934, Mar 2021).

WMT counts cases, not hours: an IT outage leaves every case where it was, so WMT capacity does
not move during an outage (at most a new case is allocated a little later). What outages move is
time, measured by **workload** (hours worked / contracted hours, in ``staff_weekly``);
the run's measures (:mod:`sim.results.summary`) therefore apply the 110%-for-4-weeks rule both
to WMT capacity and to hours worked.

The reference data (tiers, points, default tier mix) lives here, with its sources; the scenario's
``caseload.tier_mix`` (see :mod:`sim.scenario.schema`) may replace the default mix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    import numpy as np

from sim.domain.vocabulary import ROSH_LEVELS, RoSH

Tier = Literal["A", "B", "C", "D"]
TIERS: tuple[Tier, ...] = get_args(Tier)
TIER_LEVELS = (3, 2, 1, 0)  # sub-levels within a tier letter, highest first

# Points per community case, tier A3..A0, B3..B0, C3..C0, D3..D0 (ministryofjustice/hmpps-workload
# seed data, 2021). Licence cases weigh about the same there; the same points are used for them.
POINTS_BY_TIER = {
    "A": (206, 158, 146, 110),
    "B": (146, 115, 102, 72),
    "C": (79, 63, 50, 35),
    "D": (51, 41, 29, 29),
}
CASE_POINTS = {
    f"{t}{level}": POINTS_BY_TIER[t][i] for t in TIERS for i, level in enumerate(TIER_LEVELS)
}
MEDIAN_CASE_POINTS = float(sorted(CASE_POINTS.values())[len(CASE_POINTS) // 2])
# Report points (same source). Not used: the model has no pre-sentence report work.
REPORT_POINTS = {"standard": 138, "fast": 65, "parole": 120}

# Available points: NOMINAL_TARGET × (contracted h / STANDARD_WEEK_HOURS) × ((h − reduction h) / h)
# (ministryofjustice/hmpps-workload, wmt-worker; wmt-probation-rules calculate-available-points).
# WMT keeps separate PO and PSO nominal targets; 2,176 is used for both (DOMAIN.md; an assumption
# for PSOs). WMT truncates available points to whole points; they are kept exact here.
NOMINAL_TARGET_POINTS = 2176.0
STANDARD_WEEK_HOURS = 37.0
OVER_CAPACITY = 110.0  # % of available points (parliamentary answer 172934; target band 90-110%)
OVER_HOURS = 1.10  # hours worked / contracted: the same 110% rule applied to hours
CONSECUTIVE_WEEKS = 4

# Default tier mix by RoSH level (shares of tier letters A..D). The national mix is not
# published. The floor follows the hmpps-tier protect axis (ministryofjustice/hmpps-tier feature
# files: A from 30 protect points, B from 20, C from 10, D below; RoSH very high scores 30, high 20,
# medium 10, low 0; RSR, MAPPA and complexity factors add points), so a case sits at or above the
# letter its RoSH level alone gives. The shares above that floor are assumptions, ranges:
# high A 0.1-0.5; medium A 0-0.1, B 0.2-0.5; low B 0-0.2, C 0.2-0.5; the values are at the lower
# ends, so that with the reference office's caseload WMT capacity is near the national 112-120%
# and POs hold 30-45 cases (docs/calibration.md). Sub-levels: :data:`SUB_LEVEL_SHARES`.
DEFAULT_TIER_MIX: tuple[tuple[RoSH, tuple[float, ...]], ...] = (
    ("low", (0.0, 0.0, 0.3, 0.7)),
    ("medium", (0.0, 0.2, 0.8, 0.0)),
    ("high", (0.15, 0.85, 0.0, 0.0)),
    ("very_high", (1.0, 0.0, 0.0, 0.0)),
)


# Shares of the sub-levels 3, 2, 1, 0 within a tier letter (the hmpps-tier "change" axis:
# needs). No distribution is published; assumption: fewer people at the higher levels of need
# (each share range 0.1-0.4; uniform 0.25 each is the neutral choice).
SUB_LEVEL_SHARES = (0.1, 0.2, 0.3, 0.4)


def default_tier_mix() -> dict[RoSH, dict[Tier, float]]:
    """A fresh copy of the default tier mix: RoSH level -> tier letter -> share."""
    return {level: dict(zip(TIERS, shares, strict=True)) for level, shares in DEFAULT_TIER_MIX}


def draw_tiers(
    tier_mix: Mapping[Any, Mapping[Any, float]], rosh: list[int], rng: np.random.Generator
) -> list[str]:
    """A tier (e.g. ``"B2"``) for each case of the given RoSH levels (indices into ROSH_LEVELS):
    the letter from the level's shares, the sub-level 3..0 by :data:`SUB_LEVEL_SHARES`."""
    import numpy as np  # here, so reading a scenario does not import numpy

    n = len(rosh)
    shares = np.array([[tier_mix[level].get(t, 0.0) for t in TIERS] for level in ROSH_LEVELS])
    cumulative = np.cumsum(shares, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random((n, 2))
    letter = np.minimum((u[:, :1] >= cumulative[rosh]).sum(axis=1), len(TIERS) - 1).tolist()
    sub = np.searchsorted(np.cumsum(SUB_LEVEL_SHARES)[:-1], u[:, 1], side="right").tolist()
    return [f"{TIERS[letter[i]]}{TIER_LEVELS[sub[i]]}" for i in range(n)]


def available_points(
    contracted_hours: float,
    reduction_hours: float = 0.0,
    nominal_target: float = NOMINAL_TARGET_POINTS,
) -> float:
    """WMT available points a week for these hours (37 h: 2,176; 22.2 h: 1,305.6)."""
    if contracted_hours <= 0:
        return 0.0
    return (
        nominal_target
        * (contracted_hours / STANDARD_WEEK_HOURS)
        * ((contracted_hours - reduction_hours) / contracted_hours)
    )


def capacity_percent(case_points: float, available: float) -> float:
    """WMT capacity %: case points / available points × 100 (NaN with no available points)."""
    return 100.0 * case_points / available if available > 0 else float("nan")
