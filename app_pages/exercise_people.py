"""The facilitator's forms for the people in the room: the participants (those the exercise
lists, and anyone who joins during play: name, role, function) and the hot wash at the end of
play (what went well, what to improve, and who said it). Each change is saved as the exercise's
next step, following the step the page shows (:mod:`app_pages.exercise_steps`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from app_pages import exercise_steps as steps
from app_pages.widgets import plain
from sim.exercise import evaluation as evaluate
from sim.exercise.log import ExerciseError, ExerciseLog
from sim.scenario.evaluation import HOT_WASH, HotWashItem
from sim.scenario.exercise import ROLES, Participant

THE_ROOM = "the room"


def participants(log: ExerciseLog, exercise_id: str) -> None:
    listed = len(log.exercise.participants)
    rows = [
        {
            "name": p.name,
            "role": p.role,
            "function": p.function,
            "joined": "from the start" if i < listed else "during play",
        }
        for i, p in enumerate(evaluate.everyone(log))
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    form = steps.fresh("participant")  # what is typed stays until the participant is saved
    with st.form(f"participant-{form}"):
        cols = st.columns(3)
        name = cols[0].text_input("Name or post", max_chars=120, key=f"participant-name-{form}")
        role = cols[1].selectbox(
            "Role", ROLES, index=ROLES.index("player"), key=f"participant-role-{form}"
        )
        function = cols[2].text_input("Function", max_chars=120, key=f"participant-function-{form}")
        added = st.form_submit_button("Add participant")
    if not added:
        return
    try:
        joined = evaluate.add_participant(
            log, Participant(name=name or " ", role=role, function=function.strip())
        )
    except (ExerciseError, ValidationError) as exc:
        said = str(exc) if isinstance(exc, ExerciseError) else "give a name or post"
        st.error(f"The participant was not added: {plain(said)}.")
        return
    steps.save(joined, exercise_id, f"{name.strip()} joined as {role}", "participant")


def hot_wash(log: ExerciseLog, exercise_id: str) -> None:
    st.caption(
        "Straight after play, the players' own view: what went well, and what to improve. "
        "The report sets it beside the evaluators' observations."
    )
    for kind in HOT_WASH:
        said = [h for h in log.hot_wash if h.kind == kind]
        heading = "What went well" if kind == "went well" else "What to improve"
        lines = [f"- {plain(h.text)} ({plain(h.by or THE_ROOM)})" for h in said]
        st.markdown(f"**{heading}**\n" + ("\n".join(lines) or "nothing yet"))
    form = steps.fresh("hot-wash")
    with st.form(f"hot-wash-{form}"):
        kind = st.radio(
            "About",
            HOT_WASH,
            horizontal=True,
            key=f"hot-wash-kind-{form}",
            format_func=lambda k: "what went well" if k == "went well" else "what to improve",
        )
        text = st.text_area("What was said", max_chars=2000, key=f"hot-wash-text-{form}")
        people = [THE_ROOM, *(p.name for p in evaluate.everyone(log))]
        by = st.selectbox("Said by", people, key=f"hot-wash-by-{form}")
        added = st.form_submit_button("Add to the hot wash")
    if added and text.strip():
        item = HotWashItem(kind=kind, text=text.strip(), by="" if by == THE_ROOM else by or "")
        steps.save(evaluate.add_hot_wash(log, item), exercise_id, "Hot wash item added", "hot-wash")
