"""Conservation laws of a run: every piece of work is accounted for exactly once, the chains of
work (appointment, intake, enforcement) are complete and in order, the event counts agree with
the work they made, and the staff's recorded hours agree with the work they did.

The office object behind a run is captured by wrapping ``sim.model.build_tables`` (the tables
are built from it), so the tests can also look at cases and holders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.model
from sim import simulate
from sim.calendar import DAY, HOUR, WEEK
from sim.config import PRACTITIONER_ROLES, TEAM_TASKS, TASK_NAMES, Scenario
from sim.loader import load_scenario
from sim.scaling import scaled
from sim.work import STATUSES

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-office.yaml"


@dataclass
class Run:
    scenario: Scenario
    weeks: int
    result: sim.RunResult
    office: object

    @property
    def items(self) -> pd.DataFrame:
        return self.result["work_items"]

    def count(self, event: str) -> int:
        ev = self.result["event_counts"]
        hit = ev.loc[ev["event"] == event, "count"]
        return int(hit.iloc[0]) if len(hit) else 0

    def n(self, task: str) -> int:
        return int((self.items["task"] == task).sum())


def run_capturing_office(scenario: Scenario, seed: int, weeks: int) -> Run:
    captured = {}
    real = sim.model.build_tables

    def spy(office, n_days):
        captured["office"] = office
        return real(office, n_days)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim.model, "build_tables", spy)
        result = simulate(scenario, seed=seed, weeks=weeks)
    return Run(scenario, weeks, result, captured["office"])


def _reference():
    return load_scenario(REFERENCE)


@pytest.fixture(scope="module", params=["reference-8w", "half-office-3w"])
def run(request) -> Run:
    if request.param == "reference-8w":
        return run_capturing_office(_reference(), seed=1, weeks=8)
    return run_capturing_office(scaled(_reference(), 0.5), seed=7, weeks=3)


# ----------------------------------------------------------------------------- the ledger
def test_every_item_has_exactly_one_status_matching_its_times(run):
    wi = run.items
    assert len(wi) > 1000
    assert wi["status"].notna().all() and set(wi["status"].unique()) <= set(STATUSES)
    finished, cancelled = wi["finished_minute"].notna(), wi["cancelled_minute"].notna()
    late = wi["finished_minute"] > wi["due_minute"]
    expect = np.select([cancelled, finished & ~late, finished & late],
                       ["cancelled", "done", "done_late"], "pending")
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
    wi = run.items[run.items["started_minute"].notna()]
    end = wi["finished_minute"].fillna(np.inf)
    frame = pd.DataFrame({"staff": wi["staff_id"], "start": wi["started_minute"], "end": end})
    frame = frame.sort_values(["staff", "start", "end"])
    same = frame["staff"].to_numpy()[1:] == frame["staff"].to_numpy()[:-1]
    overlap = frame["start"].to_numpy()[1:] < frame["end"].to_numpy()[:-1] - 1e-9
    assert not (same & overlap).any()
    # at most one unfinished (in hand at the end of the run) item per person
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
        subset=["arrived_minute"])
    assert (seen.groupby(["case_id", "arrived_minute"])["staff_id"].nunique() == 1).all()


# ----------------------------------------------------------------------------- chains
def held_contacts(wi):
    return wi[(wi["task"] == "supervision_contact") & (wi["outcome"] == "held")]


def test_every_held_contact_had_check_in_and_risk_check_before_it(run):
    wi = run.items
    held = held_contacts(wi)
    assert len(held) > 100
    assert held["status"].isin(["done", "done_late"]).all()
    assert held["risk_checked"].all()
    assert run.result["risk_checks"]["missed_risk_checks"].sum() == 0
    for step in ("reception_check_in", "risk_check"):
        s = wi[wi["task"] == step]
        assert s["arrived_minute"].notna().all()
        key = ["case_id", "arrived_minute"]
        assert not s.duplicated(key).any(), f"two {step} items for one arrival"
        m = held.merge(s[key + ["started_minute", "finished_minute"]], on=key, how="left",
                       suffixes=("", f"_{step}"))
        assert len(m) == len(held)
        assert m[f"finished_minute_{step}"].notna().all(), f"held contact without a done {step}"
        assert (m[f"finished_minute_{step}"] <= m["started_minute"]).all(), f"{step} after contact"
    checks = wi[wi["task"] == "risk_check"].merge(
        wi[wi["task"] == "reception_check_in"], on=["case_id", "arrived_minute"],
        suffixes=("", "_ci"))
    assert len(checks) == run.n("risk_check")
    assert (checks["created_minute"] == checks["finished_minute_ci"]).all()  # made on check-in


def test_every_arrival_is_checked_in_once(run):
    wi = run.items
    arrived = wi[(wi["task"] == "supervision_contact") & wi["arrived_minute"].notna()]
    assert run.n("reception_check_in") == len(arrived)
    assert (arrived["outcome"].isin(["booked", "held"])).all()
    # a contact only ends as held when done, and a done contact is held
    contacts = wi[wi["task"] == "supervision_contact"]
    done = contacts["status"].isin(["done", "done_late"])
    assert ((contacts["outcome"] == "held") == done).all()


def test_each_held_contact_has_exactly_one_recording(run):
    wi = run.items
    held = held_contacts(wi)
    rec = wi[wi["task"] == "contact_recording"]
    assert len(rec) == len(held)
    m = rec.merge(held, left_on=["case_id", "created_minute"],
                  right_on=["case_id", "finished_minute"], suffixes=("", "_contact"))
    assert len(m) == len(rec)
    assert m["item_id_contact"].is_unique and m["item_id"].is_unique


def test_failures_to_attend_make_one_enforcement_action_each(run):
    wi = run.items
    fta = wi[(wi["task"] == "supervision_contact") & (wi["outcome"] == "failed_to_attend")]
    assert run.count("failures_to_attend") > 0
    assert run.count("failures_to_attend") == run.n("enforcement_action") == len(fta)
    assert (fta["status"] == "cancelled").all() and fta["arrived_minute"].isna().all()
    assert run.result["risk_checks"]["failed_to_attend"].sum() == len(fta)
    # each enforcement action is made at the moment of a failure, for that case
    enf = wi[wi["task"] == "enforcement_action"]
    m = enf.merge(fta, left_on=["case_id", "created_minute"],
                  right_on=["case_id", "cancelled_minute"], suffixes=("", "_fta"))
    assert len(m) == len(enf)


def test_breaches_make_breach_actions(run):
    wi = run.items
    assert run.count("breaches") == run.n("breach_action")
    breach = wi[wi["task"] == "breach_action"]
    enf_done = wi[(wi["task"] == "enforcement_action") & wi["finished_minute"].notna()]
    m = breach.merge(enf_done, left_on=["case_id", "created_minute"],
                     right_on=["case_id", "finished_minute"], suffixes=("", "_enf"))
    assert len(m) == len(breach), "a breach action not made on completing an enforcement action"
    # a breach needs breach_after_failures failures by that case
    per_case_fta = (wi[(wi["task"] == "enforcement_action")].groupby("case_id").size())
    per_case_breach = breach.groupby("case_id").size()
    need = run.scenario.caseload.breach_after_failures
    assert (per_case_breach * need <= per_case_fta.reindex(per_case_breach.index)).all()


def test_court_results_and_intake_chain(run):
    wi = run.items
    assert run.count("court_results") == run.n("court_results_entry") > 0
    entries = wi[(wi["task"] == "court_results_entry") & wi["finished_minute"].notna()]
    alloc = wi[wi["task"] == "case_allocation"]
    assert len(alloc) == len(entries), "one allocation per court result entered"
    m = alloc.merge(entries, left_on=["case_id", "created_minute"],
                    right_on=["case_id", "finished_minute"], suffixes=("", "_entry"))
    assert len(m) == len(alloc)
    firsts = wi[(wi["task"] == "supervision_contact") & wi["first_appointment"]]
    done_alloc = alloc[alloc["finished_minute"].notna()]
    assert len(firsts) == len(done_alloc)
    assert set(firsts["case_id"]) == set(done_alloc["case_id"])


def test_case_events_match_their_work_and_the_cases_that_ended(run):
    wi = run.items
    assert (run.count("recall_decisions") == run.n("recall_request")
            == run.count("cases_ended_recalled"))
    assert run.result.measure("recalls") == run.n("recall_request")
    assert (run.count("transfers_out") == run.n("case_transfer")
            == run.count("cases_ended_transferred"))
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


def test_no_new_work_for_a_case_after_it_ended(run):
    """Only the steps of an appointment already under way (the person is in the building) and
    enforcement already owed may follow a case's end; never an allocation or a new contact."""
    ended_at = {c.id: c.ended for c in run.office.cases if c.ended is not None}
    wi = run.items
    after = wi[wi["case_id"].map(ended_at).lt(wi["created_minute"])]
    allowed = {"reception_check_in", "risk_check", "contact_recording", "enforcement_action",
               "breach_action"}
    assert set(after["task"].astype(str)) <= allowed, after["task"].value_counts()
    alloc = wi[(wi["task"] == "case_allocation") & wi["finished_minute"].notna()]
    assert not (alloc["case_id"].map(ended_at) < alloc["finished_minute"]).any()


def test_allocator_load_is_the_load_of_the_cases_held(run):
    office = run.office
    expected = {pid: 0.0 for pid in office.allocator.contacts_held}
    for c in office.active_cases:
        if c.holder is not None:
            expected[c.holder.id] += c.weekly_contacts
    for pid, held in office.allocator.contacts_held.items():
        assert held == pytest.approx(expected[pid], abs=1e-9)


# ----------------------------------------------------------------------------- staff time
def test_task_hours_equal_the_durations_of_the_work_done(run):
    """staff_weekly.task_hours counts, by the week work started, the time of every item that
    was finished before the end of the run (an item still in hand at the end is not counted)."""
    wi = run.items
    done = wi[wi["finished_minute"].notna()]
    minutes = (done["finished_minute"] - done["started_minute"]).groupby(
        [done["staff_id"], (done["started_minute"] // WEEK).astype(int)]).sum()
    sw = run.result["staff_weekly"].set_index(["staff_id", "week"])
    expected = (minutes / HOUR).reindex(sw.index, fill_value=0.0)
    assert np.allclose(sw["task_hours"], expected, atol=1e-6)
    assert run.result.measure("task_hours") == pytest.approx(expected.sum())
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
    wi = run.items
    backlog = run.result["backlog_daily"]
    n_days = run.weeks * 7
    assert len(backlog) == n_days * len(TASK_NAMES)
    closed = np.fmin(wi["finished_minute"].fillna(np.inf), wi["cancelled_minute"].fillna(np.inf))
    for day in (0, 3, n_days // 2, n_days - 1):
        end = (day + 1) * DAY
        owed = wi[(wi["due_minute"] < end) & (closed > end)]
        want = owed["task"].astype(str).value_counts()
        got = backlog[backlog["day"] == day].set_index("task")["backlog"]
        for task in TASK_NAMES:
            assert got[task] == want.get(task, 0), (day, task)
    total = backlog.groupby("day")["backlog"].sum()
    assert run.result.measure("backlog_end") == total.iloc[-1]
    assert run.result.measure("backlog_mean") == pytest.approx(total.mean())
    assert run.result.measure("backlog_max") == total.max()
    # at the end of the run, the backlog is the pending items past due
    pending = wi[(wi["status"] == "pending") & (wi["due_minute"] < n_days * DAY)]
    assert total.iloc[-1] == len(pending)


def test_risk_checks_table_agrees_with_contacts(run):
    wi = run.items
    risk = run.result["risk_checks"].set_index("rosh")
    contacts = wi[wi["task"] == "supervision_contact"]
    for level, row in risk.iterrows():
        c = contacts[contacts["rosh"] == level]
        assert row["contacts_held"] == (c["outcome"] == "held").sum()
    assert risk["contacts_held"].sum() == run.result.measure("contacts_held")


# ----------------------------------------------------------------------------- ending mid-intake
def test_case_that_ends_while_its_court_result_is_entered_is_not_allocated():
    """A new case recalled while its court result is being entered must not then be allocated
    and given a first appointment.

    Fails against sim/intake.py: ``end_case`` cancels the case's open items, but the entry is
    already started so it finishes, and ``entered`` then queues a case_allocation for the
    ended case (appended to the emptied ``open_items``, never cancelled); ``allocated`` gives
    it a holder, adds its contacts to the allocator's load for good (release already happened)
    and books a first appointment for someone who has left the caseload."""
    from sim.caseload import draw_cases
    from sim.intake import court_result_arrives
    from sim.office import OfficeModel
    from sim.random_streams import Streams
    from sim.systems import SystemsLayer

    scenario = _reference().with_changes(**{
        "caseload.cases": 0, "caseload.new_cases_per_week": 0.0,
        "office.absence.sickness_days_per_year": 0.0,
        "office.absence.annual_leave_days_per_year": 0.0})
    horizon = 7
    office = OfficeModel(scenario, Streams(1), sim.model.office_calendar(scenario, horizon),
                         SystemsLayer(), horizon)
    for person in office.staff:
        office.env.process(person.work(office))
    case = draw_cases(scenario.caseload, 1, 0, 0.0, horizon, True, np.random.default_rng(0))[0]
    office.next_case_id = 1
    case.start = 9.5 * HOUR  # Monday 09:30
    office.at(case.start, lambda: court_result_arrives(office, case))
    while not (office.items and office.items[0].started is not None):
        office.env.step()
    entry = office.items[0]
    assert entry.task == "court_results_entry" and entry.finished is None
    office.end_case(case, "recalled")  # recalled while the result is being entered
    office.env.run(until=horizon * DAY)
    assert entry.finished is not None  # work in hand is finished: fine
    assert case.holder is None, "an ended case was allocated"
    assert all(v == 0 for v in office.allocator.contacts_held.values()), \
        "allocator holds load for a case that has ended"
    later = [it.task for it in office.items[1:]]
    assert "supervision_contact" not in later, "first appointment booked for an ended case"
