"""The facilitator's decision at a decision point: the players' votes, recording the decision
(on the first answer if the room is ready: the remaining runs finish in the background and
their numbers as they ended are saved beside it), and composing another option from the plan
levers. Each change is saved as a new step of the exercise (:mod:`app_pages.exercise_steps`)."""

from __future__ import annotations

import streamlit as st

from app_pages import exercise_steps as steps
from app_pages import exercise_views as views
from app_pages.drafts import Draft, settle
from app_pages.forms import Ui, edit_model
from app_pages.widgets import plain, show_problems
from sim.exercise import log as play
from sim.exercise.evaluation import everyone
from sim.exercise.projection import Step, completes, decision_step, projection_of, unfinished
from sim.exercise.votes import Vote, VoteBox, VoteError, latest_votes, tally
from sim.scenario.exercise import DecisionPoint, Option
from sim.scenario.loader import ScenarioError
from sim.scenario.plans import Levers
from sim.scenario.problems import validate

save = steps.save


def decision(
    log: play.ExerciseLog, exercise_id: str, point: DecisionPoint, step: Step, job
) -> None:
    st.markdown("#### Record the decision")
    names = [o.name for o in step.options]
    st.fragment(lambda: players_votes(exercise_id, point, names), run_every=2.0)()
    players = [p.name for p in everyone(log) if p.role == "player"]
    leads = [p.name for p in everyone(log) if p.role == "facilitator"]
    people = [*players, "the room", *leads]
    with st.form(f"decide-{point.id}"):
        chosen = st.radio("Option taken", names, key=f"decide-option-{point.id}")
        by = st.selectbox(
            "Decided by",
            people,
            index=None,
            placeholder="Who decided (left empty: not recorded)",
            key=f"decide-by-{point.id}",
        )
        why = st.text_area("Why", key=f"decide-why-{point.id}", max_chars=4000)
        ready = views.answer(job) is not None
        recorded = st.form_submit_button("Record decision", type="primary", disabled=not ready)
    if not ready:
        st.caption("The decision can be recorded once the first answer is in.")
    elif job.result is None:
        st.caption(
            "Recorded now, the log keeps the numbers as they stand (the first answer above); the "
            "remaining runs finish in the background and their final numbers are added to the "
            "log beside them."
        )
    shown = job.result if job.result is not None else job.partial
    if recorded and shown is not None and chosen is not None:
        option = step.options[names.index(chosen)]
        kept = play.add_projection(log, projection_of(log, step, shown))
        try:
            votes = tuple(latest_votes(_read_votes(exercise_id)[0], point.id))  # as they stand
            decided = play.decide(kept, point.id, option, by or "", why or "", votes)
            save(decided, exercise_id, f"Decision recorded: {option.name}")
        except play.ExerciseError as exc:
            st.error(plain(str(exc)))


def _read_votes(exercise_id: str) -> tuple[list[Vote], list[str]]:
    """Every vote saved for the exercise and each file skipped (none, if the folder cannot be
    read: said on the page)."""
    try:
        return VoteBox(views.exercises_dir()).read(exercise_id)
    except VoteError as exc:
        st.error(plain(str(exc)))
        return [], []


def players_votes(exercise_id: str, point: DecisionPoint, names: list[str]) -> list[Vote]:
    """The players' votes at ``point`` (each person's latest), shown as a tally with reasons,
    refreshed as they come; those standing when the decision is recorded go into the log."""
    found, problems = _read_votes(exercise_id)
    votes = latest_votes(found, point.id)
    if problems:
        st.warning(f"{len(problems)} vote file(s) could not be read: {plain(problems[0])}")
    if not votes:
        st.caption("No player has voted yet (players vote on the Player page).")
        return votes
    st.markdown(
        "**Players' votes:** "
        + plain(", ".join(f"{name} {n}" for name, n in tally(votes, names) if n))
    )
    for v in votes:
        chose = v.option or f"another option: {v.suggestion}"
        st.markdown(f"- {plain(v.by)}: {plain(chose)}" + (f" ({plain(v.why)})" if v.why else ""))
    return votes


def finish_decided(log: play.ExerciseLog, exercise_id: str) -> list:
    """The jobs of decisions recorded on a first answer whose runs are not all in: each kept
    running (the page stops none of them), and once one's runs are all in, its numbers as they
    ended are saved as the next step, beside those the decision was recorded on."""
    jobs = []
    for kept in unfinished(log):
        at_point, step = decision_step(log, kept)
        job = views.job_of(step, at_point)
        if job.result is not None:
            final = completes(log, kept, job.result)
            save(play.complete_projection(log, final), exercise_id, log_line(final))
        jobs.append(job)
        n, most = kept.partial or (0, 0)
        st.caption(
            f"The decision at {play.when(log.point(kept.point).at)} was recorded on the first "
            f"answer, {n} of at most {most} "
            f"replications; the rest are finishing: {views.progress_words(job)}"
        )
    return jobs


def log_line(final) -> str:
    return f"Every run in for decision point {final.point}: {final.replications} replications"


def propose_option(log: play.ExerciseLog, exercise_id: str, point: DecisionPoint) -> None:
    """Compose another option from the plan levers (the builder's lever forms)."""
    with st.expander("Compose another option from the plan levers", key=f"compose-{point.id}"):
        key = f"option-draft-{exercise_id}-{point.id}"
        draft: Draft = st.session_state.setdefault(
            key, Draft({"name": "", "levers": {}, "stop": []})
        )
        draft.reshapes.clear()
        ui = Ui(draft, f"option-{point.id}", {("name",): "option name"})
        new = edit_model(ui, (), draft.data, Option, only=("name",))
        st.caption("Levers pulled from the decision on (each replaces its settings if pulled):")
        new["levers"] = edit_model(ui, ("levers",), draft.data["levers"], Levers)
        new.update(edit_model(ui, (), draft.data, Option, only=("stop",)))
        if settle(draft, new):
            st.rerun()
        if st.button("Add this option", key=f"option-add-{point.id}"):
            try:
                option = validate(draft.data, {}, "the option in the form", model=Option)
            except ScenarioError as exc:
                show_problems(exc)
                return
            try:
                proposed = play.propose(log, point.id, option)
            except play.ExerciseError as exc:
                st.error(plain(str(exc)))
                return
            st.session_state.pop(key, None)
            save(proposed, exercise_id, f"Option added: {option.name}")
