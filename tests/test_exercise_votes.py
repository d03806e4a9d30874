"""Players vote from their own devices: votes are kept beside the exercise's steps (never
refusing the facilitator's next step), a person's latest vote counts, damaged or hostile vote
files are skipped and named, the votes as they stood go into the log with the decision and into
the after-action report, and injects reach the players they are addressed to."""

from __future__ import annotations

import json
import os

import pytest

from app_test_kit import button, by_label, no_crash, page, texts
from exercise_drill import SMALL
from sim.exercise import log as play
from sim.exercise.store import ExerciseStore
from sim.exercise.votes import (
    MAX_VOTE_BYTES,
    Vote,
    VoteBox,
    VoteError,
    latest_votes,
    tally,
    votes_words,
)
from sim.outputs.exercise_report import exercise_report
from sim.scenario.loader import ScenarioError, load_exercise

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    log = play.start(load_exercise(path))
    while log.pending() is None:
        log = play.advance_to_next(log)
    store = ExerciseStore(tmp_path / "exercises")
    return store, store.save(log), log


def test_a_persons_latest_vote_counts_and_votes_never_refuse_the_next_step(saved):
    store, exercise_id, log = saved
    box = VoteBox(store.root)
    _, step = store.load_step(exercise_id)
    box.cast(exercise_id, Vote(point="fallback", by="Team manager", option="Wait", why="a"))
    box.cast(exercise_id, Vote(point="fallback", by="Team manager", option="Paper", why="b"))
    box.cast(exercise_id, Vote(point="fallback", by="Facilitator", suggestion="Phone them"))
    votes, problems = box.read(exercise_id)
    assert len(votes) == 3 and problems == []
    latest = latest_votes(votes, "fallback")
    assert [(v.by, v.option) for v in latest] == [("Team manager", "Paper"), ("Facilitator", "")]
    assert tally(latest, ["Wait", "Paper"]) == [
        ("Wait", 0),
        ("Paper", 1),
        ("another option (suggested in words)", 1),
    ]
    store.save(play.add_note(log, "votes came in"), exercise_id, follows=step)  # not refused


def test_a_vote_names_an_option_or_suggests_one():
    with pytest.raises(ValueError, match="names an option, or suggests another"):
        Vote(point="fallback", by="Team manager", why="no choice")


def test_damaged_and_hostile_vote_files_are_skipped_and_named(saved):
    store, exercise_id, _ = saved
    box = VoteBox(store.root)
    box.cast(exercise_id, Vote(point="fallback", by="Team manager", option="Paper"))
    folder = store.root / exercise_id / "votes"
    (folder / "vote-20261207T100000-aaaaaaaaaaaa.json").write_text("[" * 10_000 + "]" * 10_000)
    (folder / "vote-20261207T100001-bbbbbbbbbbbb.json").write_bytes(b"x" * (MAX_VOTE_BYTES + 1))
    (folder / "vote-20261207T100002-cccccccccccc.json").write_text(json.dumps({"point": "x"}))
    os.symlink("/etc/passwd", folder / "vote-20261207T100003-dddddddddddd.json")
    (folder / "not-a-vote.json").write_text("{}")  # not a vote's name: never read
    votes, problems = box.read(exercise_id)
    assert [v.option for v in votes] == ["Paper"]
    assert len(problems) == 4 and all(p.startswith("vote-2026") for p in problems)
    with pytest.raises(VoteError, match="not an exercise id"):
        box.read("../etc")
    with pytest.raises(VoteError, match="there is no exercise"):
        box.cast("no-such-exercise", Vote(point="fallback", by="x", option="Paper"))


def test_the_votes_go_into_the_log_with_the_decision_and_into_the_report(saved):
    store, exercise_id, log = saved
    box = VoteBox(store.root)
    box.cast(exercise_id, Vote(point="fallback", by="Team manager", option="Paper", why="keep on"))
    votes = tuple(latest_votes(box.read(exercise_id)[0], "fallback"))
    paper = next(o for o in log.options("fallback") if o.name == "Paper")
    decided = play.decide(log, "fallback", paper, "Facilitator", "the room agreed", votes)
    assert decided.decisions[-1].votes == votes
    words = votes_words(votes, ["Wait", "Paper"])
    assert words == "Players' votes when it was decided: Paper 1 (Team manager: keep on)."
    report = exercise_report(decided, exercise_id)
    assert report.decisions[0].votes == words


def test_injects_reach_the_players_they_are_addressed_to(tmp_path):
    addressed = SMALL.replace(
        "    title: Press call\n", "    title: Press call\n    to: [facilitator]\n"
    )
    path = tmp_path / "addressed.yaml"
    path.write_text(addressed)
    exercise = load_exercise(path)
    press = next(i for i in exercise.injects if i.id == "press")
    facilitator, player = exercise.participants
    assert press.addressed_to(facilitator) and not press.addressed_to(player)
    down = next(i for i in exercise.injects if i.id == "case-system-down")
    assert down.addressed_to(player)  # addressed to no one in particular: everyone
    path.write_text(addressed.replace("to: [facilitator]", "to: [press office]"))
    with pytest.raises(ScenarioError, match="addressed to 'press office'"):
        load_exercise(path)


def test_a_player_votes_from_their_page_and_the_facilitator_sees_the_tally(
    saved, folders, monkeypatch
):
    store, exercise_id, _ = saved
    monkeypatch.setenv("SIM_EXERCISES_DIR", str(store.root))
    player = page("exercise_player", query={"exercise": exercise_id, "who": "Team manager"})
    no_crash(player)
    assert "Paper or wait?" in texts(player)
    by_label(player.radio, "Your vote").set_value("Paper")
    by_label(player.text_area, "Why").set_value("keep seeing people")
    button(player, "Send my vote").click()
    player = player.run()
    no_crash(player)
    assert "Your vote: Paper" in texts(player)
    votes, _ = VoteBox(store.root).read(exercise_id)
    assert [(v.by, v.option, v.why) for v in votes] == [
        ("Team manager", "Paper", "keep seeing people")
    ]
    facilitator = page("exercise", exercise_id=exercise_id)
    no_crash(facilitator)
    assert "**Players' votes:** Paper 1" in texts(facilitator)
    assert "Team manager: Paper (keep seeing people)" in texts(facilitator)
    from app_pages import state

    state.board().cancel_running()  # the projections the pages started: the pool is free
