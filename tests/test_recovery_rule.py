"""The recovery rule a director can check: its tolerance and hold are data with their documented
ranges, kept in the experiment's manifest and stated beside every time to recover; the report
gives time to recover at both ends of the tolerance's range from the stored backlogs (no re-run);
and a run that ends too soon after the outage is warned about (``compare``) and not ranked on
time to recover."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.comparison_text import recovery_warning
from sim.cli.main import app
from sim.experiments.compare import NO_OUTAGE
from sim.experiments.recovery_range import recovery_range
from sim.outputs.report_content import report_content
from sim.outputs.report_html import render_html
from sim.outputs.verdict import verdict
from sim.results.recovery import (
    HOLD_DAYS,
    MARGIN_DAYS,
    RULE,
    RecoveryRule,
    Tolerance,
    rule_of,
    too_short_to_recover,
)
from sim.scenario.plans import DO_NOTHING
from sim.store.results import ResultsStore

ROOT = Path(__file__).resolve().parents[1]
S02 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"


def test_the_rule_is_data_with_its_range_and_words():
    low, high = RULE.tolerance_range
    assert low.items <= RULE.tolerance.items <= high.items
    assert low.share <= RULE.tolerance.share <= high.share
    assert RULE.hold_range[0] <= RULE.hold_days == HOLD_DAYS <= RULE.hold_range[1]
    assert RULE.margin_days == MARGIN_DAYS >= RULE.hold_days
    words = RULE.words()
    for part in (
        "max(10 items, 25%)",
        "7 days in a row",
        "max(5 items, 10%)",
        "max(20 items, 30%)",
    ):
        assert part in words, part
    assert RecoveryRule.from_dict(RULE.as_dict()) == RULE
    assert rule_of({}) == RULE and rule_of(None) == RULE
    other = RecoveryRule(Tolerance(items=12, share=0.2), hold_days=10)
    assert rule_of({"recovery_rule": other.as_dict()}) == other


def test_an_experiment_keeps_its_rule_through_the_store(small_experiment, tmp_path):
    assert small_experiment.manifest["recovery_rule"] == RULE.as_dict()
    store = ResultsStore(tmp_path)
    run_id = store.save(small_experiment.tables, small_experiment.manifest)
    _, manifest = store.load(run_id)
    assert rule_of(manifest) == RULE


# ----------------------------------------------------------------------------- too short
@pytest.mark.parametrize(
    ("weeks", "window", "short"),
    [(5, [21.0, 25.0], True), (6, [21.0, 25.0], False), (5, [21.0, 21.0], False), (5, None, False)],
)
def test_a_run_is_too_short_when_it_ends_before_restoration_plus_the_margin(weeks, window, short):
    manifest = {"weeks": weeks, "disruption_days": window}
    assert too_short_to_recover(manifest) is short
    assert (recovery_warning(manifest) is not None) is short


def test_the_margin_is_read_from_the_experiments_rule():
    loose = RecoveryRule(margin_days=7).as_dict()
    assert too_short_to_recover({"weeks": 5, "disruption_days": [21.0, 25.0]})
    assert not too_short_to_recover(
        {"weeks": 5, "disruption_days": [21.0, 25.0], "recovery_rule": loose}
    )


# ----------------------------------------------------------------------------- the range
def backlog_table(trajectory: list[float], base: float = 20.0) -> pd.DataFrame:
    rows = [(NO_OUTAGE, 0, day, base) for day in range(len(trajectory))]
    rows += [(DO_NOTHING.name, 0, day, value) for day, value in enumerate(trajectory)]
    return pd.DataFrame(rows, columns=["plan", "replication", "day", "backlog"])


def test_the_range_has_a_known_answer_at_each_end():
    # restored on day 5; excess over the baseline's 20: 40, 18, 8, 4, then 4 for good.
    # Within max(20, 30%) = 20 from day 7, max(10, 25%) = 10 from day 8, max(5, 10%) = 5 from 9.
    trajectory = [20.0] * 5 + [100.0, 60.0, 38.0, 28.0] + [24.0] * 26
    manifest = {"plans": [DO_NOTHING.name], "weeks": 5, "disruption_days": [2.0, 5.5]}
    found = recovery_range(backlog_table(trajectory), manifest).set_index("tolerance")
    assert list(found.index) == ["low end", "as used", "high end"]
    assert found["time_to_recover_p50"].to_dict() == {"low end": 4, "as used": 3, "high end": 2}
    assert found.loc["as used", "rule"] == "max(10 items, 25%)"
    assert (found["recovered"] == 1).all() and (found["replications"] == 1).all()
    # never within the strict end: after the run there, still measured at the others
    stuck = [20.0] * 5 + [100.0, 60.0, 38.0, 28.0] + [27.0] * 26
    ends = recovery_range(backlog_table(stuck), manifest).set_index("tolerance")
    assert math.isnan(ends.loc["low end", "time_to_recover_p50"])
    assert ends.loc["low end", "recovered"] == 0
    assert ends.loc["as used", "time_to_recover_p50"] == 3


def test_no_range_without_an_outage_or_before_it_ends():
    table = backlog_table([20.0] * 35)
    assert recovery_range(table, {"plans": ["Do nothing"], "weeks": 5}).empty
    ended_first = {"plans": ["Do nothing"], "weeks": 5, "disruption_days": [21.0, 40.0]}
    assert recovery_range(table, ended_first).empty


def test_the_range_from_stored_backlogs_agrees_with_the_experiment(small_experiment):
    tables, manifest = small_experiment.tables, small_experiment.manifest
    found = recovery_range(tables["backlog"], manifest)
    assert len(found) == 3 * len(manifest["plans"])
    recovery = tables["recovery"].set_index("plan")
    for plan, rows in found.groupby("plan"):
        by_end = rows.set_index("tolerance")
        used = by_end.loc["as used"]
        for column in ("time_to_recover_p50", "time_to_recover_p90"):
            assert used[column] == recovery.loc[plan, column] or (
                math.isnan(used[column]) and math.isnan(recovery.loc[plan, column])
            )
        assert used["recovered"] == recovery.loc[plan, "recovered"]
        # a looser tolerance never recovers later
        p50 = by_end["time_to_recover_p50"].fillna(np.inf)
        assert p50["low end"] >= p50["as used"] >= p50["high end"]


# ----------------------------------------------------------------------------- the views
def test_the_report_gives_the_rule_and_both_ends_of_its_range(small_experiment):
    content = report_content(small_experiment.tables, small_experiment.manifest)
    assert content.recovery is not None
    assert len(content.recovery.rows) == 3 * len(small_experiment.manifest["plans"])
    assert {row[1] for row in content.recovery.rows} == {"low end", "as used", "high end"}
    assert "max(10 items, 25%)" in content.recovery_note
    assert "max(10 items, 25%)" in content.comparison_note
    assert "max(10 items, 25%)" in dict(content.method)["Recovery"]
    assert "recalls delivered" in content.comparison_note
    labels = {row[0] for row in content.comparison.rows}
    assert "share of recalls delivered by the end of the run" in labels
    page = render_html(content)
    assert "Time to recover under the recovery rule&#39;s range" in page or (
        "Time to recover under the recovery rule's range" in page
    )
    assert "max(5 items, 10%)" in page and "max(20 items, 30%)" in page


def test_the_verdict_states_the_rule_and_says_when_the_run_is_too_short(small_experiment):
    tables, manifest = small_experiment.tables, small_experiment.manifest
    said = verdict(tables, manifest)
    recovery = next(s for s in said if s.startswith("Time to recover"))
    assert "max(10 items, 25%)" in recovery and "7 days in a row" in recovery
    assert not any("too soon to read time to recover" in s for s in said)
    short = verdict(tables, {**manifest, "weeks": 5})
    assert any("too soon to read time to recover" in s for s in short)


@pytest.mark.slow
def test_compare_warns_on_stderr_when_the_run_ends_too_soon_after_the_outage(tmp_path):
    runner = CliRunner()
    args = ["compare", str(S02), "--plans", "do-nothing", "--reps", "1", "--weeks", "5"]
    result = runner.invoke(app, [*args, "--engine", "serial", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning: the run ends on day 35" in result.stderr
    assert "(day 25) plus 14 days" in result.stderr and "Run at least 6 weeks" in result.stderr
    assert "warning" not in result.stdout
    assert "max(10 items, 25%)" in result.stdout  # the rule beside time to recover
    assert "recalls delivered by the end of the run" in result.stdout  # beside recall delay
    run_id = re.search(r"saved as run (\S+)", result.stdout).group(1)
    shown = runner.invoke(app, ["runs", "show", run_id, "--store", str(tmp_path)])
    assert shown.exit_code == 0 and "warning: the run ends on day 35" in shown.stderr
