"""Office capacity caps and home working (2020 distancing: at most N staff on site).

On each working day of an ``office_cap`` window, places in the office go first to reception and
the court team (who cannot work elsewhere), then to everyone else at work in turns (whoever has
had the fewest days on site, then staff id). The rest work at home. A share of them have kit:
``home_kit_share`` of the outage, or the plan's ``home_working`` lever if it gives more. At home:

* with kit, everything but face-to-face work goes on as usual;
* without kit, work needing a system is set aside until their next day in the office;
* supervision contacts with a practitioner at home are held by phone: no reception check-in.

Who has kit is drawn once per person from the ``home_kit`` stream.
"""

from __future__ import annotations

from functools import partial

from sim.domain.calendar import DAY
from sim.model.protocol import Office
from sim.model.random_streams import UniformSampler
from sim.model.staff import Staff
from sim.scenario.outages import OfficeCap
from sim.scenario.schema import Scenario

ON_SITE_FIRST = ("reception", "court_admin")


def effective_caps(scenario: Scenario, headcount: int) -> list[OfficeCap]:
    """The scenario's office caps that change anything in an office of ``headcount``."""
    return [c for c in scenario.outages.office_cap if c.has_effect(headcount)]


def schedule(office: Office, headcount: int) -> None:
    """Schedule each capped window's daily choice of who is on site."""
    caps = effective_caps(office.scenario, headcount)
    if not caps:
        return
    draw = UniformSampler(office.streams.generator("home_kit"))
    for person in office.staff:
        person.kit_draw = draw()
    days_on_site: dict[int, int] = {}
    for cap in caps:
        first, last = int(cap.start_minute // DAY), int((cap.end_minute - 1) // DAY)
        for day in range(first, min(last + 1, office.horizon_days)):
            if office.calendar.is_working_day(day):
                office.at(
                    max(day * DAY, cap.start_minute),
                    partial(_choose, office, cap, day, days_on_site),
                )
        office.at(cap.end_minute, lambda: _all_back(office))


def _choose(
    office: Office,
    cap: OfficeCap,
    day: int,
    days_on_site: dict[int, int],
) -> None:
    at_work = [s for s in office.staff if s.present_on(day)]
    at_work.sort(key=lambda s: (s.role not in ON_SITE_FIRST, days_on_site.get(s.id, 0), s.id))
    kit_share = _kit_share(office, [cap])
    for k, person in enumerate(at_work):
        if k < cap.max_on_site:
            days_on_site[person.id] = days_on_site.get(person.id, 0) + 1
            _back_on_site(office, person)
        else:
            person.at_home = True
            person.home_kit = person.kit_draw < kit_share
    office.counts["home_working_days"] += max(len(at_work) - cap.max_on_site, 0)


def _kit_share(office: Office, caps: list[OfficeCap]) -> float:
    """The share of staff at home with kit: the caps' own, or the plan's lever if more."""
    home_working = office.levers().home_working
    return max(max(c.home_kit_share for c in caps), home_working.kit_share if home_working else 0)


def levers_changed(office: Office) -> None:
    """The plan's levers have just changed: staff at home without kit get it now if the
    home-working lever now in force gives it to them (kit given is kept for the day)."""
    now = office.env.now
    caps = [
        c
        for c in effective_caps(office.scenario, office.headcount)
        if c.start_minute <= now < c.end_minute
    ]
    if not caps:
        return
    kit_share = _kit_share(office, caps)
    for person in office.staff:
        if person.at_home and not person.home_kit and person.kit_draw < kit_share:
            person.home_kit = True
            _resume_set_aside(office, person)


def _back_on_site(office: Office, person: Staff) -> None:
    person.at_home = False
    person.home_kit = True
    _resume_set_aside(office, person)


def _resume_set_aside(office: Office, person: Staff) -> None:
    for item, token in person.set_aside:
        office.resume(item, token)
    person.set_aside = []


def _all_back(office: Office) -> None:
    for person in office.staff:
        _back_on_site(office, person)
