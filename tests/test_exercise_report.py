"""The after-action report as HSEEP sets it out, from a log alone (a projection made up here, so
no runs): the overview with the date, objectives and participants (those who joined during play
too); an executive summary that says what each decision changed against carrying on as decided,
with the numbers of the comparison the room saw (``against_reference``), not computed again; the
analysis by capability (objectives, critical tasks, strengths and areas for improvement, the
rating); the hot wash; the improvement plan with all its columns; HTML and PDF."""

from __future__ import annotations

import datetime as dt
import html as html_lib
from pathlib import Path

import pytest

from exercise_drill import EVALUATED, PLANNED, SMALL
from sim.exercise import evaluation as evaluate
from sim.exercise import log as play
from sim.exercise.options_compared import against_reference
from sim.outputs.exercise_report import exercise_report
from sim.outputs.exercise_report_decisions import difference_words
from sim.outputs.exercise_report_render import render_exercise_html, render_exercise_pdf
from sim.outputs.report_content import number
from sim.scenario.evaluation import Action, HotWashItem, Observation, Rating
from sim.scenario.exercise import Participant
from sim.scenario.loader import load_exercise
from sim.scenario.outages import Moment

# (plan, replication) -> (mean backlog, missed risk checks, unpaid hours)
MADE_UP = {
    ("Wait", 0): (100.0, 12.0, 30.0),
    ("Wait", 1): (110.0, 15.0, 31.0),
    ("Wait", 2): (120.0, 11.0, 29.0),
    ("Paper", 0): (80.0, 12.0, 40.0),
    ("Paper", 1): (85.0, 14.0, 42.0),
    ("Paper", 2): (95.0, 12.0, 43.0),
}
MEASURES = ("backlog_mean", "missed_risk_checks", "extra_hours")


def at_decision(path: Path) -> play.ExerciseLog:
    log = play.advance_to_next(play.advance_to_next(play.start(load_exercise(path))))
    point = log.pending()
    runs = tuple(
        (plan, rep, measure, value)
        for (plan, rep), values in MADE_UP.items()
        for measure, value in zip(MEASURES, values, strict=True)
    )
    backlog = tuple(
        (plan, rep, day, values[0] * day / 20)
        for (plan, rep), values in MADE_UP.items()
        for day in range(21)
    )
    projection = play.Projection(
        point=point.id,
        delivered=log.delivered,
        decisions_before=0,
        options=point.options,
        replications=3,
        weeks=3,
        seed=1,
        runs=runs,
        backlog=backlog,
        reference="Wait",
    )
    return play.add_projection(log, projection)


@pytest.fixture
def evaluated(tmp_path) -> Path:
    path = tmp_path / "evaluated.yaml"
    path.write_text(EVALUATED)
    return path


def _played(path: Path, option: str) -> play.ExerciseLog:
    log = at_decision(path)
    log = play.decide(log, "fallback", log.point("fallback").options[option == "Paper"], "Team")
    log = evaluate.add_participant(
        log, Participant(name="IT service manager", role="player", function="supplier contact")
    )
    seen = {
        "at": Moment(day=9, hour=9),
        "recorded": dt.datetime(2027, 3, 10, 10, 5, tzinfo=dt.UTC),
        "by": "Continuity evaluator",
        "capability": "Continuity of supervision",
    }
    log = evaluate.observe(
        log,
        Observation(
            **seen,
            critical_task="Print the day lists before the system fails",
            kind="strength",
            text="Reception checked people in from the printed day list.",
        ),
    )
    log = evaluate.observe(
        log,
        Observation(
            **seen,
            critical_task="Check risk before every contact",
            kind="area for improvement",
            text="Officers saw people without their current RoSH level.",
        ),
    )
    log = play.rate(
        log,
        Rating(
            capability="Continuity of supervision", rating="S", evaluator="Continuity evaluator"
        ),
    )
    log = evaluate.add_hot_wash(
        log, HotWashItem(kind="went well", text="Paper was ready on day one.", by="Team manager")
    )
    log = evaluate.add_hot_wash(
        log, HotWashItem(kind="to improve", text="Nobody owned the risk register.")
    )
    return play.set_actions(log, (Action.model_validate(PLANNED),))


def test_the_report_opens_with_the_overview_then_a_summary_in_words(evaluated):
    log = _played(evaluated, "Paper")
    report = exercise_report(log, "drill-1")
    html = html_lib.unescape(render_exercise_html(report))
    order = [
        "1. Exercise overview",
        "2. Executive summary",
        "3. Timeline of injects and decisions",
        "4. Decisions and their consequences",
        "6. Analysis by capability (HSEEP ratings)",
        "7. Hot wash",
        "8. Improvement plan",
    ]
    assert [html.index(h) for h in order] == sorted(html.index(h) for h in order)
    assert "Date:</b> 10 March 2027" in html and "held on 10 March 2027" in report.subtitle
    assert "Keep seeing people with a current risk check while NDelius is down." in html
    rows = {r[0]: r for r in report.participants.rows}
    assert rows["IT service manager"][1:] == ("player", "supplier contact", "during play")
    assert rows["Senior probation officer"][1:3] == ("controller", "")
    assert "Expected of the players: Start the paper fallback; Tell reception" in html

    # the decision in words, with the numbers of the comparison the room saw
    changed = against_reference(log.projection("fallback"))
    backlog = changed[changed["measure"] == "mean backlog"].iloc[0]
    hours = changed[changed["measure"] == "unpaid hours beyond the contracted day"].iloc[0]
    said = next(s for s in report.summary if s.startswith("At day 9, 09:00"))
    assert said.startswith("At day 9, 09:00 the room decided: Paper (by Team). Against Wait ")
    assert "paired on the same 3 replications" in said
    assert (
        f"mean backlog {number(-backlog['difference'])} items lower (95% interval "
        f"{number(-backlog['high'])} to {number(-backlog['low'])} lower): better" in said
    )
    assert f"{number(hours['difference'])} hours higher" in said and "): worse" in said
    assert "missed risk checks not clearly different" in said
    assert said in html
    assert report.summary[0].startswith("Small drill (evaluated) (held on 10 March 2027) had 5")
    assert any(
        "rated 1 of the 2 capabilities: Continuity of supervision S" in s for s in report.summary
    )
    assert any("1 strength, 1 area for improvement" in s for s in report.summary)


def test_a_decision_that_carries_on_says_what_the_options_not_taken_would_have_changed(
    evaluated,
):
    report = exercise_report(_played(evaluated, "Wait"), "drill-2")
    said = next(s for s in report.summary if s.startswith("At day 9, 09:00"))
    assert "the room decided: Wait (by Team). This carried on as decided." in said
    assert "Paper would have given mean backlog 23.3 items lower" in said


def test_the_analysis_by_capability_the_hot_wash_and_the_plan_with_every_column(evaluated):
    report = exercise_report(_played(evaluated, "Paper"), "drill-3")
    first, second = report.capabilities
    assert first.rating == "S: performed with some challenges"
    assert first.objectives == (
        "keep-seeing-people: Keep seeing people with a current risk check while NDelius is down.",
        "catch-up-in-paid-hours: Plan the catch-up within contracted or paid hours.",
    )
    assert first.critical_tasks.rows == (
        ("Print the day lists before the system fails", "1", "0", "0"),
        ("Check risk before every contact", "0", "1", "0"),
    )
    kinds = dict(first.observations)
    assert kinds["Strengths"].rows == (
        (
            "day 9, 09:00",
            "Print the day lists before the system fails",
            "Reception checked people in from the printed day list.",
            "Continuity evaluator",
            "10:05 UTC on 10 March 2027",
        ),
    )
    assert kinds["Areas for improvement"].rows[0][2].startswith("Officers saw people")
    assert second.rating == "not rated" and not dict(second.observations)["Strengths"].rows
    assert dict(report.hot_wash)["What went well"].rows == (
        ("Paper was ready on day one.", "Team manager"),
    )
    assert dict(report.hot_wash)["What to improve"].rows == (
        ("Nobody owned the risk register.", "the room"),
    )
    assert report.improvement_plan.columns == (
        "issue",
        "corrective action",
        "capability",
        "responsible organisation",
        "point of contact",
        "start date",
        "completion date",
        "status",
    )
    assert report.improvement_plan.rows[0][3:] == (
        "National Probation Service",
        "Senior probation officer",
        "2027-04-01",
        "2027-05-01",
        "open",
    )
    html = html_lib.unescape(render_exercise_html(report))
    for text in ("Strengths", "Areas for improvement", "What went well", "Nobody owned the"):
        assert text in html, text
    assert render_exercise_pdf(report).startswith(b"%PDF")


def test_a_log_without_any_of_it_still_reports(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    report = exercise_report(play.start(load_exercise(path)), "old")
    assert report.date == "date not recorded" and "date not recorded" in report.subtitle
    assert report.summary[0].startswith(
        "Small drill (date not recorded) had 2 participants (1 facilitator, 1 player)"
    )
    html = render_exercise_html(report)
    assert "No objectives were set." in html and "No actions recorded." in html
    assert render_exercise_pdf(report).startswith(b"%PDF")


def test_a_difference_reads_as_lower_higher_or_not_clearly_different():
    class Row:
        measure, unit, better = "late recalls", "recalls", "lower"

        def __init__(self, difference, low, high):
            self.difference, self.low, self.high = difference, low, high

    assert difference_words(Row(-2.0, -3.0, -1.0)) == (
        "late recalls 2.0 recalls lower (95% interval 1.0 to 3.0 lower): better"
    )
    assert difference_words(Row(2.0, 1.0, 3.0)).endswith("higher): worse")
    assert difference_words(Row(0.5, -1.0, 2.0)) == (
        "late recalls not clearly different (+0.5 recalls; 95% interval -1.0 to +2.0)"
    )
