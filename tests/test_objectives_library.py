"""Every library scenario: its no-outage run, assessed against itself, never breaches an objective.

The run is the scenario without its outages (what an experiment runs as its baseline), for 4
weeks and 2 replications; it is assessed as if a disruption began on day 7, so that three weeks
of working days are judged. Any breach here would be a breach found in a run that lost nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sim.experiments.compare import NO_OUTAGE, objectives_table
from sim.experiments.engines import RunSpec, run_spec
from sim.results.recovery import baseline_of
from sim.scenario.loader import load_scenario
from sim.scenario.plans import DO_NOTHING

# Every library scenario but the London one, which is s01-login-cap.yaml's office x 25 with the
# same objectives (about 2.5 minutes of CI for no new case).
SCENARIOS = sorted(
    p
    for p in (Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml")
    if p.stem != "s01-login-cap-london"
)
WEEKS, REPLICATIONS = 4, 2
BREACHES = ["p_rto_breached", "p_mtpd_breached", "p_mbco_breached"]
# only the days judged come from this window: the runs themselves have no outage
FROM_DAY_7 = {"down": [{"system": "email", "start": {"day": 7, "hour": 0}, "duration_days": 3}]}


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_no_outage_run_assessed_against_itself_never_breaches(path):
    scenario = load_scenario(path)
    assert scenario.objectives, f"{path.name} sets no continuity objectives: nothing to judge"
    quiet = baseline_of(scenario)
    outcomes = []
    for replication in range(REPLICATIONS):
        run = run_spec(RunSpec(NO_OUTAGE, quiet, DO_NOTHING, 1, replication, WEEKS))
        outcomes += [run, dataclasses.replace(run, label="itself")]
    judged = scenario.with_changes(outages=FROM_DAY_7)
    table = objectives_table(outcomes, judged, ["itself"], WEEKS)
    assert len(table) == len(scenario.objectives)
    assert table["replications"].eq(REPLICATIONS).all()
    breached = table[(table[BREACHES].fillna(0) > 0).any(axis=1)]
    assert breached.empty, breached[["activity", *BREACHES]].to_string()
    assert table["days_to_resume_p50"].eq(0).all()
    # judged, not waved through: even recall requests (a few a week) have the items to judge
    assert table["assessed"].eq(REPLICATIONS).all()
