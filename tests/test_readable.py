"""Labels mean what they say: every measure has one definition (words, unit, direction), tables
are headed in words, intervals respect a measure's bounds, and charts for directors show
dates."""

from __future__ import annotations

from datetime import date

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.legend import Legend

from sim.experiments.statistics import mean_ci
from sim.outputs.charts import backlog_fan, provenance
from sim.outputs.evidence import with_provenance
from sim.outputs.readable import _COLUMNS, readable
from sim.results.measures import MEASURES, headlined, label


def test_every_measure_an_experiment_produces_is_defined_once(experiment_tables):
    produced = set(experiment_tables["runs"]["measure"])
    assert produced <= set(MEASURES), produced - set(MEASURES)
    for name in produced:
        found = MEASURES[name]
        assert found.label and found.unit and "_" not in found.label, name
    assert set(headlined("compared")) <= produced
    assert label("backlog_mean") == "mean backlog (items)"


def test_tables_are_headed_in_words(experiment_tables):
    for name in ("comparison", "recovery", "objectives"):
        shown = readable(experiment_tables[name])
        assert not [c for c in shown.columns if "_" in c], (name, list(shown.columns))
    assert all("_" not in words for words in _COLUMNS.values())


def test_an_interval_on_a_count_never_goes_below_zero():
    mostly_zero = [0, 0, 0, 0, 9]
    assert mean_ci(mostly_zero).low < 0  # the plain t-interval would
    assert mean_ci(mostly_zero, least=0.0).low == 0.0
    assert mean_ci(mostly_zero, least=0.0).high == mean_ci(mostly_zero).high


def test_the_forecast_fan_chart_counts_dates_from_the_outage_start():
    backlog = pd.DataFrame(
        {"plan": "Do nothing", "replication": 0, "day": range(40), "backlog": range(40)}
    )
    fig = backlog_fan(backlog, ["Do nothing"], [21.0, 25.0], outage_began=date(2026, 3, 2))
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert mdates.num2date(low).date() == date(2026, 2, 9)  # day 0: 21 days before
    assert mdates.num2date(high).date() == date(2026, 3, 21)  # the end of the last day
    assert "2026" in ax.get_xlabel() and "day of run" not in ax.get_xlabel()


def test_provenance_goes_on_every_table_and_chart(experiment_tables):
    manifest = {
        "scenario": "S2",
        "scenario_hash": "abc",
        "seed": 7,
        "version": "1.0",
        "run_id": "r1",
        "replications": 3,
        "weeks": 6,
    }
    table = with_provenance(pd.DataFrame({"value": [1.0]}), manifest, "Overtime", 2)
    assert table.iloc[0][
        ["scenario_hash", "plan", "replication", "seed", "version", "run_id"]
    ].tolist() == ["abc", "Overtime", 2, 7, "1.0", "r1"]
    runs = with_provenance(experiment_tables["runs"], manifest)
    assert (runs["plan"] == experiment_tables["runs"]["plan"]).all()  # its own plan column
    assert "abc" in provenance(manifest) and "seed 7" in provenance(manifest)


def test_every_measure_has_one_definition_and_one_computation():
    from sim.results.measures import VIEWS
    from sim.results.summary import SUMMARY, by_risk

    computed = set(SUMMARY) | set(by_risk(pd.DataFrame({"rosh": [], "missed_risk_checks": []})))
    computed.add("time_to_recover_days")  # against the same run without the outage
    assert computed == set(MEASURES)
    for view in VIEWS:  # every view headlines registered measures only
        assert set(headlined(view)) <= set(MEASURES), view


def test_missing_values_are_said_in_words_and_units_are_not_repeated():
    recovery = pd.DataFrame(
        {
            "plan": ["Do nothing"],
            "time_to_recover_p50": [float("nan")],
            "probability_better": [float("nan")],
        }
    )
    shown = readable(recovery).iloc[0]
    assert shown["time to recover, P50 (days)"] == "after the run"
    assert shown["P(better than doing nothing)"] == "- (the reference)"
    assert label("overtime_hours") == "overtime hours"  # not "overtime hours (hours)"
    assert label("late_recalls") == "late recalls"


def test_the_fan_chart_shades_the_outage_on_the_days_the_tables_give():
    backlog = pd.DataFrame(
        {"plan": "Do nothing", "replication": 0, "day": range(40), "backlog": range(40)}
    )
    ax = backlog_fan(backlog, ["Do nothing"], [21.0, 25.0]).axes[0]
    shaded = [p for p in ax.patches if p.get_label() == "outage"][0]
    start = shaded.get_x()
    assert (start, start + shaded.get_width()) == (21.0, 25.0)  # day 21 to the end of day 24


def test_the_fan_chart_draws_the_rekeying_debt_beside_the_backlog_with_its_title_whole():
    """Where a plan left paper records to re-key, a second panel shows the re-keying debt (its
    peak in records and hours in the legend), never added to the backlog's panel; the title
    fits the figure. A table without the debt (saved before it was kept) draws one panel."""
    days = range(40)
    debt = (
        [0.0] * 21
        + [300.0, 600.0, 900.0, 1200.0]
        + [1200.0 - 100 * k for k in range(12)]
        + [0.0] * 3
    )
    backlog = pd.concat(
        [
            pd.DataFrame(
                {
                    "plan": plan,
                    "replication": 0,
                    "day": days,
                    "backlog": [10.0] * 40 if plan == "Paper fallback" else [50.0] * 40,
                    "rekeying_debt": debt if plan == "Paper fallback" else [0.0] * 40,
                    "rekeying_debt_hours": [d / 6 for d in debt]
                    if plan == "Paper fallback"
                    else [0.0] * 40,
                }
            )
            for plan in ("Do nothing", "Paper fallback")
        ]
    )
    fig = backlog_fan(backlog, ["Do nothing", "Paper fallback"], [21.0, 25.0])
    top, bottom = fig.axes
    assert "backlog" in top.get_ylabel() and "re-keying debt" in bottom.get_ylabel()
    assert max(line.get_ydata().max() for line in top.lines) == 50.0  # the debt not added in
    assert max(line.get_ydata().max() for line in bottom.lines) == 1200.0
    (legend,) = fig.findobj(Legend)  # one, below the panels: a plan's colour is the same in both
    entries = [" ".join(t.get_text().split()) for t in legend.get_texts()]
    assert (
        "Paper fallback (median; re-keying debt's median at its peak 1,200 records, 200 h)"
        in entries
    )
    assert "median and P10-P90" in fig.get_suptitle()  # whole inside the figure: test_charts
    one = backlog_fan(
        backlog.drop(columns=["rekeying_debt", "rekeying_debt_hours"]), ["Do nothing"]
    )
    assert len(one.axes) == 1
