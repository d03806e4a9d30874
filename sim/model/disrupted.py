"""Whether a scenario disrupts the office whatever the plan in force.

In a disrupted office each task is checked before it is done (its systems, a login cap, the
plan's levers); in an office nothing disrupts, only a plan pulling a lever makes that check.
Runs of plans sharing a past (:mod:`sim.model.plan_branches`) must agree on it.
"""

from __future__ import annotations

from sim.model import office_cap
from sim.model.systems import SystemsLayer
from sim.scenario.schema import Scenario, headcount


def disrupted_anyway(scenario: Scenario, systems: SystemsLayer | None = None) -> bool:
    """Whether the scenario disrupts the office whatever the plan: an outage, lost records or
    work, a login cap or an office cap with effect (then each task is checked before it is
    done; else only if the plan pulls a lever)."""
    count = headcount(scenario)
    outages = scenario.outages
    return (
        (systems or SystemsLayer(outages)).disrupted
        or bool(outages.record_loss)
        or bool(outages.work_lost)
        or any(cap.has_effect(count) for cap in outages.login_cap)
        or bool(office_cap.effective_caps(scenario, count))
    )
