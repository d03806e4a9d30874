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

A practitioner breaks off desk work when their person is ready to be seen
(:func:`sim.model.working_day.break_off_for_appointment`), so appointments start on time. A
person whose contact has not started ``appointment_max_wait_minutes`` after they arrived
(whatever the cause: a practitioner busy with someone else, reception slow, no login) leaves,
and the appointment is **rebooked** with the same practitioner for a later day, keeping its
deadline (a rearranged appointment, with a letter).

The first appointment of a new case is booked the same way once the case is allocated; it is
due within 5 working days of sentence (measure SL004).
"""

from __future__ import annotations

from functools import lru_cache

from sim.domain.calendar import DAY, WEEK
from sim.model.caseload import Case
from sim.model.protocol import Office
from sim.model.staff import Staff
from sim.model.work import Appointment, WorkItem, appointment_of, case_of
from sim.model.working_day import break_off_for_appointment
from sim.scenario.plans import Levers

BREACH_WINDOW = 52 * WEEK
SLOT = 45.0  # assumption (range 30-60 min): one appointment slot in a practitioner's diary
STAGGER = 9  # practitioners' first slots are staggered by 5 minutes so arrivals spread out
# Assumption (range 0-30 min): how long before the booked time the practitioner looks up the
# person's current risk information (the pre-contact risk check).
RISK_CHECK_LEAD = 15.0
GOLDEN = (5**0.5 - 1) / 2


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


@lru_cache(maxsize=64)
def fill_order(slots: int) -> tuple[int, ...]:
    """The order in which a diary of ``slots`` slots is filled: spread over the day (the k-th
    booking takes the slot whose place in the day is the k-th of the golden-ratio sequence), so
    a half-full day's appointments are not all in its first hours and arrivals at reception are
    spread across the office's day."""
    ranks = sorted(range(slots), key=lambda k: (k * GOLDEN) % 1.0)
    order = [0] * slots
    for place, k in enumerate(ranks):
        order[k] = place
    return tuple(order)


def _free_slot(office: Office, person: Staff, day: int) -> float | None:
    """Start of ``person``'s next free diary slot on ``day``, or None (away or full)."""
    shift = person.shift_on.get(day)
    if shift is None:
        return None
    first_slot = shift.work_start + (person.id % STAGGER) * SLOT / STAGGER
    booked = office.appointments_booked[(person.id, day)]
    slots = max(1, int((shift.end - first_slot) // SLOT))
    if booked >= slots:
        return None
    return first_slot + fill_order(slots)[booked] * SLOT


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
    appointment.booked = start
    if day * DAY >= contact.due or appointment.first:
        office.counts["appointment_letters_needed"] += 1
        office.add_work("appointment_letter", contact.case, cancellable=True)
    if day * DAY >= contact.due:
        office.counts["appointments_rearranged"] += 1
    office.at(max(start - RISK_CHECK_LEAD, office.env.now), lambda: prepare(office, contact, start))


def prepare(office: Office, contact: WorkItem, start: float) -> None:
    """``RISK_CHECK_LEAD`` before the booked time the practitioner looks up the person's
    current risk information (the pre-contact risk check), breaking off desk work to do it; the
    person is due at ``start``. The risk-check rule's wait counts from the booked time."""
    if contact.cancelled is not None:
        return
    appointment = appointment_of(contact)
    check = office.new_item(
        "risk_check", contact.case, appointment=appointment, on_done=risk_checked
    )
    appointment.check_id = check.id
    office.release(check, appointment.seen_by.own_queue)
    break_off_for_appointment(appointment.seen_by)
    office.at(start, lambda: arrive(office, contact))


def arrive(office: Office, contact: WorkItem) -> None:
    """The booked time: the person attends (check-in at reception) or fails to attend."""
    if contact.cancelled is not None:
        return
    appointment = appointment_of(contact)
    case = case_of(contact)
    caseload = office.scenario.caseload
    now = office.env.now
    if not case.attends(appointment.number, caseload.failure_to_attend_probability):
        contact.cancelled = now
        appointment.outcome = "failed_to_attend"
        _cancel_steps(office, appointment, now)
        office.counts["failures_to_attend"] += 1
        case.failures.append(now)
        office.add_work("enforcement_action", case, on_done=enforcement_done)
        return
    contact.arrived = now
    check = office.items[appointment.check_id] if appointment.check_id >= 0 else None
    if check is not None and check.started is None:
        check.arrived = now  # the person is in the building, waiting for it
    seen_by = appointment.seen_by
    seen_by.expecting += 1
    if office.disrupted:
        limit = now + caseload.risk_check_max_wait_minutes
        office.at(limit, lambda: information_deadline(office, contact))
    office.at(now + caseload.appointment_max_wait_minutes, lambda: left_unseen(office, contact))
    if seen_by.at_home:  # held by phone: nobody comes to reception
        appointment.by_phone = True
        appointment.checked_in = True
        _contact_if_ready(office, contact)
        return
    check_in = office.new_item(
        "reception_check_in", case, appointment=appointment, on_done=checked_in
    )
    check_in.arrived = now
    appointment.check_in_id = check_in.id
    office.release(check_in)


def _cancel_steps(office: Office, appointment: Appointment, now: float) -> None:
    """The person has gone: the check-in and risk check not yet started are not needed."""
    for step_id in (appointment.check_in_id, appointment.check_id):
        step = office.items[step_id] if step_id >= 0 else None
        if step is not None and step.started is None and step.cancelled is None:
            step.cancelled = now


def _contact_if_ready(office: Office, contact: WorkItem) -> None:
    """The contact goes ahead once the person is checked in and the risk check is settled
    (done, or given up under the risk-check rule)."""
    appointment = appointment_of(contact)
    if contact.cancelled is None and appointment.checked_in and appointment.check_settled:
        office.release(contact, appointment.seen_by.own_queue)
        break_off_for_appointment(appointment.seen_by)


def left_unseen(office: Office, contact: WorkItem) -> None:
    """``appointment_max_wait_minutes`` after arriving the person's contact has not started:
    they leave, the steps they were waiting for are cancelled, and the appointment is rebooked
    with the same practitioner from the next day, keeping its deadline."""
    appointment = appointment_of(contact)
    if contact.started is not None or appointment.outcome != "booked":
        return
    now = office.env.now
    contact.cancelled = now
    appointment.outcome = "rebooked"
    appointment.seen_by.expecting -= 1
    _cancel_steps(office, appointment, now)
    office.counts["appointments_rebooked"] += 1
    again = new_contact(
        office, case_of(contact), contact.due, first=appointment.first, number=appointment.number
    )
    book(office, again, office.calendar.day_of(now) + 1)


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
    """Checked in at reception: the contact goes ahead once the risk check is settled."""
    appointment = appointment_of(check_in)
    appointment.checked_in = True
    _contact_if_ready(office, office.items[appointment.contact_id])


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
    if contact.cancelled is not None:  # gone (failed to attend, rebooked) meanwhile
        return
    appointment.check_settled = True
    if check.how != "no_information":
        appointment.risk_checked = True
        appointment.from_print = check.how == "print"
        _contact_if_ready(office, contact)
        return
    triage = office.levers().triage
    case = case_of(contact)
    if triage is not None and case.rosh_level in triage.defer_levels:
        now = office.env.now
        if contact.arrived is not None:
            appointment.seen_by.expecting -= 1
        contact.cancelled = now
        appointment.outcome = "deferred"
        _cancel_steps(office, appointment, now)
        office.counts["contacts_deferred"] += 1
        later = office.calendar.day_of(now) + triage.defer_days
        again = new_contact(
            office,
            case,
            office.due_after("supervision_contact", later * DAY),
            first=appointment.first,
            number=appointment.number,
        )
        book(office, again, later)
        return
    _contact_if_ready(office, contact)  # held without the risk information


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
