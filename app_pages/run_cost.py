"""A long comparison in the app: its cost said before it starts."""

from __future__ import annotations

import streamlit as st

from app_pages.widgets import plain
from sim.experiments.cost import SAY_COST_OVER_S, Estimate


def long_run_confirmed(
    scenario, plans, cost: Estimate, workers: int, replications, weeks, at_most: bool = False
) -> bool:
    """A comparison that will take over a minute starts on a second press of Run, once its
    cost has been said (``at_most``: the stopping rule may end it sooner); a shorter one at
    once."""
    if cost.wall_seconds(workers) <= SAY_COST_OVER_S:
        return True
    asked = (scenario.digest(), tuple(p.name for p in plans), int(replications), int(weeks))
    if st.session_state.get("compare_cost_said") == asked:
        st.session_state.pop("compare_cost_said")
        return True
    st.session_state["compare_cost_said"] = asked
    st.warning(
        f"This comparison will take {'up to ' if at_most else ''}{plain(cost.words(workers))}"
        f"{', less if the answer is clear sooner' if at_most else ''}. Press **Run** again to "
        "start it, or choose fewer replications, weeks or plans for a quicker answer."
    )
    return False
