"""Lever settings and switches that load but act on nothing or contradict each other, said
before a run, whatever the scenario's outages (what the outages give a lever to act on is
:mod:`sim.scenario.lever_reach`).

The classes covered, each said with the field, its value and the fix:

* **A lever set to act on nothing**: ``overtime`` with no roles; ``triage`` that defers no RoSH
  level and protects none; ``paper_fallback`` with no tasks, or naming a task that needs no
  system (it is never done on paper); ``home_working`` with ``kit_share`` 0.
* **Roles the office has no one in**: ``overtime.roles`` or ``login_rota.priority`` naming a
  role with no filled posts.
* **Lists with a repeat**: a role, task or RoSH level listed twice (in ``login_rota.priority``
  the model ranks a role by its last place, so the order read is not the order meant).
* **Switches that contradict**: two switches of a plan at the same moment (the later in the
  file wins); a switch at the very start of the run (the plan's own levers are never in force);
  a switch that sets the levers already in force (it changes nothing).
* **An exercise option that stops a lever** no earlier lever set pulls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.domain.calendar import HOUR, moment_words
from sim.domain.floors import MIN_FOLLOW_UP_MINUTES
from sim.domain.vocabulary import TASK_WORDS, pretty
from sim.scenario.plans import Levers, Plan
from sim.scenario.plausibility import repeated
from sim.scenario.schema import Scenario, filled_posts


def acts_on_nothing(name: str, lever: Any) -> str | None:
    """Why lever ``name`` with these settings acts on nothing in any scenario, as ``(what it
    is) ...; (fix)`` after its path (None: it can act)."""
    if name == "overtime" and not lever.roles:
        return (
            ".roles is empty ([]): the overtime is for nobody, so it changes nothing; name the "
            "roles that work it, e.g. roles: [probation_officer, probation_services_officer]"
        )
    if name == "triage" and not lever.defer_levels and not lever.protect_levels:
        return (
            " defers no RoSH level and protects none (defer_levels: [], protect_levels: []), so "
            "it changes nothing; list the levels put back in defer_levels (e.g. [low]) or those "
            "that go ahead in protect_levels (e.g. [high, very_high])"
        )
    if name == "paper_fallback" and not lever.tasks:
        return (
            ".tasks is empty ([]): no work is done on paper, so it changes nothing; list the "
            "tasks done on paper, or write paper_fallback: {} for the record tasks"
        )
    if name == "home_working" and lever.kit_share == 0:
        return (
            ".kit_share is 0: nobody sent home gets kit, so it changes nothing; give the share of "
            "staff at home who get kit (e.g. 1.0), or leave home_working out"
        )
    return None


def _staffed(scenario: Scenario, role: str) -> bool:
    return bool(filled_posts(scenario.office.staffing.role(role)))


def _roles(scenario: Scenario, field: str, roles: Sequence[str], does: str) -> list[str]:
    found = []
    for role in dict.fromkeys(roles):
        if not _staffed(scenario, role):
            found.append(
                f"{field} names {role}, who has no filled posts (office.staffing.{role}), so no "
                f"{pretty(role)} {does}; take {role} out of {field}, or add staff to it"
            )
    return found


def _repeats(field: str, items: Sequence[str], what: str) -> list[str]:
    return [f"{field} lists {item} twice; list each {what} once" for item in repeated(items)]


def lever_settings(scenario: Scenario, levers: Levers, who: str, path: str) -> list[str]:
    """Sentences, each beginning with ``who``, for the settings of ``levers`` (at ``path`` in
    the file, such as ``switches[0].levers.``) that act on nothing or repeat themselves."""
    found = []
    for name in type(levers).model_fields:
        lever = getattr(levers, name)
        if lever is None:
            continue
        field = f"{path}{name}"
        why = acts_on_nothing(name, lever)
        if why is not None:
            found.append(f"{field}{why}")
            continue
        if name == "overtime":
            found += _repeats(f"{field}.roles", lever.roles, "role")
            found += _roles(scenario, f"{field}.roles", lever.roles, "works it")
        elif name == "login_rota":
            order = list(dict.fromkeys(reversed(lever.priority)))[::-1]
            found += [
                f"{field}.priority lists {role} twice: the rota ranks a role by its last place, "
                f"so the order used is {order}; list each role once, in the order meant"
                for role in repeated(lever.priority)
            ]
            found += _roles(scenario, f"{field}.priority", lever.priority, "is given a session")
        elif name == "triage":
            found += _repeats(f"{field}.defer_levels", lever.defer_levels, "RoSH level")
            found += _repeats(f"{field}.protect_levels", lever.protect_levels, "RoSH level")
        elif name == "alternative_channel" and lever.confirm_within_hours is not None:
            if lever.confirm_within_hours * HOUR < MIN_FOLLOW_UP_MINUTES:
                found.append(
                    f"{field}.confirm_within_hours is {lever.confirm_within_hours:g}, under an "
                    "hour: a lost message is resent no sooner than an hour after it is lost, so "
                    "the loss is noticed later than this says; give at least 1"
                )
        elif name == "paper_fallback":
            found += _repeats(f"{field}.tasks", lever.tasks, "task")
            for task in dict.fromkeys(lever.tasks):
                if not scenario.tasks.get(task).systems:
                    found.append(
                        f"{field}.tasks names {task}, but {TASK_WORDS[task]} need no system "
                        f"(tasks.{task}.systems is empty), so they are never done on paper; "
                        f"take {task} out of {field}.tasks"
                    )
    return [f"{who}: {sentence}" for sentence in found]


# mutual aid is lent for its own days whichever levers are in force (sim.model.roster)
_LENT = " (except for mutual aid: lent staff come from its from_day whatever is in force)"


def pulls(levers: Levers) -> set[str]:
    """The names of the levers ``levers`` pulls."""
    return {n for n in type(levers).model_fields if getattr(levers, n) is not None}


def switch_faults(plan: Plan) -> list[str]:
    """Switches of ``plan`` at one moment, at the run's very start, or changing nothing."""
    who = f"plan '{plan.name}'"
    moments: dict[float, list[int]] = {}
    for i in sorted(range(len(plan.switches)), key=lambda i: plan.switches[i].at.minute):
        moments.setdefault(plan.switches[i].at.minute, []).append(i)
    found = []
    current = plan.levers
    for at, group in moments.items():
        last = group[-1]  # the model applies them in file order: the last one stands
        if len(group) > 1:
            names = ", ".join(f"switches[{i}]" for i in group[:-1]) + f" and switches[{last}]"
            every = "both" if len(group) == 2 else "all"
            lent = any(plan.switches[i].levers.mutual_aid for i in group[:-1])
            found.append(
                f"{who}: {names} {every} come on {moment_words(at)}; the one later in the file "
                f"(switches[{last}]) wins and the other"
                + ("s are" if len(group) > 2 else " is")
                + f" never in force{_LENT if lent else ''}; give them different moments, or "
                "keep one"
            )
        levers = plan.switches[last].levers
        if at == 0 and pulls(plan.levers) and levers != plan.levers:
            found.append(
                f"{who}: switches[{last}] comes at the very start of the run ({moment_words(0)}), "
                "so the plan's own levers are never in force"
                f"{_LENT if plan.levers.mutual_aid else ''}; move them into "
                f"switches[{last}].levers, or switch later"
            )
        elif levers == current:
            found.append(
                f"{who}: switches[{last}] on {moment_words(at)} sets the levers already in force, "
                f"so it changes nothing; change its levers, or take switches[{last}] out"
            )
        current = levers
    return found


def plan_settings(scenario: Scenario, plan: Plan) -> list[str]:
    """Everything in ``plan`` that acts on nothing or contradicts itself, whatever the outages."""
    who = f"plan '{plan.name}'"
    found = lever_settings(scenario, plan.levers, who, "levers.")
    for i, switch in enumerate(plan.switches):
        found += lever_settings(scenario, switch.levers, who, f"switches[{i}].levers.")
    return found + switch_faults(plan)


def stops_nothing(stops: Sequence[str], pulled_before: set[str], who: str, path: str) -> list[str]:
    """Sentences for an exercise option's ``stop`` entries that no earlier lever set pulls (or
    that are listed twice)."""
    found = [f"{who}: {path}stop lists {n} twice; list each lever once" for n in repeated(stops)]
    for name in dict.fromkeys(stops):
        if name not in pulled_before:
            found.append(
                f"{who}: {path}stop names {name}, which neither the starting levers nor any "
                "earlier option pulls, so stopping it changes nothing; take it out of stop"
            )
    return found
