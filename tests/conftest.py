"""Shared fixtures: the reference scenario's text (bad-scenario tests) and runs with their office
(conservation and work-chain tests). Both are module-scoped: one per test module."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from office_runs import Run, reference_scenario, run_capturing_office
from scenario_edits import REFERENCE
from sim.scenario.scaling import scaled

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def pytest_collection_modifyitems(items) -> None:
    """Browser tests are marked ``browser`` (and ``slow``): ``make test-quick`` leaves them out."""
    for item in items:
        if item.module.__name__.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


S02 = SCENARIOS / "s02-ndelius-upgrade.yaml"


@pytest.fixture(scope="module")
def ref() -> str:
    return (
        REFERENCE.read_text(encoding="utf-8").rstrip("\n") + "\n"
    )  # so appended lines stand alone


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
    found = compare(
        load_scenario(s02),
        [load_plan(SCENARIOS / "plans" / "paper-fallback.yaml")],
        3,
        weeks=6,
        engine="serial",
    )
    sources = pd.DataFrame(
        sources_table(s02.read_text(), s02.name, s02.parent), columns=list(SOURCES_COLUMNS)
    )
    return Experiment(found.manifest, {**found.tables, "sources": sources})


@pytest.fixture
def experiment_tables(small_experiment) -> dict:
    return small_experiment.tables


# ----------------------------------------------------------------------------- the app (AppTest)
@pytest.fixture
def folders(tmp_path, monkeypatch) -> dict[str, Path]:
    found = {"results": tmp_path / "results", "library": tmp_path / "library"}
    monkeypatch.setenv("SIM_RESULTS_DIR", str(found["results"]))
    monkeypatch.setenv("SIM_LIBRARY_DIR", str(found["library"]))
    monkeypatch.setenv("SIM_DEFAULT_SCENARIO", str(S02))
    monkeypatch.setenv("SIM_APP_WORKERS", "2")
    return found


@pytest.fixture
def experiment(small_experiment):
    """The small S2 experiment, as the app saves it."""
    return small_experiment


@pytest.fixture
def downloads(monkeypatch) -> dict[str, dict]:
    """Every download button drawn, by label: its file name and a function giving its bytes."""
    seen: dict[str, dict] = {}
    original = st.download_button

    def recording(label, data, file_name=None, *args, **kwargs):
        def content(data=data) -> bytes:
            value = data() if callable(data) else data
            return value.encode("utf-8") if isinstance(value, str) else bytes(value)

        seen[label] = {"file_name": file_name, "content": content}
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    monkeypatch.setattr(
        st.delta_generator.DeltaGenerator,
        "download_button",
        lambda self, *a, **k: recording(*a, **k),
    )
    return seen


# ----------------------------------------------------------------------------- the browser
@pytest.fixture(scope="module")
def browser():
    """Debian's chromium under Playwright (skipped without it, except under CI=true: failed)."""
    import os

    from app_server import CHROMIUM_FLAGS
    from browser_kit import NO_CHROMIUM, chromium_path

    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {NO_CHROMIUM}")
        pytest.skip(reason=f"browser tests need chromium, and {NO_CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
