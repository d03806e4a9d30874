"""The room's view shows every inject of the moment: all those delivered at the latest inject's
moment (two planned at once, or added in the room at the clock), not only the last one (on the
small drill; the layout on a projector is tested in a browser, test_browser_room.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app_pages.exercise_views import injects_of_the_moment
from app_pages.room_layout import numbers
from app_test_kit import no_crash, page, texts
from exercise_drill import SMALL
from sim.exercise import log as play
from sim.exercise.store import ExerciseStore
from sim.scenario.exercise import Inject
from sim.scenario.loader import load_exercise

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NEWS = (
    ("Press call", "A journalist asks about the outage."),
    ("Union call", "The union asks who is working late."),
)


@pytest.fixture
def drill(tmp_path) -> play.ExerciseLog:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return play.start(load_exercise(path))


def with_news(log: play.ExerciseLog) -> play.ExerciseLog:
    """``log`` with the two NEWS injects added in the room at its clock."""
    for i, (title, told) in enumerate(NEWS):
        log = play.add_inject(log, Inject(id=f"news-{i}", at=log.clock, title=title, told=told))
    return log


def test_the_injects_of_the_moment_are_every_one_delivered_at_the_latest_moment(drill):
    assert injects_of_the_moment(drill) == []
    at_outage = play.advance_to_next(drill)  # day 8, 09:00: NDelius down
    assert [i.title for i in injects_of_the_moment(at_outage)] == ["NDelius down"]
    three = with_news(at_outage)
    assert [i.title for i in injects_of_the_moment(three)] == [
        "NDelius down",
        "Press call",
        "Union call",
    ]
    at_decision = play.advance_to_next(three)  # day 9: a decision, no inject
    assert injects_of_the_moment(at_decision) == injects_of_the_moment(three)


@pytest.fixture
def exercises(folders, tmp_path, monkeypatch) -> Iterator[Path]:
    monkeypatch.setenv("SIM_EXERCISES_DIR", str(tmp_path / "exercises"))
    yield tmp_path / "exercises"
    from app_pages import state

    state.board().cancel_running()  # the office-now runs the room started


def test_the_room_shows_every_inject_of_the_moment_in_full(exercises, drill):
    log = with_news(play.advance_to_next(drill))
    room = page("exercise_room", exercise_id=ExerciseStore(exercises).save(log))
    no_crash(room)
    shown = texts(room)
    for title, told in (("NDelius down", "The case system has failed."), *NEWS):
        assert f"Day 8, 09:00: {title}" in shown and told in shown, shown
    assert not room.button and not room.text_input and not room.selectbox


def test_the_room_reads_numbers_whole_or_to_one_decimal_under_ten():
    assert numbers(103.4, 0.0, 366.9) == ["103", "0", "367"]
    assert numbers(4.5, 0.0, 10.9) == ["4", "0", "11"]
    assert numbers(4.5, 0.2, 9.4) == ["4.5", "0.2", "9.4"]
