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
from sim.experiments.comparison import tie_counts
from sim.outputs.readable import probability_text, readable
from sim.outputs.recovery_words import NOTHING_TO_RECOVER
from sim.outputs.report_content import comparison_table as report_table
from sim.outputs.report_content import report_content
from sim.outputs.verdict import verdict
from sim.results.measures import label
from sim.results.recovery import RULE
from sim.scenario.plans import Plan
from sim.store.results import ResultsStore

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
    ranks = shown.loc[shown["measure"] == label("time_to_recover_days"), "rank"]
    assert len(ranks) and (ranks == "not ranked").all()


def test_one_run_in_five_not_recovered_is_still_ranked():
    tables = recovery_tables([12, NAN, 13, 14, 15])
    recover = tables["comparison"][tables["comparison"]["measure"] == "time_to_recover_days"]
    assert recover["rank"].notna().all()
    assert not [s for s in verdict(tables, RULE_MANIFEST) if "Not ranked" in s]
    assert "Not ranked" not in comparison_text(Experiment(RULE_MANIFEST, tables))


# ----------------------------------------------------------------------------- ties, ranks, shares
def test_ties_with_doing_nothing_are_said_as_ties_in_every_view():
    """Two replications equal to doing nothing are "tied in 2 of 2", not "1 of 2" (a tie counts
    half in P(better)); one tie of three beside one better is "1 of 3, 1 tied"."""
    tables = tables_of(
        {
            "backlog_mean": {"Do nothing": [50.0, 60.0, 40.0], "Overtime": [50.0, 55.0, 45.0]},
            "missed_risk_checks": {"Do nothing": [0.0, 0.0], "Overtime": [0.0, 0.0]},
        }
    )
    assert tie_counts(tables["runs"]) == {
        ("Overtime", "backlog_mean"): 1,
        ("Overtime", "missed_risk_checks"): 2,
    }
    experiment = Experiment(RULE_MANIFEST, tables)
    text = comparison_text(experiment)
    assert "P(better) 1 of 3, 1 tied" in text and "P(better) tied in 2 of 2" in text
    shown = paired_table(experiment).set_index(["measure", "plan"])["P(better)"]
    assert shown[(label("backlog_mean"), "Overtime")] == "1 of 3, 1 tied"
    assert shown[(label("missed_risk_checks"), "Overtime")] == "tied in 2 of 2"
    rows = report_table(tables["comparison"], PLANS, ties=tie_counts(tables["runs"])).rows
    cells = {r[0]: r[5] for r in rows if r[1] == "Overtime"}
    assert cells == {
        label("backlog_mean"): "1 of 3, 1 tied",
        label("missed_risk_checks"): "tied in 2 of 2",
    }
    assert probability_text(0.5, replications=30, ties=4) == "0.50 (4 tied)"
    assert probability_text(0.5, replications=30, ties=30) == "tied in 30 of 30"


def test_a_measure_not_ranked_says_so_never_none(experiment):
    """The re-keying debt is stated, never ranked on: its rank cells say "not ranked" (an empty
    number showed as "None"); every other cell is a whole number."""
    shown = paired_table(experiment)
    debt = shown[shown["measure"].str.contains("re-keying debt")]
    assert len(debt) and (debt["rank"] == "not ranked").all()
    assert shown["rank"].map(lambda r: r == "not ranked" or r.isdigit()).all(), shown["rank"]
    assert "not ranked" in set(readable(experiment["comparison"])["rank (1 = best)"])


def test_the_time_to_recover_table_says_every_number_one_way():
    """Whole days (or "after the run") in both percentile columns, and the share recovered as
    the count it is from few replications, as the range table and the verdict say them."""
    tables = recovery_tables([12.4, NAN, 13.0, 14.0, 15.0])
    shown = readable(tables["recovery"])
    for name in ("time to recover, P50 (days)", "time to recover, P90 (days)"):
        assert shown[name].map(lambda v: v == "after the run" or v.isdigit()).all(), shown[name]
    assert list(shown["share of replications recovered"]) == ["4 of 5", "5 of 5"]


def objectives_of(replications: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "plan": ["Do nothing"],
            "activity": ["Recall requests"],
            "rto_days": [1.0],
            "mtpd_days": [3.0],
            "mbco": [1.0],
            "p_rto_breached": [1.0],
            "p_mtpd_breached": [1.0],
            "p_mbco_breached": [0.4],
            "days_to_resume_p50": [4.0],
            "replications": [replications],
            "assessed": [replications],
        }
    )


def test_a_share_of_breaches_from_few_replications_is_the_count_it_is():
    """Every replication of five breaching the MTPD is "5 of 5", never "100%"."""
    from sim.cli.comparison_text import objective_lines
    from sim.outputs.forecast import objective_rows
    from sim.outputs.report_content import objectives_table
    from sim.outputs.verdict import objectives_sentence

    five = objectives_of(5)
    sentence = objectives_sentence(five)
    assert sentence is not None
    assert "Recall requests under Do nothing (in 5 of 5 replications)" in sentence
    assert "%" not in sentence
    rows = objective_rows(five)
    assert list(rows["probability of breach"]) == ["5 of 5", "5 of 5", "2 of 5"]
    assert "5 of 5" in objectives_table(five).rows[1]
    lines = "\n".join(objective_lines(five))
    assert "P(breach) 5 of 5" in lines and "100%" not in lines.replace("MBCO 100%", "")
    assert readable(five).iloc[0]["MTPD: probability of breach"] == "5 of 5"
    many = objectives_sentence(objectives_of(30))
    assert many is not None and "(in >99% of replications)" in many
