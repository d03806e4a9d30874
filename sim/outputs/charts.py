"""Charts of an experiment's tables, for the app and the reports.

Every function takes tidy tables (see :mod:`sim.experiments.compare`) and returns a matplotlib
``Figure``
made without pyplot, so charts drawn at once for different users never share state. The caller
closes nothing: a ``Figure`` not attached to pyplot is freed when it is no longer referenced.
:func:`png` renders one to PNG bytes.

Colours are fixed per position in the experiment's plan list (the no-outage baseline is grey), so
a plan keeps its colour from chart to chart.

Every title, axis label and legend fits its figure whatever the plans are called: legend
entries are wrapped (:func:`legend_label`), and :func:`fitted` wraps any title or label still
wider (or, for a y label, taller) than its axes or the figure, measuring the drawn figure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator

from sim.domain.vocabulary import ROLES, ROSH_LEVELS, pretty
from sim.experiments.statistics import mean_ci, percentiles
from sim.outputs.chart_fit import FAN_LEGEND_CHARS, fitted, legend_label, lines_of, wrapped

BASELINE_COLOUR = "#7f7f7f"
DISRUPTION_COLOUR = "#d62728"
BAND = (10, 90)  # percentiles of the fan chart's band


def plan_colours(labels: list[str]) -> dict[str, Any]:
    """A fixed colour per plan label, by its position; the baseline ("no outage") grey."""
    tab10 = matplotlib.colormaps["tab10"]
    assert isinstance(tab10, ListedColormap)
    palette = [c for c in list(cast(Sequence[Any], tab10.colors)) if c != (0.5, 0.5, 0.5)]
    colours: dict[str, Any] = {}
    i = 0
    for label in labels:
        if label == "no outage":
            colours[label] = BASELINE_COLOUR
        else:
            colours[label] = palette[i % len(palette)]
            i += 1
    return colours


def shade_disruption(ax, disruption_days, to_x=lambda t: t) -> None:
    """Shade the days from the first disruption's start to the last one's end (``to_x`` turns
    a time of the run in days, 0 at its start, into the axis' x)."""
    if disruption_days:
        start, end = disruption_days
        ax.axvspan(
            to_x(start), to_x(end), color=DISRUPTION_COLOUR, alpha=0.12, lw=0, label="outage"
        )


def has_rekeying_debt(backlog: pd.DataFrame, labels: Sequence[str] = ()) -> bool:
    """Whether a ``backlog`` table keeps the re-keying debt and any of ``labels`` (all plans
    when none are given) left some (experiments saved before it was kept have none)."""
    if "rekeying_debt" not in backlog.columns:
        return False
    rows = backlog if not labels else backlog[backlog["plan"].isin(list(labels))]
    return bool((rows["rekeying_debt"] > 0).any())


def _fan(ax, backlog: pd.DataFrame, labels: list[str], column: str, to_x, colours) -> None:
    """Per plan, the median of ``column`` over replications with the P10-P90 band."""
    for label in labels:
        wide = backlog[backlog["plan"] == label].pivot(
            index="day", columns="replication", values=column
        )
        if wide.empty:
            continue
        days = np.array([to_x(d + 1) for d in wide.index.to_numpy()])
        low, mid, high = percentiles(wide.to_numpy(), [BAND[0], 50, BAND[1]], axis=1)
        ax.fill_between(days, low, high, color=colours[label], alpha=0.18, lw=0)
        ax.plot(
            days,
            mid,
            color=colours[label],
            lw=1.8,
            ls="--" if label == "no outage" else "-",
            label=f"{label} (median)",
        )


def _median_peak(backlog: pd.DataFrame, label: str, column: str) -> float:
    """The peak of a plan's median (over replications) of ``column``."""
    wide = backlog[backlog["plan"] == label].pivot(
        index="day", columns="replication", values=column
    )
    return float(percentiles(wide.to_numpy(), 50, axis=1).max()) if len(wide) else 0.0


def backlog_fan(
    backlog: pd.DataFrame,
    labels: list[str],
    disruption_days=None,
    title: str = "Backlog at the end of each day",
    outage_began: date | None = None,
    marked: tuple[float, str] | None = None,
) -> Figure:
    """Per plan: the median backlog (work not done) over replications, with the P10-P90 band.
    Where a plan left paper records awaiting re-keying, a second panel below shows the
    re-keying debt the same way (records; each plan's peak median in records and hours in the
    legend), beside the backlog and never added to it. The x axis is time in days from the
    start of the run, as the scenario counts it (day 0 is the first Monday, so an outage from
    day 21 is shaded from 21); each point is a day's end (day d's backlog at d + 1). With
    ``outage_began``, the axis is dated, the day the first disruption starts being that date.
    One legend, below the panels, names the plans (their colours are the same in both).
    ``marked``: a day to mark with a dashed line, and its name in the legend (a decision)."""
    colours = plan_colours(labels)
    debt = has_rekeying_debt(backlog, labels)
    entries = _fan_entries(backlog, labels, debt)
    columns = 3 if max((len(e) for e in entries.values()), default=0) <= 30 else 2
    rows = -(-(len(entries) + bool(disruption_days) + bool(marked)) // columns)
    tallest = max((lines_of(e, FAN_LEGEND_CHARS) for e in entries.values()), default=1)
    panels_high, legend_high = (6.0 if debt else 3.8), 0.3 + 0.19 * rows * tallest  # inches
    fig = Figure(figsize=(9, panels_high + legend_high), layout="constrained")
    parts = fig.subfigures(2, 1, height_ratios=(panels_high, legend_high))
    plots, below = cast(Sequence[Any], parts)
    axes = plots.subplots(2, 1, sharex=True, height_ratios=(3, 2)) if debt else [plots.subplots()]
    dated = outage_began is not None and bool(disruption_days)
    if dated:
        first = int(disruption_days[0])

        def to_x(t: float):
            return mdates.date2num(outage_began) + (t - first)

        xlabel = f"date (the outage began on {outage_began:%d %b %Y}; each day's end)"
    else:

        def to_x(t: float):
            return t

        xlabel = "day of the run (day 0 is the first Monday; each day's end)"
    panels = [("backlog", "backlog (items past due, not done)")]
    if debt:
        panels.append(("rekeying_debt", "re-keying debt\n(paper records)"))  # a short panel
    for ax, (column, ylabel) in zip(axes, panels, strict=True):
        shade_disruption(ax, disruption_days, to_x)
        if len(backlog):  # an outage beyond the run is cut off
            ax.set_xlim(to_x(0), to_x(int(backlog["day"].max()) + 1))
        _fan(ax, backlog, labels, column, to_x, colours)
        if marked is not None:
            ax.axvline(to_x(marked[0]), color="#1f2933", ls="--", lw=1, label=marked[1])
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.set_autoscalex_on(False)
        if debt:
            ax.set_title(
                "Re-keying debt: paper records awaiting re-keying, beside the backlog"
                if column == "rekeying_debt"
                else "Backlog: work not done"
            )
    handles, names = axes[0].get_legend_handles_labels()
    shown = dict(zip(names, handles, strict=True))
    keys = (["outage"] if "outage" in shown else []) + [f"{label} (median)" for label in labels]
    keys += [marked[1]] if marked is not None else []
    found = [(shown[k], entries.get(k, k)) for k in keys if k in shown]
    below.legend(  # below the panels, in a figure of its own, so a note at the foot is not on it
        [h for h, _ in found],
        [legend_label(e, FAN_LEGEND_CHARS) for _, e in found],
        loc="center",
        ncols=columns,
        fontsize="small",
    )
    axes[-1].set_xlabel(xlabel)
    if dated:
        axes[-1].xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
        axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    else:
        axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(f"{title}: median and P{BAND[0]}-P{BAND[1]} band over replications")
    return fitted(fig)


def _fan_entries(backlog: pd.DataFrame, labels: list[str], debt: bool) -> dict[str, str]:
    """The fan chart's legend entry of each plan's median line (keyed by the line's label):
    with the re-keying debt's panel, the peak of its median debt in records and hours."""
    entries = {}
    for label in labels:
        if not (backlog["plan"] == label).any():
            continue
        words = f"{label} (median)"
        if debt:
            peak = _median_peak(backlog, label, "rekeying_debt")
            hours = _median_peak(backlog, label, "rekeying_debt_hours")
            words = (
                f"{label} (median; re-keying debt's median at its peak {peak:,.0f} records, "
                f"{hours:,.0f} h)"
            )
        entries[f"{label} (median)"] = words
    return entries


def recovery_horizon(manifest: dict) -> float | None:
    """Days from the end of the outage to the end of the run (None: no outage, or the run
    ends before the outage does, so there is no recovery to chart)."""
    window = manifest.get("disruption_days")
    if not window:
        return None
    horizon = manifest["weeks"] * 7 - window[1]
    return horizon if horizon > 0 else None


def measure_bars(
    runs: pd.DataFrame, labels: list[str], measures: dict[str, str], title: str, ylabel: str
) -> Figure:
    """Grouped bars: the mean of each measure (x axis, ``measures`` maps name -> label) per plan,
    with its 95% t-interval as an error bar."""
    colours = plan_colours(labels)
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(measures))
    width = 0.8 / max(len(labels), 1)
    for i, label in enumerate(labels):
        cis = [
            mean_ci(runs.loc[(runs["plan"] == label) & (runs["measure"] == m), "value"].dropna())
            for m in measures
        ]
        means = np.array([ci.mean for ci in cis])
        err = np.array([[ci.mean - ci.low for ci in cis], [ci.high - ci.mean for ci in cis]])
        ax.bar(
            x + (i - (len(labels) - 1) / 2) * width,
            means,
            width,
            color=colours[label],
            yerr=np.nan_to_num(err),
            capsize=3,
            label=legend_label(label),
        )
    ax.set_xticks(x, list(measures.values()))
    ax.set(title=f"{title} (mean, 95% interval)", ylabel=ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small")
    return fitted(fig)


def missed_risk_checks(runs: pd.DataFrame, labels: list[str]) -> Figure:
    """Missed risk checks by RoSH level, per plan."""
    measures = {f"missed_risk_checks_{level}": pretty(level) for level in ROSH_LEVELS}
    return measure_bars(
        runs,
        labels,
        measures,
        "Missed risk checks by RoSH level",
        "contacts held without a current risk check",
    )


def recovery_curve(runs: pd.DataFrame, labels: list[str], horizon_days: float) -> Figure:
    """Per plan: the share of replications recovered by each day after restoration, up to
    ``horizon_days`` (from restoration to the end of the run)."""
    colours = plan_colours(labels)
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.subplots()
    days = np.arange(0, max(int(horizon_days), 1) + 1)
    for label in labels:
        values = runs.loc[
            (runs["plan"] == label) & (runs["measure"] == "time_to_recover_days"), "value"
        ].to_numpy(dtype=float)
        if label == "no outage" or not len(values):
            continue
        share = [(values <= d).sum() / len(values) for d in days]  # NaN (not recovered) never
        ax.step(days, share, where="post", color=colours[label], label=legend_label(label))
    ax.axhline(0.5, color="grey", ls=":", lw=1)
    ax.axhline(0.9, color="grey", ls=":", lw=1)
    ax.set(
        title="Share of replications recovered, by days after the outage ended",
        xlabel="days after restoration",
        ylabel="share recovered",
        ylim=(0, 1.02),
    )
    ax.legend(fontsize="small")
    return fitted(fig)


def workload_spread(
    workload: pd.DataFrame,
    label: str,
    column: str = "workload",
    threshold: float = 1.10,
    ylabel: str = "hours worked / contracted hours",
) -> Figure:
    """One plan's weekly ``column`` per person in the weeks they were at work (weeks of leave
    or sickness left out), by role (box: quartiles; whiskers P5-P95), with the 110% line."""
    rows = workload[(workload["plan"] == label) & (workload["hours_worked"] > 0)]
    roles = [
        r
        for r in ROLES
        if r in set(rows["role"]) and rows.loc[rows["role"] == r, column].notna().any()
    ]
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    data = [rows.loc[rows["role"] == r, column].dropna().to_numpy() for r in roles]
    if data:
        ax.boxplot(data, whis=(5, 95), showfliers=False)
        ax.set_xticks(range(1, len(roles) + 1), [pretty(r) for r in roles], rotation=15)
    ax.axhline(threshold, color=DISRUPTION_COLOUR, ls="--", lw=1, label="110%")
    ax.set(
        title=f"{label}: weekly {pretty(column)} per person in weeks at work, by role",
        ylabel=ylabel,
    )
    ax.legend(fontsize="small")
    return fitted(fig)


def provenance(manifest: dict) -> str:
    """One line naming the experiment a chart is of: scenario, digest, replications, seed,
    version and run."""
    return (
        f"{manifest.get('scenario')} | scenario {manifest.get('scenario_hash')} | "
        f"{manifest.get('replications')} replications x {manifest.get('weeks')} weeks, "
        f"seed {manifest.get('seed')} | version {manifest.get('version')} | run "
        f"{manifest.get('run_id') or 'not saved'}"
    )


def stamped(fig: Figure, manifest: dict) -> Figure:
    """The figure with its experiment's provenance written at its foot, so a chart copied out
    of the app or a report still says what it is of."""
    size = 6.5  # points; a character is about 0.62 of that wide
    words = wrapped(provenance(manifest), int(fig.get_figwidth() * 72 / (size * 0.62)) - 4)
    fig.text(0.005, 0.002, words, fontsize=size, color="#52606d", ha="left", va="bottom")
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        lines = words.count("\n") + 1
        foot = (0.1 + 0.11 * lines) / fig.get_figheight()  # the notes' inches, as a share
        engine.set(rect=(0, foot, 1, 1 - foot))
    return fitted(fig)


def png(fig: Figure, dpi: int = 110, manifest: dict | None = None) -> bytes:
    """The figure as PNG bytes; with ``manifest``, its provenance also in the PNG's text."""
    buffer = io.BytesIO()
    metadata = {"Description": provenance(manifest)} if manifest else None
    fig.savefig(buffer, format="png", dpi=dpi, metadata=metadata)
    return buffer.getvalue()
