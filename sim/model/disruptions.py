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

from typing import TYPE_CHECKING

from sim.model.random_streams import UniformSampler

if TYPE_CHECKING:
    from sim.model.office import OfficeModel
    from sim.model.work import WorkItem

RESEND_SHARE = 0.25  # assumption (range 0.1-0.5): resending takes a quarter of the original work


def message_sent(office: OfficeModel, item: WorkItem) -> None:
    """``on_done`` of a recall request or risk escalation: record when it is delivered."""
    now = office.env.now
    detail = item.detail if item.detail is not None else {}
    item.detail = detail
    detail["delivered"] = now
    if detail.get("channel") == "phone":
        return
    for window in office.scenario.outages.email_loss:
        if window.start_minute <= now < window.end_minute:
            if office.email_draw() < window.lost_share:
                detail["lost"] = True
                detail["delivered"] = now + window.detection_days * 24 * 60
                office.counts["emails_lost"] += 1
                resend = office.new_item(item.task, item.case, detail={"resend": True})
                resend.duration = item.duration * RESEND_SHARE
                office.at(detail["delivered"], lambda: office.release(resend))
            else:
                detail["delivered"] = window.end_minute
                office.counts["emails_delayed"] += 1
            return


def schedule(office: OfficeModel) -> None:
    """Schedule the scenario's record losses and surges."""
    outages = office.scenario.outages
    for loss in outages.record_loss:
        office.at(loss.at.minute, lambda loss=loss: _records_lost(office, loss))
    for surge in outages.surges:
        office.at(surge.at.minute, lambda surge=surge: _surge(office, surge))


def _sample(office: OfficeModel, share: float, stream: str) -> list:
    draw = UniformSampler(office.streams.generator(stream))
    return [case for case in list(office.active_cases) if draw() < share]


def _records_lost(office: OfficeModel, loss) -> None:
    for case in _sample(office, loss.share, "record_loss"):
        case.record_lost = True
        office.counts["records_lost"] += 1
        rebuild = office.new_item("record_reconstruction", case, on_done=_reconstructed)
        rebuild.duration = loss.reconstruction_minutes
        office.release(rebuild)


def _reconstructed(office: OfficeModel, item: WorkItem) -> None:
    item.case.record_lost = False


def _surge(office: OfficeModel, surge) -> None:
    due = office.calendar.end_of_working_day(office.env.now, surge.due_working_days)
    for case in _sample(office, surge.share_of_cases, f"surge:{surge.task}"):
        office.counts[f"surge_{surge.task}"] += 1
        office.add_work(surge.task, case, due=due)
