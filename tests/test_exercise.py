"""Tabletop exercises: the exercise and decisions files (strict, with clear messages), the rules
of play, exact branching (the past up to a decision is the same under every option and in a
resumed exercise), the store (checksums, limits, nothing lost), replay, the improvement plan as
CSV, and the command line (``python -m sim exercise run/report/list``)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from exercise_drill import DECISIONS, SMALL
from sim.cli.main import app
from sim.domain.calendar import DAY
from sim.exercise import log as play
from sim.exercise import plans_in_play
from sim.exercise.improvement import (
    ImprovementPlanError,
    capability_options,
    from_csv,
    from_rows,
    to_csv,
)
from sim.exercise.options_compared import against_reference
from sim.exercise.projection import NOW_WORDS, projection_of, replay, run_step, step_inputs
from sim.exercise.store import ExerciseStore
from sim.outputs.exercise_report import exercise_report
from sim.results.measures import MEASURES, heading, label
from sim.run import simulate
from sim.scenario.exercise import Action, Inject, Option
from sim.scenario.loader import ScenarioError, load_exercise, load_rehearsal
from sim.scenario.outages import Moment

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "scenarios" / "exercises"
REFERENCE = ROOT / "scenarios" / "reference-office.yaml"  # the drill's office
runner = CliRunner()


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


# ----------------------------------------------------------------------------- the files
@pytest.mark.parametrize("name", ["june-2014-split-week.yaml", "london-login-cap.yaml"])
def test_the_shipped_exercises_load_with_two_decisions_and_injects_that_change_the_model(name):
    exercise = load_exercise(EXERCISES / name)
    assert len(exercise.decision_points) == 2
    assert all(len(p.options) == 2 for p in exercise.decision_points)
    assert any(i.effect.model_dump(exclude_defaults=True) for i in exercise.injects)
    assert any(not i.effect.model_dump(exclude_defaults=True) for i in exercise.injects)  # news
    assert exercise.capabilities and exercise.participants
    # as HSEEP structures an exercise: a controller, objectives tied to capabilities, what the
    # players are expected to do on each inject, and each capability's critical tasks
    assert "controller" in [p.role for p in exercise.participants]
    assert exercise.objectives and all(i.expected_actions for i in exercise.injects)
    assert all(c.critical_tasks for c in exercise.capabilities)
    tied = {name for o in exercise.objectives for name in o.capabilities}
    assert tied == {c.name for c in exercise.capabilities}  # every capability has an objective


def test_the_shipped_rehearsal_names_the_june_exercises_points_and_options():
    exercise = load_exercise(EXERCISES / "june-2014-split-week.yaml")
    rehearsal = load_rehearsal(EXERCISES / "decisions" / "june-2014-paper-then-phone.yaml")
    for choice in rehearsal.decisions:
        point = next(p for p in exercise.decision_points if p.id == choice.point)
        assert choice.option in [o.name for o in point.options]
    tasks = {c.name: c.critical_tasks for c in exercise.capabilities}
    for seen in rehearsal.observations:  # each against a critical task of its capability
        assert seen.critical_task in tasks[seen.capability]
    assert all(a.issue and a.organisation and a.start for a in rehearsal.actions)


BAD = [
    ("a misspelt field", "replicatons: 3\n", "replicatons", "line"),
    ("a missing scenario", None, "scenario", "no file"),
    ("an option named as a reference", None, "Do nothing", "what it does"),
    ("an inject whose effect is in the past", None, "before the inject is delivered", "start"),
    ("a decision before the start", None, "before the exercise starts", "earlier"),
    ("an id used twice", None, "used twice", "own id"),
    ("a lever with no settings", None, "day_lists", "{}"),
]


def _bad_text(case: str) -> str:
    text = SMALL
    if case == "a misspelt field":
        return text + "replicatons: 3\n"
    if case == "a missing scenario":
        return text.replace(str(REFERENCE), "no-such-office.yaml")
    if case == "an option named as a reference":
        return text.replace("- name: Wait\n", "- name: Do nothing\n")
    if case == "an inject whose effect is in the past":
        return text.replace("start: {day: 8, hour: 9}", "start: {day: 6, hour: 9}")
    if case == "a decision before the start":
        return text.replace("at: {day: 9, hour: 9}", "at: {day: 2, hour: 9}")
    if case == "an id used twice":
        return text.replace("id: press", "id: fallback")
    return text.replace("levers: {paper_fallback: {}}", "levers:\n          day_lists:")


@pytest.mark.parametrize(("case", "_", "named", "fix"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_exercise_file_is_refused_with_file_line_field_and_fix(tmp_path, case, _, named, fix):
    path = write(tmp_path, _bad_text(case))
    before = path.read_bytes()
    with pytest.raises(ScenarioError) as found:
        load_exercise(path)
    message = str(found.value)
    assert str(path) in message and named in message and fix in message, message
    assert path.read_bytes() == before  # nothing the user saved is touched
    if case == "a misspelt field":
        assert found.value.problems[0].line == SMALL.count("\n") + 1


def test_the_command_line_refuses_a_bad_decisions_file_with_exit_2(tmp_path, small):
    decisions = write(tmp_path, "decisions:\n  - {point: fallback, option: Burn it}\n", "d.yaml")
    result = runner.invoke(
        app,
        ["exercise", "run", str(small), "--decisions", str(decisions), "--store", str(tmp_path)],
    )
    assert result.exit_code == 2, result.output
    assert "'Burn it'" in result.output and "'Wait'" in result.output and "Fix" in result.output
    assert not list(tmp_path.glob("small-drill-*"))  # nothing half-played is saved


# ----------------------------------------------------------------------------- play
def test_play_stops_at_each_decision_point_and_delivers_injects_on_time(small):
    log = play.start(load_exercise(small))
    assert log.clock == Moment(day=7, hour=9) and log.delivered == ()
    log = play.advance_to_next(log)
    assert log.clock == Moment(day=8, hour=9) and log.delivered == ("case-system-down",)
    log = play.advance_days(log, 10)  # stops at the decision point on day 9, not day 18
    assert log.clock == Moment(day=9, hour=9) and log.pending().id == "fallback"
    with pytest.raises(play.ExerciseError, match="record its decision"):
        play.advance_days(log, 1)
    with pytest.raises(play.ExerciseError, match="not at decision point 'overtime'"):
        play.decide(log, "overtime", Option(name="Overtime"))
    log = play.decide(log, "fallback", log.point("fallback").options[1], "Team manager")
    with pytest.raises(play.ExerciseError, match="already been decided"):
        play.decide(log, "fallback", Option(name="Paper"))
    plan = plans_in_play.plan_now(log)
    assert plan.levers_at(9 * DAY + 9 * 60 - 1).paper_fallback is None
    assert plan.levers_at(9 * DAY + 9 * 60).paper_fallback is not None
    late = Inject(id="late", at=Moment(day=3), title="t", told="t")
    with pytest.raises(play.ExerciseError, match="before the clock"):
        play.add_inject(log, late)


def test_an_option_adds_to_the_levers_in_force_and_can_stop_one(small):
    log = play.start(load_exercise(small))
    log = play.advance_days(log, 2)
    log = play.decide(log, "fallback", log.point("fallback").options[1])
    log = play.advance_to_next(play.advance_to_next(log))
    point = log.pending()
    plans = plans_in_play.option_plans(
        log, point, (Option(name="Both"), Option(name="Stop paper", stop=("paper_fallback",)))
    )
    after = point.at.minute
    assert plans[0].levers_at(after).paper_fallback is not None  # carry on as now
    assert plans[1].levers_at(after).paper_fallback is None
    assert plans[1].levers_at(after - 1).paper_fallback is not None  # the past as decided


def test_an_inject_changes_nothing_before_its_moment(small):
    exercise = load_exercise(small)
    log = play.advance_days(play.start(exercise), 1.5)
    with_inject = plans_in_play.scenario_now(log)
    without = exercise.scenario_settings
    a = simulate(with_inject, seed=1, weeks=3)["backlog_daily"]
    b = simulate(without, seed=1, weeks=3)["backlog_daily"]
    before = a["day"] < 8
    assert a[before].equals(b[before])
    assert not a[~before].equals(b[~before])


# ----------------------------------------------------------------------------- branching, replay
@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """The small drill played from the command line, its store and its report folder."""
    folder = tmp_path_factory.mktemp("played")
    (folder / "small.yaml").write_text(SMALL)
    (folder / "decisions.yaml").write_text(DECISIONS)
    store = folder / "exercises"
    result = runner.invoke(
        app,
        [
            "exercise",
            "run",
            str(folder / "small.yaml"),
            "--decisions",
            str(folder / "decisions.yaml"),
            "--store",
            str(store),
            "--engine",
            "serial",
        ],
    )
    assert result.exit_code == 0, result.output
    exercise_id = ExerciseStore(store).list()[0]["id"]
    return {"folder": folder, "store": store, "id": exercise_id, "output": result.output}


def says_its_unit_twice(text: str) -> bool:
    """Whether a heading ends with a unit in brackets that its words say already: "mean backlog
    (items) (items)", "overtime hours so far (weeks ended) (hours)", "late recalls (recalls)"."""
    found = re.search(r"\(([^()]*)\)$", text)
    if found is None:
        return False
    unit = re.findall(r"[\w%]+", found.group(1).lower())
    words = re.findall(r"[\w%]+", text[: found.start()].lower().replace("-", " "))
    return bool(unit) and unit[0] in words


def test_no_heading_in_the_exercise_report_says_its_unit_twice(played):
    """Every heading of a measure is made by one function from the registry's words and unit
    (sim.results.measures.heading): the report's tables, the room's office now, every label."""
    assert says_its_unit_twice("mean backlog (items) (items)")
    assert says_its_unit_twice("overtime hours so far (weeks ended) (hours)")
    assert not says_its_unit_twice("missed risk checks so far (contacts)")
    log = ExerciseStore(played["store"]).load(played["id"])
    report = exercise_report(log, played["id"])
    tables = [t for d in report.decisions for t in (d.options, d.changed)] + [report.ending]
    headings = [row[0] for t in tables for row in t.rows]
    assert len(headings) > 10
    headings += [label(name) for name in MEASURES]
    headings += [heading(words, MEASURES[name].unit) for name, words in NOW_WORDS.items()]
    assert not [h for h in headings if says_its_unit_twice(h)]
    assert heading("overtime hours so far (weeks ended)", "hours") == (
        "overtime hours so far (weeks ended)"
    )
    checks = "missed risk checks so far"
    assert heading(checks, "contacts") == f"{checks} (contacts)"


@pytest.mark.slow  # in make test, not the quick tier
def test_a_played_drill_branches_exactly_replays_and_reports(played, tmp_path):
    """One play of the drill (it costs a few seconds of runs) checked three ways: the options
    share their past exactly; the saved log replays to the same numbers; the report has every
    section."""
    log = ExerciseStore(played["store"]).load(played["id"])
    for projection in log.projections:
        point = log.point(projection.point)
        day = int(point.at.minute // DAY)
        backlog = {}
        for plan, replication, d, value in projection.backlog:
            backlog.setdefault(plan, {})[(replication, d)] = value
        a, b = (backlog[o.name] for o in projection.options)
        assert all(a[k] == b[k] for k in a if k[1] < day)  # the past: identical
        assert any(a[k] != b[k] for k in a if k[1] > day)  # after: the decision's doing
        now = {(r, m): v for r, m, v in projection.now}
        assert now, "the office now was kept"
        assert {"backlog_end", "rekeying_debt_end", "rekeying_debt_hours_end"} <= {
            m for _, m in now
        }
    _kept_rekeying_debt_beside_the_backlog(log)
    _the_end_of_play_counts_every_week(log)
    _replays(played)
    _reports(played, tmp_path)


@pytest.mark.slow  # in make test, not the quick tier
def test_the_office_now_is_the_same_under_every_option(small):
    log = play.advance_days(play.start(load_exercise(small)), 2)
    step = step_inputs(log)
    experiment = run_step(step, engine="serial")
    as_at = experiment["as_at"]
    per_plan = {
        plan: group.set_index(["replication", "measure"])["value"]
        for plan, group in as_at.groupby("plan")
        if plan in [o.name for o in step.options]
    }
    first, second = per_plan.values()
    assert first.equals(second)
    projection = projection_of(log, step, experiment)
    changed = against_reference(projection)
    assert projection.reference == "Wait"  # the option that changes nothing: carrying on
    assert set(changed["option"]) == {"Paper"} and changed["replications"].min() == 2


def _the_end_of_play_counts_every_week(log) -> None:
    """The office as play ended is the whole run, as the last projection counts it: nothing
    changed the model after the last decision (Overtime), so its unpaid and overtime hours are
    those of Overtime's runs to the end, the last week included."""
    last = log.standings[-1]
    ended = {(r, m): v for r, m, v in last.now}
    projected = log.projection("overtime")
    for measure in ("extra_hours", "overtime_hours"):
        runs = {r: v for p, r, m, v in projected.runs if p == "Overtime" and m == measure}
        assert runs and all(ended[(r, measure)] == pytest.approx(v) for r, v in runs.items())


def _kept_rekeying_debt_beside_the_backlog(log) -> None:
    """Each projection keeps every option's re-keying debt by day beside its backlog: at the
    paper-or-wait decision, only Paper leaves records to re-key, none before the decision; the
    office as play ended keeps it too."""
    first = log.projection("fallback")
    day = int(log.point("fallback").at.minute // DAY)
    days = {(p, r, d) for p, r, d, _ in first.backlog}
    assert {(p, r, d) for p, r, d, _, _ in first.rekeying_debt} == days
    owed = {"Wait": 0.0, "Paper": 0.0}
    for plan, _, d, records, hours in first.rekeying_debt:
        if d < day:
            assert records == 0 and hours == 0  # no paper before the decision
        elif plan in owed:
            owed[plan] = max(owed[plan], records)
            assert hours == 0 or records > 0
    assert owed["Wait"] == 0 and owed["Paper"] > 0
    runs = {(p, r, m): v for p, r, m, v in first.runs}
    assert runs[("Paper", 0, "rekeying_debt_max")] > 0 == runs[("Wait", 0, "rekeying_debt_max")]
    last = log.standings[-1]
    assert {(r, d) for r, d, _, _ in last.rekeying_debt} == {(r, d) for r, d, _ in last.backlog}
    assert {"rekeying_debt_end", "rekeying_debt_hours_end"} <= {m for _, m, _ in last.now}


def _replays(played) -> None:
    log = ExerciseStore(played["store"]).load(played["id"])
    assert [same for _, same in replay(log)] == [True, True]
    assert "against Wait (carrying on as decided)" in played["output"]
    assert "saved as exercise" in played["output"]
    assert (
        "Paper (taken) against Wait (carrying on as decided): peak re-keying debt +"
        in (played["output"])
    )


def _reports(played, tmp_path) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(
        app,
        ["exercise", "report", played["id"], "--store", str(played["store"]), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    html = (out / played["id"] / "after-action-report.html").read_text()
    for text in (
        "Timeline of injects and decisions",
        "NDelius down",
        "Press call",
        "Decided:</b> Paper",
        "Each option against Wait (carrying on as decided)",
        "The office as play ended",
        "At the end of play (day 20, 23:00, every day and week of the runs ended), under the "
        "plan as decided (2 decision(s))",
        "Paper (taken) minus Wait (carrying on as decided): mean (95% interval)",
        "backlog now: work not done",
        "re-keying debt now: paper records awaiting re-keying",
        "peak re-keying debt (records)",
        "the re-keying debt is drawn beside it",
        "slow start",
        "Improvement plan",
        "Print day lists",
    ):
        assert text in html, text
    assert (out / played["id"] / "after-action-report.pdf").read_bytes().startswith(b"%PDF")
    plan = (out / played["id"] / "improvement-plan.csv").read_text()
    assert from_csv(plan) == (
        Action(action="Print day lists", owner="Reception", due="2027-01-15"),
    )
    listed = runner.invoke(app, ["exercise", "list", "--store", str(played["store"])])
    assert played["id"] in listed.output and "2 decisions" in listed.output


def test_an_unknown_exercise_id_fails_with_exit_2_and_the_fix(tmp_path):
    result = runner.invoke(
        app, ["exercise", "report", "no-such-exercise", "--store", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "no saved exercise 'no-such-exercise'" in result.output and "Fix" in result.output


# ----------------------------------------------------------------------------- improvement plan
def test_the_improvement_plan_round_trips_as_csv_and_bad_rows_are_named():
    actions = (
        Action(
            action="Print day lists", capability="Continuity", owner="Reception", due="2027-01-15"
        ),
        Action(action='Phone route, "tested"', status="in progress"),
    )
    assert from_csv(to_csv(actions)) == actions
    with pytest.raises(
        ImprovementPlanError, match=r"row 2, column completion date = '15/01/2027'.*Fix"
    ):
        from_csv(to_csv(actions[:1]).replace("2027-01-15", "15/01/2027"))
    with pytest.raises(ImprovementPlanError, match="row 2, column status"):
        from_csv(to_csv(actions[:1]).replace(",open", ",maybe"))
    with pytest.raises(ImprovementPlanError, match="first row must name the columns"):
        from_csv("what,who\nx,y\n")


def test_a_reopened_plan_keeps_a_capability_this_exercise_does_not_rate(small):
    """An action from an earlier exercise's plan names a capability this exercise lacks: the
    editor offers it as it is (and says so), and saving the rows as shown keeps it."""
    exercise = load_exercise(small)
    earlier = from_csv(
        "action,capability,owner,due,status\n"
        "Print day lists,Court results and enforcement,Reception,2027-01-15,open\n"
        "Test the phone route,Continuity of supervision,,,in progress\n"
        "Brief the union,,,,done\n"
    )
    log = play.set_actions(play.start(exercise), earlier)
    own = [c.name for c in exercise.capabilities]
    options, others = capability_options(log.actions, own)
    assert others == ["Court results and enforcement"]
    assert options == ["", *own, "Court results and enforcement"]
    assert all(a.capability in options for a in log.actions)
    rows = pd.DataFrame([a.model_dump() for a in log.actions]).to_dict("records")
    assert from_rows(rows) == earlier  # saved again unchanged: nothing lost
    assert from_rows([{**rows[0], "capability": float("nan"), "status": None}]) == (
        earlier[0].model_copy(update={"capability": "", "status": "open"}),
    )
    assert from_rows([{"action": float("nan")}, {"action": "  "}]) == ()


def test_an_option_composed_in_the_room_joins_the_point_until_it_is_decided(small):
    log = play.advance_days(play.start(load_exercise(small)), 2)
    both = Option(
        name="Paper and overtime", levers={"paper_fallback": {}, "overtime": {"hours_per_week": 3}}
    )
    log = play.propose(log, "fallback", both)
    assert [o.name for o in log.options("fallback")] == ["Wait", "Paper", "Paper and overtime"]
    assert [p.name for p in step_inputs(log).plans] == [
        "Wait",
        "Paper",
        "Paper and overtime",
    ]
    with pytest.raises(play.ExerciseError, match="already called"):
        play.propose(log, "fallback", Option(name="Paper"))
    log = play.decide(log, "fallback", both)
    with pytest.raises(play.ExerciseError, match="options are closed"):
        play.propose(log, "fallback", Option(name="Later"))


def test_mutual_aid_cannot_start_before_the_decision_that_asks_for_it(small, tmp_path):
    early = SMALL.replace(
        "levers: {overtime: {hours_per_week: 5}}",
        "levers: {mutual_aid: {staff: 3, from_day: 10}}",
    )
    with pytest.raises(ScenarioError, match=r"from_day 15 or later.*cannot change the past"):
        load_exercise(write(tmp_path, early))
    log = play.advance_days(play.start(load_exercise(small)), 2)
    aid = Option(name="Aid", levers={"mutual_aid": {"staff": 3, "from_day": 9}})
    with pytest.raises(play.ExerciseError, match="from_day 10 or later"):
        play.propose(log, "fallback", aid)
    with pytest.raises(play.ExerciseError, match="from_day 10 or later"):
        play.decide(log, "fallback", aid)
    later = Option(name="Aid", levers={"mutual_aid": {"staff": 3, "from_day": 10}})
    step = step_inputs(play.propose(log, "fallback", later))
    plans = [p for p in step.plans if p.name in ("Wait", "Aid")]
    runs = [simulate(step.scenario, plan=p, seed=1, weeks=3) for p in plans]
    before = runs[0]["backlog_daily"]["day"] < 9
    assert runs[0]["backlog_daily"][before].equals(runs[1]["backlog_daily"][before])


def test_an_outage_lengthened_by_an_inject_shows_as_one_to_its_new_end():
    from sim.outputs.describe import disruptions_at

    exercise = load_exercise(EXERCISES / "june-2014-split-week.yaml")
    log = play.advance_to_next(play.start(exercise))
    log = play.advance_to_next(
        play.decide(log, "keep-going", exercise.decision_points[0].options[0])
    )
    assert log.delivered == ("upgrade-overruns",)
    status = disruptions_at(plans_in_play.scenario_now(log), log.clock.minute)
    assert list(status["system"]) == ["NDelius"]
    assert status["until"].iloc[0] == "end of day 24 (Thu, week 4)"
