"""The improvement plan as CSV: downloaded after an exercise, reopened at the next one.

Columns, as HSEEP's improvement plan: issue, corrective action, capability, responsible
organisation, point of contact, start date, completion date (each YYYY-MM-DD or empty), status
(open, in progress, done). A plan written before the issue, organisation and start date were kept
(columns action, capability, owner, due, status) is read too: any of the columns, in any order,
with a corrective action on every row.

A spreadsheet runs a cell that starts with =, +, - or @ (or a tab or carriage return before one)
as a formula, so a plan opened in one could run what someone typed into an action. Writing puts a
single quote before every such cell (and before a cell that starts with a quote, so that the
quote is not taken for one of these); reading takes that quote off again, so a plan reads back as
it was written.

Reading checks every row with the same rules as the app's form and says which row and column is
wrong and how to fix it. A plan reopened at another exercise keeps every action's capability,
one this exercise does not rate included (:func:`capability_options`): nothing saved is lost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import pandas as pd
from pydantic import ValidationError

from sim.scenario.evaluation import Action

# the heading of each column -> the field of an Action it holds
COLUMNS = {
    "issue": "issue",
    "corrective action": "action",
    "capability": "capability",
    "responsible organisation": "organisation",
    "point of contact": "owner",
    "start date": "start",
    "completion date": "due",
    "status": "status",
}
OLD_COLUMNS = {"action": "action", "owner": "owner", "due": "due"}  # plans written before
MAX_ROWS = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs such a cell
QUOTE = "'"


class ImprovementPlanError(ValueError):
    """A CSV that is not an improvement plan; the message names the row, column and fix."""


def safe_cell(text: str) -> str:
    """``text`` as a cell a spreadsheet shows as text: a single quote before a formula's start
    (or before a quote, so reading can take it off without guessing)."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def cell_text(cell: str) -> str:
    """A cell as :func:`safe_cell` wrote it, back as the text it was."""
    if cell.startswith(QUOTE) and cell[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return cell[1:]
    return cell


def to_csv(actions: tuple[Action, ...] | list[Action]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: a CR in a cell is quoted
    writer.writerow(COLUMNS)
    for a in actions:
        cells = [getattr(a, field) for field in COLUMNS.values()]
        writer.writerow([safe_cell("" if c is None else str(c)) for c in cells])
    return out.getvalue()


def _fields(heading: list[str], name: str) -> list[str]:
    """The Action field of each column (ImprovementPlanError if a column is unknown or twice)."""
    known = {**COLUMNS, **OLD_COLUMNS}
    fields = []
    for cell in heading:
        column = cell.strip().lower()
        if column not in known or known[column] in fields:
            why = "is not a column of one" if column not in known else "is given twice"
            raise ImprovementPlanError(
                f"{name}: the first row must name the columns of an improvement plan; "
                f"{cell.strip()!r} {why}. Fix: use the columns {', '.join(COLUMNS)} (or start "
                "from a plan downloaded from an exercise's report)."
            )
        fields.append(known[column])
    if "action" not in fields:
        raise ImprovementPlanError(
            f"{name}: the first row must name the columns of an improvement plan, among them "
            f"corrective action. Fix: use the columns {', '.join(COLUMNS)}."
        )
    return fields


def from_csv(text: str, name: str = "improvement plan") -> tuple[Action, ...]:
    """The actions of an improvement plan CSV, or an :class:`ImprovementPlanError`."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise ImprovementPlanError(
            f"{name}: the file is empty. Fix: start from a plan downloaded from an exercise's "
            "report."
        )
    fields = _fields(rows[0], name)
    headings = dict(zip(fields, (c.strip() for c in rows[0]), strict=True))
    if len(rows) - 1 > MAX_ROWS:
        raise ImprovementPlanError(f"{name}: {len(rows) - 1} actions; at most {MAX_ROWS}.")
    actions = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(fields):
            raise ImprovementPlanError(
                f"{name}, row {number}: {len(row)} cells; give {len(fields)} "
                f"({', '.join(headings.values())})."
            )
        values = dict(zip(fields, (cell_text(c.strip()) for c in row), strict=True))
        data: dict[str, str | None] = {
            k: (v or None) if k in ("start", "due") else v for k, v in values.items()
        }
        try:
            actions.append(Action.model_validate(data))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            where = f"column {headings[field]} = {data.get(field)!r}" if field else "the row"
            message = first["msg"].removeprefix("Value error, ")
            raise ImprovementPlanError(
                f"{name}, row {number}, {where}: {message}. Fix: dates as YYYY-MM-DD (the "
                "completion on or after the start), status one of open, in progress, done, and "
                "a corrective action on every row."
            ) from None
    return tuple(actions)


def capability_options(
    actions: Iterable[Action], capabilities: Sequence[str]
) -> tuple[list[str], list[str]]:
    """What an action's capability may be in the plan's editor: none (""), this exercise's
    ``capabilities``, then every other one an action names already (from the plan of an earlier
    exercise: kept as it is, never blanked); and those others, to be said beside the plan."""
    others = list(
        dict.fromkeys(a.capability for a in actions if a.capability not in ("", *capabilities))
    )
    return ["", *capabilities, *others], others


def _cell(value: object) -> object:
    """An editor's cell, None where it is empty (NaN, NaT or None)."""
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def from_rows(rows: Iterable[dict]) -> tuple[Action, ...]:
    """The actions of the plan editor's rows, each cell as given (a row with no corrective
    action is left out; an empty text is none, an empty status open). A row that breaks a rule
    raises ImprovementPlanError naming the row and the column by its heading."""
    headings = {field: heading for heading, field in COLUMNS.items()}
    texts = [f for f in COLUMNS.values() if f not in ("start", "due", "status")]
    actions = []
    for number, row in enumerate(rows, start=1):
        cells = {k: _cell(v) for k, v in row.items()}
        action = cells.get("action")
        if not isinstance(action, str) or not action.strip():
            continue
        given = cells | {f: cells.get(f) or "" for f in texts}
        try:
            actions.append(Action.model_validate(given | {"status": cells.get("status") or "open"}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = headings.get(str(first["loc"][0]), "") if first["loc"] else ""
            raise ImprovementPlanError(
                f"row {number}{', ' + where if where else ''}: "
                + first["msg"].removeprefix("Value error, ")
            ) from None
    return tuple(actions)
