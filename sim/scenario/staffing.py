"""The office's staff in a scenario: posts and hours by role, absence, and the practitioner
teams their posts are split into. Part of the validated scenario (:mod:`sim.scenario.schema`,
which re-exports these)."""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.frozen import Frozen


class RoleSettings(Frozen):
    """One role's staff in post and their hours."""

    count: int = Field(
        ge=0,
        le=5_000,
        description="Posts in the establishment (filled or not); at most 5,000 in one office: "
        "a bigger service runs as a national file of several offices (python -m sim national).",
    )
    contracted_hours: float = Field(37.0, gt=0, le=60, description="Full-time hours per week.")
    part_time_share: float = Field(0.0, ge=0, le=1, description="Share of staff working part time.")
    part_time_hours: float = Field(22.2, gt=0, le=60, description="Part-time hours per week.")
    vacancy_rate: float = Field(0.0, ge=0, lt=1, description="Share of posts vacant.")
    case_work_share: float = Field(
        0.8, gt=0, le=1, description="Share of hours at work spent on the modelled tasks."
    )
    organisation: str = Field("Probation Service", min_length=1, max_length=80)

    @model_validator(mode="after")
    def _part_time_is_shorter(self) -> RoleSettings:
        if self.part_time_share > 0 and self.part_time_hours > self.contracted_hours:
            raise ValueError(
                f"part_time_hours ({self.part_time_hours}) is more than contracted_hours "
                f"({self.contracted_hours}); give part-time hours below full-time hours"
            )
        return self


class Staffing(Frozen):
    probation_officer: RoleSettings
    probation_services_officer: RoleSettings
    senior_probation_officer: RoleSettings
    reception: RoleSettings
    court_admin: RoleSettings
    case_admin: RoleSettings

    def role(self, name: str) -> RoleSettings:
        return getattr(self, name)


class Absence(Frozen):
    sickness_days_per_year: float = Field(12.9, ge=0, le=200)
    sickness_spell_days: float = Field(4.0, ge=1, le=60, description="Mean length of a spell.")
    annual_leave_days_per_year: float = Field(27.0, ge=0, le=60)


class Office(Frozen):
    staffing: Staffing
    absence: Absence = Absence()
    teams: int | None = Field(
        None,
        ge=1,
        le=1_000,
        description="Teams the practitioners' posts are split into, each serving its own patch "
        "(a case is allocated within the team of its patch); left out: one team per senior "
        "probation officer post (DOMAIN.md: one SPO per 7-8 practitioners).",
    )
    team_tolerance: float = Field(
        0.2,
        ge=0,
        le=5,
        description="How far above the office's least-loaded practitioner (in WMT capacity, "
        "0.2 = 20 points) a team's least-loaded may be before a case of its patch goes to "
        "another team (assumption: 0.2, range 0.1-0.4).",
    )

    def team_count(self) -> int:
        """The number of practitioner teams (at least one)."""
        return self.teams or max(self.staffing.senior_probation_officer.count, 1)


def filled_posts(role: RoleSettings) -> int:
    """Posts in the establishment minus vacancies, rounded to whole people."""
    return int(round(role.count * (1.0 - role.vacancy_rate)))
