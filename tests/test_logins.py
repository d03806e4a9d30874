"""A capped login window on its own (sim/model/logins.py): who is logged in, the session hours
counted by role, the most sessions held at once, the slots a rota deals."""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.logins import LoginCapWindow


@dataclass(frozen=True)
class Person:
    """What a window reads of a member of staff: who they are and their role."""

    id: int
    role: str


PO, PSO = Person(1, "probation_officer"), Person(2, "pso")


def test_session_minutes_are_counted_by_role_and_a_person_without_one_ends_nothing():
    window = LoginCapWindow("case_system", 0.0, 1000.0, sessions=2)
    window.log_in(PO, 100.0)
    window.log_in(PSO, 160.0)
    assert window.peak_in_use == 2
    assert window.end_session(PO, 220.0) and not window.end_session(PO, 230.0)
    assert window.end_session(PSO, 200.0)
    assert window.session_minutes == 120.0 + 40.0
    assert window.by_role["probation_officer"] == {"sessions": 1, "session_minutes": 120.0}
    assert window.by_role["pso"] == {"sessions": 1, "session_minutes": 40.0}


def test_a_window_is_active_from_its_start_until_its_end():
    window = LoginCapWindow("case_system", 100.0, 200.0, sessions=1)
    assert [window.active(t) for t in (99.0, 100.0, 199.0, 200.0)] == [False, True, True, False]


def test_a_rota_slot_is_held_until_its_end_and_the_next_deal_follows_now():
    window = LoginCapWindow("case_system", 0.0, 1000.0, sessions=1)
    window.deals = [0.0, 240.0, 480.0]
    window.holders[PO.id] = 240.0
    assert window.has_slot(PO, 239.0) and not window.has_slot(PO, 240.0)
    assert not window.has_slot(PSO, 10.0)
    assert window.next_deal(0.0) == 240.0 and window.next_deal(240.0) == 480.0
    assert window.next_deal(480.0) is None
