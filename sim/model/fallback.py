"""What staff do with work whose systems are down: the contingency rules, plan by plan.

When a member of staff takes an item and a system it needs is down, :func:`work_without_systems`
decides, by the plan's levers in force at that moment:

* **risk check**: one rule whatever the cause (:func:`hold_risk_check`): the person is held
  at reception for at most ``risk_check_max_wait_minutes`` while the information may come back;
  after that, the appointment's own rule (:func:`sim.model.supervision.check_without_systems`):
  from the printed risk register if it is current for that person, else not at all.
* **reception check-in**: from printed day lists at normal speed; without them reception works
  out who the appointment is with by phone, ``MANUAL_CHECK_IN_FACTOR`` times as long.
* **recall requests and risk escalations** with email down: by phone (``alternative_channel``).
* **tasks under a paper fallback**: done on paper (slower), each leaving a paper record to be
  re-keyed once the system is back.
* anything else waits until every system it needs is back, then returns to its queue.

**Work in progress when a system fails** (one rule for every task): the task stops, the time
already spent on it is lost and counted as double-handling hours, and the item is handled as if
just picked up (by the rules above).
"""

from __future__ import annotations

from sim.model.disruptions import MESSAGE_TASKS
from sim.model.logins import SetAside
from sim.model.protocol import Office
from sim.model.staff import Staff
from sim.model.supervision import check_without_systems
from sim.model.systems import Access
from sim.model.work import WorkItem, appointment_of

MANUAL_CHECK_IN_FACTOR = 3.0  # assumption (range 2-5): phoning round to find the practitioner


def work_without_systems(
    office: Office,
    item: WorkItem,
    staff: Staff,
    access: Access,
    set_aside: SetAside | None = None,
) -> float | None:
    """Minutes to work on ``item`` now without its missing systems, or None if it must wait:
    it is then held until the systems are back, or handed to ``set_aside`` if given (kept for
    the person's login session or rota slot, or their next day in the office)."""
    levers = office.levers()
    task = item.task
    if task == "risk_check":
        if hold_risk_check(office, item, access.missing, set_aside):
            return None
        return check_without_systems(office, item, levers)
    if task == "reception_check_in":
        factor = 1.0 if levers.day_lists is not None else MANUAL_CHECK_IN_FACTOR
        item.how = "manual"
        return item.duration * factor
    if task in MESSAGE_TASKS and set(access.missing) == {"email"} and levers.alternative_channel:
        item.how = "phone"
        return item.duration + levers.alternative_channel.extra_minutes
    paper = levers.paper_fallback
    if paper is not None and task in paper.tasks:
        item.how = "paper"
        then = item.on_done

        def on_paper_done(office: Office, done: WorkItem) -> None:
            after_paper_work(office, done)
            if then is not None:
                then(office, done)

        item.on_done = on_paper_done
        return item.duration * paper.paper_factor
    if set_aside is not None:
        set_aside(item, office.hold(item))
    else:
        park(office, item, access.missing)
    return None


def resend_by_phone(office: Office, item: WorkItem) -> float | None:
    """A recall request or risk escalation lost in an email failure (or, confirmed by phone, not
    arrived), noticed and resent under the plan's ``alternative_channel``: resent by phone
    (delivered at once, needing no system), taking the channel's ``extra_minutes`` more. None:
    not such a resend, or no channel in force."""
    lost = item.follows
    if lost is None or lost.how not in ("lost", "held") or item.task not in MESSAGE_TASKS:
        return None
    channel = office.levers().alternative_channel
    if channel is None:
        return None
    item.how = "phone"
    return item.duration + channel.extra_minutes


def risk_check_limit(office: Office, item: WorkItem) -> float | None:
    """Until when a risk check may wait for its information: ``risk_check_max_wait_minutes``
    after the person's booked time, when they arrive (None: ``item`` is not a risk check)."""
    if item.task != "risk_check":
        return None
    booked = item.appointment.booked if item.appointment is not None else item.created
    return booked + office.scenario.caseload.risk_check_max_wait_minutes


def hold_risk_check(
    office: Office, check: WorkItem, missing: tuple[str, ...], set_aside: SetAside | None = None
) -> bool:
    """The one rule for a risk check whose information cannot be had now, whatever the cause (a
    system down, no login session or rota slot, no kit at home, a lost record): the
    practitioner holds the person for at most ``risk_check_max_wait_minutes`` from their
    arrival, trying again when it may be back (the systems' return, the next rota slot) or at
    that limit, or as soon as the person's login session or slot comes if ``set_aside`` keeps it
    for them; at the limit, a person not yet checked whose information cannot be had then
    (even one still at reception) is seen without it
    (:func:`sim.model.supervision.information_deadline`), so no plan avoids missed checks by
    keeping people waiting longer. True: held for now; False: the limit has
    passed, so the check goes ahead without the systems (the printed register, or no
    information)."""
    now = office.env.now
    limit = risk_check_limit(office, check)
    if limit is None or now >= limit or appointment_of(check).gave_up:
        return False
    retry = min(office.information_back_at(missing, now), limit)
    office.counts["risk_checks_held_for_information"] += 1
    token = office.hold(check, appointment_of(check).seen_by.own_queue)
    office.at(retry, lambda: office.resume(check, token))
    if set_aside is not None:
        set_aside(check, token)
    return True


def park(office: Office, item: WorkItem, missing: tuple[str, ...]) -> None:
    """Hold ``item`` until every system it lacks is back (or the plan's levers change), then
    return it to its queue."""
    now = office.env.now
    office.counts["items_waiting_for_systems"] += 1
    token = office.hold(item)
    office.at(office.systems.back_at(missing, now), lambda: office.resume(item, token))


def after_paper_work(office: Office, item: WorkItem) -> None:
    """A task done on paper leaves a record to re-key when the system is back (due within the
    re-keying deadline from then); some re-keyed records are wrong and must be redone."""
    paper = office.levers().paper_fallback
    back = office.systems.back_at(("case_system",), office.env.now)
    rekey = office.new_item(
        "paper_rekeying", item.case, follows=item, due=office.due_after("paper_rekeying", back)
    )
    rekey.duration = paper.rekey_minutes if paper else rekey.duration
    office.counts["paper_records"] += 1

    def rekeyed(office: Office, done: WorkItem) -> None:
        if paper is not None and office.rekey_error_draw() < paper.error_rate:
            redo = office.new_item("paper_rekeying", done.case, follows=done)
            redo.how = "redo"
            office.counts["paper_records_redone"] += 1
            office.release(redo)

    rekey.on_done = rekeyed
    office.at(back, lambda: office.release(rekey))
