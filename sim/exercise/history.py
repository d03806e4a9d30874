"""An exercise's steps as one history, in words: what a step changed from the step before it,
and who did it, so a change refused because it was built on an older step (two facilitators on
one exercise) says what happened in between.

Each saved step is the whole log (:mod:`sim.exercise.store`), so a step's change is the
difference between two logs: the decisions, notes, injects, options, ratings, observations,
participants, hot wash items and so on it added, and where the clock moved, naming the person
where the log records one.
"""

from __future__ import annotations

from datetime import datetime

from sim.exercise.log import ExerciseLog, when

QUOTE_CHARS = 60  # a note or an observation is quoted up to this many characters
SHOWN_STEPS = 5  # the newest steps described in a refusal; older ones are counted


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3].rstrip() + "...")


def _change(what: str, by: str = "", detail: str = "") -> tuple[str, str, str]:
    return what, by, detail


def _words(change: tuple[str, str, str], at: str = "") -> str:
    """A change in words: what, by whom, when (if given), then what exactly, in brackets."""
    what, by, detail = change
    return " ".join(
        filter(None, (what, f"by {by}" if by else "", at, f"({detail})" if detail else ""))
    )


def _added(before: tuple, after: tuple) -> list:
    """What ``after`` holds that ``before`` does not (both logs' tuples only ever grow, so
    this is usually ``after``'s tail)."""
    if after[: len(before)] == before:
        return list(after[len(before) :])
    return [item for item in after if item not in before]


def changes(before: ExerciseLog | None, after: ExerciseLog) -> list[str]:
    """What ``after`` changed from ``before``, in words, naming who where the log says
    (``before`` None: the exercise as started)."""
    return [_words(change) for change in _changes(before, after)]


def _changes(before: ExerciseLog | None, after: ExerciseLog) -> list[tuple[str, str, str]]:
    if before is None:
        return [_change("the exercise was started", detail=when(after.exercise.starts_at))]
    found: list[tuple[str, str, str]] = []
    if after.exercise != before.exercise:
        found.append(_change("the exercise's settings were changed"))
    added_injects = _added(before.live_injects, after.live_injects)
    new_ids = {i.id for i in added_injects}
    delivered = _added(before.delivered, after.delivered)
    for inject in added_injects:
        done = " and delivered" if inject.id in delivered else ""
        found.append(_change(f"inject {inject.title!r} was added{done}"))
    if after.clock != before.clock:
        found.append(_change("the clock was moved on", detail=f"to {when(after.clock)}"))
    for inject_id in delivered:
        if inject_id not in new_ids:
            title = next((i.title for i in after.injects() if i.id == inject_id), inject_id)
            found.append(_change(f"inject {title!r} was delivered"))
    for proposal in _added(before.proposals, after.proposals):
        found.append(_change(f"option {proposal.option.name!r} was proposed at {proposal.point!r}"))
    decided = _added(before.decisions, after.decisions)
    for decision in decided:
        found.append(
            _change(
                f"a decision was recorded at decision point {decision.point!r}",
                decision.by,
                repr(decision.option.name),
            )
        )
    for projection in _added(before.projections, after.projections):
        if projection.point not in {d.point for d in decided}:
            found.append(_change(f"the options at {projection.point!r} were projected"))
    for standing in _added(before.standings, after.standings):
        found.append(_change(f"the office as it stood at {when(standing.clock)} was recorded"))
    for note in _added(before.notes, after.notes):
        found.append(_change("a note was added", note.by, _quote(note.text)))
    for rating in _added(before.ratings, after.ratings):
        found.append(
            _change(
                f"{rating.capability!r} was rated {rating.rating}",
                rating.evaluator,
                _quote(rating.observation) if rating.observation else "",
            )
        )
    for seen in _added(before.observations, after.observations):
        found.append(
            _change(f"an observation of {seen.capability!r} was added", seen.by, _quote(seen.text))
        )
    for joined in _added(before.participants_added, after.participants_added):
        found.append(_change(f"{joined.name} joined as {joined.role}"))
    for said in _added(before.hot_wash, after.hot_wash):
        found.append(
            _change(f"a hot wash item ({said.kind}) was added", said.by, _quote(said.text))
        )
    if after.actions != before.actions:
        found.append(
            _change("the improvement plan was changed", detail=f"{len(after.actions)} action(s)")
        )
    if not found:  # nothing the fields above tell: the log's own words for its new steps
        found = [_change(s[:1].lower() + s[1:]) for s in _added(before.steps, after.steps)]
    return found or [_change("the exercise was saved again unchanged")]


def saved_words(saved_at: object) -> str:
    """When a step was saved, in the server's local time: 'at 17:10:05 UTC on 7 December 2026'."""
    try:
        moment = datetime.fromisoformat(str(saved_at)).astimezone()
    except ValueError:
        return "at a time not recorded"
    return f"at {moment:%H:%M:%S} {moment:%Z} on {moment.day} {moment:%B %Y}"


def since(steps: list[tuple[str, ExerciseLog | None, ExerciseLog]], earlier: int = 0) -> str:
    """The steps saved after the one a change was built on, in words, oldest first; each is
    (when it was saved, the log before it, its log). ``earlier``: steps saved before these,
    counted but not described."""
    sentences = []
    for saved_at, before, after in steps:
        first, *rest = _changes(before, after)  # the time goes with the step's first change
        sentences.append(" and ".join([_words(first, saved_words(saved_at)), *map(_words, rest)]))
    head = f"{earlier} earlier step(s) were saved, then " if earlier else ""
    return head + "; then ".join(sentences)
