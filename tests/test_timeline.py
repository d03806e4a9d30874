"""The disruption timeline (sim/outputs/timeline.py): drawn from the settings, one row per
disruption that has an effect and per timed decision or mutual aid of the plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.outputs.timeline import timeline_figure, timeline_table
from sim.scenario.loader import load_plan, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def test_every_disruption_and_decision_is_a_row_at_its_day():
    s2 = load_scenario(SCENARIOS / "s02-ndelius-upgrade.yaml")
    decide = load_plan(SCENARIOS / "plans" / "decide-paper-on-day-2.yaml")
    aid = load_plan(SCENARIOS / "plans" / "mutual-aid.yaml")
    rows = timeline_table(s2, [decide, aid])
    [down] = rows[rows["kind"] == "down"].itertuples()
    window = s2.outages.down[0]
    assert down.lane == s2.systems.case_system.name
    assert down.start_day == pytest.approx(window.start_minute / 1440)
    assert down.end_day - down.start_day == pytest.approx(window.hours / 24)
    [decision] = rows[rows["kind"] == "decision"].itertuples()
    assert decision.lane == f"plan: {decide.name}" and "paper fallback" in decision.what
    assert decision.start_day == pytest.approx(decide.switches[0].at.minute / 1440)
    [helpers] = rows[rows["kind"] == "mutual_aid"].itertuples()
    assert helpers.start_day == aid.levers.mutual_aid.from_day


def test_a_disruption_that_changes_nothing_is_left_out():
    office = load_scenario(SCENARIOS / "reference-office.yaml")
    capped = office.with_changes(
        **{
            "outages.login_cap": [
                {"start": {"day": 3}, "duration_days": 2, "sessions": 100_000},
            ]
        }
    )
    assert timeline_table(capped).empty  # a cap above the headcount
    assert timeline_figure(capped).axes  # still drawn: the office in normal operation
