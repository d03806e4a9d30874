"""The simulation clock and the office calendar.

The clock's unit is the **minute**: ``env.now == 0`` is 00:00 on the Monday that starts week 1.
Every duration in the model is in minutes; scenario files give hours, days or weeks where that is
the natural unit and are converted here, once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MINUTE = 1.0
HOUR = 60.0
DAY = 24 * HOUR
WEEK = 7 * DAY

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def moment_words(minute: float) -> str:
    """A moment of the run in words, as every message says one (and an exercise's clock):
    ``day 24, 09:00`` (day 0 is the first Monday), never a count of minutes."""
    day, rest = divmod(round(minute), round(DAY))
    return f"day {day}, {rest // 60:02d}:{rest % 60:02d}"


@dataclass(frozen=True)
class Calendar:
    """Which days are working days and when the working day starts.

    Day arithmetic is answered from tables built once for ``horizon_days`` plus a year of
    margin, so deadlines cost a list look-up. ``always_open`` gives a calendar with no days or
    hours at all (the degenerate configuration checked against queueing theory).
    """

    working_weekdays: frozenset[int] = frozenset(range(5))
    day_start_hour: float = 9.0
    always_open: bool = False
    horizon_days: int = 0
    _on_or_after: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _working_days: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _rank: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.always_open and not self.working_weekdays:
            raise ValueError("a calendar needs at least one working weekday")
        n = self.horizon_days + 400
        days = [d for d in range(n + 7) if self.is_working_day(d)]
        on_or_after, rank = [], []
        k = 0
        for d in range(n):
            while days[k] < d:
                k += 1
            on_or_after.append(days[k])
            rank.append(k)
        object.__setattr__(self, "_working_days", tuple(days))
        object.__setattr__(self, "_on_or_after", tuple(on_or_after))
        object.__setattr__(self, "_rank", tuple(rank))

    def is_working_day(self, day: int) -> bool:
        """Whether simulated day ``day`` (0 = the first Monday) is a working day."""
        return self.always_open or (day % 7) in self.working_weekdays

    def day_of(self, t: float) -> int:
        return int(t // DAY)

    def week_of(self, t: float) -> int:
        return int(t // WEEK)

    def day_start(self, day: int) -> float:
        """Minute at which the working day ``day`` starts."""
        return day * DAY + self.day_start_hour * HOUR

    def working_day_on_or_after(self, day: int) -> int:
        if day < len(self._on_or_after):
            return self._on_or_after[day]
        while not self.is_working_day(day):
            day += 1
        return day

    def next_working_day(self, day: int) -> int:
        """The first working day strictly after ``day``."""
        return self.working_day_on_or_after(day + 1)

    def add_working_days(self, day: int, n: int) -> int:
        """The working day ``n`` working days after ``day`` (``n == 0``: ``day`` itself, moved to
        the next working day if it is not one)."""
        if day < len(self._rank) and self._rank[day] + n < len(self._working_days):
            return self._working_days[self._rank[day] + n]
        day = self.working_day_on_or_after(day)
        for _ in range(n):
            day = self.working_day_on_or_after(day + 1)
        return day

    def end_of_working_day(self, t: float, n: int) -> float:
        """Deadline: the end (midnight) of the ``n``-th working day after the day of ``t``."""
        if self.always_open:
            return math.inf
        return (self.add_working_days(int(t // DAY), n) + 1) * DAY

    def working_days_between(self, first_day: int, last_day: int) -> int:
        """Working days in ``[first_day, last_day)``."""
        return sum(1 for d in range(first_day, last_day) if self.is_working_day(d))
