"""What ran is described from its settings: the table of disruptions and of plans, the changes
between two scenarios, and the name and description of a changed scenario, in the app, the
command line and the report."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.main import app
from sim.outputs.describe import disruption_table, plan_table
from sim.scenario.changes import changes, edited
from sim.scenario.library import labelled
from sim.scenario.loader import load_plan, load_scenario
from sim.store.results import ResultsStore

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"
S02 = LIBRARY / "s02-ndelius-upgrade.yaml"
SIX_DAYS = """extends: {base}
outages:
  down:
    - system: case_system
      start: {{day: 21, hour: 0}}
      duration_days: 6
"""


def six_day_s2():
    s2 = load_scenario(S02)
    window = {**s2.outages.down[0].model_dump(), "duration_days": 6}
    return s2, s2.with_changes(**{"outages.down": [window]})


def test_the_disruption_table_is_built_from_the_settings():
    s2, longer = six_day_s2()
    row = disruption_table(longer).iloc[0]
    assert (row["kind"], row["system"], row["lasts"]) == (
        "system down",
        "NDelius (case system)",
        "6 days",
    )
    assert row["starts"] == "day 21 (Mon, week 4) 00:00"
    assert row["ends"] == "end of day 26 (Sat, week 4)"  # not 00:00 of the next day
    cap = disruption_table(load_scenario(LIBRARY / "s01-login-cap.yaml"))
    assert "at most 52 people logged in at once" in " ".join(cap["details"])


def test_a_disruption_that_changes_nothing_says_so():
    s2 = load_scenario(S02)
    window = {**s2.outages.down[0].model_dump(), "duration_days": 0}
    row = disruption_table(s2.with_changes(**{"outages.down": [window]})).iloc[0]
    assert row["effect"].startswith("none")


def test_the_plan_table_shows_levers_and_when_a_decision_takes_effect():
    plans = [
        load_plan(LIBRARY / "plans" / f"{n}.yaml")
        for n in ("do-nothing", "overtime", "decide-paper-on-day-2")
    ]
    table = plan_table(plans)
    decided = table[table["plan"] == "Decide paper on day 2"]
    assert list(decided["from"]) == ["the start", "day 23 (Wed, week 4) 09:00"]
    assert list(decided["lever"]) == ["none", "paper fallback"]
    overtime = table[table["plan"] == "Overtime"].iloc[0]
    assert "hours per week 5" in overtime["settings"]


def test_an_edited_scenario_is_named_and_described_by_its_changes():
    s2, longer = six_day_s2()
    assert [c.field for c in changes(s2, longer)] == ["outages.down.0.duration_days"]
    renamed = edited(s2, longer, "s02-ndelius-upgrade.yaml")
    assert renamed.name == "S2 NDelius upgrade (edited: outages down #1 duration days 4 -> 6)"
    assert "four days" not in renamed.description and "4 -> 6" in renamed.description
    assert renamed.run.weeks == 12 and renamed.outages == longer.outages
    assert edited(s2, s2, "s02-ndelius-upgrade.yaml") is s2  # nothing changed, nothing renamed


def test_a_scenario_claiming_a_library_name_is_labelled_as_modified(tmp_path):
    s2, longer = six_day_s2()
    assert labelled(s2, LIBRARY) is s2  # the library scenario itself
    modified = labelled(longer, LIBRARY)
    assert modified.name.startswith("S2 NDelius upgrade (modified:")
    own = longer.model_copy(update={"name": "My six days"})
    kept = labelled(own, LIBRARY)  # its own name is kept; the inherited story is not
    assert kept.name == "My six days" and "four days" not in kept.description


@pytest.mark.slow
def test_the_command_line_labels_and_reports_a_changed_library_scenario(tmp_path):
    variant = tmp_path / "six-days.yaml"  # outside the library, extending it
    variant.write_text(SIX_DAYS.format(base=os.path.relpath(S02, tmp_path)))
    store, out = tmp_path / "store", tmp_path / "reports"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(variant),
            "--plans",
            str(LIBRARY / "plans" / "paper-fallback.yaml"),
            "--reps",
            "2",
            "--weeks",
            "5",
            "--engine",
            "serial",
            "--store",
            str(store),
        ],
    )
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(app, ["runs", "list", "--store", str(store)])
    assert "S2 NDelius upgrade (modified: outages down #1 duration days 4 -> 6)" in listed.output
    [run_id] = ResultsStore(store).list()["run_id"]
    report = CliRunner().invoke(
        app, ["report", run_id, "--store", str(store), "--out", str(out), "--format", "html"]
    )
    assert report.exit_code == 0, report.output
    page = html.unescape((out / run_id / "report.html").read_text())
    assert "down for four days" not in page and "Monday to Thursday" not in page
    assert "<td>system down</td><td>NDelius (case system)</td>" in page
    assert "<td>6 days</td>" in page
    assert "Disruptions as run" in page
