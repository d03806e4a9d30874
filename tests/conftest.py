"""Shared fixtures: the reference scenario's text (bad-scenario tests) and runs with their office
(conservation and work-chain tests). Both are module-scoped: one per test module."""

from __future__ import annotations

import pytest
from office_runs import Run, reference_scenario, run_capturing_office
from scenario_edits import REFERENCE

from sim.scaling import scaled


@pytest.fixture(scope="module")
def ref() -> str:
    return REFERENCE.read_text(encoding="utf-8").rstrip("\n") + "\n"  # so appended lines stand alone


@pytest.fixture(scope="module", params=["reference-8w", "half-office-3w"])
def run(request) -> Run:
    if request.param == "reference-8w":
        return run_capturing_office(reference_scenario(), seed=1, weeks=8)
    return run_capturing_office(scaled(reference_scenario(), 0.5), seed=7, weeks=3)
