"""The app's results view (AppTest): the recovery rule beside time to recover, time to recover
at both ends of the tolerance's range, no ranking on time to recover when the run ends too soon
after the outage or too many runs had not recovered by its end (and why), and the share of
recalls delivered beside recall delay."""

from __future__ import annotations

import pytest

from app_test_kit import PAPER, S02, no_crash, page, texts
from sim.experiments.compare import Experiment, compare
from sim.results.measures import label
from sim.scenario.loader import load_plan, load_scenario
from sim.store.results import ResultsStore

RULE_WORDS = "back within max(10 items, 25%) of the same replication's no-outage backlog"
NOT_RANKED = "Time to recover is not ranked"


@pytest.fixture(scope="module")
def long_experiment() -> Experiment:
    """S2 over 12 weeks: every replication of both plans has recovered by the end."""
    return compare(load_scenario(S02), [load_plan(PAPER)], 3, weeks=12)


@pytest.fixture(scope="module")
def short_experiment() -> Experiment:
    """S2 (NDelius down days 21-25) over 5 weeks: the run ends 10 days after the outage."""
    return compare(load_scenario(S02), [load_plan(PAPER)], 2, weeks=5, engine="serial")


def reopened(folders, experiment: Experiment):
    run_id = ResultsStore(folders["results"]).save(experiment.tables, experiment.manifest)
    at = page("history")
    at.selectbox(key="history_run").set_value(run_id)
    at.button(key="history_open").click().run()
    no_crash(at)
    return at


def frame_with(at, *columns: str):
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert found, f"no table with columns {columns}"
    return found[0]


def recovery_ranks(at):
    paired = frame_with(at, "measure", "rank")
    return paired.loc[paired["measure"] == label("time_to_recover_days"), "rank"]


@pytest.mark.slow
def test_time_to_recover_is_ranked_with_its_rule_when_the_runs_recover(folders, long_experiment):
    recovery = long_experiment["recovery"]
    assert (recovery["recovered"] == recovery["replications"]).all()
    at = reopened(folders, long_experiment)
    shown = texts(at)
    assert RULE_WORDS in shown and "max(5 items, 10%)" in shown
    assert NOT_RANKED not in shown and "too soon to read time to recover" not in shown
    assert "Not ranked on time to recover" not in shown
    ranks = recovery_ranks(at)
    assert len(ranks) == len(long_experiment.manifest["plans"])
    assert ranks.str.fullmatch(r"\d+").all()  # ranked: a whole number each
    ends = frame_with(at, "tolerance", "time to recover, P50 (days)")
    assert set(ends["tolerance"]) == {"low end", "as used", "high end"}


def test_time_to_recover_is_not_ranked_when_most_runs_have_not_recovered(folders, experiment):
    at = reopened(folders, experiment)  # S2 over 6 weeks: 17 days after the outage, too soon
    shown = texts(at)  # for most runs to have recovered
    assert "too soon to read time to recover" not in shown and RULE_WORDS in shown
    assert "Not ranked on time to recover: " in shown
    assert "did not recover by the end of the run; run longer." in shown
    assert (recovery_ranks(at) == "not ranked").all()  # said, not a blank or "None"
    paired = frame_with(at, "measure", "rank")
    assert (
        paired.loc[paired["measure"] == label("backlog_mean"), "rank"].str.fullmatch(r"\d+").all()
    )
    debt = paired[paired["measure"] == label("rekeying_debt_max")]
    assert len(debt) and (debt["rank"] == "not ranked").all()  # stated, never ranked on


def test_time_to_recover_is_not_ranked_when_the_run_ends_too_soon(folders, short_experiment):
    at = reopened(folders, short_experiment)
    shown = texts(at)
    assert NOT_RANKED in shown and "too soon to read time to recover" in shown
    assert any("less than 14 days after the outage" in w.value for w in at.warning)
    assert RULE_WORDS in shown  # the rule is still stated
    ranks = recovery_ranks(at)
    assert len(ranks) and (ranks == "not ranked").all()
    paired = frame_with(at, "measure", "rank")
    other = paired[paired["measure"] == label("backlog_mean")]
    assert other["rank"].str.fullmatch(r"\d+").all()  # other measures are still ranked


def test_the_share_of_recalls_delivered_is_beside_recall_delay(folders, experiment):
    at = reopened(folders, experiment)
    recalls = frame_with(at, "plan", "measure", "mean")
    measures = list(dict.fromkeys(recalls["measure"]))
    delay, share = label("recall_delay_mean"), label("recalls_delivered_share")
    assert delay in measures and share in measures
    assert measures.index(share) == measures.index(delay) + 1
    assert "hours from its decision to the end" in texts(at)
