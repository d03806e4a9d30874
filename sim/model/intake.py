"""New cases from court: results entry, allocation and the first appointment.

Court results arrive on each working day (Poisson, ``new_cases_per_week`` spread over the
working days), at times spread across the court day. Each result is entered in the case system
by the court team (needs the case system and the court results feed), then allocated by a
senior probation officer to the least-loaded practitioner of the roles allowed at the case's
RoSH level; the first appointment is then booked, due within 5 working days of sentence
(measure SL004), and the person is sent an appointment letter.

The case's later diary (contacts, assessment reviews, order end) runs from the sentence date,
not from allocation, so it is the same under every plan.
"""

from __future__ import annotations

from functools import partial

from sim.domain.calendar import DAY, HOUR, WEEK
from sim.model.case_events import schedule_review
from sim.model.caseload import Case, draw_cases
from sim.model.disruptions import message_sent
from sim.model.protocol import Office
from sim.model.supervision import book, new_contact, schedule_contact

COURT_DAY = 8 * HOUR
FIRST_APPOINTMENT_WORKING_DAYS = 5


def court_results(office: Office, day: int, rng) -> None:
    """Draw the day's court results and schedule their arrival."""
    caseload = office.scenario.caseload
    per_day = caseload.new_cases_per_week / len(office.calendar.working_weekdays)
    n = int(rng.poisson(per_day))
    times = sorted((office.calendar.day_start(day) + rng.random(n) * COURT_DAY).tolist())
    first_id = office.next_case_id
    office.next_case_id += n
    cases = draw_cases(
        caseload, n, first_id, day * DAY, office.horizon_days, True, rng, office.team_posts
    )
    for t, case in zip(times, cases, strict=True):
        case.start = t
        office.at(t, partial(court_result_arrives, office, case))


def court_result_arrives(office: Office, case: Case) -> None:
    office.counts["court_results"] += 1
    office.add_case(case)
    day = office.calendar.day_of(case.start)
    schedule_contact(office, case, day + 7 + case.interval_days)
    review = int(day + office.scenario.caseload.assessment_review_weeks * 7)
    schedule_review(office, case, review)
    office.add_work("court_results_entry", case, cancellable=True, on_done=entered)


def entered(office: Office, entry) -> None:
    """The result is in the case system: its allocation is due now. The notice that it is
    ready for allocation goes to the senior probation officers by email, so in a scenario with
    email failures it can be held or lost (seed 001, S5: lost emails delayed case allocation):
    the allocation is owed from now but can be started only once the notice arrives."""
    if entry.case.ended is not None:  # the case left while its result was being entered
        return
    allocation = office.new_item("case_allocation", entry.case, cancellable=True, on_done=allocated)
    if office.scenario.outages.email_loss:
        message_sent(office, entry, then=partial(office.release, allocation))
    else:
        office.release(allocation)


def allocated(office: Office, allocation) -> None:
    case = allocation.case
    if case.ended is not None:
        return
    office.allocator.allocate(case)
    sentence_day = office.calendar.day_of(case.start)
    due_day = office.calendar.add_working_days(sentence_day, FIRST_APPOINTMENT_WORKING_DAYS)
    contact = new_contact(office, case, (due_day + 1) * DAY, first=True)
    book(office, contact, office.calendar.day_of(office.env.now) + 1)


def _first_contact_day(office: Office, case: Case, u: float) -> int:
    """A day in the case's first contact interval, spread evenly over its working days (a
    weekend date would otherwise move every such contact to Monday)."""
    calendar = office.calendar
    working = calendar.working_days_between(0, case.interval_days) or 1
    return calendar.add_working_days(0, int(u * working))


def initial_caseload(office: Office, rng) -> None:
    """The people on the books at the start: allocated, part way through their orders, with
    their next contact and assessment review spread over the coming interval."""
    caseload = office.scenario.caseload
    cases = draw_cases(
        caseload, caseload.cases, 0, 0.0, office.horizon_days, False, rng, office.team_posts
    )
    office.next_case_id = len(cases)
    contact_offsets = rng.random(len(cases)).tolist()
    review_offsets = (
        rng.random(len(cases)) * caseload.assessment_review_weeks * WEEK / DAY
    ).tolist()
    # Cases that only one role may hold first (highest risk first), then those several roles
    # may hold: these go to whoever is least loaded, so the caseload starts balanced by WMT.
    holders = caseload.holder_roles
    for i in sorted(
        range(len(cases)), key=lambda i: (len(holders[cases[i].rosh_level]), -cases[i].rosh, i)
    ):
        case = cases[i]
        office.add_case(case)
        office.allocator.allocate(case)
        schedule_contact(office, case, _first_contact_day(office, case, contact_offsets[i]))
        schedule_review(office, case, int(review_offsets[i]))
