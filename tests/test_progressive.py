"""Progressive results: a comparison gives its first answer from every plan's first
replications and refines it as more arrive, each partial answer paired and labelled; stopping
keeps the answer so far, labelled partial. The app's side: tests/test_app.py."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import S02
from sim.cli.comparison_text import comparison_text, progress_line
from sim.experiments.compare import NO_OUTAGE, compare
from sim.experiments.progressive import FIRST_ANSWER
from sim.outputs.readable import partial_words
from sim.scenario.loader import load_plan, load_scenario
from sim.scenario.scaling import scaled

REPLICATIONS = 4


@pytest.fixture(scope="module")
def setting():
    scenario = scaled(load_scenario(S02), 0.5)
    paper = load_plan(S02.parent / "plans" / "paper-fallback.yaml")
    return scenario, [paper]


@pytest.fixture(scope="module")
def refined(setting):
    scenario, plans = setting
    partials = []
    final = compare(
        scenario,
        plans,
        REPLICATIONS,
        weeks=3,
        engine="serial",
        partial=partials.append,
        refresh_s=0.0,
    )
    return partials, final


def test_the_first_answer_comes_once_every_plan_has_its_first_replications(refined):
    partials, _ = refined
    done = [p.manifest["partial"]["replications_done"] for p in partials]
    assert done == list(range(FIRST_ANSWER, REPLICATIONS))  # refined as each one completes
    for p in partials:
        assert p.manifest["partial"]["replications_asked"] == REPLICATIONS
        assert p.manifest["replications"] == p.manifest["partial"]["replications_done"]


def test_every_partial_answer_is_paired_on_the_same_replications(refined):
    partials, _ = refined
    for p in partials:
        runs = p["runs"]
        by_plan = runs.groupby("plan")["replication"].apply(lambda r: frozenset(r))
        assert set(by_plan.index) == {"Do nothing", "Paper fallback", NO_OUTAGE}
        assert len(set(by_plan)) == 1  # one set of replications, shared by every plan
        assert len(next(iter(by_plan))) == p.manifest["replications"]


def test_the_final_answer_is_complete_and_the_same_as_without_partial_answers(setting, refined):
    scenario, plans = setting
    _, final = refined
    assert "partial" not in final.manifest and partial_words(final.manifest) is None
    plain = compare(scenario, plans, REPLICATIONS, weeks=3, engine="serial")
    for name in ("runs", "comparison", "recovery", "objectives", "workload"):
        pd.testing.assert_frame_equal(final[name], plain[name])


def test_a_partial_answer_is_labelled_in_words_with_how_many_replications_it_holds(refined):
    partials, _ = refined
    first = partials[0]
    words = partial_words(first.manifest)
    assert words is not None and f"{FIRST_ANSWER} of {REPLICATIONS} replications" in words
    assert comparison_text(first).startswith("PARTIAL: ")
    line = progress_line(first)
    assert line.startswith(f"after {FIRST_ANSWER} of {REPLICATIONS} replications")
    assert "Do nothing" in line and "Paper fallback" in line


def test_stopping_at_the_first_answer_stops_the_runs(setting):
    scenario, plans = setting
    done: list[int] = []

    class Stop(Exception):
        pass

    def stop(_experiment):
        raise Stop

    with pytest.raises(Stop):
        compare(
            scenario,
            plans,
            20,
            weeks=3,
            engine="serial",
            partial=stop,
            progress=lambda n, _total: done.append(n),
        )
    # stopped as the run completing the first answer came in: no run after it
    assert max(done) == 3 * FIRST_ANSWER - 1


def test_a_report_of_a_partial_answer_says_so_in_its_title_and_subtitle(refined):
    from sim.outputs.report_content import report_content

    partials, final = refined
    content = report_content(partials[0].tables, partials[0].manifest)
    assert content.title.endswith("(PARTIAL)")
    assert f"{FIRST_ANSWER} of {REPLICATIONS} replications" in content.subtitle
    assert "PARTIAL" not in report_content(final.tables, final.manifest).title
