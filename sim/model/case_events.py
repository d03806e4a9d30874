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

from dataclasses import dataclass
from functools import partial

from sim.domain.calendar import DAY, HOUR, WEEK
from sim.model.disruptions import message_sent
from sim.model.protocol import Office

WORKING_HOURS = 8 * HOUR
MAX_PICKS = 64


def orders_ending(office: Office, day: int) -> None:
    for case in office.end_buckets.pop(day, ()):
        office.end_case(case, "order_ended")


def _arrivals(office: Office, day: int, rng, rate_per_case_week: float, n_cases: int):
    """Times of the day's events for a per-case weekly rate over ``n_cases`` cases."""
    per_day = rate_per_case_week * n_cases / len(office.calendar.working_weekdays)
    n = int(rng.poisson(per_day)) if per_day > 0 else 0
    return sorted((office.calendar.day_start(day) + rng.random(n) * WORKING_HOURS).tolist())


def _pick(office: Office, rng, licence_only: bool):
    """A random case on the books (a licence case if ``licence_only``), or None."""
    cases = office.active_cases
    for _ in range(MAX_PICKS):
        if not cases:
            return None
        case = cases[int(rng.random() * len(cases))]
        if case.licence or not licence_only:
            return case
    return None


@dataclass(frozen=True)
class CaseEvent:
    """A kind of event that happens to a case: the work it makes and whether the case leaves."""

    name: str  # counted in event_counts
    task: str
    licence_only: bool
    ends_case: str | None  # the reason the case leaves the caseload, if it does
    changes_risk: bool = False  # the person's risk information changes (a print goes stale)


# Recall requests, risk escalations and transfer forms are all sent on (message_sent records
# when they are delivered, which lost emails delay).
RECALL = CaseEvent("recall_decisions", "recall_request", licence_only=True, ends_case="recalled")
RISK_ESCALATION = CaseEvent(
    "risk_escalations", "risk_escalation", licence_only=False, ends_case=None, changes_risk=True
)
TRANSFER = CaseEvent("transfers_out", "case_transfer", licence_only=False, ends_case="transferred")


def case_events(office: Office, day: int, rng, kind: CaseEvent, rate_per_case_week: float) -> None:
    """Draw the day's events of ``kind`` and schedule each for a random case."""
    if kind.licence_only:
        n_cases = sum(1 for c in office.active_cases if c.licence)
    else:
        n_cases = len(office.active_cases)
    for t in _arrivals(office, day, rng, rate_per_case_week, n_cases):
        case = _pick(office, rng, kind.licence_only)
        if case is not None:
            office.at(t, partial(_happens, office, case, kind))


def _happens(office: Office, case, kind: CaseEvent) -> None:
    if case.ended is not None:
        return
    office.counts[kind.name] += 1
    if kind.changes_risk:
        case.changed = office.env.now
    office.add_work(kind.task, case, on_done=message_sent)
    if kind.ends_case is not None:
        office.end_case(case, kind.ends_case)


def schedule_review(office: Office, case, day: int) -> None:
    """Put the case's next assessment review in the diary for ``day`` (moved to a working day)."""
    day = office.calendar.working_day_on_or_after(day)
    if day < office.horizon_days:
        office.review_buckets.setdefault(day, []).append(case)


def assessment_reviews(office: Office, day: int) -> None:
    weeks = office.scenario.caseload.assessment_review_weeks
    for case in office.review_buckets.pop(day, ()):
        if case.ended is not None:
            continue
        if case.holder is None:
            schedule_review(office, case, day + 1)
            continue
        schedule_review(office, case, day + int(weeks * WEEK // DAY))
        office.add_work("assessment_review", case, cancellable=True)
