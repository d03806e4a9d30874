"""Scenarios: pick an incident from the library, edit it, upload one, download or save it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.forms import lever_edits, scenario_edits
from app_pages.widgets import code, plain, scenario_or_problems, show_problems
from sim.config import Scenario, filled_posts
from sim.loader import ScenarioError, scenario_from_mapping, scenario_from_text, to_yaml
from sim.plans import Plan
from sim.problems import validate
from sim.scenario_library import LibraryError, entries, file_name, save_scenario
from sim.vocabulary import ROLES, pretty

MAX_UPLOAD_MB = 1


def render() -> None:
    st.title("Scenarios")
    try:
        state.scenario()  # loaded first, so the library box shows the scenario in use
    except ScenarioError:
        pass  # shown below, after the library (where another can be chosen)
    library()
    current = scenario_or_problems()
    if current is None:
        return
    scenario, source = current
    describe(scenario, source)
    with st.expander("Edit this scenario"):
        edit(scenario)
    with st.expander("Edit a plan's levers"):
        edit_plan()
    with st.expander("Upload a scenario (YAML)"):
        upload()
    keep(scenario)


def title(entry) -> str:
    """A library entry's scenario name and file (or that the file has problems)."""
    try:
        name = state.scenario_file(entry.path).name
    except ScenarioError:
        name = "(has problems: open it to see them)"
    return f"{name} - {entry.label}"


def library() -> None:
    found = entries(state.SCENARIOS, state.library_dir())
    labels = {e.label: e for e in found}
    source = st.session_state.get("scenario_source")
    current = next((i for i, e in enumerate(found) if e.path.name == source), 0)
    cols = st.columns([4, 1])
    chosen = cols[0].selectbox("Scenario library", list(labels), index=current,
                               key="library_choice", format_func=lambda k: title(labels[k]),
                               help="The incidents shipped with the simulator, then the "
                                    "scenarios you saved (my scenarios).")
    cols[1].write("")
    if cols[1].button("Open scenario", type="primary", key="library_open"):
        entry = labels[chosen]
        try:
            state.set_scenario(state.scenario_file(entry.path), entry.path.name)
        except ScenarioError as exc:
            show_problems(exc)


def describe(scenario: Scenario, source: str) -> None:
    st.header(plain(scenario.name))
    st.caption(f"From {code(source)}")
    if scenario.description:
        st.markdown(plain(scenario.description))
    staffing = scenario.office.staffing
    cols = st.columns(4)
    cols[0].metric("Posts", f"{sum(staffing.role(r).count for r in ROLES):,}")
    cols[1].metric("Filled posts", f"{sum(filled_posts(staffing.role(r)) for r in ROLES):,}")
    cols[2].metric("Cases at start", f"{scenario.caseload.cases:,}")
    cols[3].metric("Weeks simulated", scenario.run.weeks)
    st.markdown("**Outages**")
    st.dataframe(outage_table(scenario), hide_index=True)


def outage_table(scenario: Scenario) -> pd.DataFrame:
    rows = []
    for kind, windows in scenario.outages.model_dump().items():
        for w in windows:
            start = w.get("start") or w.get("at") or {}
            length = (f"{w['duration_days']:g} days" if w.get("duration_days") is not None
                      else f"{w['duration_hours']:g} hours" if w.get("duration_hours") is not None
                      else "at once")
            rows.append({"outage": pretty(kind), "system": pretty(w.get("system", "")),
                         "starts on day": start.get("day"), "hour": start.get("hour"),
                         "lasts": length})
    return pd.DataFrame(rows, columns=["outage", "system", "starts on day", "hour", "lasts"])


def edit(scenario: Scenario) -> None:
    with st.form("edit_scenario"):
        data = scenario_edits(scenario.model_dump(mode="json"))
        submitted = st.form_submit_button("Apply changes", type="primary")
    if submitted:
        try:
            edited = scenario_from_mapping(data, "edited scenario")
        except ScenarioError as exc:
            show_problems(exc)
            return
        if edited != scenario:
            state.set_scenario(edited, "edited in the app")
            st.rerun()


def edit_plan() -> None:
    plans = state.plans()
    name = st.selectbox("Plan", [n for n, p in plans.items() if p.pulls_any()],
                        key="plan_choice", on_change=state.forget, args=("lever_",))
    plan = plans[name]
    with st.form("edit_plan"):
        new_name = st.text_input("Name of the edited plan", f"{name} (edited)", max_chars=120,
                                 key="lever_new_name")
        data = lever_edits(plan)
        submitted = st.form_submit_button("Keep this plan")
    if submitted:
        data["name"] = new_name
        try:
            edited: Plan = validate(data, {}, "edited plan", model=Plan)
        except ScenarioError as exc:
            show_problems(exc)
            return
        state.keep_plan(edited)
        st.success(f"Kept {code(edited.name)}: choose it on the Compare page.")


def upload() -> None:
    file = st.file_uploader("Scenario file", type=["yaml", "yml"], key="upload",
                            help="A scenario in the same YAML as the files in scenarios/. It may "
                                 "extend a shipped scenario (extends: reference-office.yaml).")
    if file is None or st.session_state.get("uploaded") == file.file_id:
        return
    if file.size > MAX_UPLOAD_MB * 1_048_576:
        st.error(f"{code(file.name)} is larger than {MAX_UPLOAD_MB} MB. Fix: upload the "
                 "scenario file itself.")
        return
    try:
        uploaded = scenario_from_text(file.getvalue(), file.name, base_dir=state.SCENARIOS)
    except ScenarioError as exc:
        show_problems(exc)
        return
    st.session_state["uploaded"] = file.file_id
    state.set_scenario(uploaded, file.name)
    st.rerun()


def keep(scenario: Scenario) -> None:
    st.subheader("Keep this scenario")
    text = to_yaml(scenario)
    st.download_button("Download as YAML", data=text, file_name=f"{file_name(scenario.name)}.yaml",
                       mime="application/x-yaml", key="download_yaml", on_click="ignore")
    with st.form("save_scenario"):
        name = st.text_input("Save to my scenarios as", file_name(scenario.name), max_chars=60,
                             key="save_name", help="Lower-case letters, digits and hyphens. "
                                                   "An existing name is never overwritten.")
        if st.form_submit_button("Save"):
            try:
                path = save_scenario(scenario, state.library_dir(), name)
            except LibraryError as exc:
                st.error(plain(str(exc)))
            else:
                st.success(f"Saved as {code(str(path))}; it is in the library as "
                           f"'my scenarios / {path.stem}'.")
