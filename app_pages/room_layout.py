"""The room's view laid out as a projector slide: at 1920x1080 or 1280x720, the clock, the
question, each option's headline measures as big numbers and the fan chart all on one screen,
in type read from the back of a room (the base size is a fraction of the viewport: 20 px at
1920x1080). The Streamlit chrome (sidebar, navigation, header, toolbar) is hidden on this page
only. The numbers are the facilitator's (:mod:`app_pages.exercise_views`); nothing is computed
here but the layout.

Each part sits in a keyed container (class ``st-key-room-...``) the browser test finds."""

from __future__ import annotations

import html
import math

import pandas as pd
import streamlit as st
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from app_pages import exercise_views as views
from app_pages.jobs import Job
from app_pages.widgets import chart_png, plain
from sim.exercise.log import ExerciseLog, when
from sim.exercise.projection import Step
from sim.experiments.compare import Experiment
from sim.outputs import charts
from sim.outputs.readable import partial_words
from sim.results.measures import MEASURES, headlined
from sim.scenario.exercise import DecisionPoint, Inject

# The three of PRODUCT.md's measures the room reads first, by the registry's names: the backlog
# (work not done), the missed risk checks and the unpaid hours staff absorb
ROOM_MEASURES = headlined("room")
assert set(ROOM_MEASURES) <= set(views.HEADLINE)
NOW_COLOUR = "#1f2933"  # the dashed line at the clock
CHART_POINTS = 15  # the fan chart's type, in points (about 20 px as the room's chart is drawn)

# --r: the room's base type size, 20 px at 1920x1080 and in proportion on any other screen
STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stElementToolbar"] { display: none !important; }
.stApp { --r: min(1.05vw, 1.87vh); }
.stMain [data-testid="stMainBlockContainer"] {
  padding: calc(var(--r) * 0.8) calc(var(--r) * 1.4); max-width: 100%;
}
.stMain [data-testid="stMarkdownContainer"] p, .stMain [data-testid="stMarkdownContainer"] li,
.stMain [data-testid="stCaptionContainer"], .stMain [data-testid="stTable"] td,
.stMain [data-testid="stTable"] th, .stMain [data-testid="stAlert"] p { font-size: var(--r); }
.stMain h2 { font-size: calc(var(--r) * 1.5); padding: calc(var(--r) * 0.4) 0 0 0; }
.stMain [data-testid="stMetricLabel"] p { font-size: var(--r) !important; white-space: normal; }
.stMain [data-testid="stMetricValue"], .stMain [data-testid="stMetricValue"] * {
  font-size: calc(var(--r) * 2.4) !important; font-weight: 700;
}
.stMain [data-testid="stMetricDelta"] * { font-size: var(--r) !important; }
:has(> .st-key-room-slide), .stVerticalBlock.st-key-room-slide {
  flex: 0 0 auto !important; height: calc(100vh - var(--r) * 1.6) !important;
}
.stVerticalBlock.st-key-room-slide { flex-wrap: nowrap; gap: calc(var(--r) * 0.6); }
.st-key-room-slide > * { flex: 0 0 auto; }
.st-key-room-top p { font-size: calc(var(--r) * 1.9) !important; font-weight: 700; margin: 0; }
.st-key-room-top p .room-name { font-size: calc(var(--r) * 1.1); font-weight: 400; opacity: 0.75; }
.st-key-room-question p {
  font-size: calc(var(--r) * 1.6) !important; line-height: 1.25; font-weight: 600; margin: 0;
}
.st-key-room-slide > :has(> .st-key-room-main) { flex: 1 1 0; min-height: 0; }
.stHorizontalBlock.st-key-room-main { height: 100%; align-items: stretch; flex-wrap: nowrap; }
.st-key-room-main > :has(> .st-key-room-left) { flex: 8 1 0; min-width: 0; }
.st-key-room-main > :has(> .st-key-room-fan) { flex: 12 1 0; min-width: 0; height: 100%; }
.stVerticalBlock.st-key-room-left { height: 100%; overflow-y: auto; }
.stVerticalBlock.st-key-room-fan { height: 100%; flex-wrap: nowrap; }
.st-key-room-fan > * { flex: 1 1 0; min-height: 0; }
.st-key-room-fan [data-testid="stFullScreenFrame"], .st-key-room-fan [data-testid="stImage"],
.st-key-room-fan [data-testid="stFullScreenFrame"] > div,
.st-key-room-fan [data-testid="stImageContainer"] {
  height: 100%;
}
.st-key-room-fan img { height: 100%; width: 100%; object-fit: contain; object-position: top; }
.st-key-room-slide [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
.st-key-room-slide [data-testid="stMarkdownContainer"] p { margin-bottom: 0; }
.room-row { display: grid; grid-template-columns: 1.25fr 1fr 1fr 1fr; align-items: center;
  column-gap: calc(var(--r) * 0.8); line-height: 1.2; font-size: calc(var(--r) * 1.05); }
.room-head { align-items: end; font-weight: 600; padding: 0 calc(var(--r) * 0.6); }
.room-card { border: 2px solid #d0d4da; border-left: calc(var(--r) * 0.7) solid var(--plan);
  border-radius: calc(var(--r) * 0.4); padding: calc(var(--r) * 0.6); }
.room-card-name { font-size: calc(var(--r) * 1.4); font-weight: 700; }
.room-reference { font-size: var(--r); font-weight: 400; opacity: 0.8; }
.room-number { font-size: calc(var(--r) * 3); font-weight: 700; line-height: 1.1; }
.room-interval { font-size: calc(var(--r) * 1.1); }
.room-many { padding: calc(var(--r) * 0.3) calc(var(--r) * 0.6); }
.room-many .room-card-name { font-size: calc(var(--r) * 1.15); }
.room-many .room-number { font-size: calc(var(--r) * 2.2); }
.room-inject { font-size: var(--r); line-height: 1.3; }
.room-inject b { font-size: calc(var(--r) * 1.15); }
.room-big { font-size: calc(var(--r) * 1.4); }
.room-big b { font-size: calc(var(--r) * 1.7); }
</style>
"""


def style() -> None:
    st.html(STYLE)


def top_bar(log: ExerciseLog) -> None:
    clock = f"Day {log.clock.day}, {when(log.clock).split(', ')[1]} (week {log.clock.day // 7 + 1})"
    with st.container(key="room-top"):
        name = html.escape(log.exercise.name)
        st.markdown(
            f'{html.escape(clock)} &nbsp; <span class="room-name">{name}</span>',
            unsafe_allow_html=True,
        )


def moment(injects: list[Inject], big: bool) -> None:
    """The injects of the moment, each with its title and words (several if they share it)."""
    with st.container(key="room-injects"):
        if not injects:
            st.markdown("No inject delivered yet: the systems' status is the scenario's own.")
        for inject in injects:
            title = html.escape(f"{when(inject.at).capitalize()}: {inject.title}")
            kind = "room-inject room-big" if big else "room-inject"
            st.markdown(
                f'<div class="{kind}"><b>{title}</b><br>{html.escape(inject.told)}</div>',
                unsafe_allow_html=True,
            )


def question(point: DecisionPoint) -> None:
    with st.container(key="room-question"):
        st.markdown(f"Decision: {plain(point.question)}")


def numbers(*values: float) -> list[str]:
    """Values as the room reads them: whole numbers, or one decimal if all are under 10."""
    digits = 0 if max(abs(v) for v in values) >= 10 else 1
    return [f"{v:,.{digits}f}" for v in values]


def signed(*values: float) -> list[str]:
    """Differences as the room reads them: as :func:`numbers`, each with its sign."""
    digits = 0 if max(abs(v) for v in values) >= 10 else 1
    return [f"{v:+,.{digits}f}".replace("-", "\u2212") for v in values]


def card(
    name: str, colour: str, rows: pd.DataFrame, many: bool = False, reference: bool = False
) -> str:
    """One option's card, a row of the scoreboard: its name, then each of the room's measures,
    its mean in big type; under it, its difference from carrying on as decided with the 95%
    interval of that difference (the reference's card: its own 95% interval)."""
    tag = '<div class="room-reference">carrying on as decided</div>' if reference else ""
    cells = [f'<div class="room-card-name">{html.escape(name)}{tag}</div>']
    for measure in ROOM_MEASURES:
        found = rows[rows["measure"] == measure]
        if len(found):
            r = found.iloc[0]
            value, low, high = numbers(r["mean"], r["ci_low"], r["ci_high"])
            interval = f"{low} to {high}"
            diff = r.get("vs_reference_mean", math.nan)
            if not reference and diff == diff:
                d_mean, d_low, d_high = signed(diff, r["vs_reference_low"], r["vs_reference_high"])
                interval = f"{d_mean} vs carrying on<br>({d_low} to {d_high})"
        else:
            value, interval = "...", "projecting"
        cells.append(
            f'<div class="room-measure"><div class="room-number">{value}</div>'
            f'<div class="room-interval">{interval}</div></div>'
        )
    kind = "room-row room-card" + (" room-many" if many else "")
    return f'<div class="{kind}" style="--plan: {colour}">{"".join(cells)}</div>'


def option_cards(found: Experiment | None, names: list[str], reference: str) -> None:
    """The options as a scoreboard: a heading with the measures' names, then a card per option
    (its colour that of its line in the fan chart), each measure in its column."""
    colours = charts.plan_colours(names)
    table = (
        views.headline_numbers(found, names, ROOM_MEASURES)
        if found is not None
        else pd.DataFrame(columns=["plan", "measure"])
    )
    heads = "".join(f"<div>{html.escape(MEASURES[m].heading)}</div>" for m in ROOM_MEASURES)
    with st.container(key="room-options"):
        st.markdown(
            f'<div class="room-row room-head"><div></div>{heads}</div>', unsafe_allow_html=True
        )
        for i, name in enumerate(names):
            with st.container(key=f"room-option-{i}"):
                rows = table[table["plan"] == name]
                shown = card(
                    name,
                    to_hex(colours[name]),
                    rows,
                    many=len(names) > 4,
                    reference=name == reference,
                )
                st.markdown(shown, unsafe_allow_html=True)


def for_the_room(fig: Figure) -> Figure:
    """The fan chart in the room's type (every text at CHART_POINTS), with short titles and
    axis labels and the legend below the plot."""
    axes = fig.axes
    fig.set_size_inches(9, 6.6 if len(axes) > 1 else 5)
    fig.suptitle("").set_visible(False)
    below = fig.subfigs[-1] if fig.subfigs else fig  # the chart's legend, under its panels
    for names in [*below.legends]:  # the plans' names: the room reads them on the cards
        names.remove()
    titles = ["Backlog: work not done at the end of each day", "Re-keying debt: paper records"]
    for ax, title, ylabel in zip(axes, titles, ["items", "records"], strict=False):
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.tick_params(labelsize=CHART_POINTS)
    axes[-1].set_xlabel("day of the run (day 0 is the first Monday)")
    for text in fig.findobj(Text):
        text.set_fontsize(CHART_POINTS)
    keys = [k for k in zip(*axes[0].get_legend_handles_labels(), strict=True) if k[1] == "outage"]
    keys.append((Line2D([], [], color=NOW_COLOUR, linestyle="--", linewidth=1.5), "now"))
    below.legend(
        [handle for handle, _ in keys],
        [label for _, label in keys],
        loc="center" if below is not fig else "outside lower center",
        ncols=2,
        frameon=False,
        fontsize=CHART_POINTS,
        title="each option in its card's colour: the median over replications, P10-P90 band",
        title_fontsize=CHART_POINTS,
    )
    return fig


def fan(log: ExerciseLog, job: Job, found: Experiment, names: list[str]) -> None:
    day = log.clock.minute / 1440

    def draw() -> Figure:
        fig = charts.backlog_fan(found["backlog"], names, found.manifest.get("disruption_days"))
        for ax in fig.axes:  # the backlog, and the re-keying debt's panel if drawn
            ax.axvline(day, color=NOW_COLOUR, linestyle="--", linewidth=1.5)
        return for_the_room(fig)

    digest = "-".join(str(part)[:8] for part in job.key[:2])
    with st.container(key="room-fan"):
        st.image(chart_png(f"exercise-{digest}-{job.done}-room-slide", draw), width="stretch")


def progress(job: Job, found: Experiment | None, names: list[str]) -> str:
    """What the options' numbers are: how many replications, or how far the runs have got."""
    rows = pd.DataFrame() if found is None else views.headline_numbers(found, names, ROOM_MEASURES)
    if found is None or rows.empty:
        return f"Projecting each option. {views.progress_words(job)}"
    words = partial_words(found.manifest)
    return (
        f"Each option to the end of the exercise: the mean over {rows['replications'].max():.0f} "
        "replications; under it, the option minus carrying on as decided (paired, with its 95% "
        "interval); under carrying on, its own 95% interval."
        + (f" First answer ({words}); refined as runs arrive." if words else "")
    )


def decision(
    log: ExerciseLog, point: DecisionPoint, step: Step, job: Job, found: Experiment | None
) -> None:
    """The slide at a decision point: the clock and the question across the top; the options'
    cards, carrying on as decided first (with the injects of the moment below them) beside the
    fan. The systems' status follows below the slide (a long list would not fit on it)."""
    names = [plan.name for plan in step.plans]
    names = [step.reference, *(n for n in names if n != step.reference)]
    with st.container(key="room-slide"):
        top_bar(log)
        question(point)
        with st.container(key="room-main", horizontal=True, gap="large"):
            with st.container(key="room-left"):
                option_cards(found, names, step.reference)
                st.caption(plain(progress(job, found, names)))
                injects = views.injects_of_the_moment(log)
                if injects:
                    moment(injects, big=False)
            if found is not None:
                fan(log, job, found, names)
