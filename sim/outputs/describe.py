"""A scenario and its plans described from their configuration, never from prose.

What a page or a report says about the outages, caps and plans that ran comes from here, built
from the validated scenario and plans themselves: :func:`disruption_table` (each disruption's
kind, system, start, end, length, details and whether it has any effect) and :func:`plan_table`
(each plan's levers and settings, and the moment each timed decision takes effect).
"""

from __future__ import annotations

import pandas as pd

from sim.domain.calendar import DAY, HOUR, WEEKDAYS
from sim.domain.vocabulary import pretty
from sim.scenario.outages import merged_windows
from sim.scenario.plans import Levers, Plan
from sim.scenario.schema import Scenario, headcount

KIND_WORDS = {
    "down": "system down",
    "login_cap": "logins capped",
    "slow": "system slow",
    "email_loss": "emails lost or held",
    "record_loss": "case records lost",
    "work_lost": "completed work lost",
    "office_cap": "office capacity capped",
    "surges": "surge of work",
    "staff_absent": "staff away",
}
DISRUPTION_COLUMNS = ("kind", "system", "starts", "ends", "lasts", "details", "effect")
PLAN_COLUMNS = ("plan", "from", "lever", "settings")


def _day(day: int) -> str:
    return f"day {day} ({WEEKDAYS[day % 7].title()}, week {day // 7 + 1})"


def moment(minute: float) -> str:
    """A minute of the run in words: ``day 21 (Mon, week 4) 09:00``. Day 0 is the first Monday."""
    day = int(minute // DAY)
    hours = (minute - day * DAY) / HOUR
    clock = f"{int(hours):02d}:{round((hours - int(hours)) * 60):02d}"
    return f"{_day(day)} {clock}"


def until(minute: float) -> str:
    """The end of a window in words: a window ending at midnight ends with the day before
    (``end of day 24 (Thu, week 4)``), not at 00:00 of the next."""
    day, rest = divmod(minute, DAY)
    return f"end of {_day(int(day) - 1)}" if rest == 0 and day > 0 else moment(minute)


def _length(hours: float) -> str:
    if hours % 24 == 0:
        days = hours / 24
        return f"{days:g} day{'' if days == 1 else 's'}"
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def _system(name: str, system: str) -> str:
    """The office's name for a system, with its kind where the name does not say it."""
    said = pretty(system) in name.lower().replace("-", " ")
    return name if said else f"{name} ({pretty(system)})"


def _details(kind: str, w, staff: int) -> str:
    if kind == "down":
        return "unusable"
    if kind == "login_cap":
        sessions = w.sessions_for(staff)
        share = (
            f" ({w.share_of_staff:.2%} of the {staff} filled posts)"
            if w.share_of_staff is not None
            else ""
        )
        return f"at most {sessions} people logged in at once{share}"
    if kind == "slow":
        return f"tasks needing it take {w.factor:g} times as long"
    if kind == "email_loss":
        return (
            f"{w.lost_share:.0%} of emails sent are lost and resent once noticed, after "
            f"{w.detection_days:g} days; the rest are held until the window ends"
        )
    if kind == "record_loss":
        return (
            f"{w.share:.0%} of case records lost; {w.reconstruction_minutes:g} minutes "
            f"each to rebuild"
        )
    if kind == "work_lost":
        return (
            f"{w.share:.0%} of the {pretty(w.task)} items completed in the "
            f"{w.completed_within_days:g} days before lost: each done again"
        )
    if kind == "staff_absent":
        return f"{w.staff} {pretty(w.role)}(s) away for the shifts in the window"
    if kind == "office_cap":
        return (
            f"at most {w.max_on_site} staff on site; {w.home_kit_share:.0%} of those at "
            f"home have kit"
        )
    return (
        f"{pretty(w.task)} for {w.share_of_cases:.0%} of cases, due within "
        f"{w.due_working_days} working days"
    )


def disruption_table(scenario: Scenario) -> pd.DataFrame:
    """Every disruption of the scenario, one row each, in the order they start."""
    staff = headcount(scenario)
    systems = scenario.systems
    rows = []
    for kind in KIND_WORDS:
        for w in getattr(scenario.outages, kind):
            system = getattr(w, "system", "email" if kind == "email_loss" else None)
            system_words = _system(getattr(systems, system).name, system) if system else ""
            if hasattr(w, "start"):
                start, end = w.start_minute, w.end_minute
                lasts = _length((end - start) / HOUR)
            else:
                start = end = w.at.minute
                lasts = "at once"
            rows.append(
                (
                    start,
                    {
                        "kind": KIND_WORDS[kind],
                        "system": system_words,
                        "starts": moment(start),
                        "ends": until(end) if end > start else moment(end),
                        "lasts": lasts,
                        "details": _details(kind, w, staff),
                        "effect": "yes" if w.has_effect(staff) else "none (changes nothing here)",
                    },
                )
            )
    rows.sort(key=lambda r: r[0])
    return pd.DataFrame([r for _, r in rows], columns=list(DISRUPTION_COLUMNS))


def _value(name: str, value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(pretty(v) for v in value) or "none"
    if isinstance(value, float) and name.endswith(("_rate", "_share")):
        return f"{value:.0%}"
    if isinstance(value, float):
        return f"{value:g}"
    return pretty(value) if isinstance(value, str) else str(value)


def lever_rows(levers: Levers) -> list[tuple[str, str]]:
    """(lever, its settings in words) for each lever pulled."""
    rows = []
    for name in type(levers).model_fields:
        lever = getattr(levers, name)
        if lever is None:
            continue
        settings = "; ".join(
            f"{pretty(field)} {_value(field, getattr(lever, field))}"
            for field in type(lever).model_fields
        )
        rows.append((pretty(name), settings or "on"))
    return rows


def plan_table(plans: list[Plan]) -> pd.DataFrame:
    """Each plan's levers with their settings: those in force from the start, then each timed
    decision from the moment it takes effect."""
    rows = []
    for plan in plans:
        stages = [("the start", plan.levers)]
        stages += [
            (moment(s.at.minute), s.levers)
            for s in sorted(plan.switches, key=lambda s: s.at.minute)
        ]
        for when, levers in stages:
            pulled = lever_rows(levers) or [("none", "no levers pulled")]
            rows += [(plan.name, when, lever, settings) for lever, settings in pulled]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def disruptions_at(scenario: Scenario, minute: float) -> pd.DataFrame:
    """The disruptions in force at ``minute`` (a window that has started and not ended, with an
    effect in this office): the systems' status then. A window followed without a break by
    another of the same kind, system and settings (an outage lengthened) is one, to the later
    end."""
    staff = headcount(scenario)
    found: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for kind in KIND_WORDS:
        for w in getattr(scenario.outages, kind):
            if not hasattr(w, "start") or not w.has_effect(staff):
                continue
            system = getattr(w, "system", "email" if kind == "email_loss" else None)
            name = getattr(scenario.systems, system).name if system else "the office"
            key = (name, KIND_WORDS[kind], _details(kind, w, staff))
            found.setdefault(key, []).append((w.start_minute, w.end_minute))
    rows = []
    for (name, status, details), windows in found.items():
        for start, end in merged_windows(windows):
            if start <= minute < end:
                rows.append(
                    {"system": name, "status": status, "details": details, "until": until(end)}
                )
    return pd.DataFrame(rows, columns=["system", "status", "details", "until"])
