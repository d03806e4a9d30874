"""The decisions of an exercise in its after-action report: the timeline of injects (with what
the players were expected to do) and decisions, each decision's options as the room saw them
against carrying on as decided, the office as play ended, and each decision in words for the
executive summary. Every number is read from the log's projections through
:mod:`sim.exercise.options_compared`, the comparison the room was shown: none is computed
again here.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure

from sim.exercise.log import Decision, ExerciseLog, Projection, when
from sim.exercise.options_compared import (
    against_reference,
    compared_names,
    difference_text,
    options_table,
    reference_of,
    reference_words_of,
)
from sim.exercise.projection import now_table, standing_backlog
from sim.outputs import charts
from sim.outputs.report_content import Table, number
from sim.results.measures import MEASURES, heading, headlined

# the headline measures the executive summary states for each decision, the backlog first
SUMMARY_MEASURES = headlined("room")  # the room's three


def text_table(columns: tuple[str, ...], rows) -> Table:
    """A table of text cells."""
    return Table(columns, tuple(tuple(str(c) for c in row) for row in rows))


def timeline_rows(log: ExerciseLog) -> list[tuple[str, str, str]]:
    """The injects delivered and the decision points reached, in order, with what happened."""
    rows = []
    for inject in log.injects():
        if inject.id in log.delivered:
            effect = (
                "changes the model"
                if any(getattr(inject.effect, k) for k in type(inject.effect).model_fields)
                else "no model effect (news)"
            )
            live = " (added in the room)" if inject in log.live_injects else ""
            expected = (
                f" Expected of the players: {'; '.join(inject.expected_actions)}."
                if inject.expected_actions
                else ""
            )
            rows.append(
                (
                    inject.at.minute,
                    when(inject.at),
                    "inject" + live,
                    f"{inject.title}: {inject.told} [{effect}]{expected}",
                )
            )
    for point in log.exercise.decision_points:
        decision = log.decided(point.id)
        if decision is not None:
            rows.append(
                (
                    point.at.minute,
                    when(point.at),
                    "decision",
                    f"{point.question} Decided: {decision.option.name}",
                )
            )
    return [r[1:] for r in sorted(rows, key=lambda r: r[0])]


def options_grid(projection: Projection) -> Table:
    """Each headline measure (rows) under each option (columns): the mean over replications with
    the P10-P90 range; a run without a value (not recovered by the end) counted at the end."""
    o = options_table(projection)
    names = compared_names(projection)
    rows = []
    for (measure, unit), group in o.groupby(["measure", "unit"], sort=False):
        cells = []
        for name in names:
            found = group[group["option"] == name]
            if found.empty:
                cells.append("-")
                continue
            r = found.iloc[0]
            cell = f"{number(r['mean'])} ({number(r['p10'])} to {number(r['p90'])})"
            if r["without_value"]:
                cell += f"; {r['without_value']} not recovered by the end, counted there"
            cells.append(cell)
        rows.append((heading(measure, unit), *cells))
    return text_table(("measure: mean (P10 to P90)", *names), rows)


def changed_grid(projection: Projection, taken: str) -> Table:
    """Each option minus carrying on as decided, per headline measure, paired (the option
    ``taken`` marked): the comparison the room saw."""
    c = against_reference(projection)
    others = list(dict.fromkeys(c["option"]))
    rows = []
    for (measure, unit, better), group in c.groupby(["measure", "unit", "better"], sort=False):
        cells = []
        for other in others:
            found = group[group["option"] == other]
            r = found.iloc[0] if len(found) else None
            cells.append(
                "-" if r is None else difference_text(r["difference"], r["low"], r["high"], unit)
            )
        rows.append((heading(measure, unit), f"{better} is better", *cells))
    against = reference_words_of(projection)
    heads = [
        f"{other}{' (taken)' if other == taken else ''} minus {against}: mean (95% interval)"
        for other in others
    ]
    return text_table(("measure", "direction", *heads), rows)


def standing_section(log: ExerciseLog) -> tuple[str, Table, Callable[[], Figure] | None]:
    """The office as it stood when play ended (the last standing recorded)."""
    if not log.standings:
        return "The office's state at the end of play was not recorded.", Table((), ()), None
    last = log.standings[-1]
    now = pd.DataFrame(list(last.now), columns=["replication", "measure", "value"])
    table = now_table(now)
    rows = (
        (heading(r.measure, r.unit), number(r.median), f"{number(r.p10)} to {number(r.p90)}")
        for r in table.itertuples(index=False)
    )
    backlog = standing_backlog(last, "As decided")

    def draw() -> Figure:
        return charts.backlog_fan(backlog, ["As decided"], None, "Backlog as played")

    ended = last.clock.minute >= (last.weeks * 7 - 1) * 1440 + 23 * 60  # the end of play
    moment = f"the end of play ({when(last.clock)}, every day and week of the runs ended)"
    words = (
        f"At {moment if ended else when(last.clock)}, under the plan as decided "
        f"({last.decisions} decision(s)) and "
        f"the {len(last.delivered)} inject(s) delivered: the median over {last.replications} "
        "replications, with the middle 80% (P10 to P90)."
    )
    return words, text_table(("measure", "median", "P10 to P90"), rows), draw


def difference_words(row) -> str:
    """One paired difference (a row of :func:`against_reference`) in words: how much higher or
    lower, its 95% interval, and whether that is better or worse; or that the replications
    cannot tell the two apart (the interval includes zero)."""
    unit = row.unit
    if row.high < 0:  # lower, clearly: the sizes as positive numbers
        way, size, low, high = "lower", -row.difference, -row.high, -row.low
    elif row.low > 0:
        way, size, low, high = "higher", row.difference, row.low, row.high
    else:
        way = ""
    if way:
        verdict = "better" if way == row.better else "worse"
        return (
            f"{row.measure} {number(size)} {unit} {way} (95% interval {number(low)} to "
            f"{number(high)} {way}): {verdict}"
        )
    return (
        f"{row.measure} not clearly different ({row.difference:+,.1f} {unit}; 95% interval "
        f"{row.low:+,.1f} to {row.high:+,.1f})"
    )


def _measures_words(rows: pd.DataFrame) -> str:
    labels = [MEASURES[m].label for m in SUMMARY_MEASURES]
    chosen = [r for r in rows.itertuples(index=False) if r.measure in labels]
    chosen.sort(key=lambda r: labels.index(r.measure))
    return "; ".join(difference_words(r) for r in chosen)


def decision_words(log: ExerciseLog, decision: Decision) -> str:
    """What a decision decided and what it changed against carrying on as decided, in words,
    with the 95% intervals of the backlog and other headline measures as the room saw them."""
    point = log.point(decision.point)
    taken = decision.option.name
    said = f"At {when(point.at)} the room decided: {taken}" + (
        f" (by {decision.by})." if decision.by else "."
    )
    projection = log.projection(point.id)
    if projection is None:
        return f"{said} No projection was run at this decision point."
    rows = against_reference(projection)
    against = reference_words_of(projection)
    reps = f"paired on the same {projection.replications} replications to the end of the exercise"
    if taken != reference_of(projection):
        mine = rows[rows["option"] == taken]
        if mine.empty:
            return f"{said} Its projection did not include the option taken."
        return f"{said} Against {against}, {reps}: {_measures_words(mine)}."
    others = [
        f"{other} would have given {_measures_words(rows[rows['option'] == other])}"
        for other in dict.fromkeys(rows["option"])
    ]
    return f"{said} This carried on as decided. Against it, {reps}: " + "; ".join(others) + "."
