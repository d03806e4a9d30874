"""A national service: many probation delivery units (PDUs), each an office of the same kind that
varies in size and vacancies, all facing the same outage.

A national file names an office scenario (its outages, tasks and objectives are every PDU's), how
many PDUs there are, how many people they supervise in all, and how the PDUs vary:

* **size**: each PDU's caseload is drawn from a lognormal distribution with the given coefficient
  of variation, and the draws are scaled so the PDUs' caseloads add up to the national total.
  Staff posts and new cases scale with the caseload (:func:`sim.scenario.scaling.scaled`).
* **vacancies**: each PDU's probation officer and probation services officer vacancy rate is
  drawn uniformly from the given range (the same draw for both roles).

Every draw comes from the national ``seed``, so a national file always makes the same PDUs, and
each PDU runs on its own seed (derived from the national seed and its number), so offices do not
share their random numbers with one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pydantic import Field, model_validator

from sim.scenario.frozen import Frozen, Share
from sim.scenario.scaling import scaled
from sim.scenario.schema import Scenario

PRACTITIONERS = ("probation_officer", "probation_services_officer")
MAX_PDUS = 400
# National number of people under supervision that the service can be given (240,000 in 2024)
MAX_PEOPLE = 1_000_000


class VacancyRange(Frozen):
    min: Share = Field(description="Lowest practitioner vacancy rate of a PDU.")
    max: Share = Field(description="Highest practitioner vacancy rate of a PDU.")

    @model_validator(mode="after")
    def _ordered(self) -> VacancyRange:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max}); swap them")
        if self.max >= 1:
            raise ValueError("max must be below 1: a PDU needs practitioners in post")
        return self


class National(Frozen):
    """A national file, as validated (the office scenario is named, not yet read)."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    office: str = Field(
        min_length=1,
        description="The office scenario every PDU starts from (a file beside this one).",
    )
    pdus: int = Field(ge=1, le=MAX_PDUS, description="Probation delivery units in the service.")
    people_under_supervision: int = Field(
        ge=1, le=MAX_PEOPLE, description="Cases held by all the PDUs together at the start."
    )
    caseload_spread: float = Field(
        ge=0, le=1, description="Coefficient of variation of PDU caseloads (0: all equal)."
    )
    practitioner_vacancy_rate: VacancyRange
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Root of the PDUs' draws and seeds.")

    @model_validator(mode="after")
    def _enough_people(self) -> National:
        if self.people_under_supervision < self.pdus:
            raise ValueError(
                f"{self.people_under_supervision} people cannot be shared among {self.pdus} "
                "PDUs; give at least one person per PDU"
            )
        return self


@dataclass(frozen=True)
class Pdu:
    """One PDU of a national run: its name, its office and the seed its runs use."""

    name: str
    scenario: Scenario
    seed: int
    vacancy_rate: float

    @property
    def cases(self) -> int:
        return self.scenario.caseload.cases


@dataclass(frozen=True)
class NationalService:
    """A national file with its office scenario read: the PDUs it makes."""

    config: National
    office: Scenario

    @cached_property
    def pdus(self) -> tuple[Pdu, ...]:
        return make_pdus(self.config, self.office)

    @property
    def name(self) -> str:
        return self.config.name


def caseloads(total: int, count: int, spread: float, rng: np.random.Generator) -> list[int]:
    """``count`` whole caseloads adding up to ``total``, each at least 1, drawn lognormal with
    coefficient of variation ``spread`` (largest remainders get the people left by rounding)."""
    sigma = float(np.sqrt(np.log1p(spread**2)))
    weights = rng.lognormal(-(sigma**2) / 2, sigma, size=count) if sigma > 0 else np.ones(count)
    spare = total - count  # one person each first, the rest shared by weight
    exact = spare * weights / weights.sum()
    shares = np.floor(exact).astype(np.int64)
    left = spare - int(shares.sum())
    shares[np.argsort(-(exact - shares), kind="stable")[:left]] += 1
    return [int(s) + 1 for s in shares]


def pdu_seed(national_seed: int, number: int) -> int:
    """The seed of PDU ``number``: independent of every other PDU's, fixed by the national seed."""
    state = np.random.SeedSequence([national_seed, number]).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def make_pdus(config: National, office: Scenario) -> tuple[Pdu, ...]:
    """The PDUs of ``config``, each ``office`` resized to its caseload with its vacancies."""
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, 0]))
    sizes = caseloads(config.people_under_supervision, config.pdus, config.caseload_spread, rng)
    low, high = config.practitioner_vacancy_rate.min, config.practitioner_vacancy_rate.max
    vacancies = np.round(rng.uniform(low, high, config.pdus), 3)
    base_cases = max(office.caseload.cases, 1)
    width = len(str(config.pdus))
    pdus = []
    for number, (cases, vacancy) in enumerate(zip(sizes, vacancies, strict=True), start=1):
        name, seed = f"PDU {number:0{width}d}", pdu_seed(config.seed, number)
        resized = scaled(office, cases / base_cases).with_changes(
            **{"caseload.cases": cases, "name": f"{office.name}: {name}", "run.seed": seed},
            **{f"office.staffing.{role}.vacancy_rate": float(vacancy) for role in PRACTITIONERS},
        )
        pdus.append(Pdu(name, resized, seed, float(vacancy)))
    return tuple(pdus)
