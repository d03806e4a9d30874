"""A ``staff_absent`` disruption (an exercise's "staff absent" inject): the first people of a role
do not work the shifts that start in its window, nothing before the window changes, and the
office's own absences are drawn as before."""

from __future__ import annotations

from office_runs import reference_scenario
from sim import simulate
from sim.scenario.schema import Scenario


def _with_absence(scenario: Scenario, staff: int) -> Scenario:
    data = scenario.model_dump()
    data["outages"]["staff_absent"] = [
        {
            "start": {"day": 7, "hour": 0.0},
            "duration_days": 3,
            "role": "probation_officer",
            "staff": staff,
        }
    ]
    return Scenario.model_validate(data)


def test_the_first_staff_of_the_role_are_away_for_the_window_and_nothing_before_it_moves():
    office = reference_scenario()
    plain = simulate(office, seed=2, weeks=2)
    away = simulate(_with_absence(office, 5), seed=2, weeks=2)
    a, b = plain["staff_weekly"], away["staff_weekly"]
    week0 = a["week"] == 0
    assert a[week0].equals(b[week0])  # the week before the window: the same
    lost = (a["hours_at_work"] - b["hours_at_work"])[~week0 & (a["role"] == "probation_officer")]
    officers = a[(a["role"] == "probation_officer") & (a["week"] == 1)]
    first_five = officers["staff_id"].sort_values().iloc[:5]
    by_person = dict(zip(a.loc[lost.index, "staff_id"], lost, strict=True))
    assert sum(by_person[p] for p in first_five) > 0  # up to three days each, unless already off
    assert all(v == 0 for p, v in by_person.items() if p not in set(first_five))
    assert all(v <= 3 * 37 / 5 + 1e-9 for v in by_person.values())
    before = plain["backlog_daily"]["day"] < 7
    assert plain["backlog_daily"][before].equals(away["backlog_daily"][before])


def test_more_staff_away_never_lowers_the_backlog():
    office = reference_scenario()
    backlog = [
        simulate(_with_absence(office, n), seed=4, weeks=2).measure("backlog_mean") for n in (1, 20)
    ]
    assert backlog[1] >= backlog[0]
