"""The facilitator's forms: record a decision, compose an option from the plan levers, add an
inject now, notes, capability ratings, the improvement plan and the after-action report. Each
change is saved as a new step of the exercise, following the step the page shows, before the
page is drawn again (:mod:`app_pages.exercise_steps`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import exercise_steps as steps
from app_pages.drafts import Draft, settle
from app_pages.forms import Ui, edit_model
from app_pages.scenario_form import new_outage, outage_model
from app_pages.widgets import plain, show_problems
from sim.exercise import log as play
from sim.exercise.improvement import (
    COLUMNS,
    ImprovementPlanError,
    capability_options,
    from_csv,
    from_rows,
)
from sim.exercise.projection import Step, standing_of
from sim.exercise.store import ExerciseStoreError
from sim.outputs.describe import KIND_WORDS
from sim.outputs.exercise_report import exercise_report
from sim.outputs.exercise_report_render import render_exercise_html, render_exercise_pdf
from sim.scenario.evaluation import RATINGS, STATUSES, Rating
from sim.scenario.exercise import Inject
from sim.scenario.loader import ScenarioError
from sim.scenario.problems import validate

NEWS = "news only (no change in the model)"
DONE = steps.DONE
save = steps.save


def inject(log: play.ExerciseLog, exercise_id: str) -> None:
    """An inject delivered now: what the room is told and, if anything, what changes."""
    step = steps.fresh("inject")  # a new form once an inject is delivered
    title = st.text_input("Title", key=f"inject-title-{step}", max_chars=120)
    told = st.text_area("What the room is told", key=f"inject-told-{step}", max_chars=4000)
    kind = st.selectbox(
        "What changes in the model",
        [NEWS, *KIND_WORDS],
        key=f"inject-kind-{step}",
        format_func=lambda k: KIND_WORDS.get(k, k),
    )
    effect: dict = {}
    if kind != NEWS:
        key = f"inject-draft-{exercise_id}-{kind}-{step}"
        start = {"day": log.clock.day, "hour": log.clock.hour}
        template = new_outage(kind)
        template["start" if "start" in template else "at"] = start
        draft: Draft = st.session_state.setdefault(key, Draft(template))
        draft.reshapes.clear()
        entry = edit_model(Ui(draft, f"inject-{kind}-{step}"), (), draft.data, outage_model(kind))
        if settle(draft, entry):
            st.rerun()
        effect = {kind: [draft.data]}
    if st.button("Deliver this inject now", key="inject-deliver"):
        data = {
            "id": f"live-{len(log.live_injects) + 1}",
            "at": {"day": log.clock.day, "hour": log.clock.hour},
            "title": title,
            "told": told,
            "effect": effect,
        }
        try:
            new = validate(data, {}, "the inject in the form", model=Inject)
            save(play.add_inject(log, new), exercise_id, f"Inject delivered: {new.title}", "inject")
        except ScenarioError as exc:
            show_problems(exc)
        except play.ExerciseError as exc:
            st.error(plain(str(exc)))


def notes(log: play.ExerciseLog, exercise_id: str) -> None:
    for note in log.notes:
        st.markdown(
            f"- {plain(play.when(note.at))}, {plain(note.by or 'the room')}: {plain(note.text)}"
        )
    form = steps.fresh("note")  # what is typed stays until the note is saved
    with st.form(f"note-{form}"):
        text = st.text_area("Note", max_chars=4000, key=f"note-text-{form}")
        by = st.text_input("By", max_chars=200, key=f"note-by-{form}")
        added = st.form_submit_button("Add note")
    if added and text.strip():
        save(play.add_note(log, text.strip(), by.strip()), exercise_id, "Note added", "note")


def ratings(log: play.ExerciseLog, exercise_id: str) -> None:
    given = {r.capability: r for r in log.ratings}
    st.caption("; ".join(f"{k}: {v}" for k, v in RATINGS.items()))
    with st.form("ratings"):
        entered = {}
        for i, capability in enumerate(log.exercise.capabilities):
            st.markdown(f"**{plain(capability.name)}**: {plain(capability.description)}")
            old = given.get(capability.name)
            cols = st.columns([1, 3, 2])
            choices = ["not rated", *RATINGS]
            rating = cols[0].selectbox(
                "Rating", choices, key=f"rating-{i}", index=choices.index(old.rating) if old else 0
            )
            observation = cols[1].text_input(
                "Summary (why this rating)",
                old.observation if old else "",
                key=f"rating-obs-{i}",
                max_chars=4000,
            )
            evaluator = cols[2].text_input(
                "Evaluator", old.evaluator if old else "", key=f"rating-by-{i}", max_chars=200
            )
            entered[capability.name] = (rating, observation, evaluator)
        saved = st.form_submit_button("Save ratings")
    if saved:
        new = log
        for name, (rating, observation, evaluator) in entered.items():
            if rating in RATINGS:
                new = play.rate(
                    new,
                    Rating(
                        capability=name, rating=rating, observation=observation, evaluator=evaluator
                    ),
                )
        save(new, exercise_id, "Ratings saved")


def improvement_plan(log: play.ExerciseLog, exercise_id: str) -> None:
    upload = st.file_uploader(
        "Reopen a plan from an earlier exercise (CSV)",
        type=["csv"],
        key=f"plan-upload-{len(log.steps)}",
    )
    if upload is not None:
        try:
            actions = from_csv(upload.getvalue().decode("utf-8", "replace"), upload.name)
        except ImprovementPlanError as exc:
            st.error(plain(str(exc)))
        else:
            if st.button(f"Use its {len(actions)} action(s)", key="plan-use"):
                added = play.set_actions(log, (*log.actions, *actions))
                save(added, exercise_id, f"{len(actions)} action(s) added to the improvement plan")
    fields = list(COLUMNS.values())  # the HSEEP columns, headed as in the CSV
    headings = {field: heading for heading, field in COLUMNS.items()}
    frame = pd.DataFrame([a.model_dump() for a in log.actions], columns=fields)
    text = {f: st.column_config.TextColumn(headings[f]) for f in fields}
    capabilities, others = capability_options(
        log.actions, [c.name for c in log.exercise.capabilities]
    )
    if others:
        st.caption(
            "Not a capability of this exercise, kept as it is (from an earlier exercise's plan): "
            + ", ".join(f"'{plain(name)}'" for name in others)
            + "."
        )
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
        key=f"plan-editor-{len(log.steps)}",
        column_config={
            **text,
            "start": st.column_config.DateColumn(headings["start"]),
            "due": st.column_config.DateColumn(headings["due"]),
            "status": st.column_config.SelectboxColumn(headings["status"], options=list(STATUSES)),
            "capability": st.column_config.SelectboxColumn(
                headings["capability"], options=capabilities
            ),
        },
    )
    if st.button("Save improvement plan", key="plan-save"):
        try:
            kept = from_rows(edited.to_dict("records"))
        except ImprovementPlanError as exc:
            st.error(f"The plan was not saved: {plain(str(exc))}. Nothing typed is lost.")
            return
        save(
            play.set_actions(log, tuple(kept)),
            exercise_id,
            f"Improvement plan: {len(kept)} action(s)",
        )


def report(log: play.ExerciseLog, exercise_id: str, step: Step, job) -> None:
    key = f"report-{exercise_id}-{len(log.steps)}"
    if st.button("Prepare the after-action report", key="report-prepare"):
        if steps.stale(exercise_id):  # an evaluator's observation, say: the report needs it
            st.warning(
                "The exercise has moved on since this page loaded it (see the top of the page): "
                "reload it first, so that the report holds everything saved."
            )
            return
        recorded = [s.clock for s in log.standings]
        if step.point is None and job.result is not None and log.clock not in recorded:
            log = play.add_standing(log, standing_of(log, step, job.result))
            try:  # the office as it stands now goes into the report, and is saved with it
                if not steps.record(log, exercise_id):
                    st.rerun()  # another step came first: the page says which
            except ExerciseStoreError as exc:
                st.error(plain(str(exc)))
            key = f"report-{exercise_id}-{len(log.steps)}"
        elif step.point is None and job.result is None:
            st.info(
                "The office now is still being simulated: the report says how play ended "
                "once it is in; prepare it again then."
            )
        content = exercise_report(log, exercise_id)
        st.session_state[key] = (
            render_exercise_html(content),
            render_exercise_pdf(content),
            content.improvement_csv,
        )
    made = st.session_state.get(key)
    if made is None:
        st.caption("The report is built from the exercise as saved now.")
        return
    html, pdf, csv = made
    cols = st.columns(3)
    stem = f"after-action-{exercise_id}"
    cols[0].download_button(
        "Download report (HTML)",
        html,
        f"{stem}.html",
        "text/html",
        key="report-html",
        on_click="ignore",
    )
    cols[1].download_button(
        "Download report (PDF)",
        pdf,
        f"{stem}.pdf",
        "application/pdf",
        key="report-pdf",
        on_click="ignore",
    )
    cols[2].download_button(
        "Download improvement plan (CSV)",
        csv,
        f"improvement-plan-{exercise_id}.csv",
        "text/csv",
        key="report-csv",
        on_click="ignore",
    )
