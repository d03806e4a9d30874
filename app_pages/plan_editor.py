"""The plan editor of the Scenarios page: any plan's levers, and the moments of its timed
decisions, in a form that changes only what the user changes; the edited plan is kept for this
user under a name that says what changed (or one they give), never replacing another plan."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.forms import changed, plan_boxes
from app_pages.widgets import code, plain, show_problems
from sim.scenario.changes import changes, edited_name
from sim.scenario.loader import ScenarioError
from sim.scenario.plans import Plan
from sim.scenario.problems import validate
from sim.scenario.schema import digest


def edit_plan() -> None:
    plans = state.plans()
    name = st.selectbox("Plan", [n for n, p in plans.items() if p.pulls_any()], key="plan_choice")
    plan = plans[name]
    data = plan.model_dump(mode="json")
    scope = digest(plan)[:12]
    with st.form(f"edit_plan_{scope}"):
        new_name = st.text_input(
            "Name of the edited plan (empty: named after what changed)",
            "",
            max_chars=120,
            key=f"lever_{scope}_name",
        )
        boxes = plan_boxes(data, scope)
        submitted = st.form_submit_button("Keep this plan")
    if not submitted:
        return
    try:
        edited: Plan = validate(changed(data, boxes), {}, "edited plan", model=Plan)
    except ScenarioError as exc:
        show_problems(exc)
        return
    found = changes(plan, edited)
    if not found and not new_name.strip():
        st.info(f"Nothing was changed: {plain(plan.name)} is as it was.")
        return
    edited = edited.model_copy(update={"name": new_name.strip() or edited_name(name, found)})
    if edited.name in plans and digest(plans[edited.name]) == digest(edited):
        st.info(f"{code(edited.name)} is already kept with these levers.")
        return
    if edited.name in plans:
        st.error(
            f"A plan named {code(edited.name)} already exists. Fix: give the edited plan "
            "another name; the existing plan is kept as it is."
        )
        return
    state.keep_plan(edited)
    st.success(f"Kept {code(edited.name)}: choose it on the Compare page.")
