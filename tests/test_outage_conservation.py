"""Conservation under every kind of outage and every plan: each work item ends the run in
exactly one state, times are consistent, and no one works on two things at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from office_runs import reference_scenario
from sim import simulate
from sim.model.work import STATUSES
from sim.scenario.loader import load_plan

PLANS_DIR = Path(__file__).resolve().parents[1] / "scenarios" / "plans"
DAY = 21
OUTAGES = {
    "case system down": {
        "down": [{"system": "case_system", "start": {"day": DAY, "hour": 14}, "duration_days": 3}]
    },
    "email lost": {
        "email_loss": [
            {"lost_share": 0.4, "detection_days": 2, "start": {"day": DAY}, "duration_days": 5}
        ],
        "down": [{"system": "email", "start": {"day": DAY + 7}, "duration_days": 2}],
    },
    "login cap": {
        "login_cap": [{"share_of_staff": 0.4, "start": {"day": DAY, "hour": 0}, "duration_days": 7}]
    },
    "records lost and surge": {
        "record_loss": [{"at": {"day": DAY}, "share": 0.05, "reconstruction_minutes": 60}],
        "surges": [{"at": {"day": DAY + 1}, "share_of_cases": 0.3, "due_working_days": 10}],
    },
    "office cap and slow": {
        "office_cap": [
            {"max_on_site": 50, "home_kit_share": 0.3, "start": {"day": DAY}, "duration_days": 10}
        ],
        "slow": [{"system": "case_system", "factor": 2, "start": {"day": DAY}, "duration_days": 5}],
    },
}
PLAN_FILES = sorted(PLANS_DIR.glob("*.yaml"))


def check_conservation(result) -> None:
    wi = result["work_items"]
    assert (wi["item_id"].to_numpy() == np.arange(len(wi))).all()
    assert wi["status"].isin(STATUSES).all()
    status = wi["status"].astype(str)
    done = status.isin(["done", "done_late"])
    assert wi.loc[done, "finished_minute"].notna().all()
    assert (wi.loc[done, "finished_minute"] >= wi.loc[done, "started_minute"]).all()
    assert (wi.loc[done, "started_minute"] >= wi.loc[done, "created_minute"]).all()
    assert wi.loc[status == "pending", "finished_minute"].isna().all()
    cancelled = status == "cancelled"
    assert (
        wi.loc[cancelled, "started_minute"].isna().all()
        | wi.loc[cancelled, "finished_minute"].isna().all()
    )
    summary = result["summary"].set_index("measure")["value"]
    for s in STATUSES:
        assert summary[f"items_{s}"] == (status == s).sum()
    # a follow-up (a resend, a re-keying) follows an earlier item; a resent message is of the
    # same task as the one it resends, and a recall resent is still one recall
    follows = wi["follows_item"].to_numpy()
    linked = follows >= 0
    assert (follows[linked] < wi["item_id"].to_numpy()[linked]).all()
    task = wi["task"].astype(str).to_numpy()
    resent = linked & np.isin(task, ["recall_request", "risk_escalation", "case_transfer"])
    assert (task[follows[resent]] == task[resent]).all()
    assert summary["recalls"] == ((task == "recall_request") & ~linked).sum()
    # nobody works on two items at once (of the items done in one go: desk work broken off for
    # an appointment spans the break)
    one_go = (wi["finished_minute"] - wi["started_minute"] - wi["work_minutes"]).abs() < 1e-6
    worked = wi[done & one_go].sort_values(["staff_id", "started_minute", "finished_minute"])
    for _, person in worked.groupby("staff_id"):
        starts = person["started_minute"].to_numpy()[1:]
        ends = person["finished_minute"].to_numpy()[:-1]
        assert (starts >= ends - 1e-6).all()
    # every held contact is accounted for: checked, checked from a print, or missed
    risk = result["risk_checks"]
    held = wi[(wi["task"] == "supervision_contact") & (wi["outcome"] == "held")]
    assert len(held) == risk["contacts_held"].sum()
    assert (~held["risk_checked"]).sum() == risk["missed_risk_checks"].sum()


@pytest.mark.slow  # every file: in make test, not the quick tier
@pytest.mark.parametrize("outage", sorted(OUTAGES))
@pytest.mark.parametrize("plan_file", PLAN_FILES, ids=[p.stem for p in PLAN_FILES])
def test_conservation_under_outages_and_plans(outage, plan_file):
    scenario = reference_scenario().with_changes(**{"outages": OUTAGES[outage]})
    check_conservation(simulate(scenario, plan=load_plan(plan_file), seed=2, weeks=5))
