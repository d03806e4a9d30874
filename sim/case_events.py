"""Things that happen to cases and make work: recalls, risk escalations, transfers, assessment
reviews and orders ending.

Recall decisions, risk escalations and transfers out arrive on working days as Poisson counts
(rate per case per week times the cases that could have one), each for a case picked at random
from those on the books, at a time spread over the working day. A recall or a transfer takes the
case off the caseload at once; the recall request (24 h) or transfer form must still be done.
Assessment reviews fall due every ``assessment_review_weeks`` per case. Orders end on the day
drawn when the case was created. All of it is drawn from streams no plan touches.
"""

from __future__ import annotations

from sim.calendar import DAY, HOUR, WEEK
from sim.office import OfficeModel

WORKING_HOURS = 8 * HOUR
MAX_PICKS = 64


def orders_ending(office: OfficeModel, day: int) -> None:
    for case in office.end_buckets.pop(day, ()):
        office.end_case(case, "order_ended")


def _arrivals(office: OfficeModel, day: int, rng, rate_per_case_week: float, n_cases: int):
    """Times of the day's events for a per-case weekly rate over ``n_cases`` cases."""
    per_day = rate_per_case_week * n_cases / len(office.calendar.working_weekdays)
    n = int(rng.poisson(per_day)) if per_day > 0 else 0
    return sorted((office.calendar.day_start(day) + rng.random(n) * WORKING_HOURS).tolist())


def _pick(office: OfficeModel, rng, licence_only: bool):
    """A random case on the books (a licence case if ``licence_only``), or None."""
    cases = office.active_cases
    for _ in range(MAX_PICKS):
        if not cases:
            return None
        case = cases[int(rng.random() * len(cases))]
        if case.licence or not licence_only:
            return case
    return None


def recalls(office: OfficeModel, day: int, rng) -> None:
    caseload = office.scenario.caseload
    n_licence = sum(1 for c in office.active_cases if c.licence)
    for t in _arrivals(office, day, rng, caseload.recalls_per_licence_case_per_week, n_licence):
        case = _pick(office, rng, licence_only=True)
        if case is not None:
            office.at(t, lambda case=case: recall_decided(office, case))


def recall_decided(office: OfficeModel, case) -> None:
    if case.ended is not None:
        return
    office.counts["recall_decisions"] += 1
    office.add_work("recall_request", case)
    office.end_case(case, "recalled")


def risk_escalations(office: OfficeModel, day: int, rng) -> None:
    rate = office.scenario.caseload.risk_escalations_per_case_per_week
    for t in _arrivals(office, day, rng, rate, len(office.active_cases)):
        case = _pick(office, rng, licence_only=False)
        if case is not None:
            office.at(t, lambda case=case: escalation_raised(office, case))


def escalation_raised(office: OfficeModel, case) -> None:
    if case.ended is not None:
        return
    office.counts["risk_escalations"] += 1
    office.add_work("risk_escalation", case)


def transfers(office: OfficeModel, day: int, rng) -> None:
    rate = office.scenario.caseload.transfers_out_per_case_per_week
    for t in _arrivals(office, day, rng, rate, len(office.active_cases)):
        case = _pick(office, rng, licence_only=False)
        if case is not None:
            office.at(t, lambda case=case: transfer_decided(office, case))


def transfer_decided(office: OfficeModel, case) -> None:
    if case.ended is not None:
        return
    office.counts["transfers_out"] += 1
    office.add_work("case_transfer", case)
    office.end_case(case, "transferred")


def schedule_review(office: OfficeModel, case, day: int) -> None:
    """Put the case's next assessment review in the diary for ``day`` (moved to a working day)."""
    day = office.calendar.working_day_on_or_after(day)
    if day < office.horizon_days:
        office.review_buckets.setdefault(day, []).append(case)


def assessment_reviews(office: OfficeModel, day: int) -> None:
    weeks = office.scenario.caseload.assessment_review_weeks
    for case in office.review_buckets.pop(day, ()):
        if case.ended is not None:
            continue
        if case.holder is None:
            schedule_review(office, case, day + 1)
            continue
        schedule_review(office, case, day + int(weeks * WEEK // DAY))
        office.add_work("assessment_review", case, cancellable=True)
