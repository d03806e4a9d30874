"""Settings of a scenario that load but cannot mean what they say, said before a run.

Each rule returns sentences naming the field, its value and the fix; nothing here refuses a
scenario (the schema does that for what is impossible), it warns where a value is implausible,
ignored or contradicted by another. The classes covered:

* **Working days no one works**: a role's working day (its weekly hours over the days it works,
  as :mod:`sim.model.roster` builds shifts) over 13 hours, which the Working Time Regulations'
  11 hours of daily rest rule out (60 contracted hours in a one-day week is a 60-hour shift); a
  working day that runs past midnight (a late ``calendar.day_start_hour`` and a long day).
* **Roles named where they do nothing**: ``tasks.<task>.roles`` on a task the practitioner
  holding the case does (only the team tasks use the list); a role in a task's roles or in
  ``caseload.holder_roles`` with no filled posts.
* **Lists with a repeat**: a role, a system or a plan listed twice.
* **Below the model's floors** (:mod:`sim.domain.floors`): a task whose mean duration is under
  a second (worked for a second); a loss of emails noticed, or a plan's phone confirmation,
  sooner than an hour (resent after an hour).
* **Contradictions**: a task due (``deadline.hours``) before its mean duration is over; two
  outages of one kind in force at once on one system or office, where the model keeps only one
  of them (the tighter login cap, the greater slowdown, the later office cap's choice).

The outages and levers with nothing to act on are :mod:`sim.scenario.no_effect`,
:mod:`sim.scenario.lever_reach` and :mod:`sim.scenario.lever_settings`; all of them are said
through :func:`sim.scenario.no_effect.without_effect`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.domain.calendar import DAY, HOUR, moment_words
from sim.domain.floors import MIN_FOLLOW_UP_MINUTES, MIN_WORK_MINUTES
from sim.domain.vocabulary import ROLES, TASK_NAMES, TASK_WORDS, pretty
from sim.scenario.outages import LoginCap, OfficeCap, Slow, Window
from sim.scenario.schema import TEAM_TASKS, Scenario, filled_posts, headcount

LONGEST_DAY_HOURS = (
    13.0  # 24 h less the 11 h of daily rest (Working Time Regulations 1998, reg. 10)
)


def repeated(items: Sequence[object]) -> list[str]:
    """The items listed more than once, in the order first seen."""
    return [str(i) for i in dict.fromkeys(items) if items.count(i) > 1]


def _clock(hours: float) -> str:
    """``01:30``: a time of day from hours past midnight (of any day)."""
    minutes = round(hours * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days(n: int) -> str:
    return f"{n} working day" + "s" * (n != 1)


def working_days(scenario: Scenario) -> list[tuple[str, str, float, int]]:
    """Each kind of working day in the office: (role, field, weekly hours, days worked a week),
    for full-time and part-time staff in post, with the days a week as the roster gives them."""
    days = len(scenario.calendar.working_days)
    found: list[tuple[str, str, float, int]] = []
    for role in ROLES:
        settings = scenario.office.staffing.role(role)
        n = filled_posts(settings)
        part = int(round(n * settings.part_time_share))
        where = f"office.staffing.{role}"
        if n - part > 0:
            found.append((role, f"{where}.contracted_hours", settings.contracted_hours, days))
        if part > 0:
            share = settings.part_time_hours / settings.contracted_hours
            worked = max(1, min(days, round(days * share)))
            found.append((role, f"{where}.part_time_hours", settings.part_time_hours, worked))
    return found


def _listed(items: list[str], most: int = 3) -> str:
    shown = items[:most] + ([f"{len(items) - most} more"] if len(items) > most else [])
    return " and ".join(filter(None, [", ".join(shown[:-1]), shown[-1]]))


def long_days(scenario: Scenario) -> list[str]:
    """Working days over 13 hours, and working days that end after midnight (one sentence
    each, naming every role's field that makes one)."""
    start = scenario.calendar.day_start_hour
    long: list[tuple[str, float, float, int]] = []
    late: list[tuple[str, float]] = []
    for _role, field, hours, days in working_days(scenario):
        day = hours / days
        words = f"{field} {hours:g} hours a week in {_days(days)} ({day:.1f} hours a day)"
        if day > LONGEST_DAY_HOURS:
            long.append((words, day, hours, days))
        elif start + day > 24:
            late.append((words, day))
    found = []
    long.sort(key=lambda entry: -entry[1])
    if long:
        what = "a working day" if len(long) == 1 else "working days"
        fewest = min(d for _, _, _, d in long)
        found.append(
            f"{_listed([w for w, _, _, _ in long])}: {what} longer than the "
            f"{LONGEST_DAY_HOURS:g} hours that 11 hours of daily rest (Working Time Regulations) "
            f"leave; give at most {LONGEST_DAY_HOURS:g} hours a week for each day worked "
            f"({LONGEST_DAY_HOURS * fewest:g} for {_days(fewest)}), or more "
            f"calendar.working_days (now {list(scenario.calendar.working_days)})"
        )
    if late:
        longest = max(day for _, day in late)
        what = "the working day ends" if len(late) == 1 else "working days end"
        found.append(
            f"calendar.day_start_hour is {start:g} and {_listed([w for w, _ in late])}, so "
            f"{what} after midnight (at {_clock(start + longest)} the next day); start the day "
            f"by {_clock(24 - longest)}, or give fewer hours a week"
        )
    return found


def _unstaffed(scenario: Scenario, roles: Sequence[str]) -> list[str]:
    staffing = scenario.office.staffing
    return [r for r in dict.fromkeys(roles) if not filled_posts(staffing.role(r))]


def roles_that_do_nothing(scenario: Scenario) -> list[str]:
    """Task roles the model ignores, roles with no one in post, and repeats in role lists."""
    found = []
    for task in TASK_NAMES:
        setting = scenario.tasks.get(task)
        where = f"tasks.{task}"
        if setting.roles and task not in TEAM_TASKS:
            found.append(
                f"{where}.roles is {list(setting.roles)}, but {TASK_WORDS[task]} are done by the "
                "practitioner holding the case (only reception check-ins, court results, case "
                "allocations and appointment letters go to a team), so the roles are ignored; "
                f"leave {where}.roles empty, or change caseload.holder_roles to say who holds "
                "the cases"
            )
            continue
        found += _list_faults(scenario, f"{where}.roles", setting.roles, f"does {TASK_WORDS[task]}")
        for system in repeated(setting.systems):
            found.append(
                f"{where}.systems lists {system} twice; list each system the task needs once"
            )
    for level, roles in scenario.caseload.holder_roles.items():
        found += _list_faults(
            scenario, f"caseload.holder_roles.{level}", roles, f"holds {level} cases"
        )
    return found


def _list_faults(scenario: Scenario, field: str, roles: Sequence[str], does: str) -> list[str]:
    found = [f"{field} lists {r} twice; list each role once" for r in repeated(roles)]
    for role in _unstaffed(scenario, roles):
        posts = scenario.office.staffing.role(role)
        why = f"count {posts.count}" + (
            f", vacancy_rate {posts.vacancy_rate:g}" if posts.count else ""
        )
        found.append(
            f"{field} names {role}, who has no filled posts (office.staffing.{role}: {why}), so "
            f"no {pretty(role)} {does}; "
            f"add staff to office.staffing.{role} or take {role} out of {field}"
        )
    return found


def due_before_done(scenario: Scenario) -> list[str]:
    """Tasks due, counted in hours, before their mean duration is over."""
    found = []
    for task in TASK_NAMES:
        setting = scenario.tasks.get(task)
        hours = setting.deadline.hours
        mean = setting.duration.mean_minutes
        if hours is not None and hours * HOUR < mean:
            found.append(
                f"tasks.{task}.deadline.hours is {hours:g}, but {TASK_WORDS[task]} take "
                f"{mean:g} minutes on average (duration.mean_minutes), so most are late however "
                f"soon they are started; give a deadline of at least {mean / HOUR:g} hours or a "
                "shorter duration"
            )
    return found


def repeated_plans(scenario: Scenario) -> list[str]:
    """A plan listed twice in ``plans:``."""
    stems = [p.removesuffix(".yaml") for p in scenario.plans]
    return [
        f"plans lists {stem} twice, so it would be compared with itself; list each plan once"
        for stem in repeated(stems)
    ]


def _overlap(a: Window, b: Window) -> tuple[float, float] | None:
    start, end = max(a.start_minute, b.start_minute), min(a.end_minute, b.end_minute)
    return (start, end) if end > start else None


def overlapping_outages(scenario: Scenario) -> list[str]:
    """Two outages of one kind in force at once where the model keeps only one of them."""
    staff = headcount(scenario)
    outages = scenario.outages
    found = []
    pairs: list[tuple[int, int, Window, Window]] = [
        (i, j, a, b)
        for kind in ("login_cap", "slow", "office_cap")
        for i, a in enumerate(getattr(outages, kind))
        for j, b in enumerate(getattr(outages, kind))
        if i < j
    ]
    for i, j, a, b in pairs:
        both = _overlap(a, b)
        if both is None or getattr(a, "system", None) != getattr(b, "system", None):
            continue
        span = f"from {moment_words(both[0])} to {moment_words(both[1])}"
        if isinstance(a, LoginCap) and isinstance(b, LoginCap):
            caps = (a.sessions_for(staff), b.sessions_for(staff))
            if caps[0] == caps[1]:
                continue
            found.append(
                f"outages.login_cap[{i}] ({caps[0]} sessions) and outages.login_cap[{j}] "
                f"({caps[1]} sessions) both cap the {pretty(a.system)} {span}: only the tighter, "
                f"{min(caps)} sessions, holds then; give one cap for that stretch, or make "
                "them not overlap"
            )
        elif isinstance(a, Slow) and isinstance(b, Slow):
            if a.factor == b.factor:
                continue
            found.append(
                f"outages.slow[{i}] (factor {a.factor:g}) and outages.slow[{j}] (factor "
                f"{b.factor:g}) both slow the {pretty(a.system)} {span}: they do not multiply, "
                f"the greater, {max(a.factor, b.factor):g}, holds then; give one slowdown for "
                "that stretch, or make them not overlap"
            )
        elif isinstance(a, OfficeCap) and isinstance(b, OfficeCap):
            found.append(
                f"outages.office_cap[{i}] ({a.max_on_site} on site) and outages.office_cap[{j}] "
                f"({b.max_on_site} on site) are both in force {span}: each day both choose who "
                "is on site, one after the other, and the last choice stands, and when either "
                "ends everyone is back on site until the next day's choice; give one office cap "
                "for that stretch, or make them not overlap"
            )
    return found


def below_floors(scenario: Scenario) -> list[str]:
    """Durations and detection times shorter than the model lets a thing take."""
    found = []
    for task in TASK_NAMES:
        mean = scenario.tasks.get(task).duration.mean_minutes
        if mean < MIN_WORK_MINUTES:
            found.append(
                f"tasks.{task}.duration.mean_minutes is {mean:g}, under a second: each piece of "
                f"work takes at least a second in the model, so {TASK_WORDS[task]} take longer "
                "than this says; give the time in minutes (1 second is 0.0167)"
            )
    for i, loss in enumerate(scenario.outages.email_loss):
        if loss.lost_share > 0 and loss.detection_days * DAY < MIN_FOLLOW_UP_MINUTES:
            found.append(
                f"outages.email_loss[{i}].detection_days is {loss.detection_days:g}, under an "
                "hour: a lost message is resent no sooner than an hour after it is lost (nobody "
                "can notice a loss before a reply could be expected), so it is noticed later "
                "than this says; give at least 0.042 days (an hour)"
            )
    return found


def implausible(scenario: Scenario) -> list[str]:
    """Everything in ``scenario`` that loads but cannot mean what it says (see the module)."""
    return [
        *below_floors(scenario),
        *long_days(scenario),
        *roles_that_do_nothing(scenario),
        *due_before_done(scenario),
        *repeated_plans(scenario),
        *overlapping_outages(scenario),
    ]
