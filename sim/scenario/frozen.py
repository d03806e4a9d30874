"""The base of every scenario and plan model: immutable, unknown fields refused, and the
validators they share (a share between 0 and 1, one of two alternative fields)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Frozen(BaseModel):
    """Base for every scenario and plan model: immutable, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def exactly_one(model: BaseModel, first: str, second: str) -> None:
    """Refuse a model that gives both, or neither, of two alternative fields."""
    if (getattr(model, first) is None) == (getattr(model, second) is None):
        raise ValueError(f"give exactly one of {first} or {second}")


class ProblemAt(ValueError):
    """A validator's complaint about one part of the model it checks, at ``path`` below it
    (field names and list indices, such as ``("decision_points", 1, "at")``): the loader
    points the error at that part's line and field, not at the model as a whole."""

    def __init__(self, message: str, *path: str | int):
        super().__init__(message)
        self.path = path
