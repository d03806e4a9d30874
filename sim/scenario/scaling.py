"""Scaling an office: the same office, ``k`` times larger (staff posts, caseload and intake)."""

from __future__ import annotations

import math

from sim.scenario.schema import ROLES, Scenario


def scaled_posts(count: int, k: float) -> int:
    """Posts times ``k``, halves rounded up; a role that had posts keeps at least one."""
    if count == 0:
        return 0
    return max(1, math.floor(count * k + 0.5))


def scaled(scenario: Scenario, k: float) -> Scenario:
    """A copy of ``scenario`` with every role's posts, the caseload and new cases times ``k``."""
    changes: dict[str, object] = {
        f"office.staffing.{role}.count": scaled_posts(scenario.office.staffing.role(role).count, k)
        for role in ROLES
    }
    changes["caseload.cases"] = int(round(scenario.caseload.cases * k))
    changes["caseload.new_cases_per_week"] = scenario.caseload.new_cases_per_week * k
    changes["name"] = f"{scenario.name} x{k:g}"
    return scenario.with_changes(**changes)
