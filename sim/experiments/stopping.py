"""When a comparison has run enough replications: a sequential stopping rule.

Replications are run in batches (``first``, then ``step`` at a time) and after each batch the
rule looks at every headline measure (the measures the verdict ranks plans on, by default):

* **precision** (Law, *Simulation Modeling and Analysis*, 5th ed., 2015, section 9.4.1, the
  sequential procedure for a relative error ``gamma``, applied to paired differences): for each
  plan, the 95% interval of its paired difference from the reference plan ("do nothing", or
  carrying on as decided at a tabletop decision; common random numbers) has a half-width no
  more than ``gamma' = gamma / (1 + gamma)`` times the reference's mean of the measure (the
  office's level in these replications), or the measure's floor (:func:`floor_of`: a
  difference near zero does not need endless replications to be told from zero to within a
  fraction of nothing); the reference itself, and every plan of a comparison without it, the
  interval of its own mean;
* **ranking held**: the verdict's answer on every headline measure (the plan named best, and
  each plan's call against the reference: clearly better, clearly worse, no clear difference)
  has not changed over the last ``hold`` replications (without the reference: the plans'
  order by mean).

Either stops the comparison; otherwise it stops at the maximum, saying which interval is the
widest against what it is allowed. :func:`sim.experiments.compare.compare` runs it; its manifest
keeps the rule, why it stopped and at how many replications (``stopping``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from sim.experiments.engines import NO_OUTAGE, RunOutcome
from sim.experiments.statistics import mean_ci, paired_difference
from sim.results.measures import MEASURES, headlined, label, measure
from sim.scenario.plans import DO_NOTHING, reference_words

# The measures watched by default: those the verdict ranks plans on (its answer)
HEADLINES = headlined("verdict")
# The smallest half-width asked for, by the measure's unit: a count is known to within half of
# one item, hours to an hour, days to half a day, minutes to a minute, a share to a point
COUNT_FLOOR = 0.5
FLOOR_BY_UNIT = {"hours": 1.0, "days": 0.5, "minutes": 1.0, "share": 0.01}

Why = Literal["precision", "ranking", "maximum"]
Values = dict[tuple[str, str], dict[int, float]]  # (plan, measure) -> replication -> value


def floor_of(name: str) -> float:
    """The half-width always precise enough for measure ``name``, from its unit."""
    return FLOOR_BY_UNIT.get(measure(name).unit, COUNT_FLOOR)


@dataclass(frozen=True)
class Check:
    """One interval the rule looks at: a plan's paired difference from the reference plan (or
    its own mean) on a measure, its half-width and the half-width allowed."""

    plan: str
    measure: str
    half_width: float
    allowed: float

    @property
    def excess(self) -> float:
        """Half-width over allowed (above 1: not precise enough; inf: too few values)."""
        if math.isnan(self.half_width):
            return math.inf
        return self.half_width / self.allowed

    def words(self) -> str:
        unit = measure(self.measure).unit
        return (
            f"{self.plan}, {label(self.measure)}: +/-{self.half_width:,.3g} {unit} against "
            f"+/-{self.allowed:,.3g} allowed"
        )


@dataclass(frozen=True)
class Stop:
    """Why the replications stopped (``why``), at how many, in words."""

    why: Why
    replications: int
    reason: str


@dataclass(frozen=True)
class StoppingRule:
    """Add replications until every headline's interval is precise enough or the ranking has
    held (see the module's docstring); the maximum is the comparison's ``replications``.

    ``measures``: the headline measures watched; ``relative``: the relative error gamma (0.10:
    within 10%); ``hold``: replications over which an unchanged ranking stops (0: never);
    ``first``: replications before the first look (Law recommends at least 10); ``step``:
    replications added between looks."""

    measures: tuple[str, ...] = HEADLINES
    relative: float = 0.10
    hold: int = 3
    first: int = 10
    step: int = 5

    def __post_init__(self) -> None:
        unknown = [m for m in self.measures if m not in MEASURES]
        if unknown or not self.measures:
            raise ValueError(
                f"stopping rule measures {list(self.measures)!r}: "
                + (f"{', '.join(unknown)} not a measure" if unknown else "none given")
                + f"; fix: name measures of the registry, such as {', '.join(HEADLINES)}"
            )
        if not (0 < self.relative < 1):
            raise ValueError(
                f"stopping rule relative = {self.relative!r}; fix: a fraction between 0 and 1, "
                "such as 0.1 for 10%"
            )
        for name, least in (("hold", 0), ("first", 2), ("step", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < least:
                raise ValueError(
                    f"stopping rule {name} = {value!r}; fix: a whole number of at least {least}"
                )

    @property
    def adjusted(self) -> float:
        """gamma' = gamma / (1 + gamma): the half-width over the mean the procedure asks for,
        so that the relative error of the estimate is at most gamma."""
        return self.relative / (1 + self.relative)

    def as_dict(self) -> dict:
        """The rule as plain data, for an experiment's manifest."""
        found = asdict(self)
        found["measures"] = list(self.measures)
        return found

    @classmethod
    def from_dict(cls, data: dict) -> StoppingRule:
        return cls(**{**data, "measures": tuple(data["measures"])})

    def next_count(self, done: int, maximum: int) -> int:
        """How many replications to have run after the next batch."""
        return min(self.first if done == 0 else done + self.step, maximum)

    def decide(
        self, outcomes: Iterable[RunOutcome], maximum: int, reference: str = DO_NOTHING.name
    ) -> Stop | None:
        """Whether to stop after ``outcomes`` (every plan's runs of replications 0 to n - 1,
        each paired with the ``reference`` plan's), and why; None: run another batch."""
        values = values_of(outcomes, self.measures)
        n = len({r for runs in values.values() for r in runs})
        checks = precision_checks(values, self.measures, self.adjusted, reference)
        against = reference_words(reference)
        widest = max(checks, key=lambda c: c.excess, default=None)
        if widest is not None and widest.excess <= 1:
            return Stop(
                "precision",
                n,
                f"precision reached (every headline's paired 95% interval was within "
                f"{self.relative:.0%} of the mean of {against}, or its floor)",
            )
        if self.hold and ranking_held(values, self.measures, self.hold, reference):
            return Stop(
                "ranking",
                n,
                f"ranking held (over the last {self.hold} replications, the plan named best on "
                f"every headline and each plan's call against {against} did not change)",
            )
        if n >= maximum:
            widest_words = "" if widest is None else f"; the widest interval: {widest.words()}"
            return Stop(
                "maximum",
                n,
                f"maximum of {maximum} replications reached, precision not reached{widest_words}",
            )
        return None


def values_of(outcomes: Iterable[RunOutcome], measures: Sequence[str]) -> Values:
    """Each plan's values of each of ``measures``, by replication (not the no-outage runs)."""
    found: Values = {}
    for o in outcomes:
        if o.label == NO_OUTAGE:
            continue
        for m in measures:
            found.setdefault((o.label, m), {})[o.replication] = o.measures.get(m, math.nan)
    return found


def _plans(values: Values) -> list[str]:
    return list(dict.fromkeys(plan for plan, _ in values))


def _paired(mine: dict[int, float], theirs: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    common = sorted(
        r for r in mine.keys() & theirs.keys() if mine[r] == mine[r] and theirs[r] == theirs[r]
    )
    return np.array([mine[r] for r in common]), np.array([theirs[r] for r in common])


def precision_checks(
    values: Values, measures: Sequence[str], adjusted: float, reference: str = DO_NOTHING.name
) -> list[Check]:
    """Every interval the precision rule looks at: each plan's paired difference from the
    ``reference`` plan on each measure (the reference, and each plan without it, its own
    mean)."""
    checks = []
    found = reference if any(p == reference for p, _ in values) else None
    for plan in _plans(values):
        for m in measures:
            mine = values.get((plan, m))
            if not mine:
                continue
            own = np.array([v for v in mine.values() if v == v])
            if found is None or plan == found:
                ci = mean_ci(own)
            else:
                a, b = _paired(mine, values.get((found, m), {}))
                ci = paired_difference(a, b)
                own = b  # a difference is judged against the reference's level
            level = abs(float(own.mean())) if len(own) else 0.0
            allowed = max(adjusted * level, floor_of(m))
            checks.append(Check(plan, m, ci.half_width if ci.n >= 2 else math.nan, allowed))
    return checks


def ranking(values: Values, measure_name: str, plans: Sequence[str], n: int) -> tuple[int, ...]:
    """Each plan's rank on ``measure_name`` (1 = best, ties sharing the better rank) from its
    mean over replications 0 to n - 1, in the registry's direction."""
    sign = -1.0 if MEASURES[measure_name].better == "higher" else 1.0
    scores = []
    for plan in plans:
        kept = [v for r, v in values.get((plan, measure_name), {}).items() if r < n and v == v]
        scores.append(sign * float(np.mean(kept)) if kept else math.inf)
    return tuple(1 + sum(other < score for other in scores) for score in scores)


Call = Literal["better", "worse", "no clear difference"]


def answer(
    values: Values,
    measure_name: str,
    plans: Sequence[str],
    n: int,
    reference: str = DO_NOTHING.name,
) -> tuple:
    """The verdict's answer on ``measure_name`` from replications 0 to n - 1: each plan's call
    against the ``reference`` plan (clearly better or worse: its paired 95% interval excludes
    zero; else no clear difference) and the plan named best (the best mean of those clearly
    better; None: none). Without the reference among ``plans``: their ranking by mean."""
    if reference not in plans:
        return ranking(values, measure_name, plans, n)
    sign = -1.0 if MEASURES[measure_name].better == "higher" else 1.0
    against = {r: v for r, v in values.get((reference, measure_name), {}).items() if r < n}
    calls: list[Call] = []
    best, best_score = None, math.inf
    for plan in plans:
        if plan == reference:
            continue
        mine = {r: v for r, v in values.get((plan, measure_name), {}).items() if r < n}
        a, b = _paired(mine, against)
        diff = paired_difference(a, b) if len(a) >= 2 else None
        if diff is None or not (diff.low > 0 or diff.high < 0):
            calls.append("no clear difference")
            continue
        score = sign * diff.mean
        calls.append("better" if score < 0 else "worse")
        if score < 0 and score < best_score:
            best, best_score = plan, score
    return (*calls, best)


def ranking_held(
    values: Values, measures: Sequence[str], hold: int, reference: str = DO_NOTHING.name
) -> bool:
    """Whether the answer on every measure (:func:`answer`: each plan's call against the
    ``reference`` plan and the plan named best) is the same after each of the last ``hold``
    replications as before them (at least two plans, and ``hold`` replications after two)."""
    plans = _plans(values)
    n = len({r for runs in values.values() for r in runs})
    if len(plans) < 2 or hold < 1 or n - hold < 2:
        return False
    for m in measures:
        seen = {answer(values, m, plans, k, reference) for k in range(n - hold, n + 1)}
        if len(seen) > 1:
            return False
    return True
