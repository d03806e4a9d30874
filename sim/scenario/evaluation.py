"""How an exercise is evaluated, as HSEEP (2020) structures it: the capabilities evaluated with
their critical tasks (the exercise evaluation guide), the exercise objectives tied to them, and
what evaluators and the room record during and after play: timestamped observations (strengths,
areas for improvement, other observations), a rating per capability (P, S, M or U), the hot
wash, and the improvement plan's corrective actions.

The models are read from exercise and decisions files (:mod:`sim.scenario.exercise`) and kept in
an exercise's log (:mod:`sim.exercise.log`); every field added since the first version has a
default, so files and logs written before still load.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.frozen import Frozen
from sim.scenario.outages import Moment

KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\Z")
KEY_RULE = "lower-case letters, digits and dashes, starting with a letter or digit"
RATINGS = {
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}  # HSEEP's capability ratings
KINDS = ("strength", "area for improvement", "observation")  # what an observation records
HOT_WASH = ("went well", "to improve")  # the two questions of the hot wash
STATUSES = ("open", "in progress", "done")  # an improvement plan action's

# One short item of a list: an expected player action, a critical task
ShortText = Annotated[str, Field(min_length=1, max_length=300)]


def key(value: str) -> str:
    """``value`` if it is a valid id (an inject's, a decision point's, an objective's)."""
    if not KEY.match(value):
        raise ValueError(f"{value!r} is not a valid id: use {KEY_RULE} (at most 60)")
    return value


def distinct(items: tuple[str, ...], what: str, where: str) -> tuple[str, ...]:
    """``items`` if none is given twice (``what``: the items' name, ``where``: their owner)."""
    repeated = sorted({i for i in items if items.count(i) > 1})
    if repeated:
        raise ValueError(f"{what} {repeated[0]!r} is given twice in {where}; give it once")
    return items


class Capability(Frozen):
    """A capability the evaluators rate, with its critical tasks: what must be done for it to
    be performed (the exercise evaluation guide)."""

    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    critical_tasks: tuple[ShortText, ...] = Field(
        (), max_length=20, description="The tasks evaluators look for (the evaluation guide)."
    )

    @model_validator(mode="after")
    def _tasks_once(self) -> Capability:
        distinct(self.critical_tasks, "critical task", f"capability {self.name!r}")
        return self


class Objective(Frozen):
    """An exercise objective: what the exercise is to show, tied to the capabilities that
    evaluate it."""

    id: str
    text: str = Field(min_length=1, max_length=1000)
    capabilities: tuple[str, ...] = Field(
        min_length=1, description="The names of the capabilities it is tied to."
    )

    _id = field_validator("id")(classmethod(lambda cls, v: key(v)))


class Rating(Frozen):
    """An evaluator's rating of a capability (``observation``: a summary of why, optional)."""

    capability: str
    rating: Literal["P", "S", "M", "U"]
    observation: str = Field("", max_length=4000)
    evaluator: str = Field("", max_length=200)


class Observation(Frozen):
    """What an evaluator saw, when and of what: at the exercise's clock (``at``) and the
    wall-clock time it was written down (``recorded``, UTC; none in a decisions file)."""

    at: Moment
    recorded: dt.datetime | None = None
    by: str = Field(min_length=1, max_length=200, description="The evaluator.")
    capability: str
    critical_task: str = Field("", max_length=300)
    kind: Literal["strength", "area for improvement", "observation"] = "observation"
    text: str = Field(min_length=1, max_length=4000)


class HotWashItem(Frozen):
    """One thing said at the hot wash, the discussion right after play: what went well or what
    to improve, and who said it."""

    kind: Literal["went well", "to improve"]
    text: str = Field(min_length=1, max_length=2000)
    by: str = Field("", max_length=200)


class Action(Frozen):
    """One line of the improvement plan: the issue (an area for improvement), the corrective
    action, the capability, the organisation responsible and its point of contact (``owner``:
    a post), the start and completion (``due``) dates, and its status."""

    issue: str = Field("", max_length=1000)
    action: str = Field(min_length=1, max_length=1000, description="The corrective action.")
    capability: str = Field("", max_length=120)
    organisation: str = Field("", max_length=200, description="The organisation responsible.")
    owner: str = Field("", max_length=200, description="Its point of contact.")
    start: dt.date | None = None
    due: dt.date | None = Field(None, description="The completion date.")
    status: Literal["open", "in progress", "done"] = "open"

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Action:
        if self.start is not None and self.due is not None and self.due < self.start:
            raise ValueError(
                f"the completion date ({self.due}) is before the start date ({self.start}); "
                "give a completion date on or after the start"
            )
        return self
