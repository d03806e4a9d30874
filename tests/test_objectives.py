"""Continuity objectives (RTO, MTPD, MBCO) on constructed series with known answers, each run
judged against the no-outage run of its own replication."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sim.domain.calendar import DAY, HOUR
from sim.results.objectives import MIN_ITEMS, Service, assess, service_of, within_mbco
from sim.scenario.objectives import Objective

WORKING = np.array([d % 7 < 5 for d in range(28)])  # four weeks, Monday first
NORMAL = np.where(WORKING, 10.0, 0.0)  # the baseline completes 10 a working day
RECALLS = Objective(
    activity="Recall requests", tasks=("recall_request",), rto_days=3, mtpd_days=7, mbco=0.5
)
EVERY_RECALL = RECALLS.model_copy(update={"rto_days": 1, "mtpd_days": 3, "mbco": 1.0})


def series(levels_by_day: dict[int, float]) -> Service:
    out = NORMAL.copy()
    for day, value in levels_by_day.items():
        out[day] = value
    return Service(tuple(out))


BASELINE = Service(tuple(NORMAL))


def test_an_outage_that_stops_the_activity_for_a_week_breaches_rto_and_mbco_not_mtpd():
    # disrupted Monday day 7 to Friday day 11 (nothing done), normal again from Monday day 14
    completed = series({d: 0.0 for d in range(7, 12)})
    result = assess(RECALLS, completed, BASELINE, WORKING, start_day=7, restored_day=14)
    assert result["days_to_resume"] == 7.0
    assert result["rto_breached"] and not result["mtpd_breached"] and result["mbco_breached"]


def test_keeping_half_the_service_meets_every_objective():
    completed = series({d: 5.0 for d in range(7, 12)})  # exactly the MBCO during the outage
    result = assess(RECALLS, completed, BASELINE, WORKING, start_day=7, restored_day=14)
    assert result["days_to_resume"] == 0.0
    assert not (result["rto_breached"] or result["mtpd_breached"] or result["mbco_breached"])


def test_never_resumed_breaches_everything():
    completed = series({d: 1.0 for d in range(7, 28)})
    result = assess(RECALLS, completed, BASELINE, WORKING, start_day=7, restored_day=14)
    assert math.isinf(result["days_to_resume"])
    assert result["rto_breached"] and result["mtpd_breached"] and result["mbco_breached"]


def test_a_one_day_dip_after_restoration_is_not_an_mbco_breach():
    completed = series({15: 0.0})  # after restoration on day 14
    result = assess(RECALLS, completed, BASELINE, WORKING, start_day=7, restored_day=14)
    assert not result["mbco_breached"]
    assert result["days_to_resume"] == 0.0  # service never fell during the disruption


def test_rto_must_fall_within_mtpd():
    with pytest.raises(ValidationError, match="within the MTPD"):
        Objective(activity="x", tasks=("recall_request",), rto_days=8, mtpd_days=7, mbco=0.5)


# A low-volume activity: one recall decision at noon on each of Monday, Wednesday and Friday,
# due 24 hours later, done within the hour; six weeks.
LOW_DAYS = [d for d in range(42) if d % 7 in (0, 2, 4)]
WORKING_6 = np.array([d % 7 < 5 for d in range(42)])


def recall_items(finished_at: dict[int, float] | None = None) -> pd.DataFrame:
    """The recall requests of a run; ``finished_at`` moves the item of a day to a minute."""
    created = np.array([d * DAY + 12 * HOUR for d in LOW_DAYS])
    finished = created + HOUR
    for i, day in enumerate(LOW_DAYS):
        if finished_at and day in finished_at:
            finished[i] = finished_at[day]
    return pd.DataFrame(
        {
            "item_id": np.arange(len(created)),
            "task": "recall_request",
            "created_minute": created,
            "due_minute": created + 24 * HOUR,
            "finished_minute": finished,
            "cancelled_minute": np.nan,
            "risk_checked": False,
            "delivered_minute": finished,
            "follows_item": -1,
        }
    )


def low(finished_at: dict[int, float] | None = None) -> Service:
    return service_of(recall_items(finished_at), EVERY_RECALL, 42)


def test_a_low_volume_activity_against_its_own_no_outage_run_never_breaches():
    """About three items a week: a day-by-day comparison with the average day would find most
    days below a 100% MBCO; against the same-seed run over windows of at least MIN_ITEMS items,
    nothing is lost, from whichever day the disruption starts."""
    assert len(LOW_DAYS) >= MIN_ITEMS
    for start in range(0, 40):
        result = assess(EVERY_RECALL, low(), low(), WORKING_6, start, start + 3)
        assert result["assessable"] and result["days_to_resume"] == 0.0, start
        assert not (result["rto_breached"] or result["mtpd_breached"] or result["mbco_breached"])


def test_work_done_later_but_within_its_deadline_is_no_service_lost():
    # Monday day 21's recall done at 9:00 on Tuesday instead of 13:00 on Monday: still in time
    later = low({21: 22 * DAY + 9 * HOUR})
    assert (within_mbco(later, low(), 1.0)[21:] == 1.0).all()
    result = assess(EVERY_RECALL, later, low(), WORKING_6, start_day=21, restored_day=22)
    assert not (result["rto_breached"] or result["mtpd_breached"] or result["mbco_breached"])


def test_recalls_waiting_past_their_deadline_breach_rto_mtpd_and_mbco():
    # every recall decided from Monday day 21 to Wednesday day 23 waits to Friday day 25
    waited = low({day: 25 * DAY + 10 * HOUR for day in (21, 23)})
    result = assess(EVERY_RECALL, waited, low(), WORKING_6, start_day=21, restored_day=25)
    assert result["days_to_resume"] == 4.0  # overdue from Tuesday, all done on Friday
    assert result["rto_breached"] and result["mtpd_breached"] and result["mbco_breached"]


def test_doing_work_earlier_than_the_no_outage_run_is_never_service_lost():
    # the no-outage run's Monday item went overdue (done on Wednesday); the run did it in time
    slow_baseline = low({14: 16 * DAY + 10 * HOUR})
    levels = within_mbco(low(), slow_baseline, 1.0)
    assert (levels[~np.isnan(levels)] == 1.0).all()


def test_too_few_items_in_the_whole_run_is_not_assessable_never_met_or_breached():
    few = recall_items().iloc[: MIN_ITEMS - 1]
    service = service_of(few, EVERY_RECALL, 42)
    nothing = service_of(few.iloc[:0], EVERY_RECALL, 42)
    for run in (service, nothing):
        result = assess(EVERY_RECALL, run, service, WORKING_6, start_day=7, restored_day=10)
        assert not result["assessable"]
        assert result["rto_breached"] is None and result["mbco_breached"] is None
        assert math.isnan(result["days_to_resume"])


def test_a_contact_held_without_a_risk_check_is_service_not_delivered_safely():
    contacts = Objective(
        activity="Supervision contacts",
        tasks=("supervision_contact",),
        rto_days=2,
        mtpd_days=10,
        mbco=0.6,
    )
    items = pd.DataFrame(
        {
            "task": "supervision_contact",
            "created_minute": [0.0] * 4,
            "due_minute": [5 * DAY] * 4,
            "finished_minute": [DAY + HOUR, DAY + 2 * HOUR, 2 * DAY + HOUR, np.nan],
            "cancelled_minute": [np.nan, np.nan, np.nan, 3 * DAY + HOUR],  # failed to attend
            "risk_checked": [True, False, True, False],
            "item_id": [0, 1, 2, 3],
            "follows_item": -1,
            "delivered_minute": np.nan,
        }
    )
    service = service_of(items, contacts, 7)
    assert service.delivered == (0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)  # the unchecked one: never
    # in hand: all four until held, the missed one until cancelled on day 3
    assert service.in_hand == (4.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    assert list(service.by_day()) == [4.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0]


def test_breach_probabilities_over_replications_known_answer():
    """Two replications: in one the activity stops for a week (RTO and MBCO breached), in the
    other it keeps half its service (nothing breached): each probability is 1/2, MTPD 0."""
    from office_runs import reference_scenario
    from sim.experiments.compare import NO_OUTAGE, objectives_table
    from sim.experiments.engines import RunOutcome

    scenario = reference_scenario().with_changes(
        **{
            "objectives": [RECALLS.model_dump()],
            "outages": {
                "down": [{"system": "email", "start": {"day": 7, "hour": 0}, "duration_days": 7}]
            },
        }
    )

    def outcome(label, replication, service):
        return RunOutcome(label, replication, {}, {}, (), 0, {"Recall requests": service})

    outcomes = [
        outcome(NO_OUTAGE, 0, BASELINE),
        outcome(NO_OUTAGE, 1, BASELINE),
        # 7 items in the whole run: not assessable at this volume
        outcome(NO_OUTAGE, 2, Service(tuple(np.where(np.arange(28) % 4 == 0, 1.0, 0.0)))),
        outcome("Do nothing", 0, series({d: 0.0 for d in range(7, 12)})),
        outcome("Do nothing", 1, series({d: 5.0 for d in range(7, 12)})),
        outcome("Do nothing", 2, Service((0.0,) * 28)),
    ]
    table = objectives_table(outcomes, scenario, ["Do nothing"], weeks=4).iloc[0]
    assert table["p_rto_breached"] == 0.5 and table["p_mbco_breached"] == 0.5
    assert table["p_mtpd_breached"] == 0.0
    assert table["replications"] == 3 and table["assessed"] == 2
    assert table["service_counted"] == "items delivered"


def test_an_activity_never_assessable_is_carried_as_such_to_every_view():
    from sim.cli.comparison_text import objective_lines
    from sim.outputs.forecast import objective_rows, objective_status
    from sim.outputs.readable import readable
    from sim.outputs.report_content import objectives_table as report_table
    from sim.outputs.verdict import objectives_sentence

    objectives = pd.DataFrame(
        {
            "plan": ["Do nothing"] * 2,
            "activity": ["Recall requests", "Supervision contacts"],
            "rto_days": [1.0, 2.0],
            "mtpd_days": [3.0, 10.0],
            "mbco": [1.0, 0.6],
            "p_rto_breached": [math.nan, 1.0],
            "p_mtpd_breached": [math.nan, 0.0],
            "p_mbco_breached": [math.nan, 1.0],
            "days_to_resume_p50": [math.nan, 4.0],
            "replications": [3, 3],
            "assessed": [0, 3],
            "service_counted": [
                "items delivered",
                "contacts held with a risk check; one held without is counted as not "
                "delivered safely",
            ],
        }
    )
    words = "not assessable at this volume"
    rows = objective_rows(objectives)
    recalls = rows[rows["activity"] == "Recall requests"]
    assert set(recalls["status"]) == {words}
    assert set(recalls["probability of breach"]) == {words}
    assert set(recalls["days to resume, median"]) == {words}
    contacts = rows[rows["activity"] == "Supervision contacts"]
    assert set(contacts["status"]) == {"breached", "met"}
    assert contacts["service counted"].str.contains("not delivered safely").all()
    rated = objective_status(objectives).iloc[0]
    assert {rated["rto_status"], rated["mtpd_status"], rated["mbco_status"]} == {"not_assessable"}
    shown = readable(objectives)
    assert set(shown.iloc[0][[c for c in shown.columns if "breach" in c]]) == {words}
    cells = report_table(objectives).rows
    assert all(words in row and "met" not in row for row in cells if "Recall requests" in row)
    sentence = objectives_sentence(objectives)
    assert sentence is not None and f"Recall requests: {words}" in sentence
    assert sentence.count("Recall requests") == 1  # never among those met or breached
    lines = "\n".join(objective_lines(objectives))
    assert f"Recall requests: {words}" in lines and "not delivered safely" in lines


def test_objectives_in_an_experiment():
    from scenario_edits import REFERENCE
    from sim.experiments.compare import compare
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(REFERENCE.parent / "s02-ndelius-upgrade.yaml")
    experiment = compare(scenario, replications=2, weeks=6, engine="serial")
    table = experiment["objectives"].set_index("activity")
    assert set(table.index) == {o.activity for o in scenario.objectives}
    # four days without the case system: recall requests wait, so the 1-day RTO is breached
    assert table.loc["Recall requests", "p_rto_breached"] == 1.0
    # and every contact is held without a risk check: not delivered safely, so below the MBCO
    assert table.loc["Supervision contacts", "p_mbco_breached"] == 1.0
    assert "not delivered safely" in table.loc["Supervision contacts", "service_counted"]
    assert (
        table[["p_rto_breached", "p_mtpd_breached", "p_mbco_breached"]].stack().between(0, 1).all()
    )


def test_a_lost_recall_and_its_resend_are_one_recall_delivered_when_the_resend_is():
    """A recall sent on day 1 is lost in an email failure; its resend, sent on day 3, is lost
    in turn, and the second resend on day 4 arrives. That is one recall, delivered on day 4
    (never two or three). A lost recall's resend is in the ledger from the loss (sim.model.
    disruptions), so one whose resend is still unsent at the end is never delivered."""
    items = pd.DataFrame(
        {
            "item_id": [0, 1, 2, 3, 4, 5],
            "task": "recall_request",
            "created_minute": [DAY, 3 * DAY, 4 * DAY, DAY, 2 * DAY, DAY + HOUR],
            "due_minute": [2 * DAY, 4 * DAY, 5 * DAY, 2 * DAY, 3 * DAY, 2 * DAY],
            "finished_minute": [DAY + HOUR, 3 * DAY + HOUR, 4 * DAY + HOUR, DAY + HOUR, 2 * DAY]
            + [np.nan],
            "cancelled_minute": np.nan,
            "risk_checked": False,
            # 0 lost (delivered when its last resend is), 1 resends 0 and is lost, 2 resends 1;
            # 3 lost, its resend 5 never sent; 4 an ordinary recall
            "follows_item": [-1, 0, 1, -1, -1, 3],
            "delivered_minute": [4 * DAY + HOUR] * 3 + [np.nan, 2 * DAY, np.nan],
        }
    )
    service = service_of(items, EVERY_RECALL, 6)
    assert service.delivered == (0.0, 0.0, 1.0, 0.0, 1.0, 0.0)
