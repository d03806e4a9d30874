"""Reading and writing scenarios: the reference file loads, a dumped scenario loads back the
same, scenarios from text and from a mapping, and how problems are written out and capped."""

from __future__ import annotations

import pytest

from scenario_edits import REFERENCE, fails, find, problem, write
from sim.scenario.loader import (
    Problem,
    ScenarioError,
    load_scenario,
    scenario_from_mapping,
    scenario_from_text,
    to_yaml,
)
from sim.scenario.schema import Scenario


# ----------------------------------------------------------------------------- good files
def test_reference_loads():
    scenario = load_scenario(REFERENCE)
    assert isinstance(scenario, Scenario) and scenario.name


def test_round_trip(tmp_path):
    scenario = load_scenario(REFERENCE)
    text = to_yaml(scenario)  # the strict loader would refuse any &anchor it wrote
    assert scenario_from_text(text) == scenario
    assert load_scenario(write(tmp_path, text, "dumped.yaml")) == scenario


def test_from_text(ref):
    assert scenario_from_text(ref, "upload.yaml") == load_scenario(REFERENCE)
    assert scenario_from_text(ref.encode("utf-8"), "upload.yaml") == load_scenario(REFERENCE)


def test_from_text_errors(ref):
    text = ref.rstrip("\n") + "\ncaseloads: 1\n"
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(text, "upload.yaml")
    p = problem(info.value, "caseloads")
    assert p.file == "upload.yaml" and p.line == find(text, r"^caseloads:")
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(b"name: \xff\n", "upload.yaml")
    assert info.value.problems[0].line == 1


def test_many_problems_are_capped(tmp_path, ref):
    path = write(tmp_path, ref + "".join(f"extra_{i}: {i}\n" for i in range(150)))
    err = fails(path)
    assert len(err.problems) == 100 and err.more == 50
    assert str(err).splitlines()[0].endswith("150 problems in the scenario")
    assert str(err).splitlines()[-1] == "  ... and 50 more"


def test_from_mapping():
    data = load_scenario(REFERENCE).model_dump(mode="json")
    assert scenario_from_mapping(data, "form") == load_scenario(REFERENCE)
    data["run"]["weeks"] = -1
    with pytest.raises(ScenarioError) as info:
        scenario_from_mapping(data, "form")
    p = problem(info.value, "run.weeks")
    assert p.line is None and p.file == "form" and p.value == "-1" and p.fix


def test_problem_str():
    p = Problem(
        "scenarios/x.yaml",
        12,
        "caseload.rosh_mix.high",
        "-0.1",
        "Input should be greater than or equal to 0",
        "give a share between 0 and 1",
    )
    assert str(p) == (
        "scenarios/x.yaml, line 12, caseload.rosh_mix.high = -0.1: Input should be "
        "greater than or equal to 0. Fix: give a share between 0 and 1."
    )
    err = ScenarioError("scenarios/x.yaml", [p])
    assert str(err).splitlines()[0].startswith("scenarios/x.yaml") and str(p) in str(err)
