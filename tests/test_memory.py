"""A finished run is freed by reference counting, not left to the cyclic garbage collector.

A run creates about one object per work item; if cases and their items referred to each other,
every finished run would leave them in reference cycles, freed only by a collector pass whose
cost grows faster than the office (1.4 s at London size). Counted, not timed."""

from __future__ import annotations

import gc

from scenario_edits import REFERENCE

from sim import simulate
from sim.loader import load_scenario


def test_a_finished_run_leaves_little_for_the_cyclic_collector():
    scenario = load_scenario(REFERENCE)
    gc.collect()
    gc.disable()  # so the run's own garbage waits for the count below
    try:
        result = simulate(scenario, seed=1, weeks=4)
        in_cycles = gc.collect()
    finally:
        gc.enable()
    items = len(result["work_items"])
    # staff and their SimPy processes still refer to each other (a few thousand objects); with
    # cases holding their open items it was about 80% of the item count
    assert items > 10_000
    assert in_cycles < items / 4, f"{in_cycles} objects left in reference cycles by {items} items"
