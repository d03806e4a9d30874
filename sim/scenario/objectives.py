"""Business-continuity objectives of a prioritised activity, as a scenario states them: RTO,
MTPD and MBCO (ISO 22301). How a run is assessed against them is :mod:`sim.results.objectives`."""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.domain.vocabulary import TaskName
from sim.scenario.frozen import Frozen, Share


class Objective(Frozen):
    """The continuity objectives of one prioritised activity."""

    activity: str = Field(min_length=1, max_length=80)
    tasks: tuple[TaskName, ...] = Field(min_length=1)
    rto_days: float = Field(ge=0, le=365)
    mtpd_days: float = Field(ge=0, le=365)
    mbco: Share = Field(description="Minimum share of normal daily throughput to keep.")

    @model_validator(mode="after")
    def _rto_within_mtpd(self) -> Objective:
        if self.rto_days > self.mtpd_days:
            raise ValueError(
                f"rto_days ({self.rto_days:g}) is more than mtpd_days "
                f"({self.mtpd_days:g}); the RTO must fall within the MTPD"
            )
        return self
