"""Verdicts that say how robust they are: the leading plans rerun at both ends of the range of
each assumption the scenario marks as mattering (:mod:`sim.scenario.assumptions`).

:func:`robustness` compares the plans as :func:`sim.experiments.compare.compare` does (or takes
such a comparison already made), ranks them on the measure the verdict leads with (the first of
``headlined("verdict")``, mean backlog, unless another is asked for), and reruns the leading
plans (the top two, or every plan when there are at most three, or those asked for) with each
assumption at its low end and at its high end. Every run uses the comparison's seed and
replications, so a replication meets the same demand, absences and outage at every end and
under every plan (common random numbers): at each end the plans are compared replication by
replication, with the paired statistics of :mod:`sim.experiments.statistics`.

At each end the ranking **holds** (the leader is still clearly ahead of every plan it was
clearly ahead of, and no plan is clearly better than it), **flips** (another plan is clearly
better: its paired 95% interval against the leader excludes zero), or **becomes unclear** (the
leader was clearly ahead of a plan and no longer is). An assumption no leading plan can feel
(a lever none of them pulls, or a field the scenario no longer has) is **not tested**.
:mod:`sim.experiments.robustness_words` holds the rule and states the result in one sentence.

A run at an end that equals a run of the comparison (a plan that does not pull the lever
varied, or an end that is the plan's own setting) is not run again: the comparison's values are
the same numbers (every run depends only on its spec).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from sim.experiments.compare import Experiment, compare
from sim.experiments.cost import Estimate, comparison_estimate, ends_estimate
from sim.experiments.engines import NO_OUTAGE, Progress, RunSpec, run_all
from sim.experiments.robustness_words import (
    NOT_TESTED,
    end_outcome,
    sentence,
)
from sim.experiments.statistics import mean_ci, paired_difference, paired_values
from sim.results.measures import MEASURES, headlined
from sim.results.tables import Tables
from sim.scenario.assumptions import Assumption, missing_field, plan_at, pulls, scenario_at
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario, digest, run_settings
from sim.version import __version__

VERDICT_MEASURE = headlined("verdict")[0]  # the measure the verdict leads with
ENDS = ("low", "high")  # for two alternatives: the first and the second
AS_SET = "as set"  # the comparison's own runs, the scenario and plans as they are
MOST_LEADING = 3  # with more plans than this, the top two are rerun
# per assumption, end and plan; and per assumption and end
TABLE_COLUMNS = tuple(
    "assumption path end value plan measure mean ci_low ci_high replications vs_leader_mean "
    "vs_leader_low vs_leader_high outcome".split()
)
OUTCOME_COLUMNS = tuple(
    "assumption path end value outcome plan vs_leader_mean vs_leader_low vs_leader_high why".split()
)


@dataclass(frozen=True)
class Robustness(Tables):
    """How robust a comparison's ranking is: the tables ``robustness`` (per assumption, end and
    plan: the measure's mean with its 95% interval and the paired difference from the leader
    with its interval) and ``outcomes`` (per assumption and end: holds, flips, unclear or not
    tested, and the plan and difference it turns on), and the manifest (measure, leader,
    leading plans, seed, replications, weeks, and the ``sentence``)."""

    @property
    def sentence(self) -> str:
        return self.manifest["sentence"]

    @property
    def measure(self) -> str:
        return self.manifest["measure"]

    @property
    def leader(self) -> str:
        return self.manifest["leader"]

    @property
    def leading(self) -> list[str]:
        return list(self.manifest["leading"])


def check_measure(name: str) -> None:
    """ValueError with the fix unless ``name`` is a measure a ranking can be made on."""
    found = MEASURES.get(name)
    usable = [m for m in headlined("compared") if m != "time_to_recover_days"]
    if found is None or found.better == "neither" or name == "time_to_recover_days":
        raise ValueError(
            f"a ranking cannot be made on {name!r} here; use one of: {', '.join(usable)}"
        )


def _check(scenario: Scenario, replications: int) -> None:
    if not scenario.assumptions:
        raise ValueError(
            f"scenario {scenario.name!r} marks no assumptions as mattering; add an "
            "assumptions: section naming each one, where it lives and its two ends (see "
            "scenarios/s02-ndelius-upgrade.yaml and docs/experiments.md)"
        )
    if not isinstance(replications, int) or replications < 2:
        raise ValueError(
            f"replications is {replications!r}; paired intervals need at least 2: give 2 or more"
        )


def leading_plans(
    comparison: pd.DataFrame, measure: str, names: Sequence[str], rerun: Sequence[str] | None
) -> list[str]:
    """The plans to rerun, best first by the comparison's rank on ``measure`` (ties in the
    experiment's order): those named in ``rerun``, or the top two, or all of them when there
    are at most :data:`MOST_LEADING`."""
    rows = comparison[(comparison["measure"] == measure) & (comparison["plan"] != NO_OUTAGE)]
    rows = rows.dropna(subset=["mean"])
    order = {name: i for i, name in enumerate(names)}
    ranked = sorted(
        rows["plan"], key=lambda p: (rows.loc[rows["plan"] == p, "rank"].iloc[0], order.get(p, 0))
    )
    if rerun is not None:
        chosen = [p for p in ranked if p in rerun]
    else:
        chosen = ranked if len(ranked) <= MOST_LEADING else ranked[:2]
    if len(chosen) < 2:
        raise ValueError(
            f"a ranking needs two plans with a value of {measure}; compare at least two plans"
        )
    return chosen


@dataclass(frozen=True)
class _Plan:
    """What an assumption's end needs run: the runs' label, scenario and plan, or the
    comparison's runs to reuse (``label`` None)."""

    label: str | None
    scenario: Scenario
    plan: Plan


def _ends_to_run(
    scenario: Scenario, plans: dict[str, Plan], leading: list[str]
) -> tuple[dict[tuple[int, int], dict[str, _Plan]], dict[int, str]]:
    """For each assumption (index) and end (0 low, 1 high) that can be tested, each leading
    plan's runs at that end; and why each other assumption cannot be."""
    found: dict[tuple[int, int], dict[str, _Plan]] = {}
    skipped: dict[int, str] = {}
    for i, assumption in enumerate(scenario.assumptions):
        why = untested(assumption, scenario, [plans[p] for p in leading])
        if why is not None:
            skipped[i] = why
            continue
        for end in (0, 1):
            at = scenario_at(scenario, assumption, end)
            found[(i, end)] = {}
            for name in leading:
                plan = plan_at(plans[name], assumption, end)
                same = at == scenario and plan == plans[name]
                found[(i, end)][name] = _Plan(None if same else f"{i}:{end}:{name}", at, plan)
    return found, skipped


def untested(assumption: Assumption, scenario: Scenario, plans: Sequence[Plan]) -> str | None:
    """Why rerunning ``plans`` at the assumption's ends cannot change anything (None: it can):
    the scenario lacks its field (a scenario derived from the one it was written for), or it
    is a setting of levers none of the plans pulls."""
    missing = missing_field(scenario, assumption)
    if missing is not None:
        return missing.rpartition(";")[0].strip()
    if assumption.scenario_paths or any(pulls(p, assumption) for p in plans):
        return None
    return f"no leading plan pulls {', '.join(assumption.levers)}"


def robustness_estimate(
    scenario: Scenario,
    plans: Sequence[Plan],
    replications: int,
    weeks: int,
    rerun: Sequence[str] | None = None,
    compared: bool = False,
) -> Estimate:
    """What :func:`robustness` will cost at most: the comparison (unless ``compared``: it is
    given) and every assumption's two ends for the plans to rerun (those in ``rerun``, or as
    many as would be chosen from ``plans``, "do nothing" added)."""
    count = len(plans) + (not any(p.name == DO_NOTHING.name for p in plans))
    leading = len(rerun) if rerun else count if count <= MOST_LEADING else 2
    ends = ends_estimate(scenario, leading, replications, weeks)
    if compared:
        return ends
    base = comparison_estimate(scenario, plans, replications, weeks)
    return Estimate(
        base.runs + ends.runs,
        base.cpu_seconds + ends.cpu_seconds,
        max(base.longest_run_s, ends.longest_run_s),
    )


def robustness(
    scenario: Scenario,
    plans: Sequence[Plan] = (DO_NOTHING,),
    replications: int = 10,
    *,
    seed: int | None = None,
    weeks: int | None = None,
    measure: str = VERDICT_MEASURE,
    rerun: Sequence[str] | None = None,
    engine: str = "pool",
    workers: int | None = None,
    address: str | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    compared: Experiment | None = None,
) -> Robustness:
    """Compare ``plans`` (as :func:`~sim.experiments.compare.compare`, "do nothing" added),
    rank them on ``measure`` and rerun the leading plans at both ends of each of the
    scenario's assumptions; see the module's description for the rule.

    ``compared``: a comparison of this scenario and these plans already made (an experiment on
    screen, or saved): its runs are used and its seed, replications and weeks kept, so only the
    ends are run. ``rerun``: the names of the plans to rerun (default: the top two, or every
    plan when there are at most three). Raises ValueError, saying what to change, for a
    scenario without assumptions, fewer than 2 replications, an unknown plan or measure, or an
    end that makes a plan invalid."""
    check_measure(measure)
    done_before = 0  # runs already counted by ``progress`` (the comparison's, if run here)
    by_name = {p.name: p for p in [DO_NOTHING, *plans]}
    unknown = [name for name in rerun or () if name not in by_name]
    if unknown:
        raise ValueError(
            f"plan {unknown[0]!r} is not among the plans compared; use one of: {', '.join(by_name)}"
        )
    if compared is None:
        _check(scenario, replications)
        seed, weeks = run_settings(scenario, seed, weeks)
        upper = robustness_estimate(scenario, plans, replications, weeks, rerun, True).runs

        def comparing(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total + upper)

        compared = compare(
            scenario, plans, replications, seed=seed, weeks=weeks, engine=engine,
            workers=workers, address=address, executor=executor, progress=comparing,
        )  # fmt: skip
        done_before = compared.manifest["runs"]
    m = compared.manifest
    if m["scenario_hash"] != scenario.digest():
        raise ValueError(
            f"the comparison given is of scenario {m['scenario_hash']}, not of this one "
            f"({scenario.digest()}); give the scenario it was made from"
        )
    replications, seed, weeks = m["replications"], m["seed"], m["weeks"]
    _check(scenario, replications)
    hashes = dict(zip(m["plans"], m.get("plan_hashes", []), strict=False))
    missing = [
        name
        for name in m["plans"]
        if name not in by_name or hashes.get(name, digest(by_name[name])) != digest(by_name[name])
    ]
    if missing:
        raise ValueError(
            f"plan {missing[0]!r} of the comparison was not given as it ran; give every plan "
            "compared, as it was compared"
        )
    leading = leading_plans(compared["comparison"], measure, m["plans"], rerun)
    ends, skipped = _ends_to_run(scenario, by_name, leading)
    specs = [
        RunSpec(run.label, run.scenario, run.plan, seed, r, weeks, detail=False)
        for r in range(replications)
        for plans_at in ends.values()
        for run in plans_at.values()
        if run.label is not None
    ]

    def rerunning(done: int, total: int) -> None:
        if progress is not None:
            progress(done_before + done, done_before + total)

    outcomes = run_all(
        specs, engine=engine, workers=workers, progress=rerunning, address=address,
        executor=executor,
    )  # fmt: skip
    found: dict[str, dict[int, float]] = {}
    for outcome in outcomes:
        found.setdefault(outcome.label, {})[outcome.replication] = outcome.measures[measure]
    values = {label: pd.Series(by_replication) for label, by_replication in found.items()}
    runs = compared["runs"]
    base = {
        name: _series(runs[(runs["plan"] == name) & (runs["measure"] == measure)])
        for name in leading
    }
    return _result(scenario, compared, measure, leading, (ends, skipped), values, base, len(specs))


def _series(rows: pd.DataFrame) -> pd.Series:
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["replication"].to_numpy())


def _rows(
    values: dict[str, pd.Series], leading: list[str], measure: str
) -> tuple[list[dict], dict[str, tuple[float, float, float]]]:
    """Each plan's mean with its interval, and its paired difference from the leader."""
    bounds = MEASURES[measure]
    leader = values[leading[0]]
    rows, diffs = [], {}
    for name in leading:
        ci = mean_ci(values[name].dropna(), least=bounds.least, most=bounds.most)
        row = {
            "plan": name, "measure": measure, "mean": ci.mean, "ci_low": ci.low,
            "ci_high": ci.high, "replications": ci.n,
        }  # fmt: skip
        if name == leading[0]:
            row.update(vs_leader_mean=math.nan, vs_leader_low=math.nan, vs_leader_high=math.nan)
        else:
            diff = paired_difference(*paired_values(values[name], leader))
            diffs[name] = (diff.mean, diff.low, diff.high)
            row.update(vs_leader_mean=diff.mean, vs_leader_low=diff.low, vs_leader_high=diff.high)
        rows.append(row)
    return rows, diffs


def _result(
    scenario: Scenario,
    compared: Experiment,
    measure: str,
    leading: list[str],
    to_run: tuple[dict[tuple[int, int], dict[str, _Plan]], dict[int, str]],
    values: dict[str, pd.Series],
    base: dict[str, pd.Series],
    runs: int,
) -> Robustness:
    lower = MEASURES[measure].better != "higher"
    ends, skipped = to_run
    rows, at_base = _rows(base, leading, measure)
    table = [
        {"assumption": "", "path": "", "end": AS_SET, "value": "", **r, "outcome": ""} for r in rows
    ]
    outcomes: list[tuple] = []
    for i, assumption in enumerate(scenario.assumptions):
        where = ", ".join(assumption.paths)
        if i in skipped:
            nan = (math.nan,) * 3
            outcomes.append((assumption.label, where, "", "", NOT_TESTED, "", *nan, skipped[i]))
            continue
        for end in (0, 1):
            at_end = {
                name: base[name] if run.label is None else values[run.label].sort_index()
                for name, run in ends[(i, end)].items()
            }
            end_rows, diffs = _rows(at_end, leading, measure)
            result, plan = end_outcome(diffs, at_base, lower)
            words = assumption.end_words(end)
            head = {"assumption": assumption.label, "path": where, "end": ENDS[end], "value": words}
            table += [{**head, **r, "outcome": result} for r in end_rows]
            diff = diffs[plan] if plan is not None else (math.nan,) * 3
            outcomes.append(
                (assumption.label, where, ENDS[end], words, result, plan or "", *diff, "")
            )
    table_frame = pd.DataFrame(table, columns=list(TABLE_COLUMNS))
    outcome_frame = pd.DataFrame(outcomes, columns=list(OUTCOME_COLUMNS))
    m = compared.manifest
    manifest = {
        "scenario": scenario.name,
        "scenario_hash": scenario.digest(),
        "plans": list(m["plans"]),
        "plan_hashes": list(m.get("plan_hashes", [])),
        "seed": m["seed"],
        "replications": m["replications"],
        "weeks": m["weeks"],
        "version": __version__,
        "measure": measure,
        "leader": leading[0],
        "leading": leading,
        "runs": runs,
        "compared_run_id": m.get("run_id"),
        "assumptions": [a.model_dump(mode="json") for a in scenario.assumptions],
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    manifest["sentence"] = sentence(measure, leading, at_base, outcome_frame, scenario.assumptions)
    return Robustness(manifest, {"robustness": table_frame, "outcomes": outcome_frame})
