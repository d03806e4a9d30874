"""A finished run is freed by reference counting, not left to the cyclic garbage collector.

A run creates about one object per work item. If they ended the run tied into reference cycles
(cases and their items referring to each other; staff processes suspended mid-week, pending
events and login windows referring to the office), every finished run would be freed only by a
collector pass over all of them, whose cost grows faster than the office (about 1 s at London
size). Counted, not timed."""

from __future__ import annotations

import gc

import pytest

from scenario_edits import REFERENCE
from sim import simulate
from sim.scenario.loader import load_scenario


@pytest.mark.parametrize(
    "path, weeks",
    [
        (REFERENCE, 4),
        (REFERENCE.parent / "s01-login-cap.yaml", 4),  # login cap open at the end of the run
    ],
)
def test_a_finished_run_leaves_little_for_the_cyclic_collector(path, weeks):
    scenario = load_scenario(path)
    gc.collect()
    gc.disable()  # so the run's own garbage waits for the count below
    try:
        result = simulate(scenario, seed=1, weeks=weeks)
        in_cycles = gc.collect()
    finally:
        gc.enable()
    items = len(result["work_items"])
    # staff, their shifts and SimPy processes still refer to each other (a few thousand
    # objects); tied to the office it was about 80% of the item count, or more
    assert items > 10_000
    assert in_cycles < items / 4, f"{in_cycles} objects left in reference cycles by {items} items"
