"""The disruption timeline of a scenario, drawn from its configuration: which system, what kind
of disruption, when and for how long, with the plans' timed decisions marked.

:func:`timeline_table` gives the rows (one per bar or mark, times in days of the run, day 0 the
first Monday) and :func:`timeline_figure` draws them, without pyplot, as the other charts are.
The Scenarios page draws it as the form changes, and the reports include it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from sim.domain.calendar import DAY
from sim.outputs.describe import KIND_WORDS, lever_rows
from sim.scenario.plans import Plan
from sim.scenario.schema import Scenario, headcount

TIMELINE_COLUMNS = ("lane", "kind", "start_day", "end_day", "what")
KIND_COLOURS = {
    "down": "#d62728",
    "login_cap": "#ff7f0e",
    "slow": "#bcbd22",
    "email_loss": "#9467bd",
    "record_loss": "#8c564b",
    "work_lost": "#c49c94",
    "office_cap": "#17becf",
    "surges": "#e377c2",
    "staff_absent": "#7f7f7f",
    "decision": "#1f77b4",
    "mutual_aid": "#2ca02c",
}

LEGEND = {**KIND_WORDS, "decision": "timed decision", "mutual_aid": "mutual aid"}


def timeline_table(scenario: Scenario, plans: Sequence[Plan] = ()) -> pd.DataFrame:
    """One row per disruption (its system's lane, kind, start and end day) and per plan's
    timed decision or mutual aid (the plan's lane); a moment has its end equal to its start.
    Disruptions that change nothing in this office are left out."""
    staff = headcount(scenario)
    rows = []
    for kind, words in KIND_WORDS.items():
        for w in getattr(scenario.outages, kind):
            if not w.has_effect(staff):
                continue
            system = getattr(w, "system", "email" if kind == "email_loss" else None)
            lane = getattr(scenario.systems, system).name if system else "office"
            if hasattr(w, "start"):
                start, end = w.start_minute / DAY, w.end_minute / DAY
            else:
                start = end = w.at.minute / DAY
            rows.append((lane, kind, start, end, words))
    for plan in plans:
        lane = f"plan: {plan.name}"
        for stage in (plan.levers, *(s.levers for s in plan.switches)):
            aid = stage.mutual_aid
            if aid is not None:
                end = aid.until_day if aid.until_day is not None else scenario.run.weeks * 7
                rows.append((lane, "mutual_aid", aid.from_day, end, f"mutual aid: {aid.staff}"))
        for switch in plan.switches:
            pulled = ", ".join(lever for lever, _ in lever_rows(switch.levers)) or "no levers"
            day = switch.at.minute / DAY
            rows.append((lane, "decision", day, day, f"from here: {pulled}"))
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))


def timeline_figure(scenario: Scenario, plans: Sequence[Plan] = ()) -> Figure:
    """The timeline as a chart: a lane per system (and per plan with timed decisions), a bar
    per disruption coloured by kind, a diamond per moment (records lost, a surge, a decision),
    over the run's weeks."""
    rows = timeline_table(scenario, plans)
    horizon = scenario.run.weeks * 7
    lanes = list(dict.fromkeys(rows["lane"])) or ["office"]
    figure = Figure(figsize=(9, 0.9 + 0.45 * len(lanes)))
    figure.set_layout_engine(ConstrainedLayoutEngine())
    ax = figure.add_subplot()
    shown: set[str] = set()
    for row in rows.itertuples():
        y = lanes.index(row.lane)
        colour = KIND_COLOURS[row.kind]
        label = None if row.kind in shown else LEGEND[row.kind]
        shown.add(row.kind)
        if row.end_day > row.start_day:
            ax.barh(y, row.end_day - row.start_day, left=row.start_day, height=0.5,
                    color=colour, alpha=0.8, label=label)  # fmt: skip
        else:
            ax.plot([row.start_day], [y], "D", color=colour, markersize=8, label=label)
            if row.kind == "decision":
                ax.annotate(row.what, (row.start_day, y), xytext=(6, 6),
                            textcoords="offset points", fontsize=8)  # fmt: skip
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(len(lanes) - 0.5, -0.5)  # the first lane at the top
    ax.set_xlim(0, horizon)
    ax.set_xticks(range(0, horizon + 1, 7))
    ax.set_xlabel("day of the run (0 = first Monday; a tick each week)")
    ax.grid(axis="x", alpha=0.3)
    if rows.empty:
        ax.text(horizon / 2, 0, "no disruption: the office in normal operation",
                ha="center", va="center")  # fmt: skip
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(lanes) < 3 else -0.2),
                  ncol=4, fontsize=8, frameon=False)  # fmt: skip
    ax.set_title("Disruptions and decisions", loc="left", fontsize=10)
    return figure
