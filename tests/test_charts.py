"""Every chart's titles, axis labels, legends and notes lie inside its figure, whatever the plans
are called: drawn from the shipped S2 scenario's experiment (and its plans renamed as the
exercises' options, and longer), each visible text's extent is checked against the figure's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.outputs import charts
from sim.outputs.timeline import timeline_figure
from sim.scenario.loader import load_exercise, load_plan, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
LONG = (
    "Paper records, printed day lists, phone recalls and escalations, and overtime for "
    "practitioners and reception until the case system is back"
)  # 120 characters: the longest name a plan may have


def texts_outside(fig: Figure) -> list[str]:
    """The visible texts drawn outside the figure (tick labels of ticks outside the axes' view
    are not drawn, so are left out)."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-6
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not low - span <= tick.get_loc() <= high + span:
                    hidden |= {id(tick.label1), id(tick.label2)}
    whole = fig.bbox
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in hidden:
            continue
        box = text.get_window_extent()
        if box.x0 < whole.x0 - 1 or box.y0 < whole.y0 - 1:
            found.append(text.get_text())
        elif box.x1 > whole.x1 + 1 or box.y1 > whole.y1 + 1:
            found.append(text.get_text())
    return found


def _renamed(table, names: dict[str, str]):
    out = table.copy()
    out["plan"] = out["plan"].map(lambda p: names.get(p, p))
    return out


def _charts(experiment) -> dict[str, Figure]:
    tables, manifest = experiment.tables, experiment.manifest
    labels = list(dict.fromkeys(tables["backlog"]["plan"]))
    disruption = manifest.get("disruption_days")
    june = load_exercise(SCENARIOS / "exercises" / "june-2014-split-week.yaml")
    options = [o.name for p in june.decision_points for o in p.options]
    as_options = dict(zip(labels, sorted(options, key=len)[-len(labels) :], strict=True))
    as_long = {"Paper fallback": LONG}
    horizon = charts.recovery_horizon(manifest) or 14.0
    found: dict[str, Figure] = {}
    for name, names in (("", {}), ("options' names", as_options), ("a long name", as_long)):
        backlog, runs = _renamed(tables["backlog"], names), _renamed(tables["runs"], names)
        plans = [names.get(p, p) for p in labels]
        workload = _renamed(tables["workload"], names)
        found |= {
            f"backlog fan {name}": charts.backlog_fan(backlog, plans, disruption),
            f"backlog fan, stamped {name}": charts.stamped(
                charts.backlog_fan(backlog, plans, disruption), manifest
            ),
            f"backlog fan, dated {name}": charts.backlog_fan(
                backlog, plans, disruption, "Backlog forecast", outage_began=date(2014, 6, 2)
            ),
            f"backlog fan, one panel {name}": charts.backlog_fan(
                backlog.drop(columns=["rekeying_debt", "rekeying_debt_hours"]), plans[-1:]
            ),
            f"missed risk checks {name}": charts.stamped(
                charts.missed_risk_checks(runs, plans), manifest
            ),
            f"recovery {name}": charts.stamped(
                charts.recovery_curve(runs, plans, horizon), manifest
            ),
            f"workload {name}": charts.stamped(
                charts.workload_spread(workload, plans[-1]), manifest
            ),
            f"WMT capacity {name}": charts.workload_spread(
                workload, plans[-1], "wmt_capacity", 110.0, "WMT capacity %"
            ),
        }
    s02 = load_scenario(SCENARIOS / "s02-ndelius-upgrade.yaml")
    decided = load_plan(SCENARIOS / "plans" / "decide-paper-on-day-2.yaml")
    found["timeline"] = timeline_figure(s02, [decided])
    return found


def test_every_chart_keeps_its_texts_inside_the_figure(small_experiment):
    drawn = _charts(small_experiment)
    outside = {name: texts for name, fig in drawn.items() if (texts := texts_outside(fig))}
    assert not outside, outside


def test_the_fan_charts_titles_and_labels_are_whole(small_experiment):
    """The titles and labels users saw clipped ("acklog at the end of each day", "e-keying
    debt") are drawn whole, wrapped if need be, not shortened."""
    tables = small_experiment.tables
    labels = list(dict.fromkeys(tables["backlog"]["plan"]))
    fig = charts.backlog_fan(
        tables["backlog"], labels, small_experiment.manifest["disruption_days"]
    )
    words = " ".join(" ".join(t.get_text().split()) for t in fig.findobj(Text))
    for said in (
        "Backlog at the end of each day: median and P10-P90 band over replications",
        "re-keying debt (paper records)",
        "Re-keying debt: paper records awaiting re-keying, beside the backlog",
    ):
        assert said in words, said
    assert not texts_outside(fig)
