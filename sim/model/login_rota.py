"""The login rota's rule: who is given a session at each slot.

At the start of each slot (every ``slot_hours`` from the start of each working day, so slots fit
the working day; a rota pulled mid-slot deals a first, shorter slot at once) the N sessions of a
capped window go to people at work whose modelled work (not the duties before it) falls in the
slot:

1. **A fair turn first.** Everyone at work who has not had a slot today must get one before
   their day ends, while the sessions can go round: of the deals left before their shift ends,
   enough sessions are kept for them (those with the fewest deals left first). So no role gets
   no session time on a day it works, whatever the priority order says.
2. **Then the rota's priority roles**, in their order (by default reception and the court team,
   whose work cannot wait), and then everyone else; within each, whoever has had the fewest
   slots that day, then the fewest in all.

A holder keeps the session for the whole slot, used or not. Who got what is counted by role
(:class:`RotaBook`), so the rota's result can be read beside whom it served.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from sim.model.staff import Staff
from sim.scenario.plans import LoginRota


def fair_turns_needed(deals_left: Sequence[int]) -> int:
    """How many of this slot's sessions must go to people who have had no slot today, so that
    each gets one before their day ends: ``deals_left`` is, for each of them, the number of
    deals from now until their shift ends (this one included). With ``n(k)`` of them having at
    most ``k`` deals left, at least ``ceil(n(k) / k)`` must be served now, for every ``k``."""
    counts = sorted(deals_left)
    needed = 0
    for i, k in enumerate(counts):
        if k > 0 and (i + 1 == len(counts) or counts[i + 1] != k):
            needed = max(needed, math.ceil((i + 1) / k))
    return needed


def deal_order(
    rota: LoginRota,
    at_work: Sequence[Staff],
    sessions: int,
    deals: Sequence[float],
    now: float,
    day: int,
    slots_today: dict[int, int],
    slots_had: dict[int, int],
) -> list[Staff]:
    """The people given a session in the slot starting ``now`` (at most ``sessions``)."""
    rank: dict[str, int] = {role: i for i, role in enumerate(rota.priority)}
    later = len(rank)
    first_deal = bisect.bisect_left(deals, now)
    slot = rota.slot_hours * 60.0

    def deals_left(person: Staff) -> int:
        """Deals from now to the end of their day whose slot meets their modelled work."""
        shift = person.shift_on[day]
        first = max(first_deal, bisect.bisect_right(deals, shift.work_start - slot))
        return max(bisect.bisect_left(deals, shift.end) - first, 1)

    unserved = [s for s in at_work if slots_today.get(s.id, 0) == 0]
    left = {s.id: deals_left(s) for s in unserved}
    fair = min(fair_turns_needed(list(left.values())), sessions)
    unserved.sort(key=lambda s: (left[s.id], rank.get(s.role, later), slots_had.get(s.id, 0), s.id))
    chosen = unserved[:fair]
    taken = {s.id for s in chosen}
    rest = sorted(
        (s for s in at_work if s.id not in taken),
        key=lambda s: (
            rank.get(s.role, later),
            slots_today.get(s.id, 0),
            slots_had.get(s.id, 0),
            s.id,
        ),
    )
    return chosen + rest[: sessions - len(chosen)]
