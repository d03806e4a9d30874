"""An exercise structured as HSEEP runs it: the file's objectives (tied to capabilities that
exist), the players' expected actions per inject, the controller's role, critical tasks per
capability and the date, read strictly with messages that name the element; the log's steps for
timestamped observations, participants who join during play and the hot wash (each a pure
function adding a line to ``steps``); older files and logs still loading; the improvement plan's
HSEEP columns as CSV, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from pathlib import Path

import pytest

from exercise_drill import EVALUATED, PLANNED, SMALL
from sim.exercise import evaluation as evaluate
from sim.exercise import log as play
from sim.exercise.history import changes
from sim.exercise.improvement import ImprovementPlanError, from_csv, to_csv
from sim.exercise.store import ExerciseStore, _checksum
from sim.scenario.evaluation import Action, HotWashItem, Observation
from sim.scenario.exercise import Participant
from sim.scenario.loader import ScenarioError, load_exercise, load_rehearsal
from sim.scenario.outages import Moment


def write(tmp_path: Path, text: str, name: str = "drill.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def evaluated(tmp_path) -> Path:
    return write(tmp_path, EVALUATED)


# ----------------------------------------------------------------------------- the file
def test_objectives_expected_actions_critical_tasks_a_controller_and_the_date_are_read(evaluated):
    exercise = load_exercise(evaluated)
    assert exercise.date == dt.date(2027, 3, 10)
    assert [(o.id, o.capabilities) for o in exercise.objectives] == [
        ("keep-seeing-people", ("Continuity of supervision",)),
        ("catch-up-in-paid-hours", ("Staff workload", "Continuity of supervision")),
    ]
    down = next(i for i in exercise.injects if i.id == "case-system-down")
    assert down.expected_actions == (
        "Start the paper fallback",
        "Tell reception who is due today",
    )
    tasks = {c.name: c.critical_tasks for c in exercise.capabilities}
    assert tasks["Staff workload"] == ("Plan the catch-up in paid hours",)
    assert len(tasks["Continuity of supervision"]) == 2
    assert ("Senior probation officer", "controller") in [
        (p.name, p.role) for p in exercise.participants
    ]


def test_an_exercise_file_written_before_these_fields_loads_with_them_empty(tmp_path):
    exercise = load_exercise(write(tmp_path, SMALL))
    assert exercise.date is None and exercise.objectives == ()
    assert all(i.expected_actions == () for i in exercise.injects)
    assert all(c.critical_tasks == () for c in exercise.capabilities)


BAD = [
    (
        "an objective tied to a capability the exercise does not have",
        ("capabilities: [Staff workload, Continuity of supervision]", "capabilities: [Recalls]"),
        [
            "objectives",
            "objective 'catch-up-in-paid-hours' is tied to capability 'Recalls'",
            "name one of: 'Continuity of supervision', 'Staff workload', or add it to capabilities",
        ],
    ),
    (
        "an objective tied to no capability",
        ("    capabilities: [Continuity of supervision]\n", "    capabilities: []\n"),
        ["objectives[0].capabilities", "at least 1 item"],
    ),
    (
        "an objective id used twice",
        ("id: catch-up-in-paid-hours", "id: keep-seeing-people"),
        ["objective 'keep-seeing-people' is given twice", "its own id"],
    ),
    (
        "an empty expected action",
        ("expected_actions: [Start the paper fallback,", 'expected_actions: ["",'),
        ["injects[0].expected_actions[0]", "at least 1 character"],
    ),
    (
        "a critical task given twice",
        ("- Check risk before every contact", "- Print the day lists before the system fails"),
        ["critical task 'Print the day lists before the system fails' is given twice", "once"],
    ),
    (
        "a role HSEEP does not have",
        ("role: controller", "role: coordinator"),
        ["participants[2].role = 'coordinator'", "'controller'"],
    ),
    (
        "a date not in ISO form",
        ("date: 2027-03-10", "date: 10/03/2027"),
        ["date = '10/03/2027'", "YYYY-MM-DD"],
    ),
]


@pytest.mark.parametrize(("case", "change", "named"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_hseep_field_is_refused_naming_the_element_line_and_fix(
    tmp_path, case, change, named
):
    old, new = change
    assert old in EVALUATED
    path = write(tmp_path, EVALUATED.replace(old, new, 1))
    with pytest.raises(ScenarioError) as found:
        load_exercise(path)
    message = str(found.value)
    assert str(path) in message and ", line " in message and "Fix:" in message, message
    for text in named:
        assert text in message, message


# ----------------------------------------------------------------------------- the log's steps
def _seen(**fields) -> Observation:
    given = {
        "at": Moment(day=7, hour=9),
        "recorded": dt.datetime(2027, 3, 10, 10, 5, tzinfo=dt.UTC),
        "by": "Continuity evaluator",
        "capability": "Continuity of supervision",
        "kind": "strength",
        "text": "Day lists were printed on the Friday.",
    }
    return Observation.model_validate(given | fields)


def test_observations_are_timestamped_several_per_capability_and_checked(evaluated):
    log = play.start(load_exercise(evaluated))
    printed = "Print the day lists before the system fails"
    first = evaluate.observe(log, _seen(critical_task=printed))
    assert log.observations == () and first is not log  # a new log; the old one is unchanged
    second = evaluate.observe(first, _seen(kind="area for improvement", text="No risk checks."))
    assert [o.kind for o in second.observations] == ["strength", "area for improvement"]
    assert second.steps[-1] == (
        "Observation by Continuity evaluator of Continuity of supervision (area for improvement) "
        "at day 7, 09:00"
    )
    assert [o.text for o in evaluate.observations_of(second, "Continuity of supervision")] == [
        "Day lists were printed on the Friday.",
        "No risk checks.",
    ]
    assert evaluate.observations_of(second, "Continuity of supervision", "strength")[0].recorded
    with pytest.raises(play.ExerciseError, match=r"'Recalls' is not one of .*'Staff workload'"):
        evaluate.observe(log, _seen(capability="Recalls"))
    with pytest.raises(play.ExerciseError, match="not a critical task of 'Staff workload'"):
        evaluate.observe(log, _seen(capability="Staff workload", critical_task="Check risk"))
    with pytest.raises(play.ExerciseError, match=r"day 8, 09:00, after the clock \(day 7, 09:00"):
        evaluate.observe(log, _seen(at=Moment(day=8, hour=9)))
    with pytest.raises(ValueError, match="kind"):
        _seen(kind="weakness")


def test_participants_join_during_play_and_the_hot_wash_is_recorded(evaluated):
    log = play.start(load_exercise(evaluated))
    joined = evaluate.add_participant(
        log, Participant(name=" IT service manager ", role="player", function="supplier contact")
    )
    assert joined.participants_added == (
        Participant(name="IT service manager", role="player", function="supplier contact"),
    )
    assert joined.steps[-1] == "IT service manager joined as player at day 7, 09:00"
    assert [p.name for p in evaluate.everyone(joined)][-1] == "IT service manager"
    with pytest.raises(play.ExerciseError, match="'team manager' is already a participant"):
        evaluate.add_participant(joined, Participant(name="team manager", role="observer"))
    washed = evaluate.add_hot_wash(
        joined, HotWashItem(kind="went well", text="Paper was ready.", by="Team manager")
    )
    washed = evaluate.add_hot_wash(washed, HotWashItem(kind="to improve", text="Phone tree."))
    assert [(h.kind, h.by) for h in washed.hot_wash] == [
        ("went well", "Team manager"),
        ("to improve", ""),
    ]
    assert washed.steps[-1] == "Hot wash: to improve, said by the room"
    assert changes(joined, washed) == [
        "a hot wash item (went well) was added by Team manager ('Paper was ready.')",
        "a hot wash item (to improve) was added ('Phone tree.')",
    ]
    assert changes(log, joined) == ["IT service manager joined as player"]
    seen = evaluate.observe(log, _seen())
    assert changes(log, seen) == [
        "an observation of 'Continuity of supervision' was added by Continuity evaluator "
        "('Day lists were printed on the Friday.')"
    ]


def test_a_log_saved_before_the_evaluation_fields_still_loads(tmp_path, evaluated):
    store = ExerciseStore(tmp_path / "exercises")
    exercise_id = store.save(play.start(load_exercise(tmp_path / "drill.yaml")))
    step = next((tmp_path / "exercises" / exercise_id).glob("step-*.json"))
    record = json.loads(step.read_text())
    for field in ("observations", "participants_added", "hot_wash"):
        del record["log"][field]
    exercise = record["log"]["exercise"]
    del exercise["objectives"], exercise["date"]
    for capability in exercise["capabilities"]:
        del capability["critical_tasks"]
    for inject in exercise["injects"]:
        del inject["expected_actions"]
    for action in record["log"]["actions"]:
        del action["issue"]
    record["checksum"] = _checksum(record["log"])
    step.write_text(json.dumps(record))
    log = store.load(exercise_id)
    assert log.observations == () and log.participants_added == () and log.hot_wash == ()
    assert log.exercise.objectives == () and log.exercise.date is None


def test_a_decisions_file_gives_observations_participants_and_the_hot_wash(tmp_path):
    path = write(
        tmp_path,
        """\
        participants:
          - {name: Duty manager, role: controller}
        observations:
          - at: {day: 9, hour: 10}
            by: Continuity evaluator
            capability: Continuity of supervision
            critical_task: Check risk before every contact
            kind: area for improvement
            text: Risk checks were missed on paper.
        hot_wash:
          - {kind: went well, text: Day lists were ready., by: Team manager}
        actions:
          - issue: Risk checks missed on paper
            action: Print a risk register before planned downtime
            organisation: NPS
            owner: Senior probation officer
            start: 2027-04-01
            due: 2027-05-01
        """,
        "decisions.yaml",
    )
    rehearsal = load_rehearsal(path)
    assert rehearsal.participants[0].role == "controller"
    assert rehearsal.observations[0].kind == "area for improvement"
    assert rehearsal.hot_wash[0].by == "Team manager"
    assert rehearsal.actions[0].start == dt.date(2027, 4, 1)


# ----------------------------------------------------------------------------- improvement plan
ACTIONS = (
    Action.model_validate(PLANNED | {"status": "in progress"}),
    Action(action='Agree a phone route, "tested"'),
)


def test_the_improvement_plan_has_hseep_columns_and_round_trips():
    text = to_csv(ACTIONS)
    assert text.splitlines()[0] == (
        "issue,corrective action,capability,responsible organisation,point of contact,"
        "start date,completion date,status"
    )
    assert from_csv(text) == ACTIONS


def test_a_plan_written_before_the_hseep_columns_is_still_read():
    old = (
        "action,capability,owner,due,status\n"
        "Print day lists,Continuity of supervision,Reception and admin lead,2027-01-15,open\n"
    )
    assert from_csv(old) == (
        Action(
            action="Print day lists",
            capability="Continuity of supervision",
            owner="Reception and admin lead",
            due="2027-01-15",
        ),
    )


def test_spreadsheet_formulas_are_neutralised_on_export_and_read_back_as_typed():
    typed = ['=HYPERLINK("http://x")', "+1", "-2 staff", "@SUM(A1)", "\tTab", "\rCR", "'quote"]
    actions = tuple(Action(action=t, issue=t, organisation=t, owner=t) for t in typed)
    text = to_csv(actions)
    rows = list(csv.reader(io.StringIO(text)))[1:]
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
    assert [row[1] for row in rows] == ["'" + t for t in typed]  # each one quoted
    assert [a.action for a in from_csv(text)] == typed
    assert to_csv((Action(action="Plain text"),)).splitlines()[1].startswith(",Plain text,")


def test_bad_plans_are_refused_naming_the_row_column_and_fix():
    with pytest.raises(ImprovementPlanError, match=r"row 2, column completion date = '15/01/2027'"):
        from_csv(to_csv(ACTIONS[:1]).replace("2027-05-01", "15/01/2027"))
    with pytest.raises(ImprovementPlanError, match=r"row 2, the row: the completion date"):
        from_csv(to_csv(ACTIONS[:1]).replace("2027-05-01", "2027-03-01"))
    with pytest.raises(ImprovementPlanError, match="'what' is not a column of one"):
        from_csv("what,who\nx,y\n")
    with pytest.raises(ImprovementPlanError, match="among them corrective action"):
        from_csv("issue,status\nx,open\n")
