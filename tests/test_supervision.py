"""Supervision's rules on their own (sim/model/supervision.py): a risk check without the systems
reads the printed risk register only while it is current for the person, and a diary is filled
spread over the day."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.supervision import check_without_systems, fill_order
from sim.model.work import WorkItem
from sim.scenario.plans import Levers


def check(changed: float) -> WorkItem:
    case = SimpleNamespace(changed=changed)
    return WorkItem(1, "risk_check", case, 0.0, 60.0, 1, ("case_system",), 15.0)  # type: ignore[arg-type]


def office(printed: float | None, now: float = 5000.0):
    return SimpleNamespace(env=SimpleNamespace(now=now), last_print=lambda days, now: printed)


@pytest.mark.parametrize(
    ("printed", "changed", "minutes", "how"),
    [
        (4000.0, 3000.0, 15.0, "print"),  # printed after the person's last change: current
        (4000.0, 4500.0, 0.0, "no_information"),  # changed since the print: not current
        (None, 0.0, 0.0, "no_information"),  # nothing printed yet
    ],
)
def test_the_printed_register_answers_only_while_it_is_current(printed, changed, minutes, how):
    found = check(changed)
    levers = Levers(printed_risk_register={"refresh_days": 7})
    assert check_without_systems(office(printed), found, levers) == minutes
    assert found.how == how


def test_without_a_printed_register_there_is_no_information():
    found = check(0.0)
    assert check_without_systems(office(4000.0), found, Levers()) == 0.0
    assert found.how == "no_information"


@given(st.integers(1, 200))
def test_a_diary_is_filled_in_every_slot_once(slots):
    order = fill_order(slots)
    assert sorted(order) == list(range(slots))  # the k-th booking's slot: each slot once


def test_a_half_full_day_is_spread_over_the_day():
    taken = sorted(fill_order(16)[:8])  # the slots of a day's first 8 bookings
    assert taken == [0, 2, 4, 6, 8, 10, 12, 14]  # every other slot: not all in the first hours
