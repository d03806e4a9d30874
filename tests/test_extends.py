"""Scenarios that extend another file: bad chains (missing base, cycles, too deep, errors in the
base or in the override) and good ones (an override changes only its field, lists are replaced,
uploads extend within their base_dir only)."""

from __future__ import annotations

import shutil

import pytest

from scenario_edits import REFERENCE, check, fails, find, problem, set_value, write
from sim.scenario.loader import ScenarioError, load_scenario, scenario_from_text


# ----------------------------------------------------------------------------- bad chains
def test_extends_missing_file(tmp_path, ref):
    text = "extends: no-such-base.yaml\nrun:\n  weeks: 4\n"
    path = write(tmp_path, text)
    p = fails(path).problems[0]
    check(p, path, 1, "no-such-base.yaml")
    assert p.field == "extends" and "no file" in p.message and "no-such-base.yaml" in p.message


def test_extends_cycle(tmp_path):
    a = write(tmp_path, "# a\nextends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    p = fails(a).problems[0]
    assert p.file == str(tmp_path / "b.yaml") and p.line == 1 and p.field == "extends"
    assert "a.yaml -> b.yaml -> a.yaml" in p.message


def test_extends_itself(tmp_path):
    path = write(tmp_path, "extends: bad.yaml\n")
    check(fails(path).problems[0], path, 1, "bad.yaml")


def test_extends_too_deep(tmp_path, ref):
    write(tmp_path, ref, "f0.yaml")
    for i in range(1, 12):
        write(tmp_path, f"extends: f{i - 1}.yaml\n", f"f{i}.yaml")
    load_scenario(tmp_path / "f9.yaml")  # ten files: allowed
    p = fails(tmp_path / "f11.yaml").problems[0]
    assert "deep" in p.message and p.field == "extends"


def test_error_in_base_names_base_file(tmp_path, ref):
    base = write(tmp_path, set_value(ref, (r"^run:", r"^\s+seed:"), "-1"), "base.yaml")
    child = write(tmp_path, "extends: base.yaml\nname: Child\n", "child.yaml")
    p = problem(fails(child), "run.seed")
    check(p, base, find(base.read_text(), r"^run:", r"^\s+seed:"), "-1")


def test_error_in_override_names_child_file(tmp_path, ref):
    write(tmp_path, ref, "base.yaml")
    child = write(tmp_path, "extends: base.yaml\n\nrun:\n  weeks: 0\n", "child.yaml")
    p = problem(fails(child), "run.weeks")
    check(p, child, 4, "0")


def test_base_file_syntax_error(tmp_path, ref):
    base = write(tmp_path, ref + "oops: [\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\n", "child.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert info.value.problems[0].file == str(base)


def test_extends_not_a_string(tmp_path):
    path = write(tmp_path, "name: x\nextends: [a.yaml, b.yaml]\n")
    check(fails(path).problems[0], path, 2, "a.yaml")


# ----------------------------------------------------------------------------- good chains
def test_extends_overrides_only_that_field(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "reference-office.yaml")
    base = load_scenario(REFERENCE)
    weeks = base.run.weeks % 100 + 1  # any other valid number of weeks
    child = write(tmp_path, f"extends: reference-office.yaml\nrun:\n  weeks: {weeks}\n", "w.yaml")
    new = load_scenario(child)
    assert new.run.weeks == weeks != base.run.weeks
    assert new.run.seed == base.run.seed
    assert new.model_dump(exclude={"run"}) == base.model_dump(exclude={"run"})


def test_extends_replaces_lists(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "reference-office.yaml")
    child = write(
        tmp_path,
        "extends: reference-office.yaml\ncalendar:\n  working_days: [mon]\n",
        "one-day.yaml",
    )
    assert load_scenario(child).calendar.working_days == ("mon",)


def test_from_text_extends(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "reference-office.yaml")
    text = "extends: reference-office.yaml\nrun: {weeks: 2}\n"
    assert scenario_from_text(text, "upload.yaml", base_dir=tmp_path).run.weeks == 2
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(text, "upload.yaml")
    assert info.value.problems[0].field == "extends" and info.value.problems[0].line == 1


def test_upload_cannot_extend_outside_base_dir(tmp_path):
    inner = tmp_path / "scenarios"
    inner.mkdir()
    shutil.copy(REFERENCE, tmp_path / "secret.yaml")
    with pytest.raises(ScenarioError) as info:
        scenario_from_text("extends: ../secret.yaml\n", "upload.yaml", base_dir=inner)
    p = info.value.problems[0]
    assert p.field == "extends" and p.line == 1 and "scenarios folder" in p.message
