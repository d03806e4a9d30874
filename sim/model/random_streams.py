"""Random streams: one seeding scheme, an independent stream per source of randomness.

Each stream is a NumPy ``Generator`` seeded from ``SeedSequence(seed, spawn_key=(replication,
source_index))``. Sources are named (``"caseload"``, ``"absence:reception:0"``,
``"duration:risk_check"``,
...) and their index is a stable hash of the name, so adding a source never shifts another's
numbers. Demand (cases, appointments, attendance, arrivals) draws from streams no plan touches,
which is what lets plans be compared on the same demand (common random numbers).
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from sim.scenario.schema import Duration


def source_index(name: str) -> int:
    """A stable 32-bit number for a source name (not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


class Streams:
    """The random streams of one replication of one run."""

    def __init__(self, seed: int, replication: int = 0):
        self.seed = seed
        self.replication = replication

    def generator(self, source: str) -> np.random.Generator:
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, source_index(source)))
        return np.random.Generator(np.random.PCG64(seq))


class DurationSampler:
    """Draws task durations (minutes) in blocks, so each draw is a list index, not a NumPy call."""

    BLOCK = 1024

    def __init__(self, spec: Duration, rng: np.random.Generator):
        self.spec = spec
        self.rng = rng
        self._block: list[float] = []
        self._next = 0

    def _refill(self) -> None:
        spec, n = self.spec, self.BLOCK
        if spec.distribution == "fixed" or (spec.distribution == "lognormal" and spec.cv == 0):
            block = np.full(n, spec.mean_minutes)
        elif spec.distribution == "exponential":
            block = self.rng.exponential(spec.mean_minutes, n)
        else:  # lognormal with the given mean and coefficient of variation
            sigma2 = math.log(1.0 + spec.cv**2)
            mu = math.log(spec.mean_minutes) - sigma2 / 2.0
            block = self.rng.lognormal(mu, math.sqrt(sigma2), n)
        self._block = block.tolist()
        self._next = 0

    def __call__(self) -> float:
        if self._next >= len(self._block):
            self._refill()
        value = self._block[self._next]
        self._next += 1
        return value


class UniformSampler:
    """Uniform(0, 1) draws in blocks, for decisions taken one at a time."""

    BLOCK = 1024

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self._block: list[float] = []
        self._next = 0

    def __call__(self) -> float:
        if self._next >= len(self._block):
            self._block = self.rng.random(self.BLOCK).tolist()
            self._next = 0
        value = self._block[self._next]
        self._next += 1
        return value
