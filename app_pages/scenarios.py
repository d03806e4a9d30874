"""Scenarios: pick an incident from the library, edit it, upload one, download or save it."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.plan_editor import edit_plan
from app_pages.scenario_form import build, digest_of, listed_plans
from app_pages.widgets import (
    chart,
    code,
    plain,
    scenario_line,
    scenario_or_problems,
    show_problems,
    yaml_download,
)
from sim.domain.vocabulary import ROLES
from sim.outputs.describe import disruption_table
from sim.outputs.readable import readable
from sim.outputs.timeline import timeline_figure
from sim.scenario.library import LibraryError, entries, file_name, save_scenario
from sim.scenario.loader import ScenarioError, scenario_from_text
from sim.scenario.schema import filled_posts

MAX_UPLOAD_MB = 1


def render() -> None:
    st.title("Scenarios")
    try:
        current = state.in_use()  # loaded first, so the library box shows the scenario in use
    except ScenarioError:
        current = None  # shown below, after the library (where another can be chosen)
    library(current)
    current = scenario_or_problems()
    if current is None:
        return
    describe(current)
    with st.expander("Edit this scenario (every setting, outages of every kind)"):
        build(current)
    with st.expander("Build a plan from levers"):
        edit_plan()
    with st.expander("Upload a scenario (YAML)"):
        upload()
    keep(current)


def title(entry) -> str:
    """A library entry's scenario name and file (or that the file has problems)."""
    try:
        name = state.scenario_file(entry.path).name
    except ScenarioError:
        name = "(has problems: open it to see them)"
    return f"{name} - {entry.label}"


def library(current: state.InUse | None) -> None:
    """The library: the scenario in use is selected if it is a library file as it stands."""
    found = entries(state.SCENARIOS, state.library_dir())
    exact = None if current is None or current.original is not None else current.file
    index = next((i for i, e in enumerate(found) if exact is not None and e.path == exact), None)
    placeholder = (
        "Choose a scenario to open"
        if current is None
        else f"In use: {current.scenario.name} (not a library file as it stands)"
    )
    cols = st.columns([4, 1])
    chosen = cols[0].selectbox(
        "Scenario library",
        found,
        index=index,
        placeholder=placeholder,
        key=state.widget_key("library_choice") if current else "library_choice",
        format_func=title,
        help="The incidents shipped with the simulator, then the scenarios "
        "you saved (my scenarios).",
    )
    cols[1].write("")
    if cols[1].button("Open scenario", type="primary", key="library_open"):
        if chosen is None:
            st.warning("Choose a scenario in the library box first.")
            return
        try:
            state.set_in_use(state.open_file(chosen.path))
        except ScenarioError as exc:
            show_problems(exc)
            return
        st.rerun()


def describe(current: state.InUse) -> None:
    scenario = current.scenario
    st.header(plain(scenario.name))
    scenario_line(current)
    if scenario.description:
        st.markdown(plain(scenario.description))
    staffing = scenario.office.staffing
    cols = st.columns(4)
    cols[0].metric("Posts", f"{sum(staffing.role(r).count for r in ROLES):,}")
    cols[1].metric("Filled posts", f"{sum(filled_posts(staffing.role(r)) for r in ROLES):,}")
    cols[2].metric("Cases at start", f"{scenario.caseload.cases:,}")
    cols[3].metric("Weeks simulated", scenario.run.weeks)
    st.markdown("**Disruptions** (from the scenario's settings)")
    disruptions = disruption_table(scenario)
    if disruptions.empty:
        st.markdown("None: the office in normal operation.")
    else:
        st.table(readable(disruptions).set_index("kind"))
    plans = listed_plans(scenario)
    chart(
        lambda: timeline_figure(scenario, plans),
        f"timeline-{scenario.digest()[:12]}-{digest_of(plans)}",
        "scenario_timeline",
    )


def upload() -> None:
    file = st.file_uploader(
        "Scenario file",
        type=["yaml", "yml"],
        key="upload",
        help="A scenario in the same YAML as the files in scenarios/. It may "
        "extend a shipped scenario (extends: reference-office.yaml).",
    )
    if file is None or st.session_state.get("uploaded") == file.file_id:
        return
    if file.size > MAX_UPLOAD_MB * 1_048_576:
        st.error(
            f"{code(file.name)} is larger than {MAX_UPLOAD_MB} MB. Fix: upload the "
            "scenario file itself."
        )
        return
    try:
        uploaded = scenario_from_text(file.getvalue(), file.name, base_dir=state.SCENARIOS)
    except ScenarioError as exc:
        show_problems(exc)
        return
    st.session_state["uploaded"] = file.file_id
    text = file.getvalue().decode("utf-8-sig")
    state.set_in_use(state.upload_in_use(uploaded, file.name, text))
    st.rerun()


def keep(current: state.InUse) -> None:
    scenario = current.scenario
    st.subheader("Keep this scenario")
    yaml_download(scenario, "Download as YAML", "download_yaml")
    with st.form(state.widget_key("save_scenario")):
        name = st.text_input(
            "Save to my scenarios as",
            file_name(scenario.name),
            max_chars=60,
            key=state.widget_key("save_name"),
            help="Lower-case letters, digits and hyphens. An existing name is never overwritten.",
        )
        if st.form_submit_button("Save"):
            try:
                path = save_scenario(scenario, state.library_dir(), name)
            except LibraryError as exc:
                st.error(plain(str(exc)))
            else:  # the saved file is now the scenario in use, as the library box shows
                state.set_in_use(state.open_file(path))
                st.session_state["saved"] = (
                    f"Saved as {code(path.name)}; it is in the library as "
                    f"'my scenarios / {path.stem}' and in use."
                )
                st.rerun()
    if "saved" in st.session_state:
        st.success(st.session_state.pop("saved"))
