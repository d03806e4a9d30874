"""Settings that load but change nothing, or cannot mean what they say, in a run of a given
length; :func:`without_effect` is the one entry point every view calls (the command line on
standard error, the scenario and plan builders as the user types, Compare, and through
:func:`sim.scenario.exercise_warnings.exercise_without_effect` the exercise page and commands).

Said here: an outage that starts after the run ends or lasts no time, or that the office's size
or its own setting leaves without effect (a login or office cap at or above the headcount, a
slowdown by a factor of 1, a loss or surge of a share of 0, staff away of a role with no one in
post or more of them than are in post); a plan's switch after the end; mutual aid that arrives
after the end. Gathered from the other rules: a lever with nothing to act on in the scenario
(:mod:`sim.scenario.lever_reach`), a lever set to act on nothing or switches that contradict
(:mod:`sim.scenario.lever_settings`), and implausible or contradictory scenario settings
(:mod:`sim.scenario.plausibility`: over-long or past-midnight working days, roles named where
they do nothing, repeats in lists, deadlines before the work can be done, overlapping outages of
which only one holds). Each is said in words, with the field, its value and the fix, so the
command line and the app can warn before the user reads results that do not contain what they
set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.domain.calendar import DAY, moment_words
from sim.scenario.lever_reach import plan_levers_without_effect
from sim.scenario.lever_settings import plan_settings
from sim.scenario.outages import Outages
from sim.scenario.plans import Levers, Plan
from sim.scenario.plausibility import implausible
from sim.scenario.schema import Scenario, filled_posts, headcount

WINDOW_KINDS = ("down", "login_cap", "slow", "email_loss", "office_cap", "staff_absent")
MOMENT_KINDS = ("record_loss", "surges", "work_lost")


def _idle(kind: str, entry: Any, where: str, scenario: Scenario) -> str | None:
    """Why an outage that lasts some time and falls in the run changes nothing all the same:
    its own setting, or the office's size (None: it changes something)."""
    staff = headcount(scenario)
    if kind == "login_cap" and entry.sessions_for(staff) >= staff:
        given = "sessions" if entry.sessions is not None else "share_of_staff"
        return (
            f"{where} allows {entry.sessions_for(staff)} sessions ({given}: "
            f"{getattr(entry, given):g}), no fewer than the office's {staff} staff, so it has "
            f"no effect; give fewer than {staff} sessions"
        )
    if kind == "office_cap" and entry.max_on_site >= staff:
        return (
            f"{where}.max_on_site is {entry.max_on_site}, no fewer than the office's {staff} "
            f"staff, so nobody is sent home and it has no effect; give fewer than {staff}"
        )
    if kind == "slow" and entry.factor == 1:
        return (
            f"{where}.factor is 1, so nothing is slower and it has no effect; give a factor over 1"
        )
    share = {"record_loss": "share", "surges": "share_of_cases", "work_lost": "share"}.get(kind)
    if share and getattr(entry, share) == 0:
        return f"{where}.{share} is 0, so it has no effect; give a share above 0"
    if kind == "work_lost" and entry.completed_within_days == 0:
        return (
            f"{where}.completed_within_days is 0, so no completed work is lost and it has no "
            "effect; give the days back the loss reaches"
        )
    if kind == "staff_absent":
        posts = filled_posts(scenario.office.staffing.role(entry.role))
        if posts == 0:
            return (
                f"{where}.role is {entry.role}, who has no filled posts, so nobody is away and "
                "it has no effect; name a role the office has staff in"
            )
        if entry.staff > posts:
            return (
                f"{where}.staff is {entry.staff}, but the office has only {posts} "
                f"{entry.role.replace('_', ' ')} post{'s' * (posts != 1)} filled, so only "
                f"{posts} can be away; give at most {posts}"
            )
    return None


def outages_without_effect(
    scenario: Scenario, weeks: int, outages: Outages | None = None, path: str = "outages."
) -> list[str]:
    """The scenario's outages (or ``outages`` at ``path``, such as an exercise inject's
    effect) that change nothing in a run of ``weeks``."""
    outages = scenario.outages if outages is None else outages
    end = weeks * 7 * DAY
    found = []
    for kind in WINDOW_KINDS:
        for i, window in enumerate(getattr(outages, kind)):
            where = f"{path}{kind}[{i}]"
            if window.start_minute >= end:
                found.append(
                    f"{where} starts on {moment_words(window.start_minute)}, after the run's "
                    f"{weeks * 7} days: it has no effect (make the run longer or start it "
                    "earlier)"
                )
            elif window.empty:
                found.append(f"{where} lasts no time: it has no effect (give it a length)")
            elif (why := _idle(kind, window, where, scenario)) is not None:
                found.append(why)
    for kind in MOMENT_KINDS:
        for i, moment in enumerate(getattr(outages, kind)):
            where = f"{path}{kind}[{i}]"
            if moment.at.minute >= end:
                found.append(
                    f"{where} happens on {moment_words(moment.at.minute)}, after the "
                    f"run's {weeks * 7} days: it has no effect (make the run longer or move it)"
                )
            elif (why := _idle(kind, moment, where, scenario)) is not None:
                found.append(why)
    return found


def _aid_after_end(levers: Levers, where: str, days: int) -> list[str]:
    aid = levers.mutual_aid
    if aid is None or aid.from_day < days:
        return []
    return [
        f"{where}.mutual_aid starts on day {aid.from_day}, after the run's {days} days: "
        "nobody arrives (make the run longer or set an earlier from_day)"
    ]


def plan_without_effect(plan: Plan, weeks: int) -> list[str]:
    """The parts of ``plan`` that change nothing in a run of ``weeks``."""
    days = weeks * 7
    found = _aid_after_end(plan.levers, f"plan '{plan.name}': levers", days)
    for i, switch in enumerate(plan.switches):
        where = f"plan '{plan.name}': switches[{i}]"
        if switch.at.minute >= days * DAY:
            found.append(
                f"{where} comes on {moment_words(switch.at.minute)}, after the run's {days} days: "
                "its levers are never pulled (make the run longer or switch earlier)"
            )
        else:
            found += _aid_after_end(switch.levers, f"{where}.levers", days)
    return found


def scenario_without_effect(scenario: Scenario, weeks: int) -> list[str]:
    """Everything in ``scenario`` alone that a run of ``weeks`` would not feel or that cannot
    mean what it says (:mod:`sim.scenario.plausibility`)."""
    return outages_without_effect(scenario, weeks) + implausible(scenario)


def without_effect(scenario: Scenario, plans: Sequence[Plan], weeks: int) -> list[str]:
    """Everything in ``scenario`` and ``plans`` that a run of ``weeks`` would not feel or that
    cannot mean what it says: settings past the run's end, outages without effect, implausible
    or contradictory settings (:mod:`sim.scenario.plausibility`), levers set to act on nothing
    or switches that contradict (:mod:`sim.scenario.lever_settings`), and levers the scenario's
    outages give nothing to act on (:mod:`sim.scenario.lever_reach`). The one list of warnings
    every view shows."""
    found = scenario_without_effect(scenario, weeks)
    for plan in plans:
        found += plan_without_effect(plan, weeks)
        found += plan_settings(scenario, plan)
        found += plan_levers_without_effect(scenario, plan, weeks)
    return found
