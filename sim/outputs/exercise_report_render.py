"""An exercise's after-action report (:class:`sim.outputs.exercise_report.ExerciseReport`) laid
out as HTML and as PDF, the same sections in the same order; neither computes anything."""

from __future__ import annotations

import base64
import html
from functools import partial

from sim.outputs import charts
from sim.outputs.exercise_report import ExerciseReport
from sim.outputs.exercise_report_sections import CapabilityAnalysis
from sim.outputs.report_content import Table
from sim.outputs.report_pdf import Pages, pdf_document
from sim.scenario.evaluation import RATINGS

SECTIONS = (
    "1. Exercise overview",
    "2. Executive summary",
    "3. Timeline of injects and decisions",
    "4. Decisions and their consequences",
    "5. The office as play ended",
    "6. Analysis by capability (HSEEP ratings)",
    "7. Hot wash",
    "8. Improvement plan",
    "9. Notes",
    "10. Replay",
)
ANCHORS = (
    "overview",
    "summary",
    "timeline",
    "decisions",
    "ending",
    "capabilities",
    "hot-wash",
    "improvement-plan",
    "notes",
    "replay",
)
DECISIONS_NOTE = (
    "Each decision's options were projected when it was taken, knowing only the injects delivered "
    "by then (those that followed are in the timeline; how play ended is in section 5). Every "
    "option ran on the same replications (common random numbers) from day 0 to the end of the "
    "exercise, so their runs are identical up to the decision. Differences are paired, as the room "
    "saw them: each option minus carrying on as decided (the path the room was on), with a 95% "
    "interval, the option taken marked; a run that had not recovered by the end counts at the "
    "end (its mean is then a lower bound), never dropped."
)
SUMMARY_NOTE = (
    "Each decision is set against carrying on as decided, on the same replications, with the "
    "95% interval of the difference (section 4 has every measure); 'not clearly different' means "
    "the interval includes zero."
)
RATINGS_NOTE = "; ".join(f"{k}: {v}" for k, v in RATINGS.items()) + "."
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
OBSERVED_WIDTHS = (1.2, 2.6, 4.2, 1.6, 1.8)
PLAN_WIDTHS = (2.4, 2.6, 1.6, 1.6, 1.6, 1.1, 1.1, 0.9)


def _html_table(t: Table, empty: str = "None.") -> str:
    if not t.rows:
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in t.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(fig, alt: str, caption: str) -> str:
    image = base64.b64encode(charts.png(fig)).decode("ascii")
    return (
        f"<figure><img alt='{alt}' src='data:image/png;base64,{image}'>"
        f"<figcaption class='note'>{html.escape(caption)}</figcaption></figure>"
    )


def _h2(number: int) -> str:
    return f"<h2 id='{ANCHORS[number]}'>{html.escape(SECTIONS[number])}</h2>"


def _rated_by(c: CapabilityAnalysis) -> str:
    """Who rated the capability, and the summary they gave with the rating ("" if neither)."""
    said = (f"Evaluator: {c.evaluator}" if c.evaluator else "", f"Summary: {c.summary}")
    return "; ".join(s for s in said if s and s != "Summary: ")


def _capability_html(c: CapabilityAnalysis) -> list[str]:
    e = html.escape
    parts = [
        f"<h3>{e(c.name)}: {e(c.rating)}</h3>",
        f"<p>{e(c.description)}</p>" if c.description else "",
        f"<p>{e(_rated_by(c))}</p>" if _rated_by(c) else "",
        "<h4>Objectives tied to it</h4>",
        "<ul>" + "".join(f"<li>{e(o)}</li>" for o in c.objectives) + "</ul>"
        if c.objectives
        else "<p>None.</p>",
        "<h4>Critical tasks (observations against each)</h4>",
        _html_table(c.critical_tasks, "No critical tasks listed."),
    ]
    for heading, table in c.observations:
        parts += [f"<h4>{e(heading)}</h4>", _html_table(table, "None recorded.")]
    return parts


def render_exercise_html(report: ExerciseReport) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(report.title)}</h1><p class='note'>{e(report.subtitle)}</p>",
        _h2(0),
        f"<p><b>Date:</b> {e(report.date)}</p><p>{e(report.description)}</p>",
        "<h3>Objectives</h3>",
        _html_table(report.objectives, "No objectives were set."),
        "<h3>Participants</h3>",
        _html_table(report.participants),
        _h2(1),
        *(f"<p>{e(s)}</p>" for s in report.summary),
        f"<p class='note'>{e(SUMMARY_NOTE)}</p>",
        _h2(2),
        _html_table(report.timeline),
        _h2(3),
        f"<p class='note'>{e(DECISIONS_NOTE)}</p>",
    ]
    for d in report.decisions:
        parts += [
            f"<h3>{e(d.at)}: {e(d.question)}</h3>",
            f"<p><b>Decided:</b> {e(d.taken)}; <b>by</b> {e(d.by)}; <b>why:</b> {e(d.why)}</p>",
            f"<p class='note'>{e(d.recorded_on)}</p>" if d.recorded_on else "",
            f"<p>{e(d.votes)}</p>" if d.votes else "",
            f"<h4>Each option against {e(d.against)}, as projected then and shown in the room "
            "(the option minus it, paired)</h4>",
            _html_table(d.changed),
            "<h4>Every option's course, as projected then (the counterfactuals included)</h4>",
            _html_table(d.options),
        ]
        if d.figure is not None:
            parts.append(_image(d.figure(), "backlog by option", OPTIONS_CAPTION))
    parts += [_h2(4), f"<p>{e(report.ending_words)}</p>"]
    if report.ending.rows:
        parts.append(_html_table(report.ending))
    if report.ending_figure is not None:
        parts.append(_image(report.ending_figure(), "backlog as played", PLAYED_CAPTION))
    parts += [_h2(5), f"<p class='note'>{e(RATINGS_NOTE)}</p>", _html_table(report.ratings)]
    for capability in report.capabilities:
        parts += _capability_html(capability)
    parts.append(_h2(6))
    for heading, table in report.hot_wash:
        parts += [f"<h3>{e(heading)}</h3>", _html_table(table, "Nothing recorded.")]
    parts += [
        _h2(7),
        _html_table(report.improvement_plan, "No actions recorded."),
        _h2(8),
        _html_table(report.notes, "No notes."),
        f"{_h2(9)}<pre>{e(report.replay)}</pre></body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _table_or(pages: Pages, table: Table, empty: str, **layout) -> None:
    if table.rows:
        pages.table(table, **layout)
    else:
        pages.text(empty)


def _capability_pdf(pages: Pages, c: CapabilityAnalysis) -> None:
    pages.text(f"{c.name}: {c.rating}", 10, "bold")
    if c.description:
        pages.text(c.description)
    if _rated_by(c):
        pages.text(_rated_by(c))
    pages.text("Objectives tied to it", 9, "bold")
    for objective in c.objectives or ("None.",):
        pages.text(f"- {objective}")
    pages.text("Critical tasks (observations against each)", 9, "bold")
    _table_or(pages, c.critical_tasks, "No critical tasks listed.", widths=(6, 1, 1.6, 1.2))
    for heading, table in c.observations:
        pages.text(heading, 9, "bold")
        _table_or(pages, table, "None recorded.", widths=OBSERVED_WIDTHS)


def render_exercise_pdf(report: ExerciseReport) -> bytes:
    return pdf_document(report.title, report.subtitle, partial(_exercise_pages, report))


def _exercise_pages(report: ExerciseReport, pages: Pages) -> None:
    pages.heading(SECTIONS[0])
    pages.text(f"Date: {report.date}")
    pages.text(report.description)
    pages.text("Objectives", 10, "bold")
    _table_or(pages, report.objectives, "No objectives were set.", widths=(1.6, 5, 2.4))
    pages.text("Participants", 10, "bold")
    _table_or(pages, report.participants, "None.", widths=(3, 1.5, 4, 1.5))
    pages.heading(SECTIONS[1])
    for sentence in report.summary:
        pages.text(sentence)
    pages.text(SUMMARY_NOTE, 8, color="#52606d")
    pages.heading(SECTIONS[2])
    pages.table(report.timeline, widths=(1.4, 1.4, 7))
    pages.heading(SECTIONS[3])
    pages.text(DECISIONS_NOTE, 8, color="#52606d")
    for d in report.decisions:
        pages.text(f"{d.at}: {d.question}", 10, "bold")
        pages.text(f"Decided: {d.taken}; by {d.by}; why: {d.why}")
        if d.recorded_on:
            pages.text(d.recorded_on, 8, color="#52606d")
        if d.votes:
            pages.text(d.votes, 8)
        pages.text(f"Each option against {d.against} (the option minus it, paired)", 9, "bold")
        pages.table(d.changed, size=7)
        pages.text("Every option's course, as projected then", 9, "bold")
        pages.table(d.options, size=7)
        if d.figure is not None:
            pages.chart(d.figure(), OPTIONS_CAPTION)
    pages.heading(SECTIONS[4])
    pages.text(report.ending_words)
    if report.ending.rows:
        pages.table(report.ending, widths=(5, 2, 3))
    if report.ending_figure is not None:
        pages.chart(report.ending_figure(), PLAYED_CAPTION)
    pages.heading(SECTIONS[5])
    pages.text(RATINGS_NOTE, 8, color="#52606d")
    pages.table(report.ratings, widths=(2.4, 0.7, 2.2, 1.6, 1, 1.3, 1.5))
    for capability in report.capabilities:
        _capability_pdf(pages, capability)
    pages.heading(SECTIONS[6])
    for heading, table in report.hot_wash:
        pages.text(heading, 10, "bold")
        _table_or(pages, table, "Nothing recorded.", widths=(7, 2))
    pages.heading(SECTIONS[7])
    _table_or(pages, report.improvement_plan, "No actions recorded.", widths=PLAN_WIDTHS)
    pages.heading(SECTIONS[8])
    _table_or(pages, report.notes, "No notes.", widths=(1.5, 1.5, 7))
    pages.heading(SECTIONS[9])
    pages.text(report.replay, 8)
