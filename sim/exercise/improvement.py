"""The improvement plan as CSV: downloaded after an exercise, reopened at the next one.

Columns: action, capability, owner, due (YYYY-MM-DD or empty), status (open, in progress, done).
Reading checks every row with the same rules as the app's form and says which row and column is
wrong and how to fix it.
"""

from __future__ import annotations

import csv
import io

from pydantic import ValidationError

from sim.scenario.exercise import Action

COLUMNS = ("action", "capability", "owner", "due", "status")
MAX_ROWS = 1000


class ImprovementPlanError(ValueError):
    """A CSV that is not an improvement plan; the message names the row, column and fix."""


def to_csv(actions: tuple[Action, ...] | list[Action]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in actions:
        writer.writerow([a.action, a.capability, a.owner, a.due or "", a.status])
    return out.getvalue()


def from_csv(text: str, name: str = "improvement plan") -> tuple[Action, ...]:
    """The actions of an improvement plan CSV, or an :class:`ImprovementPlanError`."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [c.strip().lower() for c in rows[0]] != list(COLUMNS):
        raise ImprovementPlanError(
            f"{name}: the first row must be the columns {', '.join(COLUMNS)}. Fix: start from a "
            "plan downloaded from an exercise's report."
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ImprovementPlanError(f"{name}: {len(rows) - 1} actions; at most {MAX_ROWS}.")
    actions = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise ImprovementPlanError(
                f"{name}, row {number}: {len(row)} cells; give {len(COLUMNS)} "
                f"({', '.join(COLUMNS)})."
            )
        fields: dict[str, str | None] = dict(zip(COLUMNS, (c.strip() for c in row), strict=True))
        fields["due"] = fields["due"] or None
        try:
            actions.append(Action.model_validate(fields))
        except ValidationError as exc:
            first = exc.errors()[0]
            column = str(first["loc"][0]) if first["loc"] else "row"
            raise ImprovementPlanError(
                f"{name}, row {number}, column {column} = {fields.get(column)!r}: {first['msg']}. "
                "Fix: due as YYYY-MM-DD, status one of open, in progress, done, and an action "
                "on every row."
            ) from None
    return tuple(actions)
