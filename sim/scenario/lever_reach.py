"""Levers that a scenario's outages give nothing to act on, said before a run.

Every lever is valid whatever the scenario, but most act only on some disruptions. For a set of
levers in force over a stretch of the run (a plan's levers from the start, a timed decision's
from its moment, an exercise option's from its decision point) these rules name each lever that
has nothing to act on, in a sentence naming who pulls it, the lever, why and the fix. They follow
docs/model.md ("Contingency rules", "Contingency plans", "Login caps"):

* ``login_rota``: only while a login cap leaves fewer sessions than the office has staff.
* ``paper_fallback``: on its tasks, while a system one of them needs is unusable (down, capped,
  an office cap keeping staff at home without kit, cross-organisation access down for a task on
  another organisation's case).
* ``printed_risk_register``, ``triage``: when the risk check cannot be done from the systems (as
  above for the risk check's systems, or records lost).
* ``day_lists``: when reception check-in lacks a system it needs.
* ``alternative_channel``: while email is down or capped, or messages are lost (``email_loss``,
  until they are noticed).
* ``home_working``: under an office cap whose own ``home_kit_share`` is below its ``kit_share``.
* ``overtime``: for its roles, on the work the outages make late (tasks needing a system down,
  capped or slow; a surge's task; lost messages; lost records to rebuild; an absent role's work):
  nothing if none of its roles does any of it. It and ``mutual_aid`` clear backlog whenever it
  is there, so they are judged on every outage begun by the end of their stretch, and never in
  normal operation.

Levers in force while no outage is (after every outage has ended, or before the first) are named
in one sentence, all but overtime and mutual aid; with no outage in the run at all, one sentence
per plan. What each outage takes away and makes late is :mod:`sim.scenario.outage_reach`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.domain.calendar import DAY, moment_words
from sim.domain.vocabulary import TASK_NAMES, TASK_WORDS, pretty
from sim.scenario.lever_settings import acts_on_nothing
from sim.scenario.outage_reach import (
    FOLLOW_UPS,
    Disruption,
    disruptions,
    doers,
    lacking,
    made_late,
)
from sim.scenario.plans import Levers, Plan
from sim.scenario.schema import TEAM_TASKS, Scenario, headcount

BACKLOG_LEVERS = ("overtime", "mutual_aid")  # clear backlog whenever pulled


@dataclass(frozen=True)
class Reach:
    """What a set of levers meets: the outages in force over its stretch (``during``) and every
    one begun by its end (``begun``: the backlog they leave); ``span`` says the stretch in words
    and ``path`` is where the levers are in the file."""

    scenario: Scenario
    start: float
    during: tuple[Disruption, ...]
    begun: tuple[Disruption, ...]
    span: str
    path: str

    def lacks(self, task: str) -> bool:
        return any(lacking(self.scenario, task, d) for d in self.during)

    def systems(self, task: str) -> str:
        return listing([pretty(s) for s in self.scenario.tasks.get(task).systems])


Verdict = tuple[str, str] | None  # (why, fix) when the lever changes nothing


def listing(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1] if items else ""]))


def _words(tasks: list[str], names: bool = True, most: int = 4) -> str:
    """Tasks in the office's words (``transfer forms (case_transfer)``), at most ``most``."""
    shown = [TASK_WORDS[t] + (f" ({t})" if names else "") for t in tasks[:most]]
    more = len(tasks) - len(shown)
    return listing(shown + ([f"{more} more"] if more > 0 else []))


def login_rota(reach: Reach, lever: Any) -> Verdict:
    if any(d.kind == "login_cap" for d in reach.during):
        return None
    staff = headcount(reach.scenario)
    return (
        f"no login cap leaves fewer sessions than the office's {staff} staff{reach.span}",
        f"a rota shares out capped sessions only: add a login_cap outage, or leave "
        f"{reach.path}login_rota out",
    )


def paper_fallback(reach: Reach, lever: Any) -> Verdict:
    if any(reach.lacks(t) for t in lever.tasks):
        return None
    own_rules = ("risk_check", "reception_check_in", *FOLLOW_UPS)
    others = [t for t in TASK_NAMES if t not in own_rules and reach.lacks(t)]
    return (
        f"none of its tasks ({_words(list(lever.tasks), names=False, most=3)}) needs a system "
        f"that is down, capped or out of reach{reach.span}",
        f"add {listing(others)} to {reach.path}paper_fallback.tasks, or leave it out"
        if others
        else f"paper stands in only for a system that is down or capped: leave "
        f"{reach.path}paper_fallback out",
    )


def _risk_check_answer(name: str) -> Callable[[Reach, Any], Verdict]:
    def rule(reach: Reach, lever: Any) -> Verdict:
        lost = any(d.kind == "record_loss" for d in reach.during)
        if lost or reach.lacks("risk_check"):
            return None
        return (
            f"the risk check can always be done from the {reach.systems('risk_check')}"
            f"{reach.span}: no outage takes them down or caps them, loses records, keeps staff "
            "at home without kit or locks staff out of another organisation's cases",
            f"it acts only when the risk check cannot be done from the systems: leave "
            f"{reach.path}{name} out, or add the outage it is meant for",
        )

    return rule


def day_lists(reach: Reach, lever: Any) -> Verdict:
    if reach.lacks("reception_check_in"):
        return None
    return (
        f"reception check-in never lacks the {reach.systems('reception_check_in') or 'systems'} "
        f"it needs{reach.span}",
        f"they stand in only for a system check-in needs that is down or capped: leave "
        f"{reach.path}day_lists out",
    )


def alternative_channel(reach: Reach, lever: Any) -> Verdict:
    for d in reach.during:
        if d.kind == "email_loss" or (
            d.kind in ("down", "login_cap") and d.entry.system == "email"
        ):
            return None
    return (
        f"email is neither down nor capped, and no email is lost{reach.span}",
        "the channel acts only while email is down or messages are lost (email_loss): leave "
        f"{reach.path}alternative_channel out",
    )


def home_working(reach: Reach, lever: Any) -> Verdict:
    caps = [d.entry.home_kit_share for d in reach.during if d.kind == "office_cap"]
    if not caps:
        return f"no office cap sends staff home{reach.span}", f"leave {reach.path}home_working out"
    if lever.kit_share > min(caps):
        return None
    own = "the office cap's own" if len(caps) == 1 else "every office cap's own"
    return (
        f"its kit_share ({lever.kit_share:g}) is not above {own} home_kit_share "
        f"({max(caps):g}), so no more staff at home have kit than without it",
        f"raise {reach.path}home_working.kit_share above {max(caps):g}, or leave it out",
    )


def _doer_words(scenario: Scenario, task: str) -> str:
    roles = ", ".join(pretty(r) for r in doers(scenario, task))
    return roles if task in TEAM_TASKS else f"the case holder ({roles})"


def overtime(reach: Reach, lever: Any) -> Verdict:
    scenario = reach.scenario
    late = set().union(*(made_late(scenario, d) for d in reach.begun))
    late_tasks = [t for t in TASK_NAMES if t in late]
    if not late_tasks or any(set(lever.roles) & set(doers(scenario, t)) for t in late_tasks):
        return None
    groups: dict[str, list[str]] = {}
    for task in late_tasks:
        groups.setdefault(_doer_words(scenario, task), []).append(task)
    why = "; ".join(f"{_words(tasks)} are done by {who}" for who, tasks in groups.items())
    which = "those roles" if len(groups) == 1 else "one of those roles"
    return why, f"add {which} to {reach.path}overtime.roles"


RULES: dict[str, Callable[[Reach, Any], Verdict]] = {
    "paper_fallback": paper_fallback,
    "printed_risk_register": _risk_check_answer("printed_risk_register"),
    "day_lists": day_lists,
    "login_rota": login_rota,
    "triage": _risk_check_answer("triage"),
    "overtime": overtime,
    "alternative_channel": alternative_channel,
    "home_working": home_working,
}


def lever_words(name: str, lever: Any) -> str:
    if name == "overtime":
        return "overtime for " + (listing([pretty(r) for r in lever.roles]) or "no role")
    return pretty(name)


def _pulled(levers: Levers) -> list[str]:
    """The levers pulled, less those set to act on nothing whatever the outages (said by
    :mod:`sim.scenario.lever_settings`)."""
    return [
        n
        for n in type(levers).model_fields
        if getattr(levers, n) is not None and acts_on_nothing(n, getattr(levers, n)) is None
    ]


def _span(start: float, stop: float, run_end: float) -> str:
    if start <= 0:
        return "" if stop >= run_end else f" before {moment_words(stop)}"
    if stop >= run_end:
        return f" from {moment_words(start)} on"
    return f" between {moment_words(start)} and {moment_words(stop)}"


def _and_verb(names: list[str]) -> str:
    """``paper fallback and triage change`` / ``triage changes``."""
    verb = "changes" if len(names) == 1 and names[0] != "day_lists" else "change"
    return f"{listing([pretty(n) for n in names])} {verb}"


def _nothing_in_force(reach: Reach, who: str, names: list[str], every: list[Disruption]) -> str:
    """The sentence for levers in force over a stretch no outage touches."""
    last = max(d.end for d in every)
    if all(d.end <= reach.start for d in every):
        return (
            f"{who}: every outage has ended by then (the last on {moment_words(last)}), so its "
            f"{_and_verb(names)} nothing (only overtime and mutual aid clear the backlog left); "
            f"pull them before {moment_words(last)}"
        )
    them = "it" if _and_verb(names).endswith("changes") else "them"
    return (
        f"{who}: no outage is in force{reach.span}, so its {_and_verb(names)} nothing; keep "
        f"{them} in force while an outage is"
    )


def levers_without_effect(
    scenario: Scenario,
    levers: Levers,
    stretch: tuple[float, float],
    run_end: float,
    who: str,
    path: str,
) -> list[str]:
    """Each lever of ``levers``, in force over ``stretch`` (start and stop minutes), that the
    scenario's outages give nothing to act on, in a sentence beginning with ``who``; ``path``
    is where the levers are in the file (``switches[0].levers.``). A scenario with no outage at
    all is :func:`plan_levers_without_effect`'s to say, once per plan."""
    start, stop = stretch[0], min(stretch[1], run_end)
    every = disruptions(scenario, run_end)
    if stop <= start or not every:
        return []
    during = tuple(d for d in every if d.start < stop and d.end > start)
    begun = tuple(d for d in every if d.start < stop)
    reach = Reach(scenario, start, during, begun, _span(start, stop, run_end), path)
    pulled = [n for n in _pulled(levers) if n in RULES]
    found = []
    if not during:
        others = [n for n in pulled if n not in BACKLOG_LEVERS]
        if others:
            found.append(_nothing_in_force(reach, who, others, every))
        pulled = [n for n in pulled if n in BACKLOG_LEVERS]
    for name in pulled:
        lever = getattr(levers, name)
        verdict = RULES[name](reach, lever)
        if verdict is not None:
            why, fix = verdict
            verb = "change" if name == "day_lists" else "changes"
            found.append(f"{who}: {lever_words(name, lever)} {verb} nothing here: {why}; {fix}")
    return found


def stretches(plan: Plan, run_end: float) -> list[tuple[str, str, Levers, float, float]]:
    """Each set of levers of ``plan`` with where it is and when it is in force: (who, path,
    levers, start, stop), the plan's own levers first."""
    order = sorted(range(len(plan.switches)), key=lambda i: plan.switches[i].at.minute)
    moments = [plan.switches[i].at.minute for i in order] + [run_end]
    found = [(f"plan '{plan.name}'", "", plan.levers, 0.0, moments[0])]
    for k, i in enumerate(order):
        found.append(
            (
                f"plan '{plan.name}', switches[{i}]",
                f"switches[{i}].levers.",
                plan.switches[i].levers,
                moments[k],
                moments[k + 1],
            )
        )
    return found


def without_outages(who: str, sets: Sequence[Levers]) -> list[str]:
    """One sentence for levers pulled in a scenario with no outage in the run: all but overtime
    and mutual aid change nothing (none: nothing to say)."""
    names = list(dict.fromkeys(n for s in sets for n in _pulled(s) if n not in BACKLOG_LEVERS))
    if not names:
        return []
    return [
        f"{who}: the scenario has no outage in the run, so its {_and_verb(names)} nothing (only "
        "overtime and mutual aid act in normal operation); compare it on a scenario with the "
        "outage it is meant for"
    ]


def plan_levers_without_effect(scenario: Scenario, plan: Plan, weeks: int) -> list[str]:
    """Each lever of ``plan`` that the scenario's outages give nothing to act on, from the
    moment it is pulled, in a run of ``weeks``."""
    run_end = weeks * 7 * DAY
    sets = [s for s in stretches(plan, run_end) if s[3] < run_end]
    if not disruptions(scenario, run_end):
        return without_outages(f"plan '{plan.name}'", [s[2] for s in sets])
    found = []
    for who, path, levers, start, stop in sets:
        found += levers_without_effect(scenario, levers, (start, stop), run_end, who, path)
    return found
