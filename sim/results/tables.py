"""Result tables of one run, with the measures named as in PRODUCT.md.

All tables are tidy (one row per observation) and derived from the ledger of work items and the
staff's time records after the run, so the model's hot loop records nothing but times.

* ``work_items``: every piece of work created, with its times and status; ``follows_item`` is
  the id of the item it follows up (a lost message's resend, a paper record's re-keying, a
  redone form; -1: none), so a measure can tell an original from its follow-ups;
  ``work_minutes`` the time worked on it (desk work broken off for an appointment resumes
  later, so its started and finished times may span a break); ``minutes_needed`` the minutes of
  work it needs in all (its drawn duration, before any slowdown: a re-keying item's is the time
  to re-key its record); ``contact_item`` the contact an
  appointment's step belongs to (its check-in, risk check or the contact itself; -1: none).
* ``backlog_daily``: per day and task, **backlog** = work not done: items past due and not done
  at the day's end. Paper records awaiting re-keying are not backlog, overdue or not: they are
  the re-keying debt, counted beside it (the task ``paper_rekeying`` has no rows here).
* ``rekeying_debt_daily``: per day, **re-keying debt** = paper records written and not yet
  re-keyed at the day's end (``rekeying_debt``, records: from the moment the paper record is
  written until its re-keying is done or cancelled; a wrong re-keying to redo counts again until
  it is redone), and the hours of work they need (``rekeying_debt_hours``).
* ``completed_daily``: per day and task, items completed and completed late.
* ``staff_weekly``: per person and week, contracted hours, hours worked, task hours, extra hours
  past the contracted day (unpaid), overtime hours (paid) and of them those the person would
  have worked unpaid anyway, double-handling and login-wait hours, and **workload** = hours
  worked / contracted hours; for practitioners also WMT ``case_points`` held at the start of
  the week, ``available_points`` and ``wmt_capacity`` (%) (see :mod:`sim.results.workload`).
* ``risk_checks``: per RoSH level, contacts held, **missed risk checks**, deferred contacts,
  failures to attend and appointments rebooked (the person left unseen after the longest wait).
* ``login_sessions`` and ``login_roles``: per capped login window (and role), its sessions, who
  was given them, the hours waited for one and the hours worked (:mod:`sim.model.logins`).
* ``event_counts``: counts of events (cases arriving and ending, failures to attend, ...).
* ``summary``: one row per headline measure (computed in :mod:`sim.results.summary`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY, HOUR
from sim.model.office import OfficeModel
from sim.model.staff import add_by_week
from sim.model.work import STATUSES
from sim.results.summary import RunTables, summary_table
from sim.results.workload import weekly_case_points, with_wmt
from sim.scenario.schema import ROSH_LEVELS, TASK_NAMES

INF = float("inf")
OUTCOMES = ("", "booked", "held", "failed_to_attend", "deferred", "rebooked")


@dataclass(frozen=True)
class Tables:
    """Named tidy tables (pandas DataFrames) with the manifest that says how they were made."""

    manifest: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


@dataclass(frozen=True)
class RunResult(Tables):
    """The tables and manifest of one run."""

    def measure(self, name: str) -> float:
        """A headline measure's value from the ``summary`` table."""
        summary = self.tables["summary"]
        return float(summary.loc[summary["measure"] == name, "value"].iloc[0])


TASK_CODE = {name: code for code, name in enumerate(TASK_NAMES)}
OUTCOME_CODE = {name: code for code, name in enumerate(OUTCOMES)}
NAN = float("nan")
COLUMNS = 20  # the numbers of one item (:func:`_item_row`)


def _item_row(it) -> tuple:
    """One item as plain numbers: categories as integer codes, missing times as NaN."""
    case = it.case
    step_of = it.appointment
    appointment = step_of if it.task == "supervision_contact" else None
    finished, cancelled = it.finished, it.cancelled
    status = (
        3 if cancelled is not None else 2 if finished is None else 1 if finished > it.due else 0
    )  # codes of STATUSES
    return (
        it.id,
        TASK_CODE[it.task],
        -1 if case is None else case.id,
        -1 if case is None else case.rosh,
        it.created,
        it.due,
        NAN if it.arrived is None else it.arrived,
        NAN if it.started is None else it.started,
        NAN if finished is None else finished,
        NAN if cancelled is None else cancelled,
        -1 if it.staff is None else it.staff,
        status,
        appointment is not None and appointment.first,
        appointment is not None and appointment.risk_checked,
        0 if appointment is None else OUTCOME_CODE[appointment.outcome],
        NAN if it.delivered is None else it.delivered,
        -1 if it.follows is None else it.follows.id,
        it.worked,
        -1 if step_of is None else step_of.contact_id,
        it.duration,
    )


def work_items_table(office: OfficeModel) -> pd.DataFrame:
    """One row per work item ever created (one pass over the ledger, straight into one array:
    about a third faster than a list of row tuples at London size)."""
    fields = chain.from_iterable(map(_item_row, office.items))
    rows = np.fromiter(fields, dtype=float, count=COLUMNS * len(office.items)).reshape(-1, COLUMNS)
    ints = np.zeros(rows.shape, dtype=np.int64)
    whole = [0, 1, 2, 3, 10, 11, 14, 16, 18]  # ids or category codes (never NaN)
    ints[:, whole] = rows[:, whole]

    def categorical(column: int, categories: tuple[str, ...]) -> pd.Categorical:
        return pd.Categorical.from_codes(ints[:, column], categories=list(categories))

    return pd.DataFrame(
        {
            "item_id": ints[:, 0],
            "task": categorical(1, TASK_NAMES),
            "case_id": ints[:, 2],
            "rosh": categorical(3, ROSH_LEVELS),
            "created_minute": rows[:, 4],
            "due_minute": rows[:, 5],
            "arrived_minute": rows[:, 6],
            "started_minute": rows[:, 7],
            "finished_minute": rows[:, 8],
            "cancelled_minute": rows[:, 9],
            "staff_id": ints[:, 10],
            "status": categorical(11, STATUSES),
            "first_appointment": rows[:, 12].astype(bool),
            "risk_checked": rows[:, 13].astype(bool),
            "outcome": categorical(14, OUTCOMES),
            "delivered_minute": rows[:, 15],
            "follows_item": ints[:, 16],
            "work_minutes": rows[:, 17],
            "contact_item": ints[:, 18],
            "minutes_needed": rows[:, 19],
        }
    )


def _closed_at(items: pd.DataFrame) -> np.ndarray:
    """When each item stopped being owed: finished or cancelled, else never."""
    return np.fmin(
        items["finished_minute"].fillna(INF).to_numpy(),
        items["cancelled_minute"].fillna(INF).to_numpy(),
    )


# Paper records awaiting re-keying: the re-keying debt, never backlog (PRODUCT.md)
REKEYING = "paper_rekeying"
BACKLOG_TASKS = tuple(name for name in TASK_NAMES if name != REKEYING)


def day_ends(n_days: int) -> np.ndarray:
    """The minute each day of the run ends."""
    return (np.arange(n_days) + 1.0) * DAY


def backlog_daily_table(items: pd.DataFrame, n_days: int) -> pd.DataFrame:
    """Per day and task (re-keying aside): items past due and not done at the day's end. An item
    counts from its due time only once it exists: a contact rebooked later keeps its earlier
    deadline, and the one it replaces is owed until then, never both at once."""
    closed = _closed_at(items)
    # owed from the later of its deadline and its creation
    due = np.maximum(items["due_minute"].to_numpy(), items["created_minute"].to_numpy())
    task = items["task"].cat.codes.to_numpy()
    ends = day_ends(n_days)
    rows = []
    for name in BACKLOG_TASKS:
        mask = task == TASK_CODE[name]
        d, c = due[mask], closed[mask]
        for day, end in enumerate(ends):
            rows.append((day, name, int(np.count_nonzero((d < end) & (c > end)))))
    return pd.DataFrame(rows, columns=["day", "task", "backlog"])


def rekeying_debt_daily_table(items: pd.DataFrame, n_days: int) -> pd.DataFrame:
    """Per day: paper records written and not yet re-keyed at the day's end, and the hours of
    re-keying they need (each record's ``minutes_needed``)."""
    rekeying = (items["task"] == REKEYING).to_numpy()
    written = items["created_minute"].to_numpy()[rekeying]
    closed = _closed_at(items)[rekeying]
    minutes = items["minutes_needed"].to_numpy()[rekeying]
    records, hours = [], []
    for end in day_ends(n_days):
        owed = (written < end) & (closed > end)
        records.append(int(np.count_nonzero(owed)))
        hours.append(float(minutes[owed].sum()) / HOUR)
    return pd.DataFrame(
        {"day": range(n_days), "rekeying_debt": records, "rekeying_debt_hours": hours}
    )


def completed_daily_table(items: pd.DataFrame, n_days: int) -> pd.DataFrame:
    done = items[items["finished_minute"].notna()]
    day = (done["finished_minute"] // DAY).astype(int)
    late = done["finished_minute"] > done["due_minute"]
    frame = pd.DataFrame({"day": day, "task": done["task"].astype(str), "late": late})
    grid = pd.MultiIndex.from_product([range(n_days), TASK_NAMES], names=["day", "task"])
    grouped = frame.groupby(["day", "task"])["late"].agg(completed="size", completed_late="sum")
    out = grouped.reindex(grid, fill_value=0).reset_index()
    return out.astype({"completed": int, "completed_late": int})


def staff_weekly_table(office: OfficeModel) -> pd.DataFrame:
    rows = []
    for s in office.staff:
        at_work = [0.0] * (office.weeks + 1)  # the last: after the run
        for shift in s.shifts:
            add_by_week(at_work, shift.start, shift.end - shift.start)
        for week in range(office.weeks):
            worked = (at_work[week] + s.extra_minutes[week] + s.overtime_minutes[week]) / HOUR
            rows.append(
                (
                    s.id,
                    s.role,
                    s.organisation,
                    s.part_time,
                    week,
                    s.contracted_hours,
                    at_work[week] / HOUR,
                    s.task_minutes[week] / HOUR,
                    s.extra_minutes[week] / HOUR,
                    s.overtime_minutes[week] / HOUR,
                    s.overtime_for_unpaid_minutes[week] / HOUR,
                    s.double_handling_minutes[week] / HOUR,
                    s.login_wait_minutes[week] / HOUR,
                    worked,
                    worked / s.contracted_hours,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "staff_id",
            "role",
            "organisation",
            "part_time",
            "week",
            "contracted_hours",
            "hours_at_work",
            "task_hours",
            "extra_hours",
            "overtime_hours",
            "overtime_for_unpaid_hours",
            "double_handling_hours",
            "login_wait_hours",
            "hours_worked",
            "workload",
        ],
    )


def risk_checks_table(items: pd.DataFrame) -> pd.DataFrame:
    contacts = items[items["task"] == "supervision_contact"]
    rows = []
    for level in ROSH_LEVELS:
        c = contacts[contacts["rosh"] == level]
        held = c["outcome"] == "held"
        rows.append(
            (
                level,
                int(held.sum()),
                int((held & ~c["risk_checked"]).sum()),
                int((c["outcome"] == "deferred").sum()),
                int((c["outcome"] == "failed_to_attend").sum()),
                int((c["outcome"] == "rebooked").sum()),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "rosh",
            "contacts_held",
            "missed_risk_checks",
            "deferred_contacts",
            "failed_to_attend",
            "appointments_rebooked",
        ],
    )


def build_tables(office: OfficeModel, n_days: int) -> dict[str, pd.DataFrame]:
    items = work_items_table(office)
    backlog = backlog_daily_table(items, n_days)
    debt = rekeying_debt_daily_table(items, n_days)
    staff = with_wmt(staff_weekly_table(office), weekly_case_points(office, items))
    risk = risk_checks_table(items)
    counts = pd.DataFrame(sorted(office.counts.items()), columns=["event", "count"])
    return {
        "work_items": items,
        "backlog_daily": backlog,
        "rekeying_debt_daily": debt,
        "completed_daily": completed_daily_table(items, n_days),
        "staff_weekly": staff,
        "risk_checks": risk,
        "event_counts": counts,
        "summary": summary_table(RunTables(items, backlog, staff, risk, n_days * DAY, debt)),
    }
