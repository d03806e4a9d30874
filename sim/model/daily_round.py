"""The office's daily round at midnight: orders end; on working days demand arrives (court
results, recalls, risk escalations, transfers, assessment reviews) and the diary is booked."""

from __future__ import annotations

from collections.abc import Callable

from sim.domain.calendar import DAY
from sim.model.case_events import (
    RECALL,
    RISK_ESCALATION,
    TRANSFER,
    assessment_reviews,
    case_events,
    orders_ending,
)
from sim.model.intake import court_results
from sim.model.protocol import Office
from sim.model.random_streams import Streams
from sim.model.supervision import contacts_due

Progress = Callable[[float], None]


def daily_round(office: Office, streams: Streams, progress: Progress | None):
    """The daily round at midnight: orders end; on working days, demand arrives and the diary
    is booked."""
    env = office.env
    calendar = office.calendar
    intake_rng = streams.generator("intake")
    recall_rng = streams.generator("recalls")
    escalation_rng = streams.generator("risk_escalations")
    transfer_rng = streams.generator("transfers")
    for day in range(office.horizon_days):
        if env.now < day * DAY:
            yield env.timeout(day * DAY - env.now)
        orders_ending(office, day)
        if calendar.is_working_day(day):
            court_results(office, day, intake_rng)
            caseload = office.scenario.caseload
            case_events(office, day, recall_rng, RECALL, caseload.recalls_per_licence_case_per_week)
            case_events(
                office,
                day,
                escalation_rng,
                RISK_ESCALATION,
                caseload.risk_escalations_per_case_per_week,
            )
            case_events(
                office, day, transfer_rng, TRANSFER, caseload.transfers_out_per_case_per_week
            )
            assessment_reviews(office, day)
            contacts_due(office, day)
        if progress is not None:
            progress(day / office.horizon_days)
