"""The one rule that says how robust a ranking is, in words (:mod:`sim.experiments.robustness`).

At each end of each assumption the ranking holds, flips or becomes unclear; the sentence says

* "It flips when <assumption> is at <end>: <plan> is then better than <leader> by <difference>
  (95% interval ...)." for every end where another plan is clearly better than the leader;
* "It becomes unclear when <assumption> is at <end>: the replications can no longer tell
  <leader> from <plan> (...)" for every end where the leader is no longer clearly ahead of a
  plan it was clearly ahead of;
* otherwise "The ranking holds across these ranges: ..." (and, after flips or unclear ends,
  "It holds across ..." for the assumptions at whose ends it held);

after naming the measure, the leader and the plans it was compared with. Numbers carry the
measure's unit from :data:`sim.results.measures.MEASURES`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from sim.results.measures import MEASURES, headlined, says_unit
from sim.scenario.assumptions import Assumption

HOLDS, FLIPS, UNCLEAR, NOT_TESTED = "holds", "flips", "unclear", "not tested"
Difference = tuple[float, float, float]  # a paired difference: mean, 95% low, 95% high


def clear_better(diff: Difference, lower_is_better: bool) -> bool:
    """Whether a paired difference (plan - reference) shows the plan clearly better: its 95%
    interval lies wholly on the better side of zero (never with an interval that is NaN)."""
    _, low, high = diff
    if math.isnan(low) or math.isnan(high):
        return False
    return high < 0 if lower_is_better else low > 0


def end_outcome(
    diffs: dict[str, Difference], at_base: dict[str, Difference], lower: bool
) -> tuple[str, str | None]:
    """The ranking at one end of an assumption, from each other plan's paired difference from
    the leader there (``diffs``) and as the scenario is set (``at_base``): flips (a plan is
    clearly better than the leader; the one with the largest mean difference is named), unclear
    (the leader is no longer clearly ahead of a plan it was clearly ahead of), or holds; and the
    plan it turns on. ``lower``: whether lower is better on the measure."""
    better = [p for p, d in diffs.items() if clear_better(d, lower)]
    if better:
        return FLIPS, max(better, key=lambda p: abs(diffs[p][0]))
    lost = [
        p
        for p, d in diffs.items()
        if clear_better(at_base[p], not lower) and not clear_better(d, not lower)
    ]
    if lost:
        return UNCLEAR, lost[0]
    return HOLDS, None


def _number(value: float, unit: str, signed: bool = False) -> str:
    digits = 2 if unit == "share" else 1
    return f"{value:{'+' if signed else ''},.{digits}f}"


def _brackets(*parts: str) -> str:
    """`` (a, b)`` of the parts given, or nothing."""
    given = [p for p in parts if p]
    return f" ({', '.join(given)})" if given else ""


def _listed(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def sentence(
    measure: str,
    leading: Sequence[str],
    at_base: dict[str, Difference],
    outcomes: pd.DataFrame,
    assumptions: Sequence[Assumption],
) -> str:
    """The robustness of a ranking in words: ``leading`` (leader first) on ``measure``, with
    each other plan's paired difference from the leader as the scenario is set (``at_base``)
    and the outcome at each assumption's ends (``outcomes``, the table of
    :func:`sim.experiments.robustness.robustness`)."""
    what = MEASURES[measure]
    unit, lower = what.unit, what.better != "higher"
    leader, others = leading[0], list(leading[1:])
    led = "the measure the verdict leads with" if measure == headlined("verdict")[0] else ""
    unit_words = "" if says_unit(what.label, unit) else unit
    tied = [p for p in others if not clear_better(at_base[p], not lower)]
    parts = [
        f"Ranked on {what.label}{_brackets(unit_words, led)}, {leader} comes first of "
        f"{_listed([leader, *others])} as the scenario is set"
        + (f", though the replications cannot tell it from {_listed(tied)}" if tied else "")
        + "."
    ]
    flips = outcomes[outcomes["outcome"] == FLIPS]
    unclear = outcomes[outcomes["outcome"] == UNCLEAR]
    for k, row in enumerate(flips.itertuples()):
        gain = (-row.vs_leader_mean, -row.vs_leader_high, -row.vs_leader_low)
        if not lower:
            gain = (row.vs_leader_mean, row.vs_leader_low, row.vs_leader_high)
        parts.append(
            f"It {'also ' if k else ''}flips when {row.assumption} is at {row.value}: "
            f"{row.plan} is then better than {leader} by {_number(gain[0], unit)} {unit} "
            f"(95% interval {_number(gain[1], unit)} to {_number(gain[2], unit)})."
        )
    for k, row in enumerate(unclear.itertuples()):
        parts.append(
            f"It {'also ' if k or len(flips) else ''}becomes unclear when {row.assumption} is "
            f"at {row.value}: the replications can no longer tell {leader} from {row.plan} "
            f"({row.plan} {_number(row.vs_leader_mean, unit, True)} {unit} against it, 95% "
            f"interval {_number(row.vs_leader_low, unit, True)} to "
            f"{_number(row.vs_leader_high, unit, True)})."
        )
    by_label = {a.label: a for a in assumptions}
    tested = outcomes[outcomes["outcome"] != NOT_TESTED]
    held = [
        by_label[label].range_words()
        for label, rows in tested.groupby("assumption", sort=False)
        if (rows["outcome"] == HOLDS).all() and label in by_label
    ]
    if tested.empty:
        parts.append("No assumption could be tested against these plans.")
    elif len(flips) == 0 and len(unclear) == 0:
        parts.append(
            f"The ranking holds across these ranges: {'; '.join(held)} ({leader} stays first "
            + ("or level within the intervals " if tied else "")
            + "at every end)."
        )
    elif held:
        parts.append(f"It holds across {'; '.join(held)}.")
    skipped = outcomes[outcomes["outcome"] == NOT_TESTED]
    if len(skipped):
        parts.append(
            "Not tested: "
            + "; ".join(f"{row.assumption} ({row.why})" for row in skipped.itertuples())
            + "."
        )
    return " ".join(parts)
