"""No input can hold a worker: floors on what the model schedules, and the watchdog that stops a
run making no progress in simulated time or passing its limits (sim.model.watchdog)."""

from __future__ import annotations

import re

import pytest
import simpy

import sim.model.disruptions as disruptions
import sim.model.watchdog as watchdog
import sim.model.working_day as working_day
from cli_kit import ROOT, cli_patched
from office_runs import reference_scenario
from sim import RunLimitError, RunLimits, simulate
from sim.domain.floors import MIN_FOLLOW_UP_MINUTES, MIN_WORK_MINUTES
from sim.scenario.scaling import scaled

SMALL = scaled(reference_scenario(), 0.1)

# every email lost, noticed at once, for recall requests that take no time at all: once a loop
# of resends at one simulated instant that never finished a week
LOSS_LOOP = SMALL.with_changes(
    **{
        "tasks.recall_request.duration": {"distribution": "fixed", "mean_minutes": 1e-300},
        "caseload.recalls_per_licence_case_per_week": 1.0,
        "outages.email_loss": [
            {
                "start": {"day": 0, "hour": 0},
                "duration_days": 7,
                "lost_share": 1.0,
                "detection_days": 0,
            }
        ],
    }
)


def test_a_run_of_lost_emails_noticed_at_once_finishes_its_week():
    result = simulate(LOSS_LOOP, seed=1, weeks=1, limits=RunLimits(max_events=5_000_000))
    items = result["work_items"]
    recalls = items[items["task"] == "recall_request"]
    assert len(recalls) > 0
    assert (recalls["finished_minute"].dropna() >= 0).all()


def test_work_of_no_length_takes_a_second_and_resends_wait_an_hour():
    result = simulate(LOSS_LOOP, seed=1, weeks=1)
    items = result["work_items"]
    done = items[items["finished_minute"].notna() & (items["task"] == "recall_request")]
    assert (done["finished_minute"] - done["started_minute"] >= MIN_WORK_MINUTES - 1e-9).all()
    resends = done[done["follows_item"] >= 0]
    assert len(resends) > 0  # each made when its message was lost, released an hour later
    waited = resends["started_minute"] - resends["created_minute"]
    assert (waited >= MIN_FOLLOW_UP_MINUTES - 1e-6).all()


def test_a_loop_at_one_instant_is_stopped_naming_the_task_and_the_field(monkeypatch):
    monkeypatch.setattr(disruptions, "MIN_FOLLOW_UP_MINUTES", 0.0)  # the floors taken away
    monkeypatch.setattr(working_day, "MIN_WORK_MINUTES", 0.0)
    monkeypatch.setattr(watchdog, "MAX_EVENTS_AT_ONE_MOMENT", 100_000)
    with pytest.raises(RunLimitError) as stopped:
        simulate(LOSS_LOOP, seed=1, weeks=1)
    words = str(stopped.value)
    assert "no progress" in words
    assert re.search(r"one simulated moment \(day \d+, \d\d:\d\d\)", words), words  # not minutes
    assert "minute" not in words.replace("mean_minutes", "")
    assert "recall_request" in words
    assert "tasks.recall_request.duration.mean_minutes" in words
    assert "Fix:" in words


def test_the_watchdog_names_the_rule_of_a_bare_simpy_loop():
    env = simpy.Environment()

    def spinning():
        while True:
            yield env.timeout(0)

    env.process(spinning())
    original = watchdog.MAX_EVENTS_AT_ONE_MOMENT
    try:
        watchdog.MAX_EVENTS_AT_ONE_MOMENT = 50_000
        with pytest.raises(RunLimitError, match="spinning"):
            watchdog.run_until(env, 100.0)
    finally:
        watchdog.MAX_EVENTS_AT_ONE_MOMENT = original


@pytest.mark.parametrize(
    "limits, words",
    [(RunLimits(max_events=1_000), "1,000 events"), (RunLimits(max_cpu_seconds=0.0), "CPU")],
)
def test_a_run_past_its_limit_stops_with_the_limit_and_the_fix(limits, words):
    with pytest.raises(RunLimitError) as stopped:
        simulate(SMALL, seed=1, weeks=6, limits=limits)
    assert words in str(stopped.value)
    assert "Fix:" in str(stopped.value)


def test_the_watchdog_gives_the_same_tables_as_simpys_own_loop(monkeypatch):
    watched = simulate(SMALL, seed=3, weeks=2)

    def plain(env, at, limits=watchdog.NO_LIMITS, busiest=None):
        env.run(until=at)

    monkeypatch.setattr("sim.run.run_until", plain)
    unwatched = simulate(SMALL, seed=3, weeks=2)
    for name in ("work_items", "staff_weekly", "backlog_daily", "summary"):
        assert watched[name].equals(unwatched[name]), name


def test_the_command_line_says_a_run_made_no_progress_with_exit_code_2(tmp_path):
    """With the floors taken away, the loop of resends is stopped by the watchdog and the
    command line gives its reason and fix (the input's, exit code 2), not a traceback."""
    scenario = tmp_path / "loop.yaml"
    scenario.write_text(LOOP_YAML.format(reference=ROOT / "scenarios" / "reference-office.yaml"))
    patch = (
        "import sim.model.disruptions as d, sim.model.working_day as w, sim.model.watchdog as g\n"
        "d.MIN_FOLLOW_UP_MINUTES = 0.0; w.MIN_WORK_MINUTES = 0.0\n"
        "g.MAX_EVENTS_AT_ONE_MOMENT = 100_000"
    )
    done = cli_patched(patch, ["run", str(scenario), "--weeks", "1"])
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "made no progress" in done.stderr and "Fix:" in done.stderr


LOOP_YAML = """extends: {reference}
name: Every email lost and noticed at once
tasks:
  recall_request:
    duration: {{distribution: fixed, mean_minutes: 1.0e-300}}
outages:
  email_loss:
    - start: {{day: 0, hour: 0}}
      duration_days: 7
      lost_share: 1.0
      detection_days: 0
"""
