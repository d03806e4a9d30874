"""The plan builder of the Scenarios page: a plan composed from levers, starting from nothing or
from any plan, with timed decisions ("from day D, these levers") added, moved or removed, in
forms built from the schema (:mod:`app_pages.forms`) and checked as the user types. The result
is kept for this session (and offered on the Compare page), saved to *my plans* (never
replacing a file) or downloaded as YAML."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.drafts import Draft, settle
from app_pages.forms import TEMPLATES, Ui, edit_model
from app_pages.widgets import code, plain, show_problems, show_warnings, yaml_download
from sim.scenario.changes import changes, edited_name
from sim.scenario.library import LibraryError, file_name, save_plan
from sim.scenario.loader import ScenarioError
from sim.scenario.no_effect import without_effect
from sim.scenario.plans import MutualAid, Overtime, Plan, Switch
from sim.scenario.problems import validate
from sim.scenario.schema import digest

DRAFT = "plan_draft"  # (the plan it started from, its digest, its Draft)
LABELS = {
    ("at", "day"): "decision on day",
    ("at", "hour"): "at hour",
    ("switches",): "timed decisions",
    ("Switch",): "Timed decision",
}
TEMPLATES[Switch] = {"at": {"day": 1, "hour": 9.0}, "levers": {}}
# levers switched on in the form start from these (assumptions, as in scenarios/plans/)
TEMPLATES[Overtime] = Overtime(hours_per_week=5.0).model_dump(mode="json")
TEMPLATES[MutualAid] = MutualAid(staff=5, from_day=0).model_dump(mode="json")


def draft_of(name: str, plan: Plan) -> Draft:
    kept = st.session_state.get(DRAFT)
    if kept is None or kept[:2] != (name, digest(plan)):
        kept = (name, digest(plan), Draft(plan.model_dump(mode="json")))
        st.session_state[DRAFT] = kept
    return kept[2]


def edit_plan() -> None:
    plans = state.plans()
    name = st.selectbox(
        "Start from",
        list(plans),
        key="plan_choice",
        help="Do nothing starts from no levers; any other plan starts from its levers and "
        "timed decisions.",
    )
    plan = plans[name]
    draft = draft_of(name, plan)
    draft.reshapes.clear()  # none left from a run of the page that stopped part way
    ui = Ui(draft, "plan-" + digest(plan)[:12], LABELS)
    new = edit_model(ui, (), draft.data, Plan, only=("name", "description"))
    st.markdown("**Levers in force from the start**")
    new["levers"] = edit_model(ui, ("levers",), draft.data["levers"], type(plan.levers))
    st.caption("A timed decision: from its moment of the run, its levers replace those in force.")
    new.update(edit_model(ui, (), draft.data, Plan, only=("switches",)))
    if settle(draft, new):
        st.rerun()
    result(name, plan, draft, plans)


def result(name: str, plan: Plan, draft: Draft, plans: dict[str, Plan]) -> None:
    """The plan the form holds, checked as it stands, and what can be done with it."""
    try:
        built: Plan = validate(draft.data, {}, "the plan in the form", model=Plan)
    except ScenarioError as exc:
        show_problems(exc)
        st.caption("Nothing you typed is lost: fix the fields named above.")
        return
    found = changes(plan, built)
    if found and built.name == plan.name:  # named after what changed unless renamed
        built = built.model_copy(update={"name": edited_name(name, found)})
    st.caption(
        f"Valid: {code(built.name)} (digest {code(digest(built))}); "
        + (f"{len(found)} change(s) from {plain(name)}." if found else f"as {plain(name)}.")
    )
    against_scenario_in_use(built)
    columns = st.columns([1, 1, 1])
    if columns[0].button("Keep this plan", type="primary", key="plan_keep"):
        keep(built, plan, found, plans)
    yaml_download(built, "Download plan (YAML)", "plan_download", columns[1])
    if columns[2].button("Save to my plans", key="plan_save"):
        try:
            path = save_plan(built, state.my_plans_dir(), file_name(built.name))
        except LibraryError as exc:
            st.error(plain(str(exc)))
        else:
            state.keep_plan(built)
            st.success(f"Saved as {code(path.name)} in my plans; choose it on the Compare page.")


def against_scenario_in_use(built: Plan) -> None:
    """What in the plan the scenario in use would not feel (levers with nothing to act on)."""
    try:
        scenario = state.in_use().scenario
    except ScenarioError:
        return  # the scenario's own problems are shown at the top of the page
    show_warnings(without_effect(scenario, [built], scenario.run.weeks))


def keep(built: Plan, plan: Plan, found: tuple, plans: dict[str, Plan]) -> None:
    if not found and built.name == plan.name:
        st.info(f"Nothing was changed: {plain(plan.name)} is as it was.")
        return
    if built.name in plans and digest(plans[built.name]) == digest(built):
        st.info(f"{code(built.name)} is already kept with these levers.")
        return
    if built.name in plans:
        st.error(
            f"A plan named {code(built.name)} already exists. Fix: give the plan another "
            "name; the existing plan is kept as it is."
        )
        return
    state.keep_plan(built)
    st.success(f"Kept {code(built.name)}: choose it on the Compare page.")
