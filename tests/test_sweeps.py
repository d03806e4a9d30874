"""Sweeps (sim/experiments/sweeps.py): dotted-path edits, one-at-a-time (tornado) and two-way
grids, on
small runs where the direction of each effect is not in doubt."""

from __future__ import annotations

import pytest

from office_runs import reference_scenario
from scenario_edits import REFERENCE
from sim.experiments.sweeps import grid, one_at_a_time, value_at, with_value, with_values
from sim.scenario.loader import load_plan
from sim.scenario.plans import DO_NOTHING

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick

ROTA = REFERENCE.parent / "plans" / "login-rota.yaml"
PO_COUNT = "office.staffing.probation_officer.count"
OUTAGE_DAYS = "outages.down.0.duration_days"
CAP_SHARE = "outages.login_cap.0.share_of_staff"
# the case system down from day 7, under a login cap for the week from the same moment
OUTAGES = {
    "down": [{"system": "case_system", "start": {"day": 7, "hour": 9}, "duration_days": 2}],
    "login_cap": [
        {
            "system": "case_system",
            "share_of_staff": 0.5,
            "start": {"day": 7, "hour": 9},
            "duration_days": 7,
        }
    ],
}


@pytest.fixture(scope="module")
def scenario():
    return reference_scenario().with_changes(outages=OUTAGES)


def test_with_value_edits_nested_paths_and_list_entries(scenario):
    edited = with_value(scenario, OUTAGE_DAYS, 5)
    assert edited.outages.down[0].duration_days == 5 and scenario.outages.down[0].duration_days == 2
    assert edited.outages.down[0].system == "case_system"  # the rest of the entry kept
    assert with_value(scenario, PO_COUNT, 30).office.staffing.probation_officer.count == 30
    assert value_at(scenario, "tasks.court_results_entry.duration.mean_minutes") > 0
    same = with_value(scenario, PO_COUNT, value_at(scenario, PO_COUNT))
    assert same == scenario and same.digest() == scenario.digest()
    both = with_values(scenario, {OUTAGE_DAYS: 3, CAP_SHARE: 0.25})
    assert (
        both.outages.down[0].duration_days == 3 and both.outages.login_cap[0].share_of_staff == 0.25
    )
    whole = with_value(
        scenario, "outages.down.0", {"system": "email", "start": {"day": 1}, "duration_hours": 4}
    )
    assert whole.outages.down[0].system == "email"


@pytest.mark.parametrize(
    "path, says",
    [
        ("office.staffing.probation_oficer.count", "use one of: probation_officer"),
        ("outages.down.3.duration_days", "index it with 0 to 0"),
        ("outages.down.first.duration_days", "index it with 0 to 0"),
        ("outages.slow.0.factor", "is empty"),
        ("run.weeks.value", "is a value, not a section"),
        ("office..count", "not a dotted path"),
    ],
)
def test_bad_path_is_a_value_error_naming_it(scenario, path, says):
    with pytest.raises(ValueError) as info:
        with_value(scenario, path, 1)
    assert path in str(info.value) and says in str(info.value)


def test_invalid_value_names_the_path(scenario):
    with pytest.raises(ValueError, match="office.staffing.probation_officer.count = -3"):
        with_value(scenario, PO_COUNT, -3)


def test_one_at_a_time_signs(scenario):
    table = one_at_a_time(
        scenario,
        DO_NOTHING,
        {PO_COUNT: (20, 40), OUTAGE_DAYS: (1, 5)},
        "backlog_mean",
        replications=2,
        weeks=3,
        engine="serial",
    )
    assert len(table) == 2
    rows = table.set_index("parameter")
    po, outage = rows.loc[PO_COUNT], rows.loc[OUTAGE_DAYS]
    assert po["mean_at_high"] < po["mean_at_low"] and po["swing"] < 0  # more POs, less backlog
    assert outage["mean_at_high"] > outage["mean_at_low"] and outage["swing"] > 0
    assert outage["base_value"] == 2 and po["base_value"] == 44
    assert po["mean_at_base"] == outage["mean_at_base"]  # one base, shared
    assert outage["high_vs_base_ci_low"] > 0  # paired: a clear effect with only 2 replications
    assert list(table["swing"].abs()) == sorted(table["swing"].abs(), reverse=True)
    with pytest.raises(ValueError, match="unknown measure 'backlog_avg'"):
        one_at_a_time(
            scenario,
            DO_NOTHING,
            {OUTAGE_DAYS: (1, 2)},
            "backlog_avg",
            replications=1,
            weeks=1,
            engine="serial",
        )
    with pytest.raises(ValueError, match="give a \\(low, high\\) pair"):
        one_at_a_time(scenario, DO_NOTHING, {OUTAGE_DAYS: 3}, replications=1, engine="serial")
    with pytest.raises(ValueError, match="replications must be"):
        one_at_a_time(scenario, DO_NOTHING, {OUTAGE_DAYS: (1, 2)}, replications=0)


def test_grid_cells_and_breaking_point(scenario):
    rota = load_plan(ROTA)  # without a rota slot a risk check cannot be done: cap share bites
    table = grid(
        scenario,
        rota,
        {OUTAGE_DAYS: [1, 4], CAP_SHARE: [0.8, 0.5, 0.2]},
        "missed_high_risk_checks",
        replications=2,
        weeks=3,
        engine="pool",
        workers=2,
    )
    assert len(table) == 2 * 3 and list(table.columns[:2]) == [OUTAGE_DAYS, CAP_SHARE]
    assert (table["replications"] == 2).all() and (table["ci_low"] <= table["mean"]).all()
    mean = table.set_index([OUTAGE_DAYS, CAP_SHARE])["mean"]
    assert mean[(4, 0.2)] > mean[(1, 0.8)]  # longer outage and fewer sessions: more missed
    by_days = mean.groupby(level=0).mean()
    by_share = mean.groupby(level=1).mean()
    assert by_days[4] > by_days[1] and by_share[0.2] > by_share[0.8]
    with pytest.raises(ValueError, match="give exactly two"):
        grid(scenario, rota, {OUTAGE_DAYS: [1, 2]}, replications=1)
    with pytest.raises(ValueError, match="non-empty list"):
        grid(scenario, rota, {OUTAGE_DAYS: [], CAP_SHARE: [0.5]}, replications=1)


def test_a_swept_value_the_scenario_refuses_is_said_in_words():
    from office_runs import reference_scenario
    from sim.experiments.sweeps import with_value

    with pytest.raises(ValueError) as caught:
        with_value(reference_scenario(), "caseload.licence_share", 2)
    text = str(caught.value)
    assert "caseload.licence_share = 2 makes an invalid scenario" in text
    assert "give a value of 1.0 or less" in text and "pydantic" not in text
