"""Probation business-continuity tabletop simulator.

The public API: load a scenario, run it, read the result tables.

    from sim import load_scenario, simulate
    scenario = load_scenario("scenarios/reference-office.yaml")
    result = simulate(scenario, seed=1, weeks=8)
    result["backlog_daily"]
"""

__version__ = "0.1.0"

from sim.config import Scenario  # noqa: E402
from sim.model import simulate  # noqa: E402
from sim.results import RunResult  # noqa: E402

__all__ = ["Scenario", "RunResult", "simulate", "__version__"]
