"""A corpus of malformed and extreme scenario and plan files (tests/corpus/), each run through the
command line as a user would, with 60 s and 4 GB of address space: each either runs cleanly or
stops with exit code 2 and a message naming the file (and the field, where one is at fault);
none hangs, none ends in a traceback. The first line of each file says what it probes; files
named ``valid-...`` (and the plans noted below) must run."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "corpus"
SCENARIOS = sorted((CORPUS / "scenarios").glob("*.yaml"))
PLANS = sorted((CORPUS / "plans").glob("*.yaml"))
VALID_PLANS = {"pull-with-defaults", "switch-at-day-3000"}
MEMORY = 4 * 2**30  # bytes of address space a run may use


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", "run", *args, "--weeks", "1", "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        preexec_fn=_limited,
    )


def check(done: subprocess.CompletedProcess, file: Path, valid: bool) -> None:
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    if valid:
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr[-500:])
    assert file.name in done.stderr, done.stderr
    assert "Fix:" in done.stderr or "Fix " in done.stderr, done.stderr


def test_the_corpus_covers_every_class_of_input():
    assert len(SCENARIOS) + len(PLANS) >= 60
    kinds = {f.name.split("-")[0] for f in SCENARIOS}
    assert {"yaml", "field", "limit", "extends", "valid"} <= kinds


@pytest.mark.slow  # every file: in make test, not the quick tier
@pytest.mark.parametrize("file", SCENARIOS, ids=[f.stem for f in SCENARIOS])
def test_each_scenario_runs_or_is_refused_cleanly(file):
    check(run_cli(str(file)), file, file.stem.startswith("valid-"))


@pytest.mark.slow  # every file: in make test, not the quick tier
@pytest.mark.parametrize("file", PLANS, ids=[f.stem for f in PLANS])
def test_each_plan_runs_or_is_refused_cleanly(file):
    done = run_cli("scenarios/reference-office.yaml", "--plan", str(file))
    check(done, file, file.stem in VALID_PLANS)
