"""The caseload: people under supervision, their risk, and who holds each case.

Case attributes are drawn in bulk from a stream no plan touches (``caseload`` for the people
on the books at the start, ``intake`` for people sentenced during the run), including one
attendance draw per scheduled contact, so every plan sees the same people, the same contacts
and the same failures to attend. Each case's WMT tier (:mod:`sim.domain.wmt`) comes from a child
stream spawned from the same generator, which leaves the generator's own numbers unchanged.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.domain.calendar import DAY, WEEK
from sim.domain.wmt import CASE_POINTS, MEDIAN_CASE_POINTS, available_points, draw_tiers
from sim.scenario.schema import ROSH_LEVELS, Caseload, RoSH


class Case:
    """One person under supervision."""

    __slots__ = (
        "id",
        "rosh",
        "mappa",
        "child_protection",
        "domestic_abuse",
        "organisation",
        "licence",
        "interval_days",
        "holder",
        "start",
        "end_day",
        "ended",
        "attendance",
        "contacts",
        "failures",
        "open_items",
        "changed",
        "record_lost",
        "tier",
        "team",
    )

    def __init__(
        self,
        id: int,
        rosh: int,
        mappa: bool,
        child_protection: bool,
        domestic_abuse: bool,
        organisation: str,
        licence: bool,
        interval_days: int,
        start: float,
        end_day: int,
        attendance: list[float],
        tier: str | None = None,
        team: int = 0,
    ):
        self.id = id
        self.rosh = rosh
        self.mappa = mappa
        self.child_protection = child_protection
        self.domestic_abuse = domestic_abuse
        self.organisation = organisation
        self.licence = licence
        self.interval_days = interval_days
        self.holder: Any = None  # the practitioner (Staff) holding the case, once allocated
        self.start = start
        self.end_day = end_day
        self.ended: float | None = None
        self.attendance = (
            attendance  # uniform draw per contact number: below FTA probability = absent
        )
        self.contacts = 0  # contacts scheduled so far (the next contact's number)
        self.failures: list[float] = []  # times of failures to attend since the last breach
        # ids (ledger positions) of work that is cancelled if the case ends first; ids, not the
        # items, which refer to their case: no reference cycle, so a finished run is freed at
        # once rather than by a cyclic-collector pass that grows faster than the office
        self.open_items: list[int] = []
        self.changed = start  # last change to the person's risk information (minute)
        self.record_lost = False  # the case record has gone and is not yet reconstructed
        self.tier = (
            tier  # WMT tier such as "B2" (sim.results.workload.CASE_POINTS); None: not tiered
        )
        self.team = team  # the practitioner team whose patch the person lives in

    @property
    def weekly_contacts(self) -> float:
        return 7.0 / self.interval_days

    @property
    def points(self) -> float:
        """WMT case points of the case's tier (an untiered case weighs as a median one)."""
        return float(CASE_POINTS.get(self.tier or "", MEDIAN_CASE_POINTS))

    @property
    def rosh_level(self) -> RoSH:
        return ROSH_LEVELS[self.rosh]

    def attends(self, contact_number: int, fta_probability: float) -> bool:
        draws = self.attendance
        return draws[contact_number % len(draws)] >= fta_probability


def draw_cases(
    caseload: Caseload,
    n: int,
    first_id: int,
    start: float,
    horizon_days: int,
    new: bool,
    rng: np.random.Generator,
    team_posts: Sequence[int] = (1,),
) -> list[Case]:
    """``n`` cases drawn from the caseload's mix. ``new``: sentenced at ``start`` (a whole
    order ahead); otherwise already part way through their order (remaining time uniform).
    Each lives in the patch of a team, drawn in proportion to its practitioner posts
    (``team_posts``).

    Tiers and teams are drawn last, each from a child of ``rng`` (``rng.spawn``): drawing them
    from ``rng`` itself would shift every later draw of that stream (contact dates, later court
    days)."""
    if n == 0:
        return []
    rosh = rng.choice(len(ROSH_LEVELS), size=n, p=[caseload.rosh_mix[lvl] for lvl in ROSH_LEVELS])
    flags = rng.random((n, 3))
    orgs = list(caseload.organisations)
    org = rng.choice(len(orgs), size=n, p=[caseload.organisations[o] for o in orgs])
    licence = rng.random(n) < caseload.licence_share
    shortest, longest = caseload.order_length_weeks.min, caseload.order_length_weeks.max
    length_weeks = rng.uniform(shortest, longest, n)
    if new:
        remaining = length_weeks
    else:
        remaining = _stationary_remaining(caseload, length_weeks, licence, rng.random(n))
    end_days = ((start + remaining * WEEK) // DAY).astype(int).tolist()
    rosh = rosh.tolist()
    org = org.tolist()
    licence = licence.tolist()
    min_interval = min(caseload.contact_interval_days.values())
    per_case = horizon_days // min_interval + 4
    attendance = rng.random((n, per_case)).tolist()
    intervals = [caseload.contact_interval_days[lvl] for lvl in ROSH_LEVELS]
    f = (
        flags
        < np.array(
            [caseload.flags.mappa, caseload.flags.child_protection, caseload.flags.domestic_abuse]
        )
    ).tolist()
    tiers = draw_tiers(caseload.tier_mix, rosh, rng.spawn(1)[0])
    teams = draw_teams(team_posts, n, rng.spawn(1)[0])
    return [
        Case(
            first_id + i,
            rosh[i],
            f[i][0],
            f[i][1],
            f[i][2],
            orgs[org[i]],
            licence[i],
            intervals[rosh[i]],
            start,
            end_days[i],
            attendance[i],
            tiers[i],
            teams[i],
        )
        for i in range(n)
    ]


def draw_teams(team_posts: Sequence[int], n: int, rng: np.random.Generator) -> list[int]:
    """The team of each of ``n`` cases, in proportion to the teams' posts (all in team 0 when
    there is one team: nothing is drawn)."""
    if len(team_posts) <= 1:
        return [0] * n
    weights = np.asarray(team_posts, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum()).tolist()


def _stationary_remaining(
    caseload: Caseload, length_weeks: np.ndarray, licence: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Weeks left on the orders of cases on the books at the start, drawn from the stationary
    state of the caseload (so it neither falls nor grows while arrivals balance departures).

    A case leaves at the end of its order, or earlier at the rate ``r`` a week of recall (a
    licence) and transfer. On a given day, an order of length L is running with weight
    (1 - exp(-rL)) / r (longer orders are more likely to be running, unless the person left
    first), and its time served is exponential with rate ``r`` truncated to [0, L]. The uniform
    draws behind ``length_weeks`` are re-used for the weighted length (by its inverse
    distribution function on a grid) and ``u`` for the time served."""
    shortest, longest = caseload.order_length_weeks.min, caseload.order_length_weeks.max
    spread = max(longest - shortest, 1e-9)
    share = (length_weeks - shortest) / spread
    transfer = caseload.transfers_out_per_case_per_week
    rates = np.where(licence, transfer + caseload.recalls_per_licence_case_per_week, transfer)
    grid = np.linspace(shortest, longest, 513)
    lengths = np.empty_like(length_weeks)
    for r in np.unique(rates):
        mine = rates == r
        weight = grid if r <= 0 else (1.0 - np.exp(-r * grid)) / r
        cumulative = np.concatenate(([0.0], np.cumsum((weight[1:] + weight[:-1]) / 2.0)))
        if cumulative[-1] <= 0:  # all orders the same length
            lengths[mine] = length_weeks[mine]
            continue
        lengths[mine] = np.interp(share[mine] * cumulative[-1], cumulative, grid)
    served = np.where(
        rates > 0,
        -np.log1p(-u * -np.expm1(-rates * lengths)) / np.where(rates > 0, rates, 1.0),
        u * lengths,
    )
    return np.maximum(lengths - served, 0.0)


class Allocator:
    """Allocates each case to the least-loaded practitioner of the roles allowed at its RoSH level
    in the team of the case's patch, unless that team's least loaded is more than
    ``team_tolerance`` (of WMT capacity) above the office's least loaded, or the team has nobody
    who may hold it (its posts of that role all vacant): then in the whole office.

    Load is WMT capacity: the case points held (:data:`sim.domain.wmt.CASE_POINTS` by the case's
    tier) over the practitioner's available points (their contracted hours), as senior
    probation officers allocate by the Workload Measurement Tool; so a higher-tier case weighs
    more and a part-time practitioner holds a proportionate caseload; ties go to the lowest
    staff id. Allocation is within teams, whose vacancies differ, so caseloads are spread
    across people as in real offices. One heap per RoSH level (and per team and RoSH level)
    holds a versioned entry per person; every change of load pushes fresh entries and stale
    ones are dropped when they reach the top, so the choice is exact."""

    def __init__(
        self,
        practitioners_by_role: Mapping[Any, list[Any]],
        holder_roles: Mapping[Any, tuple[str, ...]],
        team_tolerance: float = 0.0,
    ):
        self.team_tolerance = team_tolerance
        self.points_held: dict[int, float] = {}
        self.version: dict[int, int] = {}
        self.heaps: dict[int, list[tuple[float, int, int, Any]]] = {}
        self.team_heaps: dict[tuple[int, int], list[tuple[float, int, int, Any]]] = {}
        self.heaps_of: dict[int, list[list]] = {}
        teams = {
            p.team
            for role in holder_roles.values()
            for r in role
            for p in practitioners_by_role.get(r, [])
        }
        by_team = len(teams) > 1
        for rosh, level in enumerate(ROSH_LEVELS):
            heap: list = []
            for role in holder_roles[level]:
                for p in practitioners_by_role.get(role, []):
                    self.points_held.setdefault(p.id, 0.0)
                    self.version.setdefault(p.id, 0)
                    self.heaps_of.setdefault(p.id, []).append(heap)
                    heap.append((0.0, p.id, 0, p))
                    if by_team:
                        team_heap = self.team_heaps.setdefault((p.team, rosh), [])
                        self.heaps_of[p.id].append(team_heap)
                        team_heap.append((0.0, p.id, 0, p))
            heapq.heapify(heap)
            self.heaps[rosh] = heap
        for team_heap in self.team_heaps.values():
            heapq.heapify(team_heap)

    def load(self, person) -> float:
        return self.points_held[person.id] / max(available_points(person.contracted_hours), 1e-9)

    def _change(self, person, delta: float) -> None:
        pid = person.id
        self.points_held[pid] += delta
        self.version[pid] += 1
        entry = (self.load(person), pid, self.version[pid], person)
        for heap in self.heaps_of[pid]:
            heapq.heappush(heap, entry)

    def _least_loaded(self, heap: list[tuple[float, int, int, Any]]) -> tuple[float, Any]:
        while heap[0][2] != self.version[heap[0][1]]:
            heapq.heappop(heap)
        return heap[0][0], heap[0][3]

    def allocate(self, case: Case) -> Any:
        load, person = self._least_loaded(self.heaps[case.rosh])
        team_heap = self.team_heaps.get((case.team, case.rosh))
        if team_heap:
            team_load, in_team = self._least_loaded(team_heap)
            if team_load - load <= self.team_tolerance:
                person = in_team
        self._change(person, case.points)
        case.holder = person
        return person

    def release(self, case: Case) -> None:
        if case.holder is not None:
            self._change(case.holder, -case.points)
