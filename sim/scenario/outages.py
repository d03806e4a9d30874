"""Outages: what fails, when, and how, as a timeline per system.

An outage scenario lists windows of disruption in its ``outages:`` section. Times are given as
the day of the run (0 = the first Monday) and an hour of that day; durations in hours or days.

* ``down``: a system is unusable (case system, assessment system, email, court feed, or
  cross-organisation access withdrawn).
* ``login_cap``: at most ``sessions`` people (or ``share_of_staff`` of those in post) can be
  logged in to a system at once.
* ``slow``: tasks needing the system take ``factor`` times as long.
* ``email_loss``: while email is disrupted, a share of messages sent is lost (resent after a
  detection delay) and the rest are held until the window ends.
* ``record_loss``: at a moment, a share of case records disappears; each needs reconstructing,
  and until then that person's risk check cannot be done from the system.
* ``office_cap``: at most ``max_on_site`` staff in the office; the rest work at home, a share of
  them with kit.
* ``surges``: extra work injected at a moment (e.g. review every assessment).
* ``staff_absent``: ``staff`` people of a ``role`` are away for the window's working days
  (sickness spreading through a team, industrial action, staff sent to cover elsewhere): a
  shift that starts in the window is not worked.

A window of zero length, or a cap at or above the headcount, has no effect at all.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.domain.calendar import DAY, HOUR
from sim.domain.vocabulary import RecordTask, Role, System, TaskName
from sim.scenario.frozen import Frozen, Share, exactly_one


class Moment(Frozen):
    """A moment of the run: a day (0 = the first Monday) and an hour of that day."""

    day: int = Field(ge=0, le=3650, description="Day of the run; 0 is the first Monday.")
    hour: float = Field(9.0, ge=0, lt=24, description="Hour of that day.")

    @property
    def minute(self) -> float:
        return self.day * DAY + self.hour * HOUR


class Window(Frozen):
    """A stretch of the run: a start moment and a length in hours or days."""

    start: Moment
    duration_hours: float | None = Field(None, ge=0, le=24 * 3650)
    duration_days: float | None = Field(None, ge=0, le=3650)

    @model_validator(mode="after")
    def _one_length(self) -> Window:
        exactly_one(self, "duration_hours", "duration_days")
        return self

    @property
    def start_minute(self) -> float:
        return self.start.minute

    @property
    def end_minute(self) -> float:
        return self.start.minute + self.hours * HOUR

    @property
    def hours(self) -> float:
        """The window's length in hours (given in hours or in days)."""
        if self.duration_hours is not None:
            return self.duration_hours
        return (self.duration_days or 0.0) * 24

    @property
    def empty(self) -> bool:
        return self.end_minute <= self.start_minute

    def has_effect(self, headcount: int) -> bool:
        """Whether the window changes anything in an office of ``headcount`` filled posts (the
        one rule for the model's windows, recovery and the descriptions of a scenario)."""
        return not self.empty


class Down(Window):
    system: System


class LoginCap(Window):
    system: System = "case_system"
    sessions: int | None = Field(None, ge=0, le=1_000_000)
    share_of_staff: Share | None = None

    @model_validator(mode="after")
    def _one_cap(self) -> LoginCap:
        exactly_one(self, "sessions", "share_of_staff")
        return self

    def sessions_for(self, headcount: int) -> int:
        if self.sessions is not None:
            return self.sessions
        return int((self.share_of_staff or 0.0) * headcount)

    def has_effect(self, headcount: int) -> bool:
        return not self.empty and self.sessions_for(headcount) < headcount


class Slow(Window):
    system: System
    factor: float = Field(ge=1.0, le=20.0, description="Task durations are multiplied by this.")

    def has_effect(self, headcount: int) -> bool:
        return not self.empty and self.factor > 1.0


class EmailLoss(Window):
    lost_share: Share = Field(description="Share of emails sent in the window that are lost.")
    detection_days: float = Field(ge=0, le=365, description="Days until a lost email is noticed.")


class RecordLoss(Frozen):
    at: Moment
    share: Share = Field(description="Share of case records lost.")
    reconstruction_minutes: float = Field(gt=0, le=24 * 60)

    def has_effect(self, headcount: int) -> bool:
        return self.share > 0


class WorkLost(Frozen):
    """Completed work that becomes inaccessible and must be done again (forms completed, then
    lost to an IT failure and completed again by hand: seed 001, S7)."""

    at: Moment
    task: RecordTask = "case_transfer"
    share: Share = Field(description="Share of the task's items completed in the window lost.")
    completed_within_days: float = Field(
        ge=0,
        le=365,
        description="How far back the loss reaches: items of the task completed in these last "
        "days before the moment.",
    )

    def has_effect(self, headcount: int) -> bool:
        return self.share > 0 and self.completed_within_days > 0


class OfficeCap(Window):
    max_on_site: int = Field(ge=0, le=1_000_000)
    home_kit_share: Share = Field(description="Share of staff at home who have kit to log in.")

    def has_effect(self, headcount: int) -> bool:
        return not self.empty and self.max_on_site < headcount


class Surge(Frozen):
    at: Moment
    task: TaskName = "assessment_review"
    share_of_cases: Share = 1.0
    due_working_days: int = Field(20, ge=0, le=260)

    def has_effect(self, headcount: int) -> bool:
        return self.share_of_cases > 0


class StaffAbsent(Window):
    role: Role = "probation_officer"
    staff: int = Field(ge=1, le=5_000, description="People of the role away in the window.")

    def has_effect(self, headcount: int) -> bool:
        return not self.empty


class Outages(Frozen):
    """Every disruption of one scenario. Empty: normal operation."""

    down: tuple[Down, ...] = ()
    login_cap: tuple[LoginCap, ...] = ()
    slow: tuple[Slow, ...] = ()
    email_loss: tuple[EmailLoss, ...] = ()
    record_loss: tuple[RecordLoss, ...] = ()
    work_lost: tuple[WorkLost, ...] = ()
    office_cap: tuple[OfficeCap, ...] = ()
    surges: tuple[Surge, ...] = ()
    staff_absent: tuple[StaffAbsent, ...] = ()


def merged_windows(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Non-empty windows sorted and merged where they overlap or touch."""
    out: list[tuple[float, float]] = []
    for start, end in sorted(w for w in windows if w[1] > w[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
