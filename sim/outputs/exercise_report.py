"""An exercise's after-action report, from its log alone: HTML and PDF laid out from one content.

Sections, as HSEEP's after-action report: the exercise and its participants; the timeline of
injects and decisions as played; each decision with the options the room was shown, each option
against carrying on as decided, as the room saw it (paired on the same replications, with 95%
intervals; the option taken marked) and the options' courses (the counterfactuals); the
capabilities with the evaluators' ratings (P/S/M/U) and observations; the improvement plan;
notes; how to replay it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sim.exercise.improvement import to_csv
from sim.exercise.log import ExerciseLog, Projection, levers_words, when
from sim.exercise.options_compared import (
    against_reference,
    compared_names,
    options_table,
    reference_words_of,
)
from sim.exercise.projection import backlog_frame, now_table, standing_backlog
from sim.outputs import charts
from sim.outputs.report_content import Table, number
from sim.outputs.report_pdf import Pages
from sim.scenario.evaluation import RATINGS


@dataclass(frozen=True)
class Decided:
    question: str
    at: str
    taken: str
    by: str
    why: str
    options: Table  # each option's measures (mean, P10-P90)
    changed: Table  # each option minus carrying on as decided, paired (as the room saw it)
    against: str  # carrying on as decided, in words (do nothing in a log saved before)
    figure: Callable[[], Figure] | None  # draws the options' backlog fan


@dataclass(frozen=True)
class ExerciseReport:
    title: str
    subtitle: str
    description: str
    participants: Table
    timeline: Table
    decisions: tuple[Decided, ...]
    ending_words: str  # the office as play ended
    ending: Table
    ending_figure: Callable[[], Figure] | None
    ratings: Table
    improvement_plan: Table
    improvement_csv: str
    notes: Table
    replay: str


def _table(columns: tuple[str, ...], rows) -> Table:
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
            rows.append(
                (
                    inject.at.minute,
                    when(inject.at),
                    "inject" + live,
                    f"{inject.title}: {inject.told} [{effect}]",
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
        rows.append((f"{measure} ({unit})", *cells))
    return _table(("measure: mean (P10 to P90)", *names), rows)


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
                "-"
                if r is None
                else f"{number(r['difference'])} ({number(r['low'])} to {number(r['high'])})"
            )
        rows.append((f"{measure} ({unit})", f"{better} is better", *cells))
    against = reference_words_of(projection)
    heads = [
        f"{other}{' (taken)' if other == taken else ''} minus {against}: mean (95% interval)"
        for other in others
    ]
    return _table(("measure", "direction", *heads), rows)


def standing_section(log: ExerciseLog) -> tuple[str, Table, Callable[[], Figure] | None]:
    """The office as it stood when play ended (the last standing recorded)."""
    if not log.standings:
        return "The office's state at the end of play was not recorded.", Table((), ()), None
    last = log.standings[-1]
    now = pd.DataFrame(list(last.now), columns=["replication", "measure", "value"])
    table = now_table(now)
    rows = (
        (f"{r.measure} ({r.unit})", number(r.median), f"{number(r.p10)} to {number(r.p90)}")
        for r in table.itertuples(index=False)
    )
    backlog = standing_backlog(last, "As decided")

    def draw() -> Figure:
        return charts.backlog_fan(backlog, ["As decided"], None, "Backlog as played")

    words = (
        f"At {when(last.clock)}, under the plan as decided ({last.decisions} decision(s)) and "
        f"the {len(last.delivered)} inject(s) delivered: the median over {last.replications} "
        "replications, with the middle 80% (P10 to P90)."
    )
    return words, _table(("measure", "median", "P10 to P90"), rows), draw


def exercise_report(log: ExerciseLog, exercise_id: str) -> ExerciseReport:
    exercise = log.exercise
    decided = []
    for decision in log.decisions:
        point = log.point(decision.point)
        projection = log.projection(point.id)
        options = changed = Table(("note",), (("No projection was run at this decision point.",),))
        figure, against = None, "carrying on as decided"
        if projection is not None:
            against = reference_words_of(projection)
            options = options_grid(projection)
            changed = changed_grid(projection, decision.option.name)
            backlog = backlog_frame(projection)
            labels = compared_names(projection)

            def draw(backlog=backlog, labels=labels, day=point.at.minute / 1440):
                return charts.backlog_fan(backlog, labels, (day, day))

            figure = draw
        decided.append(
            Decided(
                point.question,
                when(point.at),
                f"{decision.option.name} ({levers_words(decision.option.levers)} pulled"
                + (f"; stops {', '.join(decision.option.stop)}" if decision.option.stop else "")
                + ")",
                decision.by or "not recorded",
                decision.why or "not recorded",
                options,
                changed,
                against,
                figure,
            )
        )
    ratings = {r.capability: r for r in log.ratings}
    ending = standing_section(log)
    return ExerciseReport(
        title=f"After-action report: {exercise.name}",
        subtitle=(
            f"Exercise {exercise_id}; scenario {exercise.scenario_settings.name}; clock at "
            f"{when(log.clock)}; {exercise.replications} replications x {exercise.run_weeks} "
            f"weeks, seed {exercise.scenario_settings.run.seed}"
        ),
        description=exercise.description,
        participants=_table(
            ("name", "role", "function"),
            ((p.name, p.role, p.function) for p in exercise.participants),
        ),
        timeline=_table(("when", "what", "detail"), timeline_rows(log)),
        decisions=tuple(decided),
        ending_words=ending[0],
        ending=ending[1],
        ending_figure=ending[2],
        ratings=_table(
            ("capability", "rating", "meaning", "observations", "evaluator"),
            (
                (
                    c.name,
                    ratings[c.name].rating if c.name in ratings else "not rated",
                    RATINGS[ratings[c.name].rating] if c.name in ratings else "",
                    ratings[c.name].observation if c.name in ratings else "",
                    ratings[c.name].evaluator if c.name in ratings else "",
                )
                for c in exercise.capabilities
            ),
        ),
        improvement_plan=_table(
            ("action", "capability", "owner", "due", "status"),
            ((a.action, a.capability, a.owner, a.due or "", a.status) for a in log.actions),
        ),
        improvement_csv=to_csv(log.actions),
        notes=_table(("when", "by", "note"), ((when(n.at), n.by, n.text) for n in log.notes)),
        replay=f"python -m sim exercise report {exercise_id}  (replays every projection from "
        "the saved log and checks the numbers are the same: add --replay)",
    )


def _html_table(t: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in t.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


DECISIONS_NOTE = (
    "Each decision's options were projected when it was taken, knowing only the injects delivered "
    "by then (those that followed are in the timeline; how play ended is in section 4). Every "
    "option ran on the same replications (common random numbers) from day 0 to the end of the "
    "exercise, so their runs are identical up to the decision. Differences are paired, as the room "
    "saw them: each option minus carrying on as decided (the path the room was on), with a 95% "
    "interval, the option taken marked; a run that had not recovered by the end counts at the "
    "end (its mean is then a lower bound), never dropped."
)

OPTIONS_CAPTION = (
    "Backlog (work not done) at the end of each day under each option: median and P10-P90 over "
    "replications; the decision's day marked. Where an option left paper records awaiting "
    "re-keying, the re-keying debt is drawn beside it, below, never added to it."
)
PLAYED_CAPTION = (
    "Backlog (work not done) at the end of each day as played: median and P10-P90 band over "
    "replications; the re-keying debt beside it, below, where paper records awaited re-keying."
)

STYLE = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2933;max-width:1100px;"
    "margin:2rem auto;padding:0 1.5rem;line-height:1.45}"
    "table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0 1rem}"
    "th,td{border:1px solid #d0d5dd;padding:.25rem .45rem;text-align:left;vertical-align:top}"
    "th{background:#f2f4f7}h2{border-bottom:2px solid #d0d5dd}"
    ".note{color:#52606d;font-size:.85rem}img{max-width:100%}"
)


def render_exercise_html(report: ExerciseReport) -> str:
    import base64

    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(report.title)}</h1><p class='note'>{e(report.subtitle)}</p>",
        f"<h2 id='exercise'>1. The exercise</h2><p>{e(report.description)}</p>",
        _html_table(report.participants),
        "<h2 id='timeline'>2. Timeline of injects and decisions</h2>",
        _html_table(report.timeline),
        "<h2 id='decisions'>3. Decisions and their consequences</h2>",
        f"<p class='note'>{e(DECISIONS_NOTE)}</p>",
    ]
    for d in report.decisions:
        parts += [
            f"<h3>{e(d.at)}: {e(d.question)}</h3>",
            f"<p><b>Decided:</b> {e(d.taken)}; <b>by</b> {e(d.by)}; <b>why:</b> {e(d.why)}</p>",
            f"<h4>Each option against {e(d.against)}, as projected then and shown in the room "
            "(the option minus it, paired)</h4>",
            _html_table(d.changed),
            "<h4>Every option's course, as projected then (the counterfactuals included)</h4>",
            _html_table(d.options),
        ]
        if d.figure is not None:
            image = base64.b64encode(charts.png(d.figure())).decode("ascii")
            parts.append(
                f"<figure><img alt='backlog by option' src='data:image/png;base64,{image}'>"
                f"<figcaption class='note'>{e(OPTIONS_CAPTION)}"
                "</figcaption></figure>"
            )
    parts += [
        "<h2 id='ending'>4. The office as play ended</h2>",
        f"<p>{e(report.ending_words)}</p>",
    ]
    if report.ending.rows:
        parts.append(_html_table(report.ending))
    if report.ending_figure is not None:
        image = base64.b64encode(charts.png(report.ending_figure())).decode("ascii")
        parts.append(
            f"<figure><img alt='backlog as played' src='data:image/png;base64,{image}'>"
            f"<figcaption class='note'>{e(PLAYED_CAPTION)}</figcaption></figure>"
        )
    parts += [
        "<h2 id='capabilities'>5. Capabilities (HSEEP ratings)</h2>",
        "<p class='note'>P: performed without challenges; S: with some challenges; M: with major "
        "challenges; U: unable to be performed.</p>",
        _html_table(report.ratings),
        "<h2 id='improvement-plan'>6. Improvement plan</h2>",
        _html_table(report.improvement_plan)
        if report.improvement_plan.rows
        else "<p>No actions recorded.</p>",
        "<h2 id='notes'>7. Notes</h2>",
        _html_table(report.notes) if report.notes.rows else "<p>No notes.</p>",
        f"<h2 id='replay'>8. Replay</h2><pre>{e(report.replay)}</pre></body></html>",
    ]
    return "\n".join(parts)


def render_exercise_pdf(report: ExerciseReport) -> bytes:
    import io

    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:
        pages = Pages(pdf, report.title)
        pages.text(report.title, 17, "bold", space=0.05)
        pages.text(report.subtitle, 9, color="#52606d", space=0.2)
        pages.heading("1. The exercise")
        pages.text(report.description)
        pages.table(report.participants, widths=(3, 1.5, 4))
        pages.heading("2. Timeline of injects and decisions")
        pages.table(report.timeline, widths=(1.4, 1.4, 7))
        pages.heading("3. Decisions and their consequences")
        pages.text(DECISIONS_NOTE, 8, color="#52606d")
        for d in report.decisions:
            pages.text(f"{d.at}: {d.question}", 10, "bold")
            pages.text(f"Decided: {d.taken}; by {d.by}; why: {d.why}")
            pages.text(f"Each option against {d.against} (the option minus it, paired)", 9, "bold")
            pages.table(d.changed, size=7)
            pages.text("Every option's course, as projected then", 9, "bold")
            pages.table(d.options, size=7)
            if d.figure is not None:
                pages.chart(d.figure(), OPTIONS_CAPTION)
        pages.heading("4. The office as play ended")
        pages.text(report.ending_words)
        if report.ending.rows:
            pages.table(report.ending, widths=(5, 2, 3))
        if report.ending_figure is not None:
            pages.chart(report.ending_figure(), PLAYED_CAPTION)
        pages.heading("5. Capabilities (HSEEP ratings)")
        pages.table(report.ratings, widths=(2.4, 0.9, 2.2, 4, 1.5))
        pages.heading("6. Improvement plan")
        if report.improvement_plan.rows:
            pages.table(report.improvement_plan, widths=(4, 2, 2, 1.2, 1.2))
        else:
            pages.text("No actions recorded.")
        pages.heading("7. Notes")
        if report.notes.rows:
            pages.table(report.notes, widths=(1.5, 1.5, 7))
        else:
            pages.text("No notes.")
        pages.heading("8. Replay")
        pages.text(report.replay, 8)
        pages.close_page()
    return buffer.getvalue()
