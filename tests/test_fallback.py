"""The contingency rules for work whose systems are down (sim/model/fallback.py), each on its
own: a small stand-in office gives the rules the few things they read (the levers in force, the
clock, when the systems are back) and records what they ask of it (hold, resume, release)."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from sim.model.fallback import (
    MANUAL_CHECK_IN_FACTOR,
    after_paper_work,
    park,
    resend_by_phone,
    work_without_systems,
)
from sim.model.systems import Access
from sim.model.work import WorkItem
from sim.scenario.plans import Levers

BACK_AT = 600.0  # the minute the systems come back in these tests


class Office:
    """The part of the office the rules use, recording what they do."""

    def __init__(self, levers: Levers, now: float = 100.0, redo_draw: float = 1.0):
        self._levers = levers
        self.env = SimpleNamespace(now=now)
        self.counts: Counter[str] = Counter()
        self.systems = SimpleNamespace(back_at=lambda missing, now: BACK_AT)
        self.held: list[WorkItem] = []
        self.scheduled: list[float] = []
        self.released: list[WorkItem] = []
        self.made: list[WorkItem] = []
        self.redo_draw = redo_draw

    def levers(self) -> Levers:
        return self._levers

    def hold(self, item: WorkItem, queue=None) -> int:
        self.held.append(item)
        return len(self.held)

    def at(self, minute: float, then) -> None:
        self.scheduled.append(minute)

    def resume(self, item: WorkItem, token: int) -> None:
        pass

    def new_item(self, task: str, case, follows=None, due: float = 0.0) -> WorkItem:
        made = WorkItem(len(self.made) + 100, task, case, self.env.now, due, 1, (), 20.0)
        made.follows = follows
        self.made.append(made)
        return made

    def due_after(self, task: str, start: float) -> float:
        return start + 5 * 1440

    def release(self, item: WorkItem) -> None:
        self.released.append(item)

    def rekey_error_draw(self) -> float:
        return self.redo_draw


def item(task: str, duration: float = 30.0) -> WorkItem:
    return WorkItem(1, task, None, 0.0, 1440.0, 1, ("case_system",), duration)


DOWN = Access(missing=("case_system",))


def test_reception_checks_in_from_day_lists_at_normal_speed_else_by_phone_slower():
    with_lists = Office(Levers(day_lists={}))
    assert work_without_systems(with_lists, item("reception_check_in"), None, DOWN) == 30.0
    without = Office(Levers())
    minutes = work_without_systems(without, item("reception_check_in"), None, DOWN)
    assert minutes == 30.0 * MANUAL_CHECK_IN_FACTOR


def test_a_recall_goes_by_phone_only_when_email_alone_is_missing_and_the_channel_is_pulled():
    phone = Levers(alternative_channel={"extra_minutes": 7})
    email_down = Access(missing=("email",))
    recall = item("recall_request")
    assert work_without_systems(Office(phone), recall, None, email_down) == 37.0
    assert recall.how == "phone"
    both_down = Access(missing=("email", "case_system"))
    office = Office(phone)
    assert work_without_systems(office, item("recall_request"), None, both_down) is None
    assert office.held and office.counts["items_waiting_for_systems"] == 1  # parked
    no_channel = Office(Levers())
    assert work_without_systems(no_channel, item("recall_request"), None, email_down) is None


def test_a_paper_task_is_slower_and_leaves_a_record_to_rekey_when_the_system_is_back():
    office = Office(Levers(paper_fallback={"paper_factor": 1.5, "rekey_minutes": 12}))
    contact = item("contact_recording")
    minutes = work_without_systems(office, contact, None, DOWN)
    assert minutes == 45.0 and contact.how == "paper"
    contact.on_done(office, contact)  # the paper work finished: its record is owed
    (record,) = office.made
    assert record.task == "paper_rekeying" and record.follows is contact
    assert record.duration == 12 and record.due == BACK_AT + 5 * 1440
    assert office.scheduled == [BACK_AT] and office.counts["paper_records"] == 1


def test_a_task_outside_the_paper_fallback_waits_for_its_systems():
    office = Office(Levers(paper_fallback={"tasks": ["contact_recording"]}))
    assert work_without_systems(office, item("court_results_entry"), None, DOWN) is None
    assert office.scheduled == [BACK_AT]
    set_aside: list = []
    office = Office(Levers())
    kept = item("assessment")
    assert work_without_systems(office, kept, None, DOWN, lambda i, t: set_aside.append(i)) is None
    assert set_aside == [kept]  # kept for the person's session, not parked


@pytest.mark.parametrize(("draw", "redone"), [(0.01, 1), (0.99, 0)])
def test_a_wrong_rekeying_is_redone(draw, redone):
    office = Office(Levers(paper_fallback={"error_rate": 0.05}), redo_draw=draw)
    done = item("contact_recording")
    after_paper_work(office, done)
    record = office.made[0]
    record.on_done(office, record)
    assert office.counts["paper_records_redone"] == redone
    assert len(office.released) == redone


def test_a_lost_message_is_resent_by_phone_only_under_the_channel():
    lost = item("recall_request")
    lost.how = "lost"
    resend = item("recall_request")
    resend.follows = lost
    assert resend_by_phone(Office(Levers(alternative_channel={})), resend) is not None
    assert resend.how == "phone"
    assert resend_by_phone(Office(Levers()), resend) is None
    fresh = item("recall_request")
    assert resend_by_phone(Office(Levers(alternative_channel={})), fresh) is None


def test_park_holds_until_the_systems_are_back():
    office = Office(Levers())
    park(office, item("assessment"), ("case_system",))
    assert office.held and office.scheduled == [BACK_AT]
