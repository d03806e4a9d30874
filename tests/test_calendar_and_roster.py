"""Unit tests of the office calendar (working days, deadlines) and the rosters (who is in post,
which days they work, how long their day is, and how often they are absent)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from sim.domain.calendar import DAY, HOUR, Calendar
from sim.model.random_streams import Streams
from sim.model.roster import WORKING_DAYS_PER_YEAR, build_people, sickness_and_leave
from sim.scenario.loader import load_scenario
from sim.scenario.schema import ROLES, Absence, filled_posts

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-office.yaml"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NO_ABSENCE = {
    "office.absence.sickness_days_per_year": 0.0,
    "office.absence.annual_leave_days_per_year": 0.0,
}


@pytest.fixture(scope="module")
def reference():
    return load_scenario(REFERENCE)


# ----------------------------------------------------------------------------- brute force
def brute_on_or_after(cal: Calendar, day: int) -> int:
    while not cal.is_working_day(day):
        day += 1
    return day


def brute_add(cal: Calendar, day: int, n: int) -> int:
    day = brute_on_or_after(cal, day)
    for _ in range(n):
        day = brute_on_or_after(cal, day + 1)
    return day


# ----------------------------------------------------------------------------- calendar
def test_default_calendar_works_monday_to_friday():
    cal = Calendar(horizon_days=14)
    week = [True] * 5 + [False] * 2
    assert [cal.is_working_day(d) for d in range(14)] == week + week
    assert cal.working_days_between(0, 14) == 10
    assert cal.working_days_between(5, 7) == 0
    assert cal.working_days_between(3, 10) == 5  # Thu, Fri, Mon, Tue, Wed


def test_day_start_and_day_of():
    cal = Calendar(day_start_hour=8.5, horizon_days=7)
    assert cal.day_start(3) == 3 * DAY + 8.5 * HOUR
    assert cal.day_of(3 * DAY + 23 * HOUR) == 3
    assert cal.day_of(3 * DAY) == 3
    assert cal.week_of(7 * DAY - 1) == 0 and cal.week_of(7 * DAY) == 1


def test_add_working_days_across_weekends():
    cal = Calendar(horizon_days=28)
    assert cal.add_working_days(FRI, 1) == 7 + MON  # Friday + 1 -> next Monday
    assert cal.add_working_days(THU, 2) == 7 + MON  # Thu + 2 -> Mon
    assert cal.add_working_days(MON, 5) == 7 + MON  # a week of working days
    assert cal.add_working_days(WED, 10) == 14 + WED  # two weeks
    assert cal.add_working_days(SAT, 0) == 7 + MON  # a weekend day moves to Monday
    assert cal.add_working_days(SUN, 1) == 7 + TUE
    assert cal.add_working_days(TUE, 0) == TUE
    assert cal.next_working_day(FRI) == 7 + MON
    assert cal.next_working_day(SAT) == 7 + MON
    assert cal.next_working_day(MON) == TUE


def test_end_of_working_day_deadlines():
    cal = Calendar(horizon_days=28)
    fri_10am = FRI * DAY + 10 * HOUR
    assert cal.end_of_working_day(fri_10am, 0) == (FRI + 1) * DAY  # midnight Friday
    assert cal.end_of_working_day(fri_10am, 1) == (7 + MON + 1) * DAY  # midnight next Monday
    assert cal.end_of_working_day(SAT * DAY + 11 * HOUR, 0) == (7 + MON + 1) * DAY
    assert cal.end_of_working_day(MON * DAY + 23.9 * HOUR, 2) == (WED + 1) * DAY
    assert math.isinf(Calendar(always_open=True, horizon_days=7).end_of_working_day(0.0, 3))


@pytest.mark.parametrize(
    "weekdays", [frozenset(range(5)), frozenset({TUE, THU}), frozenset({SUN}), frozenset(range(7))]
)
def test_day_arithmetic_matches_brute_force_inside_and_beyond_the_table(weekdays):
    cal = Calendar(working_weekdays=weekdays, horizon_days=10)
    table = 10 + 400  # days answered from the precomputed tables
    days = list(range(0, 30)) + list(range(table - 20, table + 40)) + [5_000, 12_345]
    for day in days:
        assert cal.working_day_on_or_after(day) == brute_on_or_after(cal, day), day
        for n in (0, 1, 3, 7, 25):
            assert cal.add_working_days(day, n) == brute_add(cal, day, n), (day, n)
        deadline = (brute_add(cal, day, 2) + 1) * DAY
        assert cal.end_of_working_day(day * DAY + 12 * HOUR, 2) == deadline


def test_working_day_on_or_after_far_beyond_the_table():
    cal = Calendar(horizon_days=0)  # table covers 400 days
    assert cal.working_day_on_or_after(7 * 1000 + SAT) == 7 * 1001 + MON
    assert cal.working_day_on_or_after(7 * 1000 + WED) == 7 * 1000 + WED
    assert cal.add_working_days(7 * 1000 + FRI, 1) == 7 * 1001 + MON
    assert cal.add_working_days(398, 5) == brute_add(cal, 398, 5)  # starts inside, ends outside


def test_calendar_refuses_no_working_days():
    with pytest.raises(ValueError):
        Calendar(working_weekdays=frozenset(), horizon_days=7)


# ----------------------------------------------------------------------------- rosters
def people_for(scenario, n_days=28, seed=0):
    from sim.scenario.schema import office_calendar

    cal = office_calendar(scenario, n_days)
    return cal, build_people(scenario, cal, n_days, Streams(seed).generator)


STAFFING = {
    "office.staffing.probation_officer.count": 44,
    "office.staffing.probation_officer.vacancy_rate": 0.12,  # 38.72 -> 39
    "office.staffing.probation_services_officer.count": 17,
    "office.staffing.probation_services_officer.vacancy_rate": 0.3,  # 11.9 -> 12
    "office.staffing.senior_probation_officer.count": 9,
    "office.staffing.senior_probation_officer.vacancy_rate": 0.2,  # 7.2 -> 7
    "office.staffing.reception.count": 5,
    "office.staffing.court_admin.count": 3,
    "office.staffing.court_admin.vacancy_rate": 0.0,
    "office.staffing.case_admin.count": 30,
    "office.staffing.case_admin.vacancy_rate": 0.05,  # 28.5: whatever round() gives
}


def test_filled_posts_are_rounded_establishment_less_vacancies(reference):
    scenario = reference.with_changes(**STAFFING)
    _, people = people_for(scenario)
    for role in ROLES:
        settings = scenario.office.staffing.role(role)
        expected = round(settings.count * (1 - settings.vacancy_rate))
        assert filled_posts(settings) == expected
        assert sum(p.role == role for p in people) == expected, role
    by_role = {r: sum(p.role == r for p in people) for r in ROLES}
    assert by_role["probation_officer"] == 39
    assert by_role["probation_services_officer"] == 12
    assert by_role["senior_probation_officer"] == 7
    assert by_role["court_admin"] == 3
    # people are listed role by role, ids 0..n-1
    assert [p.staff_id for p in people] == list(range(len(people)))
    assert [p.role for p in people] == sorted((p.role for p in people), key=ROLES.index)


def test_part_timers_work_the_right_weekdays(reference):
    scenario = reference.with_changes(
        **NO_ABSENCE,
        **{
            "office.staffing.case_admin.count": 10,
            "office.staffing.case_admin.vacancy_rate": 0.0,
            "office.staffing.case_admin.part_time_share": 0.5,
            "office.staffing.case_admin.part_time_hours": 15.0,  # 5 * 15 / 37 = 2.03 -> 2 days
            "office.staffing.reception.count": 4,
            "office.staffing.reception.vacancy_rate": 0.0,
            "office.staffing.reception.part_time_share": 0.5,
            "office.staffing.reception.part_time_hours": 29.6,  # 5 * 29.6 / 37 = 4 days
        },
    )
    n_days = 28
    _, people = people_for(scenario, n_days)
    for role, n_part, days in (("case_admin", 5, 2), ("reception", 2, 4)):
        staff = [p for p in people if p.role == role]
        part = [p for p in staff if p.part_time]
        assert len(part) == n_part
        settings = scenario.office.staffing.role(role)
        patterns = set()
        for p in part:
            assert p.contracted_hours == settings.part_time_hours
            weekdays = {s.day % 7 for s in p.shifts}
            assert len(weekdays) == days and weekdays <= set(range(5))
            assert len(p.shifts) == days * n_days // 7  # every week the same days, no absence
            patterns.add(frozenset(weekdays))
        assert len(patterns) > 1, "part-timers should not all take the same days off"
        for p in staff:
            if not p.part_time:
                assert p.contracted_hours == settings.contracted_hours
                assert len(p.shifts) == 5 * n_days // 7


def test_day_length_and_casework_start(reference):
    scenario = reference.with_changes(
        **NO_ABSENCE,
        **{
            "calendar.day_start_hour": 8.0,
            "office.staffing.reception.part_time_share": 0.5,
            "office.staffing.reception.part_time_hours": 22.2,
            "office.staffing.reception.case_work_share": 0.9,
            "office.staffing.court_admin.contracted_hours": 40.0,
            "office.staffing.court_admin.case_work_share": 0.6,
        },
    )
    _, people = people_for(scenario)
    checked = set()
    for p in people:
        settings = scenario.office.staffing.role(p.role)
        days = len({s.day % 7 for s in p.shifts})
        day_minutes = p.contracted_hours / days * HOUR
        for s in p.shifts:
            assert s.start == s.day * DAY + 8.0 * HOUR
            assert s.end - s.start == pytest.approx(day_minutes)
            assert s.end - s.work_start == pytest.approx(settings.case_work_share * day_minutes)
            assert s.start <= s.work_start < s.end
        checked.add((p.role, p.part_time))
    assert ("reception", True) in checked and ("court_admin", False) in checked
    court = next(p for p in people if p.role == "court_admin")
    assert court.shifts[0].end - court.shifts[0].start == pytest.approx(8.0 * HOUR)  # 40 h / 5


def test_zero_absence_gives_no_absence(reference):
    absence = Absence(sickness_days_per_year=0.0, annual_leave_days_per_year=0.0)
    for days_worked in (5, 3, 1):
        assert not sickness_and_leave(absence, days_worked, 3650, np.random.default_rng(4)).any()
    scenario = reference.with_changes(**NO_ABSENCE)
    cal, people = people_for(scenario, 56)
    for p in people:
        weekdays = {s.day % 7 for s in p.shifts}
        assert len(p.shifts) == len(weekdays) * 8  # all their weekdays in 8 weeks


@pytest.mark.parametrize("days_worked", [5, 3])
def test_absent_share_of_working_days_matches_the_yearly_rates(days_worked):
    """Over 3,000 people for 52 weeks, the share of their working days absent is close to
    (sickness + leave) / working days a year.

    Exactly, sickness (a share f = sick / year_days of days) and leave (whole weeks, each with
    probability p = leave / year_days) are drawn independently and overlap, so the expected
    share is 1 - (1 - f)(1 - p), which is f * p below the simple sum (0.005 full time, 0.014
    for a 3-day week, where year_days is 156). The standard error of the share over 3,000
    people is about 0.001 (leave weeks dominate: sd per person sqrt(p(1-p)/52) ~ 0.04), so
    0.005 is about 5 standard errors; around the simple sum the overlap f * p is allowed too.
    """
    absence = Absence(
        sickness_days_per_year=12.9, sickness_spell_days=4.0, annual_leave_days_per_year=27.0
    )
    rng = np.random.default_rng(2024)
    n_people, n_days = 3000, 364
    weekdays = np.isin(np.arange(n_days) % 7, np.arange(days_worked))
    absent = np.array(
        [sickness_and_leave(absence, days_worked, n_days, rng)[weekdays] for _ in range(n_people)]
    )
    share = absent.mean()
    year_days = WORKING_DAYS_PER_YEAR * days_worked / 5
    f = absence.sickness_days_per_year / year_days
    p = absence.annual_leave_days_per_year / year_days
    simple = (absence.sickness_days_per_year + absence.annual_leave_days_per_year) / year_days
    exact = 1 - (1 - f) * (1 - p)
    assert abs(share - exact) < 0.005, (share, exact)
    assert abs(share - simple) < f * p + 0.005, (share, simple)
    # sickness comes in spells: the mean length of a run of absent days is more than a day
    padded = np.concatenate([np.zeros((n_people, 1), bool), absent], axis=1).astype(int)
    runs = np.diff(padded, axis=1)
    assert absent.sum() / max((runs == 1).sum(), 1) > 1.5


def test_more_sickness_means_more_absence():
    rng = np.random.default_rng(7)
    low = Absence(sickness_days_per_year=5.0, annual_leave_days_per_year=0.0)
    high = Absence(sickness_days_per_year=40.0, annual_leave_days_per_year=0.0)
    share = {
        a.sickness_days_per_year: np.mean(
            [sickness_and_leave(a, 5, 364, rng).mean() for _ in range(1500)]
        )
        for a in (low, high)
    }
    assert share[5.0] == pytest.approx(5.0 / 260, abs=0.004)
    assert share[40.0] == pytest.approx(40.0 / 260, abs=0.01)
