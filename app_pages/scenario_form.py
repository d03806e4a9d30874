"""The scenario builder of the Scenarios page: every part of the scenario in use in forms built
from the schema (:mod:`app_pages.forms`), outages of every kind added, removed, reordered or
changed to another kind, validated as the user types with the loader's own messages, and the
disruption timeline drawn from what the form holds."""

from __future__ import annotations

import copy
import hashlib
import typing
from typing import Any

import streamlit as st

from app_pages import state
from app_pages.drafts import Draft, Reshape, add, settle
from app_pages.forms import TEMPLATES, Ui, edit_model, entry_buttons
from app_pages.widgets import chart, code, plain, show_problems, show_warnings
from sim.domain.vocabulary import ROLES, pretty
from sim.experiments.cost import Estimate, run_cpu_seconds
from sim.outputs.describe import KIND_WORDS
from sim.outputs.timeline import timeline_figure
from sim.scenario.changes import changes
from sim.scenario.loader import ScenarioError, scenario_from_mapping
from sim.scenario.no_effect import without_effect
from sim.scenario.objectives import Objective
from sim.scenario.outages import Outages
from sim.scenario.schema import Scenario, digest

DRAFT = "scenario_draft"  # (the scenario in use's key, its Draft)
LABELS: dict[tuple[str, ...], str] = {
    ("start", "day"): "starts on day",
    ("start", "hour"): "at hour",
    ("at", "day"): "on day",
    ("at", "hour"): "at hour",
    ("Objective",): "Objective",
    **{(role, "count"): pretty(role) for role in ROLES},  # posts, shown by the role's name
}
SECTIONS = {  # tab -> the scenario's fields on it
    "Run": ("name", "description", "run", "calendar"),
    "Staff": ("office",),
    "Caseload": ("caseload",),
    "Tasks": ("tasks",),
    "Systems": ("systems",),
    "Objectives": ("objectives",),
}
_START = {"day": 7, "hour": 9.0}
# A new outage of each kind, before the user sets it (every field shown, each can be changed)
NEW_OUTAGE = {
    "down": {"system": "case_system", "start": _START, "duration_days": 3.0},
    "login_cap": {"system": "case_system", "start": _START, "duration_days": 5.0,
                  "share_of_staff": 0.5},
    "slow": {"system": "case_system", "start": _START, "duration_days": 3.0, "factor": 2.0},
    "email_loss": {"start": _START, "duration_days": 2.0, "lost_share": 0.1,
                   "detection_days": 2.0},
    "record_loss": {"at": _START, "share": 0.05, "reconstruction_minutes": 60.0},
    "work_lost": {"at": _START, "task": "case_transfer", "share": 0.5,
                  "completed_within_days": 2.0},
    "office_cap": {"start": _START, "duration_days": 5.0, "max_on_site": 20,
                   "home_kit_share": 0.5},
    "surges": {"at": _START, "task": "assessment_review", "share_of_cases": 1.0,
               "due_working_days": 20},
    "staff_absent": {"start": _START, "duration_days": 5.0, "role": "probation_officer",
                     "staff": 5},
}  # fmt: skip
TEMPLATES[Objective] = {
    "activity": "New activity",
    "tasks": ["supervision_contact"],
    "rto_days": 5.0,
    "mtpd_days": 10.0,
    "mbco": 0.5,
}


def outage_model(kind: str) -> type:
    return typing.get_args(Outages.model_fields[kind].annotation)[0]


def new_outage(kind: str, like: dict | None = None) -> dict:
    """A new outage of ``kind``: its defaults, with the timing and system of ``like`` (the
    outage whose kind is being changed) where the new kind has them."""
    data = copy.deepcopy(NEW_OUTAGE[kind])
    if like is not None:
        moment = like.get("start") or like.get("at")
        data["start" if "start" in data else "at"] = moment
        if "start" in data and "start" in like:
            data.pop("duration_days", None)
            data.update({k: like.get(k) for k in ("duration_hours", "duration_days")})
        if "system" in data and like.get("system") is not None:
            data["system"] = like["system"]
    model: Any = outage_model(kind)
    return model.model_validate(data).model_dump(mode="json")


def draft_of(current: state.InUse) -> Draft:
    """This user's draft of the scenario in use (a new one when another scenario is in use)."""
    kept = st.session_state.get(DRAFT)
    if kept is None or kept[0] != current.key:
        kept = (current.key, Draft(current.scenario.model_dump(mode="json")))
        st.session_state[DRAFT] = kept
    return kept[1]


def build(current: state.InUse) -> None:
    """The builder: tabs of forms, then the result as it stands (or its problems)."""
    draft = draft_of(current)
    draft.reshapes.clear()  # none left from a run of the page that stopped part way
    ui = Ui(draft, "scenario-" + current.key, LABELS)
    data = draft.data
    new = dict(data)
    tabs = dict(zip([*SECTIONS, "Outages"], st.tabs([*SECTIONS, "Outages"]), strict=True))
    for tab, names in SECTIONS.items():
        with tabs[tab]:
            new.update(edit_model(ui, (), data, Scenario, only=names))
    with tabs["Run"]:
        listed = list(data["plans"])
        stems = [stem for stem, _ in state.plan_files()]
        picked = st.multiselect(
            "Plans compared by default (files in scenarios/plans)",
            list(dict.fromkeys([*listed, *stems])),
            listed,
            key=ui.key(("plans",)),
        )
        new["plans"] = listed if picked == listed else picked
    with tabs["Outages"]:
        new["outages"] = outages(ui, data["outages"])
    if settle(draft, new):
        st.rerun()
    result(current, draft)


def outages(ui: Ui, data: dict) -> dict:
    """Every outage, kind by kind, each with its kind (changing it keeps its timing), buttons
    to move it within its kind or remove it, and a button adding an outage of a chosen kind."""
    new = {kind: list(windows) for kind, windows in data.items()}
    number = 0
    for kind in KIND_WORDS:
        for i, window in enumerate(data[kind]):
            number += 1
            path = ("outages", kind, i)
            with st.container(border=True):
                head = st.columns([4, 1, 1, 2])
                chosen = head[0].selectbox(
                    f"Outage #{number}: kind",
                    list[str](KIND_WORDS),
                    list[str](KIND_WORDS).index(kind),
                    format_func=KIND_WORDS.__getitem__,
                    key=ui.key(path, "kind"),
                )
                if chosen != kind:
                    ui.draft.reshapes.append(change_kind(kind, i, chosen))
                entry_buttons(ui, ("outages", kind), i, len(data[kind]), head[1:])
                new[kind][i] = edit_model(ui.at(st), path, window, outage_model(kind))
    columns = st.columns([3, 1])
    kind = columns[0].selectbox(
        "Kind of a new outage",
        list[str](KIND_WORDS),
        format_func=KIND_WORDS.__getitem__,
        key=ui.key((), "k"),
    )
    columns[1].write("")
    if columns[1].button("Add outage", key=ui.key(("outages",), "+")):
        ui.draft.reshapes.append(add(("outages", kind), new_outage(kind)))
    return new


def listed_plans(scenario: Scenario) -> list:
    """The plans the scenario lists, whose timed decisions the timeline marks."""
    plans = state.plans()
    return [plans[n] for n in state.scenario_plan_names(scenario) if n in plans]


def digest_of(plans: list) -> str:
    """A short digest of a list of plans (charts drawn from them are cached under it)."""
    return hashlib.sha256("".join(digest(p) for p in plans).encode()).hexdigest()[:12]


def change_kind(kind: str, i: int, to: str) -> Reshape:
    """Outage ``i`` of ``kind`` made an outage of kind ``to``, keeping its timing and system."""

    def reshape(data: dict) -> None:
        data["outages"][to].append(new_outage(to, data["outages"][kind].pop(i)))

    return reshape


def result(current: state.InUse, draft: Draft) -> None:
    """The scenario the form holds, checked by the loader's rules as it stands: its problems,
    or its timeline, the cost of a run and the button that makes it the scenario in use."""
    try:
        built = scenario_from_mapping(draft.data, "the scenario in the form")
    except ScenarioError as exc:
        show_problems(exc)
        st.caption("Nothing you typed is lost: fix the fields named above.")
        return
    plans = listed_plans(built)
    chart(
        lambda: timeline_figure(built, plans),
        f"timeline-{built.digest()[:12]}-{digest_of(plans)}",
        "builder_timeline",
    )
    show_warnings(without_effect(built, plans, built.run.weeks))  # the plans it lists
    weeks = built.run.weeks
    one = run_cpu_seconds(built, weeks)
    cost = Estimate(1, one, one)
    found = changes(current.scenario, built)
    st.caption(
        f"Valid (digest {code(built.digest()[:12])}); one run of {weeks} weeks costs "
        f"{cost.words(1).split(' (')[0]}. "
        + (f"{len(found)} change(s) from the scenario in use." if found else "No changes yet.")
    )
    columns = st.columns([1, 1, 3])
    if columns[0].button("Apply changes", type="primary", key="builder_apply"):
        if not found:
            st.info("Nothing was changed: the scenario is as it was.")
            return
        state.set_in_use(state.edit_in_use(built))
        st.rerun()
    if columns[1].button("Start again", key="builder_reset", disabled=not found):
        st.session_state.pop(DRAFT, None)
        st.rerun()
    if found:
        st.markdown("Changed: " + "; ".join(plain(c.words()) for c in found[:8]))
