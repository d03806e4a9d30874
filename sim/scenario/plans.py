"""Contingency plans: named sets of levers, and decisions that change them during a run.

A plan file (``scenarios/plans/*.yaml``) names the levers it pulls; a lever left out is not
pulled. "Do nothing" is the plan with no levers. ``switches`` change the levers from a moment
of the run (a decision taken during an exercise); each switch replaces the whole set of levers.

Levers:

* ``paper_fallback``: tasks whose system is down are done on paper (slower), then re-keyed when
  the system returns (``rekey_minutes`` each); a share ``error_rate`` of re-keyed records have
  to be redone.
* ``printed_risk_register``: RoSH levels, flags and alerts printed every ``refresh_days`` while
  the systems are up; during an outage the print is used for risk checks, but it misses changes
  made after it was printed.
* ``day_lists``: reception prints the day's appointments in advance, so check-in goes on when
  the case system is down.
* ``login_rota``: with a login cap, sessions are given out in slots of ``slot_hours`` by a
  priority rule instead of first come, first served.
* ``triage``: during an outage, contacts at the ``defer_levels`` are put back by
  ``defer_days``; contacts at ``protect_levels`` go ahead.
* ``overtime``: staff of the named roles work up to ``hours_per_week`` extra while there is
  backlog in their queues.
* ``mutual_aid``: ``staff`` extra people of a role join from ``from_day`` (to ``until_day``).
* ``alternative_channel``: recall requests and risk escalations go by phone or another channel
  when email is down, at ``extra_minutes`` each; a lost one is resent by phone once the loss is
  noticed, and with ``confirm_within_hours`` messages are confirmed by phone, so a loss is
  noticed within that many hours.
* ``home_working``: staff sent home by an office cap have kit (``kit_share`` of them).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.domain.vocabulary import Role, RoSH, TaskName
from sim.scenario.frozen import Frozen, Share
from sim.scenario.outages import Moment

RECORD_TASKS: tuple[TaskName, ...] = (
    "contact_recording",
    "enforcement_action",
    "breach_action",
    "court_results_entry",
    "case_allocation",
    "appointment_letter",
    "assessment_review",
    "case_transfer",
)


class PaperFallback(Frozen):
    tasks: tuple[TaskName, ...] = Field(RECORD_TASKS, description="Tasks done on paper.")
    paper_factor: float = Field(1.25, ge=1, le=5, description="Paper takes this much longer.")
    rekey_minutes: float = Field(10.0, gt=0, le=240, description="Re-keying one paper record.")
    error_rate: Share = Field(0.05, description="Share of re-keyed records that must be redone.")


class PrintedRiskRegister(Frozen):
    refresh_days: float = Field(
        7.0, ge=1, le=365, description="Days between prints (at least 1: printed at most daily)."
    )


class DayLists(Frozen):
    pass


class LoginRota(Frozen):
    slot_hours: float = Field(
        2.0, ge=0.25, le=24, description="Length of a slot (at least a quarter of an hour)."
    )
    priority: tuple[Role, ...] = Field(
        ("reception", "court_admin"),
        description="Roles given sessions first, in this order; every other role after them, "
        "all in fair turns (fewest slots so far first).",
    )


class Triage(Frozen):
    defer_days: int = Field(14, ge=1, le=365)
    defer_levels: tuple[RoSH, ...] = ("low",)
    protect_levels: tuple[RoSH, ...] = ("high", "very_high")

    @model_validator(mode="after")
    def _disjoint(self) -> Triage:
        both = set(self.defer_levels) & set(self.protect_levels)
        if both:
            raise ValueError(
                f"{', '.join(sorted(both))} both deferred and protected; "
                "put each RoSH level in one list"
            )
        return self


class Overtime(Frozen):
    hours_per_week: float = Field(gt=0, le=40)
    roles: tuple[Role, ...] = ("probation_officer", "probation_services_officer")


class MutualAid(Frozen):
    staff: int = Field(
        ge=1, le=500, description="People lent from outside (at most 500: a few offices' worth)."
    )
    role: Role = "probation_officer"
    from_day: int = Field(ge=0, le=3650)
    until_day: int | None = Field(None, ge=0, le=3650)

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> MutualAid:
        if self.until_day is not None and self.until_day <= self.from_day:
            raise ValueError(
                f"until_day ({self.until_day}) is not after from_day ({self.from_day}), so "
                "nobody would come; give an until_day after from_day, or leave until_day out"
            )
        return self


class AlternativeChannel(Frozen):
    extra_minutes: float = Field(
        15.0, ge=0, le=240, description="Minutes a message sent by phone takes beyond the email."
    )
    confirm_within_hours: float | None = Field(
        None,
        gt=0,
        le=24 * 14,
        description="Recall requests and risk escalations sent by email are confirmed by phone "
        "within this many hours, so one lost or held in an email failure is noticed then (if "
        "sooner than the failure's detection_days, or its end) and sent again by phone (the "
        "confirming call itself is not counted); left out: no confirmation.",
    )


class HomeWorking(Frozen):
    kit_share: Share = 1.0


class Levers(Frozen):
    """The levers a plan pulls; None (left out): not pulled."""

    paper_fallback: PaperFallback | None = None
    printed_risk_register: PrintedRiskRegister | None = None
    day_lists: DayLists | None = None
    login_rota: LoginRota | None = None
    triage: Triage | None = None
    overtime: Overtime | None = None
    mutual_aid: MutualAid | None = None
    alternative_channel: AlternativeChannel | None = None
    home_working: HomeWorking | None = None


class Switch(Frozen):
    """From ``at`` on, the plan's levers are ``levers``."""

    at: Moment
    levers: Levers


class Plan(Frozen):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    levers: Levers = Levers()
    switches: tuple[Switch, ...] = ()

    def levers_at(self, minute: float) -> Levers:
        """The levers in force at ``minute``."""
        current = self.levers
        for switch in sorted(self.switches, key=lambda s: s.at.minute):
            if switch.at.minute <= minute:
                current = switch.levers
        return current

    def changes_at(self, minute: float) -> bool:
        """Whether the levers in force change at ``minute`` (after the start)."""
        return minute > 0 and self.levers_at(minute) != self.levers_at(minute - 1e-6)

    def change_minutes(self) -> tuple[float, ...]:
        """The minutes after the start at which the levers in force change, each once, in
        order."""
        return tuple(sorted({s.at.minute for s in self.switches if self.changes_at(s.at.minute)}))

    def mutual_aid_loans(self) -> frozenset[MutualAid]:
        """Every loan of staff the plan makes, in any of its switches (the people are in the
        office from the start of a run, working from the loan's first day)."""
        sets = [self.levers, *(s.levers for s in self.switches)]
        return frozenset(levers.mutual_aid for levers in sets if levers.mutual_aid is not None)

    def pulls_any(self) -> bool:
        """Whether any lever is pulled at any time (False: the plan is "do nothing")."""
        sets = [self.levers, *(s.levers for s in self.switches)]
        return any(
            getattr(levers, name) is not None
            for levers in sets
            for name in type(levers).model_fields
        )


DO_NOTHING = Plan(name="Do nothing", description="No contingency levers pulled.")

# The reference of a tabletop decision: the plan as decided so far, carried on unchanged (the
# path the room is on), where none of the decision's options is that already
CARRY_ON = "Carry on as decided"


def reference_words(name: str) -> str:
    """A comparison's reference plan as a sentence names it: "doing nothing", "carrying on as
    decided", or any other reference (only a tabletop decision has one: its option that changes
    nothing) by its name, saying that it carries on."""
    known = {DO_NOTHING.name: "doing nothing", CARRY_ON: "carrying on as decided"}
    return known.get(name, f"{name} (carrying on as decided)")
