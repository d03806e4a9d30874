"""Overtime adds paid hours of work beyond those already worked, and says how much of it only
pays for hours staff would have given unpaid anyway.

The lever used to grant paid time only within the hour practitioners already stayed unpaid, so
S2's overtime plan paid 450 hours and cleared about two items: it converted unpaid hours into
paid ones. Now staff of its roles stay on for the overtime beyond their unpaid stay, and the
paid hours that replace unpaid ones are a line of their own."""

from __future__ import annotations

import pytest

from office_runs import reference_scenario
from sim import simulate
from sim.model.staff import Staff
from sim.model.working_day import record_late
from sim.scenario.plans import Levers, Overtime, Plan

DAY_END = 17 * 60.0
OUTAGE = {"system": "case_system", "start": {"day": 21, "hour": 9}, "duration_days": 4}


def _staff(paid: float, unpaid: float) -> Staff:
    from sim.model.roster import Person

    person = Staff(Person(0, "probation_officer", "Probation Service", 37.0, False, ()), 1)
    person.paid_stay, person.unpaid_stay = paid, unpaid
    return person


@pytest.mark.parametrize(
    "late,paid,unpaid,expected",
    [
        # stayed within the unpaid hour: all paid, all of it in place of unpaid time
        (30.0, 48.0, 60.0, (30.0, 0.0, 30.0)),
        # stayed the unpaid hour and the overtime: the overtime is paid, the hour still unpaid
        (108.0, 48.0, 60.0, (48.0, 60.0, 0.0)),
        # in between: 0.8 h paid of 1.2 h, of which 0.6 h would have been unpaid anyway
        (72.0, 48.0, 60.0, (48.0, 24.0, 36.0)),
        # no unpaid stay (an admin role): every paid hour is added
        (40.0, 48.0, 0.0, (40.0, 0.0, 0.0)),
    ],
)
def test_late_time_is_paid_first_and_the_hours_that_were_unpaid_anyway_are_counted(
    late, paid, unpaid, expected
):
    person = _staff(paid, unpaid)
    record_late(person, DAY_END, DAY_END + late)
    got = (
        person.overtime_minutes[0],
        person.extra_minutes[0],
        person.overtime_for_unpaid_minutes[0],
    )
    assert got == pytest.approx(expected)


def _runs(roles: tuple[str, ...], hours: float = 5.0, seeds=(1, 2), outages=None):
    outages = outages or {"down": [OUTAGE]}
    scenario = reference_scenario().with_changes(**{"outages": outages})
    plan = Plan(
        name="Overtime", levers=Levers(overtime=Overtime(hours_per_week=hours, roles=roles))
    )
    return [
        (simulate(scenario, seed=seed, weeks=6), simulate(scenario, plan=plan, seed=seed, weeks=6))
        for seed in seeds
    ]


def test_overtime_adds_hours_of_work_beyond_those_already_worked():
    runs = _runs(("probation_officer", "probation_services_officer"))
    for nothing, overtime in runs:
        paid = overtime.measure("overtime_hours")
        in_place = overtime.measure("overtime_for_unpaid_hours")
        assert 0 < in_place < paid
        assert in_place < 0.5 * paid  # most of the paid hours are added hours
        late_with = paid + overtime.measure("extra_hours")
        late_without = nothing.measure("extra_hours")
        assert late_with > late_without, (late_with, late_without)
        week = overtime["staff_weekly"]
        assert (week["overtime_for_unpaid_hours"] <= week["overtime_hours"] + 1e-9).all()
    assert sum(o.measure("backlog_mean") for _, o in runs) < sum(
        n.measure("backlog_mean") for n, _ in runs
    )


def test_overtime_for_a_team_role_acts_on_its_team_queues():
    """Case admin hold no cases: overtime for them used to look only at their own (empty)
    queue and never ran. Now it runs while their team's work (a surge of appointment letters)
    is overdue."""
    surge = {
        "at": {"day": 21, "hour": 9},
        "task": "appointment_letter",
        "share_of_cases": 0.5,
        "due_working_days": 1,
    }
    for _, overtime in _runs(("case_admin",), seeds=(1,), outages={"surges": [surge]}):
        week = overtime["staff_weekly"]
        admin = week[week["role"] == "case_admin"]
        assert admin["overtime_hours"].sum() > 0
        assert admin["overtime_for_unpaid_hours"].sum() == 0  # they gave no unpaid hours


def test_late_time_across_midnight_on_sunday_counts_in_the_week_it_was_worked():
    """The paid part comes first, the unpaid part after it: when late work runs past the
    midnight that starts a week, each part counts in the week its minutes fell in (the unpaid
    part used to be counted from the end of the day too, so the weeks' hours did not add up
    to the work done in them)."""
    from sim.domain.calendar import WEEK

    person = _staff(paid=60.0, unpaid=0.0)
    person.weeks = 2
    person.overtime_minutes = [0.0] * 3
    person.extra_minutes = [0.0] * 3
    person.overtime_for_unpaid_minutes = [0.0] * 3
    day_end = WEEK - 90.0  # Sunday 22:30
    record_late(person, day_end, day_end + 180.0)  # to Monday 01:30
    assert person.overtime_minutes[:2] == pytest.approx([60.0, 0.0])  # 22:30-23:30
    assert person.extra_minutes[:2] == pytest.approx([30.0, 90.0])  # 23:30-01:30
