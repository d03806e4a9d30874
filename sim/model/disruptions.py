"""Disruptions that are not a system being down: lost emails, lost records and workload surges.

* **Messages** (recall requests, risk escalations, transfer forms, and the notice that a court
  result is ready for allocation) are delivered when sent, except inside an ``email_loss``
  window: a share is lost, and after ``detection_days`` someone notices and resends it (a
  follow-up item of the same task, ``follows`` the lost one, taking another ``RESEND_SHARE`` of
  the task's time, counted as double handling); the rest are held until the window ends. Under
  the plan's ``alternative_channel`` with ``confirm_within_hours``, messages are confirmed by
  phone, so a lost one is noticed after that many hours if sooner; and a lost recall request or
  risk escalation is resent by phone (:func:`sim.model.fallback.resend_by_phone`). A lost
  message is delivered when its resend is (a resend sent by email while email is still failing
  can be held or lost in turn): one message, one delivery time, and never delivered if its
  resend is not done by the end of the run. A message sent by phone is delivered at once.
  Whatever waits for a message (an allocation waits for its notice) goes ahead when it is
  delivered.
* **Record loss**: at its moment a share of the cases on the books lose their record; each gets a
  reconstruction task for its holder, and until it is done the person's risk check cannot be
  done from the system.
* **Surges**: at their moment, the task is created for a share of the cases on the books, due
  within ``due_working_days``.
* **Work lost**: at its moment, a ``share`` of the task's items completed in the last
  ``completed_within_days`` become inaccessible and must be done again: a follow-up item of the
  same task for each (``follows`` the lost one; its hours are double handling), due as new work
  is, done by hand on paper under a paper fallback while the system is down.

Draws come from their own streams (``email``, ``record_loss``, ``surge:<task>``,
``work_lost:<task>``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

from sim.domain.calendar import DAY, HOUR
from sim.domain.floors import MIN_FOLLOW_UP_MINUTES
from sim.model.caseload import Case
from sim.model.protocol import Office
from sim.model.random_streams import UniformSampler
from sim.model.work import WorkItem, case_of
from sim.scenario.outages import RecordLoss, Surge, WorkLost

RESEND_SHARE = 0.25  # assumption (range 0.1-0.5): resending takes a quarter of the original work
# The messages the plan's alternative channel covers (by phone instead of email)
MESSAGE_TASKS = frozenset({"recall_request", "risk_escalation"})


def message_sent(office: Office, item: WorkItem, then: Callable[[], object] | None = None) -> None:
    """``on_done`` of a message (recall request, risk escalation, transfer form) and of its
    resends: record when it is delivered (None while lost), and give the message a resend
    follows up the same delivery time; ``then`` is called once it is delivered."""
    item.delivered = _delivery(office, item, then)
    if item.delivered is None:
        return
    original = item.follows
    while original is not None:  # a resend: the message it resends is delivered with it
        original.delivered = item.delivered
        original = original.follows
    if then is not None:
        if item.delivered <= office.env.now:
            then()
        else:
            office.at(item.delivered, then)


def _delivery(office: Office, item: WorkItem, then: Callable[[], object] | None) -> float | None:
    """When ``item``, sent now, reaches its recipient: now, the end of an email-loss window it
    is held in, or None if it is lost, or chased by phone (then its resend is scheduled for when
    that is noticed)."""
    now = office.env.now
    if item.how == "phone":
        return now
    for window in office.scenario.outages.email_loss:
        if window.start_minute <= now < window.end_minute:
            confirmed = _confirmed_within(office, item)
            if office.email_draw() < window.lost_share:
                item.how = "lost"
                office.counts["emails_lost"] += 1
                _resend(office, item, now + min(window.detection_days * DAY, confirmed), then)
                return None
            office.counts["emails_delayed"] += 1
            if now + confirmed < window.end_minute:  # not arrived when confirmed: chased
                item.how = "held"
                _resend(office, item, now + confirmed, then)
                return None
            return window.end_minute
    return now


def _confirmed_within(office: Office, item: WorkItem) -> float:
    """Minutes after sending that a recall request or escalation is confirmed by phone under
    the plan's alternative channel (inf: not confirmed)."""
    channel = office.levers().alternative_channel
    if channel is None or channel.confirm_within_hours is None or item.task not in MESSAGE_TASKS:
        return math.inf
    return channel.confirm_within_hours * HOUR


def _resend(
    office: Office, item: WorkItem, noticed: float, then: Callable[[], object] | None
) -> None:
    """A follow-up of ``item`` (lost, or not arrived when confirmed), released when that is
    noticed, at ``RESEND_SHARE`` of its work (by phone under the alternative channel)."""
    resend = office.new_item(
        item.task, item.case, on_done=partial(_resent, then=then), follows=item
    )
    resend.duration = item.duration * RESEND_SHARE
    # noticed no sooner than a reply could be expected: a loss detected "at once" or a zero
    # confirmation time cannot resend at the instant of the loss, again and again
    office.at(max(noticed, office.env.now + MIN_FOLLOW_UP_MINUTES), partial(office.release, resend))


def _resent(office: Office, resend: WorkItem, then: Callable[[], object] | None) -> None:
    message_sent(office, resend, then)


def schedule(office: Office) -> None:
    """Schedule the scenario's record losses and surges."""
    outages = office.scenario.outages
    for loss in outages.record_loss:
        office.at(loss.at.minute, partial(_records_lost, office, loss))
    for surge in outages.surges:
        office.at(surge.at.minute, partial(_surge, office, surge))
    for lost in outages.work_lost:
        if lost.has_effect(office.headcount):
            office.at(lost.at.minute, partial(_work_lost, office, lost))


def _sample(office: Office, share: float, stream: str) -> list[Case]:
    draw = UniformSampler(office.streams.generator(stream))
    return [case for case in list(office.active_cases) if draw() < share]


def _records_lost(office: Office, loss: RecordLoss) -> None:
    for case in _sample(office, loss.share, "record_loss"):
        case.record_lost = True
        office.counts["records_lost"] += 1
        rebuild = office.new_item("record_reconstruction", case, on_done=_reconstructed)
        rebuild.duration = loss.reconstruction_minutes
        office.release(rebuild)


def _reconstructed(office: Office, item: WorkItem) -> None:
    case_of(item).record_lost = False


def _surge(office: Office, surge: Surge) -> None:
    due = office.calendar.end_of_working_day(office.env.now, surge.due_working_days)
    for case in _sample(office, surge.share_of_cases, f"surge:{surge.task}"):
        office.counts[f"surge_{surge.task}"] += 1
        office.add_work(surge.task, case, due=due)


def _work_lost(office: Office, lost: WorkLost) -> None:
    now = office.env.now
    since = now - lost.completed_within_days * DAY
    draw = UniformSampler(office.streams.generator(f"work_lost:{lost.task}"))
    done = [
        item
        for item in office.items
        if item.task == lost.task
        and item.follows is None
        and item.finished is not None
        and since <= item.finished <= now
    ]
    for item in done:
        if draw() < lost.share:
            office.counts[f"work_lost_{lost.task}"] += 1
            office.add_work(lost.task, item.case, follows=item)
