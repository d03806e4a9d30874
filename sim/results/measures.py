"""The measures, each defined once: its name, its words, its unit, which way is better, and the
views that headline it.

Every view (the comparison table, the verdict, the claim tester, the command line, the report
and the app) reads a measure's words and unit from :data:`MEASURES`, so a measure means the same
thing, under the same label, wherever it is shown. Names are those of PRODUCT.md (backlog,
re-keying debt, missed risk checks, recall delay, late first appointments, late court results,
late enforcement, time to recover, workload).

A view asks for its measures with :func:`headlined`: ``headlined("verdict")`` is the measures the
verdict speaks about, in the registry's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sim.domain.vocabulary import ROSH_LEVELS, pretty

Better = Literal["lower", "higher", "neither"]
# How the offices' values of a measure make the value of several offices together (a national
# run, :mod:`sim.results.national`): counts and hours add up; the backlog and re-keying debt
# measures are read from the daily series summed over the offices (the peak of a sum is not the
# sum of the peaks); a mean or share is the mean over every office's observations (each office
# weighted by how many it has); time to recover is the recovery rule applied to the summed
# backlogs.
Pooling = Literal["sum", "summed_daily", "mean_over_observations", "summed_recovery"]

# The views that headline measures (see :func:`headlined`)
VIEWS = (
    "compared",  # the comparison table of an experiment (paired statistics per plan)
    "verdict",  # the plain-language verdict ranks plans on these
    "verdict_states",  # the verdict states these for each plan, never ranking plans on them
    "command_line",  # python -m sim compare / runs show
    "report",  # the after-action report's comparison table
    "recalls",  # the Compare page's recall table
    "office_workload",  # the Workload page's office-wide table
    "claims",  # office-wide measures the claim tester offers
    "room",  # a tabletop's three for the room: its slide's cards, the players' page, the
    # after-action report's executive summary
    "exercise",  # a tabletop decision's options table on the facilitator's page
    "rehearsal",  # what `exercise run` says of each decision against carrying on
    "first_answer",  # the Compare page's table while a comparison runs
    "office_now",  # a tabletop's office now, as it stands at the clock
)


@dataclass(frozen=True)
class Measure:
    """One measure of a run: ``name`` as stored in the tables, ``label`` in words, ``unit`` of
    its values, which way is ``better``, the ``least`` and ``most`` values it can take (a mean's
    confidence interval is cut there; None: no bound), the ``views`` that headline it and how
    several offices' values make one (``pooled``, see :data:`Pooling`)."""

    name: str
    label: str
    unit: str
    better: Better = "lower"
    least: float | None = 0.0
    most: float | None = None
    views: frozenset[str] = frozenset()
    about: str = ""
    pooled: Pooling = "sum"
    ranked: bool = True  # False: stated for each plan, never a ranking of plans

    @property
    def heading(self) -> str:
        """The label with its unit, for a column or an axis: ``mean backlog (items)``; the label
        alone where it says its unit already (``late recalls``, ``overtime hours``)."""
        return heading(self.label, self.unit)

    @property
    def lower_is_better(self) -> bool:
        return self.better == "lower"


def _words(text: str) -> list[str]:
    return re.findall(r"[\w%]+", text.lower().replace("-", " "))


def says_unit(words: str, unit: str) -> bool:
    """Whether ``words`` say ``unit`` already (``overtime hours so far`` says ``hours``)."""
    said = _words(unit)
    return not said or said[0] in _words(words)


def heading(words: str, unit: str) -> str:
    """A measure's words with its unit, as every column, axis, metric and row of a table is
    headed: ``mean backlog (items)``, ``missed risk checks so far (contacts)``; the words alone
    where they say the unit already (``late recalls``, ``overtime hours so far (weeks ended)``)
    or there is none, so no heading ever says its unit twice. ``words``: the registry's label
    or a view's own words for the measure (the office *now* in an exercise); ``unit``: the
    registry's."""
    return words if says_unit(words, unit) else f"{words} ({unit})"


def _m(name: str, label: str, unit: str, views: str = "", **rest) -> Measure:
    return Measure(name, label, unit, views=frozenset(views.split()), **rest)


_REGISTRY = (
    _m(
        "backlog_mean",
        "mean backlog",
        "items",
        "compared verdict command_line report claims room exercise rehearsal first_answer",
        pooled="summed_daily",
        about="Work not done: items past due and not done at the end of each day, averaged "
        "over the days of the run. Paper records awaiting re-keying are not backlog: they are "
        "the re-keying debt, shown beside it.",
    ),
    _m(
        "backlog_max",
        "peak backlog",
        "items",
        "compared report claims",
        pooled="summed_daily",
        about="The largest end-of-day backlog (work not done) of the run.",
    ),
    _m(
        "backlog_end",
        "backlog at the end of the run",
        "items",
        "office_now",
        pooled="summed_daily",
        about="The backlog (work not done) at the end of the last day.",
    ),
    _m(
        "rekeying_debt_max",
        "peak re-keying debt",
        "records",
        "compared verdict_states command_line report claims exercise rehearsal first_answer",
        pooled="summed_daily",
        ranked=False,
        about="The most paper records written and not yet re-keyed at the end of a day: work "
        "done on paper that still has to be keyed into the case system (from the moment the "
        "record is written until its re-keying is done). Beside the backlog, never in it.",
    ),
    _m(
        "rekeying_debt_hours_max",
        "peak re-keying debt in hours",
        "hours",
        "compared verdict_states command_line report office_workload",
        pooled="summed_daily",
        ranked=False,
        about="The most hours of re-keying owed at the end of a day: each paper record awaiting "
        "re-keying counts the time its re-keying takes.",
    ),
    _m(
        "rekeying_debt_end",
        "re-keying debt at the end of the run",
        "records",
        "compared office_now",
        pooled="summed_daily",
        ranked=False,
        about="Paper records still awaiting re-keying at the end of the last day.",
    ),
    _m(
        "rekeying_debt_hours_end",
        "re-keying debt at the end of the run in hours",
        "hours",
        "office_now",
        pooled="summed_daily",
        ranked=False,
        about="The hours of re-keying still owed at the end of the last day.",
    ),
    _m(
        "missed_risk_checks",
        "missed risk checks",
        "contacts",
        "compared verdict command_line report claims room exercise rehearsal first_answer "
        "office_now",
        about="Contacts held without the pre-contact risk information.",
    ),
    _m(
        "missed_high_risk_checks",
        "missed risk checks at high or very high RoSH",
        "contacts",
        "compared verdict report claims",
        about="Missed risk checks of people at high or very high risk of serious harm.",
    ),
    *(
        _m(
            f"missed_risk_checks_{level}",
            f"missed risk checks at {pretty(level)} RoSH",
            "contacts",
            about=f"Missed risk checks of people at {pretty(level)} RoSH.",
        )
        for level in ROSH_LEVELS
    ),
    _m(
        "deferred_contacts",
        "contacts deferred",
        "contacts",
        "compared",
        about="Contacts put back for lack of the risk information (triage), counted apart from "
        "missed risk checks.",
    ),
    _m(
        "appointments_rebooked",
        "appointments rebooked",
        "appointments",
        "compared verdict command_line report",
        about="People who left unseen after waiting the longest wait for their contact "
        "(caseload.appointment_max_wait_minutes, from arriving) and were booked again for a "
        "later day.",
    ),
    _m(
        "contacts_held",
        "contacts held",
        "contacts",
        better="neither",
        about="Supervision contacts that took place.",
    ),
    _m(
        "late_recalls",
        "late recalls",
        "recalls",
        "compared verdict command_line report recalls claims exercise office_now",
        about="Recall requests delivered after the 24-hour target, or not delivered and past it "
        "at the end of the run; a lost request resent is one recall.",
    ),
    _m(
        "recall_delay_mean",
        "mean recall delay",
        "hours",
        "compared command_line report recalls",
        pooled="mean_over_observations",
        about="Hours from the recall decision to delivery (of the resend, for a lost request); "
        "a recall not delivered by the end of the run counts the hours to the end, so with "
        "any undelivered the mean is a lower bound (read it with the share delivered).",
    ),
    _m(
        "recalls_delivered_share",
        "share of recalls delivered by the end of the run",
        "share",
        "compared report recalls",
        better="higher",
        most=1.0,
        pooled="mean_over_observations",
        about="Recall requests delivered by the end of the run, over those made (1 with none "
        "made); the recalls not delivered are censored in the mean recall delay.",
    ),
    _m(
        "recalls",
        "recall requests",
        "recalls",
        better="neither",
        about="Recall requests made during the run, one per recall decision (a lost request "
        "resent is one recall).",
    ),
    _m(
        "late_first_appointments",
        "late first appointments",
        "cases",
        "compared report",
        about="First appointments later than 5 business days after sentence.",
    ),
    _m(
        "late_court_results",
        "late court results",
        "results",
        "compared office_now",
        about="Court results entered after their deadline, or not entered and past it.",
    ),
    _m(
        "late_enforcement",
        "late enforcement",
        "actions",
        "compared",
        about="Enforcement and breach actions done after their deadline, or not done and past it.",
    ),
    _m(
        "appointment_wait_mean",
        "mean wait at appointments",
        "minutes",
        "compared",
        pooled="mean_over_observations",
        about="Minutes from arrival to the start of the contact, over contacts held.",
    ),
    _m(
        "time_to_recover_days",
        "time to recover",
        "days",
        "compared command_line report claims",
        pooled="summed_recovery",
        about="Days from restoration until the backlog is back to the same replication's "
        "no-outage backlog.",
    ),
    _m(
        "overtime_hours",
        "overtime hours",
        "hours",
        "compared command_line report office_workload claims exercise office_now",
        about="Paid hours worked past the contracted day under an overtime lever, over the "
        "office and the run: staff stay on for them beyond any hours they would have given "
        "unpaid.",
    ),
    _m(
        "overtime_for_unpaid_hours",
        "overtime paid for hours that would have been unpaid",
        "hours",
        "compared report office_workload",
        better="neither",
        about="Of the overtime hours, those the staff would have worked unpaid anyway (staying "
        "to clear their own overdue work): good for staff, but not added capacity. Overtime "
        "hours minus these are the hours the lever added.",
    ),
    _m(
        "double_handling_hours",
        "double-handling hours",
        "hours",
        "compared command_line report office_workload claims",
        about="Hours spent re-keying paper records, redoing forms and rebuilding lost records.",
    ),
    _m(
        "login_wait_hours",
        "hours lost waiting for a login",
        "hours",
        "compared command_line report office_workload claims",
        about="Hours staff spent waiting for a free login session under a login cap, over the "
        "office and the run (time at work with nothing done).",
    ),
    _m(
        "extra_hours",
        "unpaid hours beyond the contracted day",
        "hours",
        "compared office_workload room exercise rehearsal first_answer office_now",
        about="Unpaid hours worked past the end of the contracted day: finishing work in hand, "
        "seeing people still waiting, and practitioners clearing their own overdue work (at "
        "most an hour a day).",
    ),
    _m(
        "task_hours",
        "hours on modelled tasks",
        "hours",
        better="neither",
        about="Hours spent on the modelled tasks, over the office and the run.",
    ),
    _m(
        "workload_mean",
        "mean hours worked against contracted hours",
        "hours worked / contracted",
        better="neither",
        pooled="mean_over_observations",
        about="Hours worked / contracted hours, averaged over people and weeks.",
    ),
    _m(
        "wmt_capacity_mean",
        "mean WMT capacity",
        "% of WMT available points",
        better="neither",
        pooled="mean_over_observations",
        about="Practitioners' case points over their WMT available points, averaged.",
    ),
    _m(
        "staff_over_110_for_4_weeks",
        "staff over 110% WMT capacity for 4 weeks",
        "people",
        "compared report office_workload claims",
        about="People above 110% WMT capacity for 4 or more consecutive weeks.",
    ),
    _m(
        "staff_over_110_hours_4_weeks",
        "staff over 110% of contracted hours for 4 weeks",
        "people",
        "compared report office_workload claims",
        about="People who worked over 110% of their contracted hours for 4 or more consecutive "
        "weeks.",
    ),
    _m("items_done", "work items done on time", "items", better="neither"),
    _m("items_done_late", "work items done late", "items", better="neither"),
    _m("items_pending", "work items not done by the end", "items", better="neither"),
    _m("items_cancelled", "work items cancelled", "items", better="neither"),
)

MEASURES: dict[str, Measure] = {m.name: m for m in _REGISTRY}


def headlined(view: str) -> tuple[str, ...]:
    """The names of the measures ``view`` headlines, in the registry's order."""
    if view not in VIEWS:
        raise KeyError(f"no view {view!r}; the views are: {', '.join(VIEWS)}")
    return tuple(m.name for m in _REGISTRY if view in m.views)


def measure(name: str) -> Measure:
    """The measure called ``name`` (a name not in the registry is shown in words, no unit)."""
    return MEASURES.get(name) or Measure(name, pretty(name), "", better="neither", least=None)


def label(name: str) -> str:
    """A measure's words with its unit: ``mean backlog (items)`` (:func:`heading`)."""
    return measure(name).heading
