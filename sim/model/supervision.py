"""Supervision appointments, from the diary to the record, and failures to attend: the
appointment's journey, in the order it happens (book, arrive, check in, risk check, contact,
record), each step's record kept on one :class:`~sim.model.work.Appointment`.

A contact falls due by the case's cadence (``contact_interval_days`` by RoSH level). It is booked
with the practitioner holding the case; if they are away or their diary is full on the due day,
a colleague of the same role covers it; if no colleague can, it moves to the holder's next day
with a free slot (a rearranged appointment, and the person is sent a letter). The diary has
fixed slots
(``SLOT`` minutes) from the start of the practitioner's casework, first slots staggered across
practitioners; a full day moves the appointment to the next day with a free slot. At the booked
time the person attends or fails to attend:

* attends: reception check-in (reception, needs the case system to see who the appointment is
  with) -> pre-contact risk check -> the contact -> recording, all by the practitioner who sees
  the person (the holder, or a colleague covering for an absent holder). Without the systems
  the risk check is done from the printed risk register if it is current for that person
  (printed after their last change); otherwise the contact goes ahead without it (a **missed
  risk check**), unless triage defers contacts at that RoSH level.
* fails to attend: the contact is cancelled and an enforcement action falls due; with
  ``breach_after_failures`` failures in 12 months a breach action follows (to court within 10
  working days).

The first appointment of a new case is booked the same way once the case is allocated; it is
due within 5 working days of sentence (measure SL004).
"""

from __future__ import annotations

from sim.domain.calendar import DAY, WEEK
from sim.model.caseload import Case
from sim.model.protocol import Office
from sim.model.staff import Staff
from sim.model.work import Appointment, WorkItem, appointment_of, case_of
from sim.scenario.plans import Levers

BREACH_WINDOW = 52 * WEEK
SLOT = 45.0  # assumption (range 30-60 min): one appointment slot in a practitioner's diary
STAGGER = 4  # practitioners' first slots are staggered by quarter slots so arrivals spread out


def schedule_contact(office: Office, case: Case, day: int) -> None:
    """Put the case's next contact in the diary for ``day`` (moved to a working day)."""
    day = office.calendar.working_day_on_or_after(day)
    if day < office.horizon_days:
        office.contact_buckets.setdefault(day, []).append(case)


def contacts_due(office: Office, day: int) -> None:
    """Create and book every contact falling due on working day ``day``."""
    for case in office.contact_buckets.pop(day, ()):
        if case.ended is not None:
            continue
        if case.holder is None:  # not allocated yet: the contact waits for allocation
            schedule_contact(office, case, day + 1)
            continue
        schedule_contact(office, case, day + case.interval_days)
        contact = new_contact(
            office, case, office.due_after("supervision_contact", day * DAY), first=False
        )
        book(office, contact, day)


def new_contact(
    office: Office, case: Case, due: float, first: bool, number: int | None = None
) -> WorkItem:
    """A contact item and its appointment; ``number`` (default: the case's next) picks its
    attendance draw."""
    if number is None:
        number = case.contacts
        case.contacts += 1
    appointment = Appointment(number, first)
    contact = office.new_item(
        "supervision_contact",
        case,
        due=due,
        cancellable=True,
        on_done=contact_held,
        appointment=appointment,
    )
    appointment.contact_id = contact.id
    return contact


def _free_slot(office: Office, person: Staff, day: int) -> float | None:
    """Start of ``person``'s next free diary slot on ``day``, or None (away or full)."""
    shift = person.shift_on.get(day)
    if shift is None:
        return None
    first_slot = shift.work_start + (person.id % STAGGER) * SLOT / STAGGER
    booked = office.appointments_booked[(person.id, day)]
    if booked >= max(1, int((shift.end - first_slot) // SLOT)):
        return None
    return first_slot + booked * SLOT


def _cover(office: Office, holder: Staff, day: int) -> Staff | None:
    """A colleague of the holder's role at work on ``day`` with a free slot, taken in turn."""
    colleagues = office.by_role[holder.role]
    start = office.cover_turn[holder.role]
    for k in range(len(colleagues)):
        person = colleagues[(start + k) % len(colleagues)]
        if person is not holder and _free_slot(office, person, day) is not None:
            office.cover_turn[holder.role] = (start + k + 1) % len(colleagues)
            return person
    return None


def book(office: Office, contact: WorkItem, day: int) -> None:
    """Book the contact in the diary from ``day``.

    With the holder: on ``day`` if they are at work with a free slot. Otherwise, when the contact
    is due that day, a colleague of the same role covers it; failing that, the holder's first
    day with a free slot (a rearranged appointment). Not bookable within the run: it stays
    pending."""
    appointment = appointment_of(contact)
    holder = case_of(contact).holder
    seen_by = holder
    start = _free_slot(office, holder, day)
    if start is None and day * DAY < contact.due and (cover := _cover(office, holder, day)):
        seen_by, start = cover, _free_slot(office, cover, day)
        office.counts["appointments_covered"] += 1
    while start is None:
        day += 1
        if day >= office.horizon_days:
            return
        start = _free_slot(office, holder, day)
    office.appointments_booked[(seen_by.id, day)] += 1
    appointment.seen_by = seen_by
    if day * DAY >= contact.due or appointment.first:
        office.counts["appointment_letters_needed"] += 1
        office.add_work("appointment_letter", contact.case, cancellable=True)
    if day * DAY >= contact.due:
        office.counts["appointments_rearranged"] += 1
    office.at(start, lambda: arrive(office, contact))


def arrive(office: Office, contact: WorkItem) -> None:
    """The booked time: the person attends (check-in at reception) or fails to attend."""
    if contact.cancelled is not None:
        return
    appointment = appointment_of(contact)
    case = case_of(contact)
    caseload = office.scenario.caseload
    if not case.attends(appointment.number, caseload.failure_to_attend_probability):
        contact.cancelled = office.env.now
        appointment.outcome = "failed_to_attend"
        office.counts["failures_to_attend"] += 1
        case.failures.append(office.env.now)
        office.add_work("enforcement_action", case, on_done=enforcement_done)
        return
    contact.arrived = office.env.now
    seen_by = appointment.seen_by
    seen_by.expecting += 1
    if office.disrupted:
        limit = contact.arrived + caseload.risk_check_max_wait_minutes
        office.at(limit, lambda: information_deadline(office, contact))
    if seen_by.at_home:  # held by phone: nobody comes to reception
        appointment.by_phone = True
        check = office.new_item("risk_check", case, appointment=appointment, on_done=risk_checked)
        check.arrived = contact.arrived
        office.release(check, seen_by.own_queue)
        return
    check_in = office.new_item(
        "reception_check_in", case, appointment=appointment, on_done=checked_in
    )
    check_in.arrived = contact.arrived
    office.release(check_in)


def information_deadline(office: Office, contact: WorkItem) -> None:
    """The maximum wait for the risk information has passed since the person arrived: if the
    check is not done yet and the information cannot be had now (wherever the person is, even
    still at reception), the practitioner goes ahead without it (see
    :func:`sim.model.fallback.hold_risk_check`)."""
    appointment = appointment_of(contact)
    if appointment.risk_checked or appointment.outcome != "booked" or contact.started is not None:
        return
    if not office.risk_information_available(case_of(contact), appointment.seen_by):
        appointment.gave_up = True


def checked_in(office: Office, check_in: WorkItem) -> None:
    """Checked in at reception: the practitioner's risk check comes next."""
    appointment = appointment_of(check_in)
    contact = office.items[appointment.contact_id]
    check = office.new_item(
        "risk_check", contact.case, appointment=appointment, on_done=risk_checked
    )
    check.arrived = contact.arrived
    office.release(check, appointment.seen_by.own_queue)


def check_without_systems(office: Office, check: WorkItem, levers: Levers) -> float:
    """A risk check without the systems: from the printed risk register if there is one and it
    is current for the person (printed after their last change), else not at all (no
    information: the contact then decides what follows). Returns the minutes it takes."""
    case = case_of(check)
    register = levers.printed_risk_register
    if register is not None:
        printed = office.last_print(register.refresh_days, office.env.now)
        if printed is not None and case.changed <= printed:
            check.how = "print"
            return check.duration
    check.how = "no_information"
    return 0.0


def risk_checked(office: Office, check: WorkItem) -> None:
    """After the risk check: the contact goes ahead (with or without the risk information), or
    under triage a contact at a deferred RoSH level is put back when the check could not be
    done."""
    appointment = appointment_of(check)
    contact = office.items[appointment.contact_id]
    seen_by = appointment.seen_by
    if check.how != "no_information":
        appointment.risk_checked = True
        appointment.from_print = check.how == "print"
        office.release(contact, seen_by.own_queue)
        return
    triage = office.levers().triage
    case = case_of(contact)
    if triage is not None and case.rosh_level in triage.defer_levels:
        seen_by.expecting -= 1
        contact.cancelled = office.env.now
        appointment.outcome = "deferred"
        office.counts["contacts_deferred"] += 1
        later = office.calendar.day_of(office.env.now) + triage.defer_days
        again = new_contact(
            office,
            case,
            office.due_after("supervision_contact", later * DAY),
            first=appointment.first,
            number=appointment.number,
        )
        book(office, again, later)
        return
    office.release(contact, seen_by.own_queue)  # held without the risk information


def contact_held(office: Office, contact: WorkItem) -> None:
    """The practitioner who saw the person records the contact."""
    appointment = appointment_of(contact)
    appointment.outcome = "held"
    seen_by = appointment.seen_by
    seen_by.expecting -= 1
    recording = office.new_item("contact_recording", contact.case)
    office.release(recording, seen_by.own_queue)


def enforcement_done(office: Office, action: WorkItem) -> None:
    """After an enforcement action: a breach if the case has failed to attend often enough."""
    case = case_of(action)
    now = office.env.now
    recent = [t for t in case.failures if now - t <= BREACH_WINDOW]
    case.failures = recent
    if len(recent) >= office.scenario.caseload.breach_after_failures:
        case.failures = []
        office.counts["breaches"] += 1
        office.add_work("breach_action", case)
