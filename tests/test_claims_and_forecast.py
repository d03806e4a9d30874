"""Claims, forecasts, verdicts and the scenario library on constructed cases with known answers."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from scenario_edits import REFERENCE
from sim.experiments.engines import WORKLOAD_COLUMNS
from sim.outputs.claims import Claim, answer, role_values, wilson
from sim.outputs.forecast import objective_status, recovery_dates, status
from sim.scenario.library import LibraryError, entries, file_name, save_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.sources import parameter_sources


def workload_rows(plan: str, replication: int, over: dict[int, int]) -> list[tuple]:
    """Four probation officers over 6 weeks; person p works 45 h (over 110% of 37 h) in the
    first ``over[p]`` weeks and 37 h after."""
    rows = []
    for person in range(4):
        for week in range(6):
            hours = 45.0 if week < over.get(person, 0) else 37.0
            rows.append(
                (
                    plan,
                    replication,
                    person,
                    "probation_officer",
                    week,
                    37.0,
                    hours,
                    hours / 37.0,
                    120.0 if week < 4 else 100.0,
                    1.0,
                    0.5,
                    0.0,
                )
            )
    return rows


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    rows = (
        workload_rows("Paper fallback", 0, {0: 4, 1: 5})  # 2 of 4 people: 50%
        + workload_rows("Paper fallback", 1, {0: 3})  # 0 of 4: a run of 3 only
        + workload_rows("Paper fallback", 2, {0: 6, 1: 4, 2: 4})
    )  # 3 of 4: 75%
    workload = pd.DataFrame(
        rows,
        columns=["plan", "replication", *WORKLOAD_COLUMNS],
    )
    runs = pd.DataFrame(
        [
            ("Paper fallback", r, "backlog_mean", v, "items")
            for r, v in enumerate([10.0, 30.0, math.nan])
        ],
        columns=["plan", "replication", "measure", "value", "unit"],
    )
    return {"workload": workload, "runs": runs}


def test_share_over_110_for_4_weeks_per_replication(tables):
    shares = role_values(tables["workload"], "share_over_110_hours_4_weeks", "probation_officer")
    assert shares.tolist() == [0.5, 0.0, 0.75]
    wmt = role_values(tables["workload"], "share_over_110_wmt_4_weeks", "probation_officer")
    assert wmt.tolist() == [1.0, 1.0, 1.0]  # everyone at 120% for weeks 0-3


def test_a_claim_is_answered_as_the_share_of_replications_where_it_holds(tables):
    claim = Claim(
        plan="Paper fallback",
        measure="share_over_110_hours_4_weeks",
        role="probation_officer",
        comparison="more_than",
        threshold=0.25,
    )
    result = answer(tables, claim)
    assert (result.holds_in, result.replications) == (2, 3)
    assert result.probability == pytest.approx(2 / 3)
    assert result.low < 2 / 3 < result.high
    assert "more than a quarter" not in result.sentence() and "2 of 3" in result.sentence()
    office = answer(
        tables,
        Claim(plan="Paper fallback", measure="backlog_mean", comparison="at_least", threshold=20),
    )
    assert (office.holds_in, office.replications) == (1, 3)  # a missing value never holds


def test_claims_refuse_unknown_plans_measures_and_missing_roles(tables):
    with pytest.raises(ValueError, match="not in this experiment"):
        answer(tables, Claim(plan="Overtime", measure="backlog_mean", threshold=1))
    with pytest.raises(ValueError, match="unknown measure"):
        Claim(plan="x", measure="happiness", threshold=1)
    with pytest.raises(ValueError, match="name the role"):
        Claim(plan="x", measure="mean_weekly_hours", threshold=1)


def test_wilson_interval_known_values():
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)
    assert wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)  # 3.84 / (10 + 3.84)


def test_red_amber_green_and_recovery_dates():
    assert [status(p) for p in (0.0, 0.099, 0.1, 0.49, 0.5, 1.0)] == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
        "red",
    ]
    assert status(math.nan) == "unknown"
    recovery = pd.DataFrame(
        {
            "plan": ["Do nothing", "no outage"],
            "recovered_share": [0.5, 1.0],
            "time_to_recover_p50": [6.0, math.nan],
            "time_to_recover_p90": [math.nan, math.nan],
        }
    )
    dates = recovery_dates(recovery, {"disruption_days": [21.0, 25.0]}, date(2026, 12, 1))
    assert dates["plan"].tolist() == ["Do nothing"]
    row = dates.iloc[0]
    assert row["outage_ended"] == date(2026, 12, 5)
    assert row["recovered_p50"] == date(2026, 12, 11) and row["recovered_p90"] is None
    objectives = pd.DataFrame(
        {"p_rto_breached": [0.05], "p_mtpd_breached": [0.3], "p_mbco_breached": [0.8]}
    )
    rated = objective_status(objectives).iloc[0]
    assert (rated["rto_status"], rated["mtpd_status"], rated["mbco_status"]) == (
        "green",
        "amber",
        "red",
    )


def test_my_scenarios_are_saved_never_overwritten_and_listed(tmp_path):
    scenario = load_scenario(REFERENCE)
    path = save_scenario(scenario, tmp_path, file_name("My Office: v2!"))
    assert path.name == "my-office-v2.yaml" and load_scenario(path) == scenario
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="already exists"):
        save_scenario(scenario.with_changes(name="Other"), tmp_path, "my-office-v2")
    assert path.read_bytes() == before
    with pytest.raises(LibraryError, match="not a usable file name"):
        save_scenario(scenario, tmp_path, "../escape")
    assert not list(tmp_path.glob(".tmp-*"))  # no temporary file left behind
    listed = entries(REFERENCE.parent, tmp_path)
    assert [e.label for e in listed if e.mine] == ["my scenarios / my-office-v2"]


def test_parameter_sources_pair_each_value_with_its_comment():
    rows = {key: (value, note) for key, value, note in parameter_sources(REFERENCE)}
    value, note = rows["office.staffing.probation_officer.count"]
    assert value == "44" and "HMPPS workforce statistics" in note
    assert "assumption" in rows["calendar.day_start_hour"][1]


def test_a_claim_on_time_to_recover_treats_runs_that_never_recovered_as_censored():
    """A run that had not recovered by its end took longer than the days left after
    restoration: that decides a threshold within the run and leaves one beyond it undecided
    (said in the sentence, never counted as 'does not hold')."""
    nan = math.nan
    runs = pd.DataFrame(
        [
            ("Do nothing", r, "time_to_recover_days", v, "days")
            for r, v in enumerate([10.0, nan, nan, 40.0])
        ],
        columns=["plan", "replication", "measure", "value", "unit"],
    )
    tables = {"runs": runs}
    longer = answer(
        tables,
        Claim(
            plan="Do nothing", measure="time_to_recover_days", comparison="more_than", threshold=30
        ),
        horizon_days=45,
    )
    assert (longer.holds_in, longer.replications, longer.undecided) == (3, 4, 0)
    shorter = answer(
        tables,
        Claim(
            plan="Do nothing", measure="time_to_recover_days", comparison="less_than", threshold=30
        ),
        horizon_days=20,
    )
    assert (shorter.holds_in, shorter.replications, shorter.undecided) == (1, 2, 2)
    assert "2 more replications had not recovered" in shorter.sentence()
    assert "30 days" in shorter.sentence()
    with pytest.raises(ValueError, match="already measured against"):
        answer(
            tables,
            Claim(
                plan="Do nothing", measure="time_to_recover_days", threshold=1, against="no_outage"
            ),
        )
