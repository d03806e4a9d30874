"""Player: an exercise on a player's own phone or laptop (``player?exercise=ID``).

The player says who they are (a participant of the exercise), and sees the clock, the injects
addressed to them (to their function, name or role, or to everyone) and, at a decision point,
the question and each option's headline measures against carrying on as decided, the same
numbers the room sees. They vote for an option, or suggest another in words, with a reason;
the facilitator's page shows the tally, and the votes as they stood go into the log with the
decision (:mod:`sim.exercise.votes`). The page follows play every few seconds; it never changes
the exercise's log, only adds votes beside it."""

from __future__ import annotations

import streamlit as st

from app_pages import exercise_views as views
from app_pages.room_layout import numbers, signed
from app_pages.widgets import plain
from sim.exercise.evaluation import everyone
from sim.exercise.log import ExerciseLog, when
from sim.exercise.store import ExerciseStoreError
from sim.exercise.votes import Vote, VoteBox, VoteError, latest_votes
from sim.results.measures import MEASURES, headlined
from sim.scenario.exercise import DecisionPoint, Participant

ANOTHER = "Another option (describe it)"
SHOWN = headlined("room")  # the room's three


def box() -> VoteBox:
    return VoteBox(views.exercises_dir())


def render() -> None:
    exercise_id = st.query_params.get("exercise")
    if not exercise_id:
        st.title("Player")
        st.info("Open this page from the link the facilitator gives: it names the exercise.")
        return
    try:
        log = views.store().load(exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        return
    st.title(log.exercise.name)
    me = who(log)
    if me is None:
        return
    point = log.pending()
    st.fragment(lambda: follow(exercise_id, me, point), run_every=3.0)()
    if point is not None:
        vote(exercise_id, me, point, log)


def who(log: ExerciseLog) -> Participant | None:
    """The participant this page is for (kept in its address, so a reload keeps it)."""
    people = sorted(everyone(log), key=lambda p: p.role != "player")
    names = [p.name for p in people]
    kept = st.query_params.get("who")
    chosen = st.selectbox(
        "Who are you?",
        names,
        index=names.index(kept) if kept in names else None,
        placeholder="Choose your post",
        key="player_who",
    )
    if chosen is None:
        st.info("Choose who you are to see what you are told and to vote.")
        return None
    st.query_params["who"] = chosen
    return people[names.index(chosen)]


def follow(exercise_id: str, me: Participant, point: DecisionPoint | None) -> None:
    """What the player is told, refreshed as play goes on (the page is redrawn when a decision
    point is reached or decided)."""
    try:
        log = views.store().load(exercise_id)
    except ExerciseStoreError as exc:
        st.error(plain(str(exc)))
        return
    now = log.pending()
    if (now and now.id) != (point and point.id):
        st.rerun(scope="app")
    st.markdown(f"**Day {log.clock.day}, {when(log.clock).split(', ')[1]}**")
    told = [log.inject(i) for i in log.delivered if log.inject(i).addressed_to(me)]
    if not told:
        st.caption("Nothing has been addressed to you yet.")
    for inject in reversed(told[-5:]):
        st.markdown(f"**{plain(when(inject.at))}: {plain(inject.title)}**  \n{plain(inject.told)}")
    if now is None:
        if log.decisions:
            st.caption(f"Last decision: {plain(log.decisions[-1].option.name)}.")
        return
    st.markdown(f"**Decision:** {plain(now.question)}")
    options(log)


def options(log: ExerciseLog) -> None:
    """Each option's three headline measures against carrying on as decided, as the room reads
    them (the step's experiment: the same job as the room's and the facilitator's)."""
    step, job = views.step_job(log)
    found = views.answer(job)
    if found is None:
        st.caption(f"Projecting each option. {views.progress_words(job)}")
        return
    names = [step.reference, *(p.name for p in step.plans if p.name != step.reference)]
    rows = views.headline_numbers(found, names, SHOWN)
    for name in names:
        parts = []
        for measure in SHOWN:
            found_row = rows[(rows["plan"] == name) & (rows["measure"] == measure)]
            if found_row.empty:
                continue
            r = found_row.iloc[0]
            diff = r.get("vs_reference_mean", float("nan"))
            if diff == diff:  # as the room writes it: the difference and its 95% interval
                d, low, high = signed(diff, r["vs_reference_low"], r["vs_reference_high"])
                versus = f" ({d} vs carrying on, {low} to {high})"
            else:
                low, high = numbers(r["ci_low"], r["ci_high"])
                versus = f" ({low} to {high})"
            parts.append(f"{MEASURES[measure].heading}: {numbers(r['mean'])[0]}{versus}")
        tag = " (carrying on as decided)" if name == step.reference else ""
        st.markdown(f"**{plain(name)}**{plain(tag)}  \n" + plain("; ".join(parts)))
    st.caption(
        f"Means over {int(rows['replications'].max()) if len(rows) else 0} replications"
        + ("; refined as runs arrive." if job.result is None else ".")
    )


def vote(exercise_id: str, me: Participant, point: DecisionPoint, log: ExerciseLog) -> None:
    """The player's vote: an option, or another described in words, with why."""
    names = [o.name for o in log.options(point.id)]
    try:
        votes, _ = box().read(exercise_id)
    except VoteError as exc:
        st.error(plain(str(exc)))
        return
    mine = next((v for v in latest_votes(votes, point.id) if v.by == me.name), None)
    if mine is not None:
        chosen = mine.option or f"another option: {mine.suggestion}"
        st.success(f"Your vote: {plain(chosen)}. You can change it until the room decides.")
    with st.form(f"vote-{point.id}", clear_on_submit=True):
        option = st.radio("Your vote", [*names, ANOTHER], index=None, key=f"vote-{point.id}")
        suggestion = st.text_input("The option you suggest (if another)", max_chars=500)
        why = st.text_area("Why", max_chars=2000)
        sent = st.form_submit_button("Send my vote", type="primary")
    if not sent:
        return
    if option is None or (option == ANOTHER and not suggestion.strip()):
        st.error("Choose an option, or describe the one you suggest.")
        return
    try:
        box().cast(
            exercise_id,
            Vote(
                point=point.id,
                by=me.name,
                option="" if option == ANOTHER else option,
                suggestion=suggestion.strip() if option == ANOTHER else "",
                why=why.strip(),
            ),
        )
    except VoteError as exc:
        st.error(plain(str(exc)))
        return
    st.rerun()
