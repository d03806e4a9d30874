"""Conservation laws of a run: every piece of work is accounted for exactly once, the event
counts agree with the work they made and the cases that ended, the staff's recorded hours agree
with the work they did, and the derived tables agree with the work items.

The chains of work (appointment, enforcement, intake) are in test_work_chains.py. The ``run``
fixture (a run with the office object behind it) is in conftest.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.domain.calendar import DAY, HOUR, WEEK
from sim.model.work import STATUSES
from sim.scenario.schema import PRACTITIONER_ROLES, TASK_NAMES, TEAM_TASKS


# ----------------------------------------------------------------------------- the ledger
def test_every_item_has_exactly_one_status_matching_its_times(run):
    wi = run.items
    assert len(wi) > 1000
    assert wi["status"].notna().all() and set(wi["status"].unique()) <= set(STATUSES)
    finished, cancelled = wi["finished_minute"].notna(), wi["cancelled_minute"].notna()
    late = wi["finished_minute"] > wi["due_minute"]
    expect = np.select(
        [cancelled, finished & ~late, finished & late],
        ["cancelled", "done", "done_late"],
        "pending",
    )
    assert (wi["status"].astype(str).to_numpy() == expect).all()
    assert not (cancelled & finished).any(), "an item was both cancelled and done"
    # every status occurs in a run of this size
    assert set(wi["status"].unique()) == set(STATUSES)


def test_item_ids_are_unique_and_consecutive(run):
    ids = run.items["item_id"].to_numpy()
    assert np.array_equal(ids, np.arange(len(ids)))
    assert len(ids) == len(run.office.items)


def test_summary_counts_per_status_equal_the_work_items_table(run):
    counts = run.items["status"].value_counts()
    total = 0
    for status in STATUSES:
        assert run.result.measure(f"items_{status}") == counts.get(status, 0)
        total += run.result.measure(f"items_{status}")
    assert total == len(run.items)
    completed = run.result["completed_daily"]
    assert completed["completed"].sum() == counts["done"] + counts["done_late"]
    assert completed["completed_late"].sum() == counts["done_late"]


def test_times_are_ordered(run):
    wi = run.items
    horizon = run.weeks * WEEK
    done = wi[wi["status"].isin(["done", "done_late"])]
    assert (done["started_minute"] <= done["finished_minute"]).all()
    assert (done["started_minute"] >= done["created_minute"]).all()
    assert (done["finished_minute"] >= done["created_minute"]).all()
    assert (done["finished_minute"] < horizon).all()
    assert (done["staff_id"] >= 0).all()
    cancelled = wi[wi["status"] == "cancelled"]
    assert cancelled["started_minute"].isna().all(), "a cancelled item had been started"
    assert (cancelled["staff_id"] == -1).all()
    assert (cancelled["cancelled_minute"] >= cancelled["created_minute"]).all()
    assert (wi["created_minute"] < horizon).all() and (wi["created_minute"] >= 0).all()
    arrived = wi[wi["arrived_minute"].notna() & wi["started_minute"].notna()]
    assert (arrived["started_minute"] >= arrived["arrived_minute"]).all()


def test_nobody_does_two_things_at_once(run):
    """Work done in one go (its time worked is its finish, or the end of the run, minus its
    start) never overlaps other such work of the same person, and each person has at most one
    item in hand at the end of the run. (Desk work broken off for an appointment spans the
    break: its time worked is less than its start to its finish.)"""
    horizon = run.weeks * WEEK
    wi = run.items[run.items["started_minute"].notna()]
    end = wi["finished_minute"].fillna(horizon)
    one_go = (end - wi["started_minute"] - wi["work_minutes"]).abs() < 1e-6
    assert one_go.mean() > 0.5
    wi, end = wi[one_go], end[one_go]
    frame = pd.DataFrame({"staff": wi["staff_id"], "start": wi["started_minute"], "end": end})
    frame = frame.sort_values(["staff", "start", "end"])
    same = frame["staff"].to_numpy()[1:] == frame["staff"].to_numpy()[:-1]
    overlap = frame["start"].to_numpy()[1:] < frame["end"].to_numpy()[:-1] - 1e-9
    assert not (same & overlap).any()
    in_hand = wi[wi["finished_minute"].isna()]
    assert in_hand["staff_id"].is_unique


def test_work_is_done_by_the_right_roles(run):
    roles = {s.id: s.role for s in run.office.staff}
    wi = run.items[run.items["staff_id"] >= 0]
    by = wi["staff_id"].map(roles)
    for task in TASK_NAMES:
        done_by = set(by[wi["task"] == task])
        if task in TEAM_TASKS:
            assert done_by <= set(run.scenario.tasks.get(task).roles), task
        else:
            assert done_by <= set(PRACTITIONER_ROLES), task
    # appointment steps are for the practitioner holding the case, or a colleague of the same
    # role covering for them; one person does the risk check and the contact for an arrival
    cases = {c.id: c for c in run.office.cases}
    steps = wi[wi["task"].isin(["risk_check", "supervision_contact", "contact_recording"])]
    holder_roles = steps["case_id"].map(lambda c: cases[c].holder.role)
    assert (steps["staff_id"].map(roles) == holder_roles).all()
    by_holder = steps["staff_id"] == steps["case_id"].map(lambda c: cases[c].holder.id)
    assert by_holder.mean() > 0.5, "most appointments are with the holder"
    seen = steps[steps["task"].isin(["risk_check", "supervision_contact"])].dropna(
        subset=["arrived_minute"]
    )
    assert (seen.groupby(["case_id", "arrived_minute"])["staff_id"].nunique() == 1).all()


def test_case_events_match_their_work_and_the_cases_that_ended(run):
    wi = run.items
    assert (
        run.count("recall_decisions")
        == run.n("recall_request")
        == run.count("cases_ended_recalled")
    )
    assert run.result.measure("recalls") == run.n("recall_request")
    assert (
        run.count("transfers_out") == run.n("case_transfer") == run.count("cases_ended_transferred")
    )
    assert run.count("risk_escalations") == run.n("risk_escalation")
    ended = sum(run.count(f"cases_ended_{r}") for r in ("order_ended", "recalled", "transferred"))
    ev = run.result["event_counts"]
    assert ended == ev.loc[ev["event"].str.startswith("cases_ended_"), "count"].sum()
    initial = run.scenario.caseload.cases
    office = run.office
    assert len(office.cases) == initial + run.count("court_results")
    assert sum(c.ended is not None for c in office.cases) == ended
    assert len(office.active_cases) == initial + run.count("court_results") - ended
    assert {c.id for c in office.active_cases} == {c.id for c in office.cases if c.ended is None}
    assert wi.loc[wi["case_id"] >= 0, "case_id"].max() < len(office.cases)


def test_allocator_load_is_the_load_of_the_cases_held(run):
    office = run.office
    expected = {pid: 0.0 for pid in office.allocator.points_held}
    for c in office.active_cases:
        if c.holder is not None:
            expected[c.holder.id] += c.points
    for pid, held in office.allocator.points_held.items():
        assert held == pytest.approx(expected[pid], abs=1e-9)


# ----------------------------------------------------------------------------- staff time
def test_task_hours_equal_the_durations_of_the_work_done(run):
    """staff_weekly.task_hours counts the time worked on every item (``work_minutes``: desk
    work broken off for an appointment counts both its parts), and nothing else in normal
    operation; an item done in one go took exactly its finish minus its start."""
    wi = run.items
    sw = run.result["staff_weekly"]
    assert sw["task_hours"].sum() == pytest.approx(wi["work_minutes"].sum() / HOUR)
    assert run.result.measure("task_hours") == pytest.approx(wi["work_minutes"].sum() / HOUR)
    done = wi[wi["finished_minute"].notna()]
    start_to_finish = done["finished_minute"] - done["started_minute"]  # breaks included
    assert (done["work_minutes"] <= start_to_finish + 1e-6).all()
    by_staff = done.groupby("staff_id")["work_minutes"].sum() / HOUR
    hours = sw.groupby("staff_id")["task_hours"].sum()
    assert (by_staff.reindex(hours.index, fill_value=0.0) <= hours + 1e-6).all()
    in_hand = wi[wi["started_minute"].notna() & wi["finished_minute"].isna()]
    assert (in_hand["status"] == "pending").all()


def test_staff_weekly_hours_add_up(run):
    sw = run.result["staff_weekly"]
    office = run.office
    assert len(sw) == len(office.staff) * run.weeks
    assert np.allclose(sw["hours_worked"], sw["hours_at_work"] + sw["extra_hours"])
    assert np.allclose(sw["workload"], sw["hours_worked"] / sw["contracted_hours"])
    assert (sw["extra_hours"] >= 0).all()
    # task time fits in the casework part of the day plus the time stayed on
    share = sw["role"].map(lambda r: run.scenario.office.staffing.role(r).case_work_share)
    assert (sw["task_hours"] <= sw["hours_at_work"] * share + sw["extra_hours"] + 1e-6).all()
    # hours at work are the rostered shifts of the week
    for s in office.staff[:: max(1, len(office.staff) // 15)]:
        for week in range(run.weeks):
            shifts = [sh for sh in s.shifts if week * WEEK <= sh.start < (week + 1) * WEEK]
            row = sw[(sw["staff_id"] == s.id) & (sw["week"] == week)].iloc[0]
            rostered = sum(sh.end - sh.start for sh in shifts) / HOUR
            assert row["hours_at_work"] == pytest.approx(rostered)
    assert run.result.measure("workload_mean") == pytest.approx(sw["workload"].mean())


# ----------------------------------------------------------------------------- derived tables
def test_backlog_table_counts_items_past_due_and_not_closed(run):
    """Work not done, by task: paper records awaiting re-keying are the re-keying debt, not
    backlog (the task has no rows; tests/test_rekeying_debt.py)."""
    wi = run.items
    backlog = run.result["backlog_daily"]
    n_days = run.weeks * 7
    tasks = [t for t in TASK_NAMES if t != "paper_rekeying"]
    assert len(backlog) == n_days * len(tasks)
    assert set(backlog["task"]) == set(tasks)
    closed = np.fmin(wi["finished_minute"].fillna(np.inf), wi["cancelled_minute"].fillna(np.inf))
    for day in (0, 3, n_days // 2, n_days - 1):
        end = (day + 1) * DAY
        owed = wi[(wi["due_minute"] < end) & (closed > end) & (wi["task"] != "paper_rekeying")]
        want = owed["task"].astype(str).value_counts()
        got = backlog[backlog["day"] == day].set_index("task")["backlog"]
        for task in tasks:
            assert got[task] == want.get(task, 0), (day, task)
    total = backlog.groupby("day")["backlog"].sum()
    assert run.result.measure("backlog_end") == total.iloc[-1]
    assert run.result.measure("backlog_mean") == pytest.approx(total.mean())
    assert run.result.measure("backlog_max") == total.max()
    # at the end of the run, the backlog is the pending items past due
    pending = wi[
        (wi["status"] == "pending")
        & (wi["due_minute"] < n_days * DAY)
        & (wi["task"] != "paper_rekeying")
    ]
    assert total.iloc[-1] == len(pending)


def test_risk_checks_table_agrees_with_contacts(run):
    wi = run.items
    risk = run.result["risk_checks"].set_index("rosh")
    contacts = wi[wi["task"] == "supervision_contact"]
    for level, row in risk.iterrows():
        c = contacts[contacts["rosh"] == level]
        assert row["contacts_held"] == (c["outcome"] == "held").sum()
    assert risk["contacts_held"].sum() == run.result.measure("contacts_held")
