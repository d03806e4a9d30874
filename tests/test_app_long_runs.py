"""A long run in the app: its cost said before it starts, and a run past the app's limit for one
run stopped with its reason while the page (and the pool) carry on (sim.model.watchdog)."""

from __future__ import annotations

import time

from app_test_kit import S02, button, by_label, no_crash, page, texts
from sim import RunLimits
from sim.store.results import ResultsStore

# S2 at ten times the reference office, each case sending five risk escalations a week: a
# comparison of two plans on two replications takes over a minute on two workers
HEAVY = f"""extends: {S02}
name: S2 at ten times the size, escalating
caseload:
  cases: 30000
  risk_escalations_per_case_per_week: 5
"""


def test_a_long_comparison_says_its_cost_first_and_a_run_past_the_limit_stops_with_why(
    folders, tmp_path, monkeypatch
):
    heavy = tmp_path / "heavy.yaml"
    heavy.write_text(HEAVY, encoding="utf-8")
    monkeypatch.setenv("SIM_DEFAULT_SCENARIO", str(heavy))
    # the app stops one run past 300 CPU-seconds; here past 20,000 events, so the test is quick
    monkeypatch.setattr("app_pages.jobs.APP_RUN_LIMITS", RunLimits(max_events=20_000))
    at = page("compare")
    by_label(at.multiselect, "Plans to compare").set_value(["Do nothing", "Paper fallback"])
    by_label(at.number_input, "Replications").set_value(2)
    by_label(at.number_input, "Weeks to simulate").set_value(4)
    button(at, "Run").click().run()
    no_crash(at)
    said = [w.value for w in at.warning if "Press **Run** again" in w.value]
    assert said and "CPU-minutes" in said[0], [w.value for w in at.warning]
    assert "Estimated cost" not in texts(at)  # not started
    button(at, "Run").click().run()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        at.run()
        no_crash(at)
        if any("limit" in e.value for e in at.error):
            break
        time.sleep(0.5)
    stopped = [e.value for e in at.error if "limit" in e.value]
    assert stopped, texts(at)
    assert "20,000 events" in stopped[0] and "Fix:" in stopped[0]
    assert len(ResultsStore(folders["results"]).list()) == 0  # nothing half-done is saved
