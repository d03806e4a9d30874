"""Scaling an office: the same office, ``k`` times larger (staff posts, caseload and intake)."""

from __future__ import annotations

from sim.config import ROLES, Scenario


def scaled(scenario: Scenario, k: float) -> Scenario:
    """A copy of ``scenario`` with every role's posts, the caseload and new cases times ``k``."""
    changes: dict[str, object] = {
        f"office.staffing.{role}.count": int(round(scenario.office.staffing.role(role).count * k))
        for role in ROLES
    }
    changes["caseload.cases"] = int(round(scenario.caseload.cases * k))
    changes["caseload.new_cases_per_week"] = scenario.caseload.new_cases_per_week * k
    changes["name"] = f"{scenario.name} x{k:g}"
    return scenario.with_changes(**changes)
