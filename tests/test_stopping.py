"""Replications until the answer is clear: the stopping rule on made-up outcomes, and compare()
stopping early where plans differ clearly, or at its maximum, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from office_runs import reference_scenario
from sim.experiments.compare import compare
from sim.experiments.engines import NO_OUTAGE, RunOutcome
from sim.experiments.stopping import (
    HEADLINES,
    StoppingRule,
    answer,
    floor_of,
    ranking,
    ranking_held,
    values_of,
)
from sim.results.measures import headlined
from sim.scenario.plans import DO_NOTHING, Levers, PaperFallback, Plan

OUTAGE = {"down": [{"system": "case_system", "start": {"day": 7, "hour": 14}, "duration_days": 3}]}
PAPER = Plan(name="Paper fallback", levers=Levers(paper_fallback=PaperFallback()))
ROOT = Path(__file__).resolve().parents[1]


def outcome(plan: str, replication: int, **measures: float) -> RunOutcome:
    return RunOutcome(plan, replication, dict(measures), {}, (), 0)


def runs(table: dict[str, list[float]], name: str = "backlog_mean") -> list[RunOutcome]:
    """Outcomes of plan -> its values of one measure, replication by replication."""
    return [
        outcome(plan, r, **{name: value})
        for plan, values in table.items()
        for r, value in enumerate(values)
    ]


def test_the_rule_watches_the_verdicts_measures_by_default():
    assert StoppingRule().measures == HEADLINES == headlined("verdict")
    rule = StoppingRule()
    assert (rule.relative, rule.hold, rule.first, rule.step) == (0.10, 3, 10, 5)
    assert rule.adjusted == pytest.approx(0.1 / 1.1)  # Law's gamma' = gamma / (1 + gamma)
    assert StoppingRule.from_dict(rule.as_dict()) == rule
    assert [rule.next_count(done, 30) for done in (0, 10, 25, 28)] == [10, 15, 30, 30]
    assert rule.next_count(0, 4) == 4  # a maximum below the first look: run the maximum
    assert floor_of("backlog_mean") == 0.5 and floor_of("overtime_hours") == 1.0


@pytest.mark.parametrize(
    ("field", "value"),
    [("relative", 0.0), ("relative", 1.5), ("hold", -1), ("first", 1), ("step", 0)],
)
def test_a_bad_rule_names_the_field_value_and_fix(field, value):
    with pytest.raises(ValueError, match=rf"{field} = {value}.*fix"):
        StoppingRule(**{field: value})
    with pytest.raises(ValueError, match="not_a_measure not a measure.*fix"):
        StoppingRule(measures=("not_a_measure",))


def test_the_ranking_holds_when_the_verdicts_answer_has_not_changed_over_the_last_replications():
    steady = {
        "Do nothing": [100, 104, 98, 102, 101, 99, 103, 100],
        "Paper": [80, 85, 79, 83, 82, 78, 84, 81],
        "Overtime": [90, 93, 92, 88, 91, 94, 89, 90],
    }
    values = values_of(runs(steady), ["backlog_mean"])
    assert answer(values, "backlog_mean", list(steady), 8) == ("better", "better", "Paper")
    assert ranking_held(values, ["backlog_mean"], hold=5)
    assert not ranking_held(values, ["backlog_mean"], hold=0)  # 0: the rule is off
    assert not ranking_held(values, ["backlog_mean"], hold=7)  # too few before the last 7
    # overtime overtaking paper in the last replications: the plan named best changes
    overtaking = {**steady, "Overtime": [90, 93, 92, 88, 91, 40, 40, 40]}
    values = values_of(runs(overtaking), ["backlog_mean"])
    assert not ranking_held(values, ["backlog_mean"], hold=5)
    assert ranking_held(values, ["backlog_mean"], hold=1)  # the last one changed nothing
    # two plans within a whisker of each other trading places: the answer is the same
    whisker = {**steady, "Overtime": [80, 86, 78, 84, 81, 79, 83, 82]}
    values = values_of(runs(whisker), ["backlog_mean"])
    orders = {ranking(values, "backlog_mean", list(whisker), k) for k in range(3, 9)}
    assert len(orders) > 1 and ranking_held(values, ["backlog_mean"], hold=5)
    # where higher is better the calls are the other way, and held the same
    shares = values_of(runs(steady, "recalls_delivered_share"), ["recalls_delivered_share"])
    assert answer(shares, "recalls_delivered_share", list(steady), 8) == ("worse", "worse", None)
    assert ranking_held(shares, ["recalls_delivered_share"], hold=5)
    # one plan alone has no ranking to hold; plans without "do nothing" hold their order
    alone = values_of(runs({"Do nothing": steady["Do nothing"]}), ["backlog_mean"])
    assert not ranking_held(alone, ["backlog_mean"], hold=5)
    options = values_of(
        runs({"Paper": steady["Paper"], "Overtime": steady["Overtime"]}), ["backlog_mean"]
    )
    assert ranking_held(options, ["backlog_mean"], hold=5)


def test_the_no_outage_runs_are_not_ranked():
    outcomes = runs({"Do nothing": [1.0, 2.0], NO_OUTAGE: [0.0, 0.0]})
    assert {plan for plan, _ in values_of(outcomes, ["backlog_mean"])} == {"Do nothing"}


def test_precision_is_judged_on_paired_differences():
    """A plan 20 items better in every replication has a paired interval of zero width however
    noisy the office is: precise at the first look, though the plans' own means are not."""
    noisy = [100.0, 160.0, 70.0, 130.0, 90.0, 150.0]
    table = {"Do nothing": noisy, "Paper": [v - 20 for v in noisy]}
    rule = StoppingRule(measures=("backlog_mean",), relative=0.5, hold=0, first=4)
    stop = rule.decide(runs(table), maximum=30)
    assert stop is not None and stop.why == "precision" and stop.replications == 6
    assert stop.reason.startswith("precision reached (every headline's paired 95% interval")
    # the same values unpaired (shuffled against do nothing): not precise, run more
    shuffled = {"Do nothing": noisy, "Paper": [v - 20 for v in noisy[::-1]]}
    strict = StoppingRule(measures=("backlog_mean",), relative=0.05, hold=0, first=4)
    assert strict.decide(runs(shuffled), maximum=30) is None
    stop = strict.decide(runs(shuffled), maximum=6)
    assert stop is not None and stop.why == "maximum"
    assert stop.reason.startswith("maximum of 6 replications reached, precision not reached")
    assert "the widest interval: Paper, mean backlog" in stop.reason  # furthest from it


def test_a_difference_near_zero_needs_only_its_floor():
    """Plans within a fraction of a recall of each other are precise enough at the floor (half
    a recall), though the interval is wider than 10% of the plan's mean."""
    table = {"Do nothing": [3.0, 3.0, 3.0, 3.0], "Paper": [3.0, 3.4, 3.0, 2.8]}
    rule = StoppingRule(measures=("late_recalls",), hold=0, first=4)
    stop = rule.decide(runs(table, "late_recalls"), maximum=30)
    assert stop is not None and stop.why == "precision"


@pytest.fixture(scope="module")
def scenario():
    return reference_scenario().with_changes(**{"outages": OUTAGE})


@pytest.mark.slow  # two comparisons of the reference office: about 15 s
def test_compare_stops_early_where_the_plans_differ_clearly(scenario):
    rule = StoppingRule(first=4, step=2, hold=3)
    experiment = compare(scenario, [DO_NOTHING, PAPER], 12, weeks=3, engine="serial", stopping=rule)
    stopping = experiment.manifest["stopping"]
    done = experiment.manifest["replications"]
    assert 4 <= done < 12 and stopping["replications"] == done
    assert stopping["maximum"] == 12 and stopping["rule"] == rule.as_dict()
    assert stopping["stopped_by"] in ("precision", "ranking")
    assert stopping["reason"].startswith(("precision reached", "ranking held"))
    assert "partial" not in experiment.manifest  # a finished comparison, not a cut one
    # the same runs as a fixed count of that many replications
    fixed = compare(scenario, [DO_NOTHING, PAPER], done, weeks=3, engine="serial")
    assert "stopping" not in fixed.manifest
    assert experiment["runs"].equals(fixed["runs"])


def test_compare_runs_to_the_maximum_when_precision_is_out_of_reach(scenario):
    rule = StoppingRule(relative=0.001, hold=0, first=3, step=2)
    seen: list[tuple[int, int]] = []
    experiment = compare(
        scenario,
        [DO_NOTHING, PAPER],
        6,
        weeks=2,
        engine="serial",
        stopping=rule,
        progress=lambda done, total: seen.append((done, total)),
    )
    stopping = experiment.manifest["stopping"]
    assert experiment.manifest["replications"] == 6 == stopping["replications"]
    assert stopping["stopped_by"] == "maximum"
    assert stopping["reason"].startswith(
        "maximum of 6 replications reached, precision not reached; the widest interval: "
    )
    # progress is told over the whole comparison, not batch by batch: 3 labels x 6 at most
    assert seen[-1] == (18, 18) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_the_command_line_runs_a_fixed_count_when_asked_and_says_why_it_stopped(tmp_path):
    """``--fixed`` runs exactly ``--reps`` replications (more than the rule's first look);
    without it the command says where the rule stopped and why, and the saved run says it."""
    from typer.testing import CliRunner

    from sim.cli.main import app

    s02 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"
    common = [str(s02), "--plans", "do-nothing", "--weeks", "1", "--engine", "serial"]
    store = ["--store", str(tmp_path / "store")]
    fixed = CliRunner().invoke(app, ["compare", *common, "--reps", "11", "--fixed", *store])
    assert fixed.exit_code == 0, fixed.output
    assert "1 plans x 11 replications" in fixed.output
    assert "replications: a fixed count of 11 replications" in fixed.output
    ruled = CliRunner().invoke(app, ["compare", *common, "--reps", "3", *store])
    assert ruled.exit_code == 0, ruled.output
    assert "replications: stopped at 3 of at most 3 replications, maximum of 3" in ruled.output
    run_id = ruled.output.split("saved as run ")[1].split()[0]
    shown = CliRunner().invoke(app, ["runs", "show", run_id, *store])
    assert "replications: stopped at 3 of at most 3" in shown.output
    assert "re-run with: python -m sim compare" in shown.output and "--fixed" not in shown.output
