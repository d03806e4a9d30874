"""The improvement plan as CSV: downloaded after an exercise, reopened at the next one.

Columns: action, capability, owner, due (YYYY-MM-DD or empty), status (open, in progress, done).
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
    """The actions of the plan editor's rows, each cell as given (a row with no action is left
    out; an empty capability, owner or status is none, none and open). A row that breaks a rule
    raises pydantic's ValidationError (a ValueError) naming the field."""
    actions = []
    for row in rows:
        cells = {k: _cell(v) for k, v in row.items()}
        action = cells.get("action")
        if not isinstance(action, str) or not action.strip():
            continue
        actions.append(
            Action.model_validate(
                cells
                | {
                    "status": cells.get("status") or "open",
                    "capability": cells.get("capability") or "",
                    "owner": cells.get("owner") or "",
                }
            )
        )
    return tuple(actions)
