"""Probation business-continuity tabletop simulator.

The public API: load a scenario and plans, run them, compare them, read the result tables.

>>> from sim import load_plan, load_scenario, simulate
>>> scenario = load_scenario("scenarios/s02-ndelius-upgrade.yaml")
>>> result = simulate(scenario, plan=load_plan("scenarios/plans/paper-fallback.yaml"),
...                   seed=1, weeks=4)
>>> result.measure("backlog_mean") > 0
True
>>> sorted(result.tables)[:3]
['backlog_daily', 'completed_daily', 'event_counts']

Names are imported when first used, so ``import sim`` (and the command line's help) stays
quick: ``compare`` needs pandas and the engines, ``load_scenario`` does not.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sim.version import __version__

# public name -> the module that defines it
_PUBLIC = {
    "load_scenario": "sim.scenario.loader",
    "load_plan": "sim.scenario.loader",
    "ScenarioError": "sim.scenario.loader",
    "Scenario": "sim.scenario.schema",
    "Plan": "sim.scenario.plans",
    "simulate": "sim.run",
    "RunResult": "sim.results.tables",
    "compare": "sim.experiments.compare",
    "Experiment": "sim.experiments.compare",
    "StoppingRule": "sim.experiments.stopping",
    "RunLimits": "sim.model.watchdog",
    "RunLimitError": "sim.domain.errors",
}

__all__ = [*_PUBLIC, "__version__"]

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from sim.domain.errors import RunLimitError as RunLimitError
    from sim.experiments.compare import Experiment as Experiment
    from sim.experiments.compare import compare as compare
    from sim.experiments.stopping import StoppingRule as StoppingRule
    from sim.model.watchdog import RunLimits as RunLimits
    from sim.results.tables import RunResult as RunResult
    from sim.run import simulate as simulate
    from sim.scenario.loader import ScenarioError as ScenarioError
    from sim.scenario.loader import load_plan as load_plan
    from sim.scenario.loader import load_scenario as load_scenario
    from sim.scenario.plans import Plan as Plan
    from sim.scenario.schema import Scenario as Scenario


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
