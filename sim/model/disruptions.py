"""Disruptions that are not a system being down: lost emails, lost records and workload surges.

* **Messages** (recall requests, risk escalations) are delivered when sent, except inside an
  ``email_loss`` window: a share is lost and only delivered after ``detection_days`` (when
  someone notices and resends, which takes the sender another ``RESEND_SHARE`` of the task's
  time, counted as double handling); the rest are held until the window ends. A message sent by
  phone (the alternative channel) is delivered at once.
* **Record loss**: at its moment a share of the cases on the books lose their record; each gets a
  reconstruction task for its holder, and until it is done the person's risk check cannot be
  done from the system.
* **Surges**: at their moment, the task is created for a share of the cases on the books, due
  within ``due_working_days``.

Draws come from their own streams (``email``, ``record_loss``, ``surges``).
"""

from __future__ import annotations

from functools import partial

from sim.model.caseload import Case
from sim.model.protocol import Office
from sim.model.random_streams import UniformSampler
from sim.model.work import WorkItem, case_of
from sim.scenario.outages import RecordLoss, Surge

RESEND_SHARE = 0.25  # assumption (range 0.1-0.5): resending takes a quarter of the original work


def message_sent(office: Office, item: WorkItem) -> None:
    """``on_done`` of a recall request or risk escalation: record when it is delivered."""
    now = office.env.now
    item.delivered = now
    if item.how == "phone":
        return
    for window in office.scenario.outages.email_loss:
        if window.start_minute <= now < window.end_minute:
            if office.email_draw() < window.lost_share:
                item.how = "lost"
                item.delivered = noticed = now + window.detection_days * 24 * 60
                office.counts["emails_lost"] += 1
                resend = office.new_item(item.task, item.case, follows=item)
                resend.duration = item.duration * RESEND_SHARE
                office.at(noticed, partial(office.release, resend))
            else:
                item.delivered = window.end_minute
                office.counts["emails_delayed"] += 1
            return


def schedule(office: Office) -> None:
    """Schedule the scenario's record losses and surges."""
    outages = office.scenario.outages
    for loss in outages.record_loss:
        office.at(loss.at.minute, partial(_records_lost, office, loss))
    for surge in outages.surges:
        office.at(surge.at.minute, partial(_surge, office, surge))


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
