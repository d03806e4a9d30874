"""Shared fixtures: the reference scenario's text (bad-scenario tests) and runs with their office
(conservation and work-chain tests). Both are module-scoped: one per test module."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from office_runs import Run, reference_scenario, run_capturing_office
from scenario_edits import REFERENCE

from sim.scenario.scaling import scaled

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def ref() -> str:
    return REFERENCE.read_text(encoding="utf-8").rstrip("\n") + "\n"  # so appended lines stand alone


@pytest.fixture(scope="module", params=["reference-8w", "half-office-3w"])
def run(request) -> Run:
    if request.param == "reference-8w":
        return run_capturing_office(reference_scenario(), seed=1, weeks=8)
    return run_capturing_office(scaled(reference_scenario(), 0.5), seed=7, weeks=3)


@pytest.fixture(scope="session")
def small_experiment():
    """A small S2 experiment (do nothing and paper fallback, 3 replications, 6 weeks) with the
    parameter sources the app and the command line save with it."""
    from sim.experiments.compare import Experiment, compare
    from sim.scenario.loader import load_plan, load_scenario
    from sim.scenario.sources import SOURCES_COLUMNS, sources_table

    s02 = SCENARIOS / "s02-ndelius-upgrade.yaml"
    found = compare(load_scenario(s02), [load_plan(SCENARIOS / "plans" / "paper-fallback.yaml")],
                    3, weeks=6, engine="serial")
    sources = pd.DataFrame(sources_table(s02.read_text(), s02.name, s02.parent),
                           columns=list(SOURCES_COLUMNS))
    return Experiment(found.manifest, {**found.tables, "sources": sources})


@pytest.fixture
def experiment_tables(small_experiment) -> dict:
    return small_experiment.tables
