"""Supervision appointments, from the diary to the record, and failures to attend.

A contact falls due by the case's cadence (``contact_interval_days`` by RoSH level). It is booked
with the practitioner holding the case on the first day they are at work (a later day is a
rearranged appointment, and the person is sent a letter). The diary has fixed slots
(``SLOT`` minutes) from the start of the practitioner's casework, first slots staggered across
practitioners; a full day moves the appointment to the next day with a free slot. At the booked time the person attends or fails to attend:

* attends: reception check-in (reception, needs the case system to see who the appointment is
  with) -> pre-contact risk check (practitioner) -> the contact -> recording (practitioner).
* fails to attend: the contact is cancelled and an enforcement action falls due; with
  ``breach_after_failures`` failures in 12 months a breach action follows (to court within 10
  working days).

The first appointment of a new case is booked the same way once the case is allocated; it is
due within 5 working days of sentence (measure SL004).
"""

from __future__ import annotations

from sim.calendar import DAY, WEEK
from sim.caseload import Case
from sim.office import OfficeModel
from sim.work import WorkItem

BREACH_WINDOW = 52 * WEEK
SLOT = 45.0  # assumption (range 30-60 min): one appointment slot in a practitioner's diary
STAGGER = 4  # practitioners' first slots are staggered by quarter slots so arrivals spread out


def schedule_contact(office: OfficeModel, case: Case, day: int) -> None:
    """Put the case's next contact in the diary for ``day`` (moved to a working day)."""
    day = office.calendar.working_day_on_or_after(day)
    if day < office.horizon_days:
        office.contact_buckets.setdefault(day, []).append(case)


def contacts_due(office: OfficeModel, day: int) -> None:
    """Create and book every contact falling due on working day ``day``."""
    for case in office.contact_buckets.pop(day, ()):
        if case.ended is not None:
            continue
        if case.holder is None:  # not allocated yet: the contact waits for allocation
            schedule_contact(office, case, day + 1)
            continue
        schedule_contact(office, case, day + case.interval_days)
        contact = new_contact(office, case, office.due_after("supervision_contact", day * DAY),
                              first=False)
        book(office, contact, day)


def new_contact(office: OfficeModel, case: Case, due: float, first: bool) -> WorkItem:
    contact = office.new_item("supervision_contact", case, due=due, cancellable=True,
                              on_done=contact_held,
                              detail={"number": case.contacts, "first": first,
                                      "risk_checked": False, "outcome": "booked"})
    case.contacts += 1
    return contact


def book(office: OfficeModel, contact: WorkItem, day: int) -> None:
    """Book the contact in the holder's first free slot on a day they are at work, from ``day``;
    with no free slot within the run, it stays pending."""
    holder = contact.case.holder
    while day < office.horizon_days:
        shift = holder.shift_on.get(day)
        if shift is not None:
            first_slot = shift.work_start + (holder.id % STAGGER) * SLOT / STAGGER
            slots = max(1, int((shift.end - first_slot) // SLOT))
            booked = office.appointments_booked[(holder.id, day)]
            if booked < slots:
                break
        day += 1
    else:
        return
    office.appointments_booked[(holder.id, day)] = booked + 1
    if day * DAY >= contact.due or contact.detail["first"]:
        office.counts["appointment_letters_needed"] += 1
        office.add_work("appointment_letter", contact.case, cancellable=True)
    if day * DAY >= contact.due:
        office.counts["appointments_rearranged"] += 1
    office.at(first_slot + booked * SLOT, lambda: arrive(office, contact))


def arrive(office: OfficeModel, contact: WorkItem) -> None:
    """The booked time: the person attends (check-in at reception) or fails to attend."""
    if contact.cancelled is not None:
        return
    case = contact.case
    caseload = office.scenario.caseload
    if not case.attends(contact.detail["number"], caseload.failure_to_attend_probability):
        contact.cancelled = office.env.now
        contact.detail["outcome"] = "failed_to_attend"
        office.counts["failures_to_attend"] += 1
        case.failures.append(office.env.now)
        office.add_work("enforcement_action", case, on_done=enforcement_done)
        return
    contact.arrived = office.env.now
    case.holder.expecting += 1
    check_in = office.new_item("reception_check_in", case, detail={"contact": contact},
                               on_done=checked_in)
    check_in.arrived = contact.arrived
    office.release(check_in)


def checked_in(office: OfficeModel, check_in: WorkItem) -> None:
    contact = check_in.detail["contact"]
    check = office.new_item("risk_check", contact.case, detail={"contact": contact},
                            on_done=risk_checked)
    check.arrived = contact.arrived
    office.release(check)


def risk_checked(office: OfficeModel, check: WorkItem) -> None:
    contact = check.detail["contact"]
    contact.detail["risk_checked"] = True
    office.release(contact)


def contact_held(office: OfficeModel, contact: WorkItem) -> None:
    contact.detail["outcome"] = "held"
    contact.case.holder.expecting -= 1
    office.add_work("contact_recording", contact.case)


def enforcement_done(office: OfficeModel, action: WorkItem) -> None:
    case = action.case
    now = office.env.now
    recent = [t for t in case.failures if now - t <= BREACH_WINDOW]
    case.failures = recent
    if len(recent) >= office.scenario.caseload.breach_after_failures:
        case.failures = []
        office.counts["breaches"] += 1
        office.add_work("breach_action", case)
