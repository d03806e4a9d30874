"""What every view says of a comparison in three corner cases: a scenario with no outage (nothing
to recover from, never "nan%"), a probability of being better from a finite number of
replications (never 1.00 or 0.00, and never a clear difference on its own), and plans whose
runs mostly had not recovered by the end (not ranked on time to recover, and why)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from app_pages.results_view import paired_table
from app_test_kit import no_crash, page, texts
from office_runs import reference_scenario
from sim.cli.comparison_text import comparison_text
from sim.experiments.compare import Experiment, compare, comparison_table, recovery_table
from sim.experiments.store import ResultsStore
from sim.outputs.readable import probability_text, readable
from sim.outputs.recovery_words import NOTHING_TO_RECOVER
from sim.outputs.report_content import comparison_table as report_table
from sim.outputs.report_content import report_content
from sim.outputs.verdict import verdict
from sim.results.recovery import RULE
from sim.scenario.plans import Plan

PLANS = ["Do nothing", "Overtime"]
RULE_MANIFEST = {"recovery_rule": RULE.as_dict(), "weeks": 12, "disruption_days": [21.0, 25.0]}


def tables_of(values: dict[str, dict[str, list[float]]], censored_at: float | None = None):
    """An experiment's tables from each plan's value of each measure in each replication."""
    rows = [
        (plan, r, measure, v, "")
        for measure, by_plan in values.items()
        for plan, vs in by_plan.items()
        for r, v in enumerate(vs)
    ]
    runs = pd.DataFrame(rows, columns=["plan", "replication", "measure", "value", "unit"])
    censored = None if censored_at is None else {"time_to_recover_days": censored_at}
    return {
        "runs": runs,
        "comparison": comparison_table(runs, PLANS, censored),
        "recovery": recovery_table(runs, PLANS),
    }


# ----------------------------------------------------------------------------- no outage
@pytest.fixture(scope="module")
def no_outage() -> Experiment:
    overtime = Plan.model_validate(
        {"name": "Overtime", "levers": {"overtime": {"hours_per_week": 2}}}
    )
    return compare(reference_scenario(), [overtime], 2, weeks=1, engine="serial")


def test_with_no_outage_every_view_says_there_was_nothing_to_recover_from(no_outage, folders):
    text = comparison_text(no_outage)
    assert f"time to recover: {NOTHING_TO_RECOVER}" in text and "nan" not in text
    assert NOTHING_TO_RECOVER in verdict(no_outage.tables, no_outage.manifest)
    assert NOTHING_TO_RECOVER in report_content(no_outage.tables, no_outage.manifest).verdict
    run_id = ResultsStore(folders["results"]).save(no_outage.tables, no_outage.manifest)
    at = page("history")
    at.selectbox(key="history_run").set_value(run_id)
    at.button(key="history_open").click().run()
    no_crash(at)
    assert NOTHING_TO_RECOVER in texts(at) and "nan" not in texts(at)


# ----------------------------------------------------------------------------- P(better)
def test_a_probability_from_replications_is_never_shown_as_certain():
    assert [probability_text(p) for p in (1.0, 0.995, 0.99, 0.5, 0.01, 0.004, 0.0)] == [
        ">0.99",
        ">0.99",
        "0.99",
        "0.50",
        "0.01",
        "<0.01",
        "<0.01",
    ]
    assert probability_text(math.nan, "- (the reference)") == "- (the reference)"
    # from few replications, the count it is: three runs agreeing are not a certainty
    assert probability_text(1.0, replications=3) == "3 of 3"
    assert probability_text(0.5, replications=3) == "1.5 of 3"
    assert probability_text(1.0, replications=20) == ">0.99"


def test_a_two_percent_gain_in_every_replication_shows_as_a_count_in_every_view():
    nothing = [100.0, 102.0, 98.0, 101.0, 99.0]
    tables = tables_of(
        {"backlog_mean": {"Do nothing": nothing, "Overtime": [v * 0.98 for v in nothing]}}
    )
    row = tables["comparison"].set_index("plan").loc["Overtime"]
    assert row["probability_better"] == 1.0  # every replication: the estimate, stored as it is
    experiment = Experiment(RULE_MANIFEST, tables)
    text = comparison_text(experiment)
    assert "P(better) 5 of 5" in text and "1.00" not in text
    assert "5 of 5" in list(paired_table(experiment)["P(better)"])
    assert "5 of 5" in readable(tables["comparison"])["P(better than doing nothing)"].tolist()
    assert [r for r in report_table(tables["comparison"], PLANS).rows if r[1] == "Overtime"][0][
        5
    ] == "5 of 5"
    best = next(s for s in verdict(tables) if s.startswith("Lowest mean backlog"))
    assert "P(better) 5 of 5" in best and "100%" not in best


def test_the_verdict_never_calls_a_difference_clear_on_p_better_alone():
    nothing = [100.0, 100.0, 100.0, 100.0, 100.0]
    overtime = [99.9, 99.9, 99.9, 99.9, 80.0]  # lower every time, but the interval spans zero
    tables = tables_of({"backlog_mean": {"Do nothing": nothing, "Overtime": overtime}})
    row = tables["comparison"].set_index("plan").loc["Overtime"]
    assert row["probability_better"] == 1.0 and row["vs_reference_high"] > 0
    assert any(s.startswith("No clear difference in mean backlog") for s in verdict(tables))
    assert not any(s.startswith("Lowest mean backlog") for s in verdict(tables))


# ----------------------------------------------------------------------------- censored runs
NAN = math.nan


def recovery_tables(do_nothing: list[float]):
    return tables_of(
        {
            "time_to_recover_days": {"Do nothing": do_nothing, "Overtime": [9, 10, 11, 12, 13]},
            "backlog_mean": {"Do nothing": [50, 60, 40, 55, 45], "Overtime": [30, 41, 22, 35, 27]},
        },
        censored_at=30.0,
    )


def test_plans_are_not_ranked_on_time_to_recover_when_most_runs_did_not_recover():
    tables = recovery_tables([12, NAN, NAN, 14, NAN])  # 3 of 5 not recovered by the end
    comparison = tables["comparison"]
    recover = comparison[comparison["measure"] == "time_to_recover_days"].set_index("plan")
    assert recover["rank"].isna().all()
    assert recover.loc["Do nothing", "without_value"] == 3  # still reported as censored
    assert recover.loc["Do nothing", "mean"] == pytest.approx((12 + 14 + 3 * 30) / 5)
    backlog = comparison[comparison["measure"] == "backlog_mean"]
    assert backlog["rank"].notna().all()  # other measures are still ranked
    said = (
        "Not ranked on time to recover: 3 of 5 replications of Do nothing did not recover by "
        "the end of the run; run longer."
    )
    experiment = Experiment(RULE_MANIFEST, tables)
    text = comparison_text(experiment)
    assert said in text
    ttr_lines = text.split("time to recover (days):")[1].split("time to recover, P50")[0]
    assert "Do nothing" in ttr_lines and not re.search(r"  rank \d", ttr_lines)
    assert said in verdict(tables, RULE_MANIFEST)
    shown = paired_table(experiment)
    assert shown.loc[shown["measure"] == "time to recover", "rank"].isna().all()


def test_one_run_in_five_not_recovered_is_still_ranked():
    tables = recovery_tables([12, NAN, 13, 14, 15])
    recover = tables["comparison"][tables["comparison"]["measure"] == "time_to_recover_days"]
    assert recover["rank"].notna().all()
    assert not [s for s in verdict(tables, RULE_MANIFEST) if "Not ranked" in s]
    assert "Not ranked" not in comparison_text(Experiment(RULE_MANIFEST, tables))
