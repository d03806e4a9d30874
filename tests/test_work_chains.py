"""Chains of work in a run are complete and in order: check-in, risk check, contact and
recording for an appointment; failures to attend, enforcement and breach; court results, entry,
allocation and first appointment; and no new work for a case after it ended.

The ``run`` fixture (a run with the office object behind it) is in conftest.py."""

from __future__ import annotations

import numpy as np

from office_runs import reference_scenario
from sim.domain.calendar import DAY, HOUR
from sim.model.supervision import RISK_CHECK_LEAD
from sim.model.working_day import working_days
from sim.scenario.schema import office_calendar


# ----------------------------------------------------------------------------- chains
def held_contacts(wi):
    return wi[(wi["task"] == "supervision_contact") & (wi["outcome"] == "held")]


def test_every_held_contact_had_check_in_and_risk_check_before_it(run):
    """Each held contact had one check-in (made when the person arrived) and one risk check
    (made ``RISK_CHECK_LEAD`` before the booked time, or when booked if later), both done
    before the contact started; every step names its contact."""
    wi = run.items
    held = held_contacts(wi)
    assert len(held) > 100
    assert held["status"].isin(["done", "done_late"]).all()
    assert held["risk_checked"].all()
    assert run.result["risk_checks"]["missed_risk_checks"].sum() == 0
    assert (held["contact_item"] == held["item_id"]).all()
    for step in ("reception_check_in", "risk_check"):
        s = wi[wi["task"] == step]
        assert (s["contact_item"] >= 0).all()
        assert not s["contact_item"].duplicated().any(), f"two {step} items for one contact"
        m = held.merge(
            s[["contact_item", "case_id", "created_minute", "started_minute", "finished_minute"]],
            left_on="item_id",
            right_on="contact_item",
            how="left",
            suffixes=("", f"_{step}"),
        )
        assert len(m) == len(held)
        assert (m[f"case_id_{step}"] == m["case_id"]).all()
        assert m[f"finished_minute_{step}"].notna().all(), f"held contact without a done {step}"
        assert (m[f"finished_minute_{step}"] <= m["started_minute"]).all(), f"{step} after contact"
        if step == "reception_check_in":
            assert (m[f"created_minute_{step}"] == m["arrived_minute"]).all()
        else:
            prepared = m["arrived_minute"] - m[f"created_minute_{step}"]
            assert (prepared <= RISK_CHECK_LEAD + 1e-6).all() and (prepared >= 0).all()


def test_every_arrival_is_checked_in_once(run):
    wi = run.items
    arrived = wi[(wi["task"] == "supervision_contact") & wi["arrived_minute"].notna()]
    assert run.n("reception_check_in") == len(arrived)
    assert (arrived["outcome"].isin(["booked", "held", "rebooked"])).all()
    # a contact only ends as held when done, and a done contact is held
    contacts = wi[wi["task"] == "supervision_contact"]
    done = contacts["status"].isin(["done", "done_late"])
    assert ((contacts["outcome"] == "held") == done).all()


def test_each_held_contact_has_exactly_one_recording(run):
    wi = run.items
    held = held_contacts(wi)
    rec = wi[wi["task"] == "contact_recording"]
    assert len(rec) == len(held)
    m = rec.merge(
        held,
        left_on=["case_id", "created_minute"],
        right_on=["case_id", "finished_minute"],
        suffixes=("", "_contact"),
    )
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
    m = enf.merge(
        fta,
        left_on=["case_id", "created_minute"],
        right_on=["case_id", "cancelled_minute"],
        suffixes=("", "_fta"),
    )
    assert len(m) == len(enf)


def test_breaches_make_breach_actions(run):
    wi = run.items
    assert run.count("breaches") == run.n("breach_action")
    breach = wi[wi["task"] == "breach_action"]
    enf_done = wi[(wi["task"] == "enforcement_action") & wi["finished_minute"].notna()]
    m = breach.merge(
        enf_done,
        left_on=["case_id", "created_minute"],
        right_on=["case_id", "finished_minute"],
        suffixes=("", "_enf"),
    )
    assert len(m) == len(breach), "a breach action not made on completing an enforcement action"
    # a breach needs breach_after_failures failures by that case
    per_case_fta = wi[(wi["task"] == "enforcement_action")].groupby("case_id").size()
    per_case_breach = breach.groupby("case_id").size()
    need = run.scenario.caseload.breach_after_failures
    assert (per_case_breach * need <= per_case_fta.reindex(per_case_breach.index)).all()


def test_court_results_and_intake_chain(run):
    wi = run.items
    assert run.count("court_results") == run.n("court_results_entry") > 0
    entries = wi[(wi["task"] == "court_results_entry") & wi["finished_minute"].notna()]
    alloc = wi[wi["task"] == "case_allocation"]
    assert len(alloc) == len(entries), "one allocation per court result entered"
    m = alloc.merge(
        entries,
        left_on=["case_id", "created_minute"],
        right_on=["case_id", "finished_minute"],
        suffixes=("", "_entry"),
    )
    assert len(m) == len(alloc)
    firsts = wi[(wi["task"] == "supervision_contact") & wi["first_appointment"]]
    firsts = firsts[~firsts["outcome"].isin(["rebooked", "deferred"])]  # booked again: one each
    done_alloc = alloc[alloc["finished_minute"].notna()]
    assert len(firsts) == len(done_alloc)
    assert set(firsts["case_id"]) == set(done_alloc["case_id"])


def test_no_new_work_for_a_case_after_it_ended(run):
    """Only the steps of an appointment already under way (the person is in the building) and
    enforcement already owed may follow a case's end; never an allocation or a new contact."""
    ended_at = {c.id: c.ended for c in run.office.cases if c.ended is not None}
    wi = run.items
    after = wi[wi["case_id"].map(ended_at).lt(wi["created_minute"])]
    allowed = {
        "reception_check_in",
        "risk_check",
        "contact_recording",
        "enforcement_action",
        "breach_action",
    }
    assert set(after["task"].astype(str)) <= allowed, after["task"].value_counts()
    alloc = wi[(wi["task"] == "case_allocation") & wi["finished_minute"].notna()]
    assert not (alloc["case_id"].map(ended_at) < alloc["finished_minute"]).any()


# ----------------------------------------------------------------------------- ending mid-intake
def test_case_that_ends_while_its_court_result_is_entered_is_not_allocated():
    """A new case recalled while its court result is being entered must not then be allocated
    and given a first appointment.

    Fails against sim/model/intake.py: ``end_case`` cancels the case's open items, but the entry is
    already started so it finishes, and ``entered`` then queues a case_allocation for the
    ended case (appended to the emptied ``open_items``, never cancelled); ``allocated`` gives
    it a holder, adds its contacts to the allocator's load for good (release already happened)
    and books a first appointment for someone who has left the caseload."""
    from sim.model.caseload import draw_cases
    from sim.model.intake import court_result_arrives
    from sim.model.office import OfficeModel
    from sim.model.random_streams import Streams
    from sim.model.systems import SystemsLayer

    scenario = reference_scenario().with_changes(
        **{
            "caseload.cases": 0,
            "caseload.new_cases_per_week": 0.0,
            "office.absence.sickness_days_per_year": 0.0,
            "office.absence.annual_leave_days_per_year": 0.0,
        }
    )
    horizon = 7
    office = OfficeModel(
        scenario, Streams(1), office_calendar(scenario, horizon), SystemsLayer(), horizon
    )
    for person in office.staff:
        office.env.process(working_days(office, person))
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
    assert all(v == 0 for v in office.allocator.points_held.values()), (
        "allocator holds load for a case that has ended"
    )
    later = [it.task for it in office.items[1:]]
    assert "supervision_contact" not in later, "first appointment booked for an ended case"
