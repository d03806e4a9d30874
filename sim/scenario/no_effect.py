"""Settings that are valid but change nothing in a run of a given length: an outage that starts
after the run ends or lasts no time, a plan's switch after the end, mutual aid that arrives after
the end, and (:mod:`sim.scenario.lever_reach`) a lever with nothing to act on in the scenario.
Each is said in words, with the field and the fix, so the command line and the app can warn
before the user reads results that do not contain what they set.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.domain.calendar import DAY, day_words
from sim.scenario.lever_reach import plan_levers_without_effect
from sim.scenario.plans import Levers, Plan
from sim.scenario.schema import Scenario

WINDOW_KINDS = ("down", "login_cap", "slow", "email_loss", "office_cap", "staff_absent")
MOMENT_KINDS = ("record_loss", "surges", "work_lost")


def outages_without_effect(scenario: Scenario, weeks: int) -> list[str]:
    """The scenario's outages that change nothing in a run of ``weeks``."""
    end = weeks * 7 * DAY
    found = []
    for kind in WINDOW_KINDS:
        for i, window in enumerate(getattr(scenario.outages, kind)):
            where = f"outages.{kind}[{i}]"
            if window.start_minute >= end:
                found.append(
                    f"{where} starts on {day_words(window.start_minute)}, after the run's "
                    f"{weeks * 7} days: it has no effect (make the run longer or start it "
                    "earlier)"
                )
            elif window.empty:
                found.append(f"{where} lasts no time: it has no effect (give it a length)")
    for kind in MOMENT_KINDS:
        for i, moment in enumerate(getattr(scenario.outages, kind)):
            if moment.at.minute >= end:
                found.append(
                    f"outages.{kind}[{i}] happens on {day_words(moment.at.minute)}, after the "
                    f"run's {weeks * 7} days: it has no effect (make the run longer or move it)"
                )
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
                f"{where} comes on {day_words(switch.at.minute)}, after the run's {days} days: "
                "its levers are never pulled (make the run longer or switch earlier)"
            )
        else:
            found += _aid_after_end(switch.levers, f"{where}.levers", days)
    return found


def without_effect(scenario: Scenario, plans: Sequence[Plan], weeks: int) -> list[str]:
    """Everything in ``scenario`` and ``plans`` that a run of ``weeks`` would not feel: settings
    past the run's end, and levers the scenario's outages give nothing to act on
    (:mod:`sim.scenario.lever_reach`)."""
    found = outages_without_effect(scenario, weeks)
    for plan in plans:
        found += plan_without_effect(plan, weeks)
        found += plan_levers_without_effect(scenario, plan, weeks)
    return found
