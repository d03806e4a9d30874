"""Sweeps: how one measure responds to a scenario's parameters.

* :func:`one_at_a_time`: each parameter moved alone to a low and a high value, the rest held at
  the scenario's own values: the data of a tornado chart.
* :func:`grid`: two parameters crossed over lists of values: the data of a breaking-point map
  (e.g. outage days x login-cap share -> missed high-risk checks).

A parameter is a dotted path into the scenario, integers indexing lists:
``"office.staffing.probation_officer.count"``, ``"outages.down.0.duration_days"``.
Every setting is run on the same replications with the same seed (common random numbers), so
differences between settings are paired replication by replication, as in
:mod:`sim.experiments.compare`. Runs go through :func:`sim.experiments.engines.run_all`, so any
engine gives the same numbers. Measures: a run's summary measures (``sim.results.tables``) and
the risk-check breakdown that :func:`sim.experiments.engines.run_spec` adds
(``missed_high_risk_checks``, ``missed_risk_checks_<level>``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.experiments.engines import Progress, RunOutcome, RunSpec, run_all
from sim.experiments.statistics import mean_ci, paired_difference
from sim.scenario.paths import set_in, thawed, value_in
from sim.scenario.plans import Plan
from sim.scenario.problems import ScenarioError, validate
from sim.scenario.schema import Scenario, run_settings

BASE = "base"


def value_at(scenario: Scenario, path: str):
    """The scenario's value at a dotted path (integers index lists)."""
    return value_in(scenario.model_dump(mode="python"), path)


def with_values(scenario: Scenario, changes: Mapping[str, object]) -> Scenario:
    """A new scenario with each dotted path set to its value, validated once all are set.

    Raises ValueError naming the path if a path does not exist, or naming the paths and the
    scenario's complaint if the values make an invalid scenario."""
    data = thawed(scenario.model_dump(mode="python"))
    for path, value in changes.items():
        set_in(data, path, value)
    try:
        return validate(data, {}, "the swept scenario")
    except ScenarioError as exc:
        edits = ", ".join(f"{p} = {v!r}" for p, v in changes.items())
        why = "; ".join(
            f"{p.field}: {p.message.rstrip('.')} (fix: {p.fix.rstrip('.')})" for p in exc.problems
        )
        raise ValueError(
            f"{edits} makes an invalid scenario: {why}. Choose another value."
        ) from None


def with_value(scenario: Scenario, path: str, value: object) -> Scenario:
    """A new scenario with the field at a dotted path (integers index lists) set to ``value``
    and validated again: ``with_value(s, "outages.down.0.duration_days", 2)``."""
    return with_values(scenario, {path: value})


def _check_counts(replications: int) -> None:
    if not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications must be a whole number, at least 1 (got {replications!r})")


def _run(
    labelled: list[tuple[str, Scenario]],
    plan: Plan,
    replications: int,
    seed: int,
    weeks: int,
    engine: str,
    workers: int | None,
    address: str | None,
    progress: Progress | None,
) -> dict[str, list[RunOutcome]]:
    """Every labelled scenario on the same replications; outcomes by label, by replication."""
    specs = [
        RunSpec(label, sc, plan, seed, r, weeks)
        for r in range(replications)
        for label, sc in labelled
    ]
    outcomes = run_all(specs, engine=engine, workers=workers, progress=progress, address=address)
    by_label: dict[str, list[RunOutcome]] = {label: [] for label, _ in labelled}
    for outcome in outcomes:
        by_label[outcome.label].append(outcome)
    return by_label


def _values(outcomes: list[RunOutcome], measure: str) -> np.ndarray:
    """The measure of each run, in replication order; ValueError if runs have no such measure."""
    if outcomes and measure not in outcomes[0].measures:
        raise ValueError(
            f"unknown measure {measure!r}; use one of: {', '.join(sorted(outcomes[0].measures))}"
        )
    return np.array([o.measures[measure] for o in sorted(outcomes, key=lambda o: o.replication)])


def one_at_a_time(
    scenario: Scenario,
    plan: Plan,
    parameters: Mapping[str, tuple[object, object]],
    measure: str = "backlog_mean",
    replications: int = 10,
    *,
    seed: int | None = None,
    weeks: int | None = None,
    engine: str = "pool",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Tornado-chart data: each parameter set to its low and its high value alone.

    ``parameters`` maps dotted paths to ``(low, high)``. Runs the scenario as it is (base) and
    each low and high setting on ``replications`` common replications: ``replications x
    (1 + 2 x parameters)`` runs. One row per parameter: ``parameter, low, high, base_value,
    measure, mean_at_low, mean_at_base, mean_at_high, swing`` (mean at high minus mean at low)
    with ``swing_ci_low/high``, ``low_vs_base`` and ``high_vs_base`` (paired differences from
    base) with their 95% intervals, and ``replications``; sorted by absolute swing, largest
    first."""
    _check_counts(replications)
    if not parameters:
        raise ValueError("parameters is empty; give at least one {'dotted.path': (low, high)}")
    labelled = [(BASE, scenario)]
    bases = {}
    for path, pair in parameters.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"parameters[{path!r}] is {pair!r}; give a (low, high) pair")
        bases[path] = value_at(scenario, path)
        labelled += [
            (f"low:{path}", with_value(scenario, path, pair[0])),
            (f"high:{path}", with_value(scenario, path, pair[1])),
        ]
    seed, weeks = run_settings(scenario, seed, weeks)
    runs = _run(labelled, plan, replications, seed, weeks, engine, workers, address, progress)
    base = _values(runs[BASE], measure)
    rows = []
    for path, (low, high) in parameters.items():
        at_low, at_high = (
            _values(runs[f"low:{path}"], measure),
            _values(runs[f"high:{path}"], measure),
        )
        swing = paired_difference(at_high, at_low)
        row = {
            "parameter": path,
            "low": low,
            "high": high,
            "base_value": bases[path],
            "measure": measure,
            "mean_at_low": float(at_low.mean()),
            "mean_at_base": float(base.mean()),
            "mean_at_high": float(at_high.mean()),
            "swing": float(at_high.mean() - at_low.mean()),
            "swing_ci_low": swing.low,
            "swing_ci_high": swing.high,
        }
        for name, values in (("low_vs_base", at_low), ("high_vs_base", at_high)):
            diff = paired_difference(values, base)
            row.update({name: diff.mean, f"{name}_ci_low": diff.low, f"{name}_ci_high": diff.high})
        row["replications"] = replications
        rows.append(row)
    table = pd.DataFrame(rows)
    order = np.argsort(-table["swing"].abs().to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def grid(
    scenario: Scenario,
    plan: Plan,
    axes: Mapping[str, Sequence[object]],
    measure: str = "missed_high_risk_checks",
    replications: int = 10,
    *,
    seed: int | None = None,
    weeks: int | None = None,
    engine: str = "pool",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Breaking-point data: two parameters crossed over lists of values.

    ``axes`` maps two dotted paths to their values (``{"outages.down.0.duration_days": [1, 2, 4],
    "outages.login_cap.0.share_of_staff": [0.2, 0.5]}``). Every cell runs on the same
    ``replications`` (``n x m x replications`` runs). One row per cell, in the order of the
    axes' values: the two paths as columns holding the cell's values, then ``measure``,
    ``mean``, ``ci_low``, ``ci_high`` (95% t-interval over replications), ``replications``."""
    _check_counts(replications)
    if not axes or len(axes) != 2:
        raise ValueError(
            f"axes has {len(axes or {})} parameters; give exactly two, each with a list of values"
        )
    (x_path, xs), (y_path, ys) = axes.items()
    for path, values in axes.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"axes[{path!r}] is {values!r}; give a non-empty list of values")
    cells = [(x, y) for x in xs for y in ys]
    labelled = [
        (f"cell:{i}", with_values(scenario, {x_path: x, y_path: y}))
        for i, (x, y) in enumerate(cells)
    ]
    seed, weeks = run_settings(scenario, seed, weeks)
    runs = _run(labelled, plan, replications, seed, weeks, engine, workers, address, progress)
    rows = []
    for i, (x, y) in enumerate(cells):
        ci = mean_ci(_values(runs[f"cell:{i}"], measure))
        rows.append(
            {
                x_path: x,
                y_path: y,
                "measure": measure,
                "mean": ci.mean,
                "ci_low": ci.low,
                "ci_high": ci.high,
                "replications": ci.n,
            }
        )
    return pd.DataFrame(rows)
