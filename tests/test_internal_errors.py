"""A failure of the model on a valid input is a bug, never reported as the user's mistake: it is
raised as ModelError naming the scenario's digest, the plan, the seed and the replication, and the
command line says so with exit code 3 (a mistake in the input is exit code 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim.run
from cli_kit import cli_patched
from office_runs import reference_scenario
from sim import simulate
from sim.experiments.engines import RunSpec, run_all
from sim.run import ModelError
from sim.scenario.plans import DO_NOTHING

ROOT = Path(__file__).resolve().parents[1]


def broken(*_args, **_kwargs):
    raise ValueError("Negative delay -1.0")


def test_a_failure_in_the_model_is_a_model_error_naming_the_run(monkeypatch):
    scenario = reference_scenario()
    monkeypatch.setattr(sim.run, "build_tables", broken)
    with pytest.raises(ModelError) as caught:
        simulate(scenario, seed=7, replication=2, weeks=1)
    text = str(caught.value)
    assert "ValueError: Negative delay -1.0" in text and "test_internal_errors.py" in text
    assert scenario.digest() in text and "seed 7, replication 2, 1 weeks" in text
    assert "a bug in the simulator, not a mistake in the input" in text


def test_every_engine_raises_it_for_a_run_that_fails(monkeypatch):
    monkeypatch.setattr(sim.run, "build_tables", broken)
    spec = RunSpec("Do nothing", reference_scenario(), DO_NOTHING, 3, 0, 1)
    with pytest.raises(ModelError, match="seed 3, replication 0"):
        run_all([spec], engine="serial")


def test_an_exception_from_the_callers_progress_is_passed_on_as_it_is():
    class Stop(Exception):
        pass

    def progress(_fraction):
        raise Stop

    with pytest.raises(Stop):
        simulate(reference_scenario(), weeks=1, progress=progress)


def test_bad_arguments_are_the_callers_mistake():
    with pytest.raises(ValueError, match="weeks must be at least 1"):
        simulate(reference_scenario(), weeks=0)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "scenarios/reference-office.yaml", "--weeks", "1"],
        [
            "compare",
            "scenarios/reference-office.yaml",
            "--reps",
            "2",
            "--weeks",
            "1",
            "--engine",
            "serial",
            "--store",
            "{store}",
        ],
    ],
    ids=["run", "compare"],
)
def test_the_command_line_says_it_is_a_bug_with_exit_code_3(tmp_path, command):
    args = [a.replace("{store}", str(tmp_path / "store")) for a in command]
    patch = (
        "import sim.run\n"
        "def broken(*a, **k): raise ValueError('Negative delay -1.0')\n"
        "sim.run.build_tables = broken"
    )
    done = cli_patched(patch, args)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" in done.stderr and "please report it" in done.stderr
    assert "seed 1" in done.stderr
