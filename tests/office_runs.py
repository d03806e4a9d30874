"""A run of the simulation together with the office object behind it, for the conservation and
work-chain tests.

The office object is captured by wrapping ``sim.run.build_tables`` (the tables are built from
it), so the tests can also look at cases and holders."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

import sim.run
from scenario_edits import REFERENCE
from sim import simulate
from sim.scenario.loader import load_scenario
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import Scenario


@dataclass
class Run:
    scenario: Scenario
    weeks: int
    result: sim.RunResult
    office: object

    @property
    def items(self) -> pd.DataFrame:
        return self.result["work_items"]

    def count(self, event: str) -> int:
        ev = self.result["event_counts"]
        hit = ev.loc[ev["event"] == event, "count"]
        return int(hit.iloc[0]) if len(hit) else 0

    def n(self, task: str) -> int:
        return int((self.items["task"] == task).sum())


def run_capturing_office(scenario: Scenario, seed: int, weeks: int, plan: Plan = DO_NOTHING) -> Run:
    captured = {}
    real = sim.run.build_tables

    def spy(office, n_days):
        captured["office"] = office
        return real(office, n_days)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim.run, "build_tables", spy)
        result = simulate(scenario, plan=plan, seed=seed, weeks=weeks)
    return Run(scenario, weeks, result, captured["office"])


def reference_scenario():
    return load_scenario(REFERENCE)
