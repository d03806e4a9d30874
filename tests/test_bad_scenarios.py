"""Bad scenario files: each must fail with a ScenarioError naming the file, line, field and a fix.

Every bad file is the reference scenario with one edit, written to tmp_path. Expected line numbers
are found by searching the written text, so the tests follow changes to the reference file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sim.config import Scenario
from sim.loader import (
    Problem,
    ScenarioError,
    load_scenario,
    scenario_from_mapping,
    scenario_from_text,
    scenario_to_yaml,
)

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-office.yaml"


@pytest.fixture(scope="module")
def ref() -> str:
    return REFERENCE.read_text(encoding="utf-8").rstrip("\n") + "\n"  # so appended lines stand alone


# ----------------------------------------------------------------------------- helpers
def find(text: str, *patterns: str) -> int:
    """1-based line of the last pattern, each searched from the line after the previous match."""
    lines, i = text.split("\n"), -1
    for pat in patterns:
        i = next(j for j in range(i + 1, len(lines)) if re.search(pat, lines[j]))
    return i + 1


def edit(text: str, patterns: tuple[str, ...], new: str | None) -> str:
    """Replace (or, with None, delete) the line found by ``find``."""
    lines = text.split("\n")
    i = find(text, *patterns) - 1
    if new is None:
        del lines[i]
    else:
        lines[i] = new
    return "\n".join(lines)


def set_value(text: str, patterns: tuple[str, ...], value: str) -> str:
    """Give the key on the found line a new value, keeping its indentation."""
    i = find(text, *patterns) - 1
    lines = text.split("\n")
    lines[i] = re.sub(r"^(\s*[^:#]+?:).*$", lambda m: f"{m[1]} {value}", lines[i])
    return "\n".join(lines)


def write(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def fails(path: Path) -> ScenarioError:
    """Load a bad file; check the error is ours, names the file, and every problem has a fix."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert type(err) is ScenarioError and err.problems
    assert str(path) in str(err)
    for p in err.problems:
        assert isinstance(p, Problem) and p.fix.strip() and p.message.strip()
        assert str(p).startswith(p.file)
    return err


def problem(err: ScenarioError, field: str) -> Problem:
    found = [p for p in err.problems if p.field == field]
    assert found, f"no problem for {field!r} in:\n{err}"
    return found[0]


def whole_file(path: Path, line: int | None) -> Problem:
    """The one problem of a file that is wrong as a whole (no field)."""
    err = fails(path)
    assert len(err.problems) == 1 and err.problems[0].field == "", err
    check(err.problems[0], path, line)
    return err.problems[0]


def check(p: Problem, path: Path, line: int | None, value: str | None = None) -> None:
    assert p.file == str(path), p
    assert p.line == line, p
    if value is not None:
        assert value in p.value, p


# ----------------------------------------------------------------------------- reading the file
def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    p = whole_file(path, None)
    assert p.field == "" and "no such file" in p.message


def test_directory(tmp_path):
    p = whole_file(tmp_path, None)
    assert "folder" in p.message


def test_file_over_1mb(tmp_path, ref):
    path = write(tmp_path, ref + "# padding\n" * 110_000)
    assert path.stat().st_size > 1_048_576
    p = whole_file(path, None)
    assert "1,048,576" in p.message


def test_not_utf8(tmp_path, ref):
    line = find(ref, r"^name:")
    raw = edit(ref, (r"^name:",), "name: Caf<E9> office").encode().replace(b"<E9>", b"\xe9")
    path = write(tmp_path, raw)
    p = whole_file(path, line)
    assert "UTF-8" in p.message and "0xe9" in p.message


def test_control_character(tmp_path, ref):
    line = find(ref, r"^name:")
    path = write(tmp_path, edit(ref, (r"^name:",), "name: Reference\x07office"))
    p = whole_file(path, line)
    assert "0x0007" in p.message


def test_yaml_syntax_error_tab(tmp_path, ref):
    text = edit(ref, (r"^run:", r"^\s+seed:"), "\tseed: 1")
    path = write(tmp_path, text)
    p = whole_file(path, find(text, r"^\tseed"))
    assert "YAML syntax error" in p.message and "tabs" in p.fix


def test_yaml_syntax_error_missing_colon(tmp_path, ref):
    text = edit(ref, (r"^run:", r"^\s+seed:"), "  seed 1\n  other: 2")
    path = write(tmp_path, text)
    p = whole_file(path, find(text, r"^  other: 2"))
    assert "YAML syntax error" in p.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n"])
def test_empty_file(tmp_path, text):
    path = write(tmp_path, text)
    p = whole_file(path, None)
    assert "empty" in p.message


def test_top_level_list(tmp_path):
    path = write(tmp_path, "# a list\n- name: a\n- name: b\n")
    p = whole_file(path, 2)
    assert "list" in p.message


def test_top_level_scalar(tmp_path):
    path = write(tmp_path, "just some words\n")
    whole_file(path, 1)


def test_two_documents(tmp_path, ref):
    text = ref + "---\nname: Second\n"
    path = write(tmp_path, text)
    p = whole_file(path, find(text, r"^---"))
    assert "more than one" in p.message


def test_duplicate_key(tmp_path, ref):
    first = find(ref, r"^run:", r"^\s+weeks:")
    text = edit(ref, (r"^run:", r"^\s+seed:"), "  seed: 1\n  weeks: 12")
    path = write(tmp_path, text)
    err = fails(path)
    p = problem(err, "run.weeks")
    second = find(text, r"^  weeks: 12")
    check(p, path, second)
    assert f"line {first}" in p.message and f"line {second}" in p.message


def test_duplicate_nested_key(tmp_path, ref):
    where = (r"^caseload:", r"^\s+rosh_mix:", r"^\s+high:")
    text = edit(ref, where, "    high: 0.22\n    high: 0.3")
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.rosh_mix.high")
    check(p, path, find(text, r"^    high: 0.3"))


def test_anchor(tmp_path, ref):
    where = (r"^caseload:", r"^\s+holder_roles:", r"^\s+high:")
    text = set_value(ref, where, "&po [probation_officer]")
    text = set_value(text, (r"^caseload:", r"^\s+holder_roles:", r"^\s+very_high:"), "*po")
    path = write(tmp_path, text)
    p = whole_file(path, find(text, r"&po"))
    assert "&po" in p.message and "not allowed" in p.message


def test_alias_billion_laughs(tmp_path):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    path = write(tmp_path, "\n".join(lines) + "\n")
    p = whole_file(path, 1)
    assert "&a" in p.message


def test_undefined_alias(tmp_path):
    path = write(tmp_path, "name: x\nrun: *nothing\n")
    p = whole_file(path, 2)
    assert "*nothing" in p.message


def test_merge_key(tmp_path):
    path = write(tmp_path, "name: x\nrun:\n  <<: {weeks: 3}\n")
    whole_file(path, 3)


def test_python_tag(tmp_path, ref):
    text = edit(ref, (r"^name:",), "name: !!python/object/apply:os.system [ls]")
    path = write(tmp_path, text)
    p = problem(fails(path), "name")
    check(p, path, find(text, r"^name:"))
    assert "python/object/apply:os.system" in p.message and "tag" in p.fix


def test_bad_tagged_value(tmp_path, ref):
    text = set_value(ref, (r"^run:", r"^\s+weeks:"), "!!int eight")
    path = write(tmp_path, text)
    p = problem(fails(path), "run.weeks")
    check(p, path, find(text, r"!!int eight"), "eight")


def test_impossible_date(tmp_path, ref):
    text = edit(ref, (r"^name:",), "name: 2024-02-30")
    path = write(tmp_path, text)
    p = problem(fails(path), "name")
    check(p, path, find(text, r"^name:"), "2024-02-30")
    assert "quotes" in p.fix


# ----------------------------------------------------------------------------- fields
def test_unknown_top_level_field(tmp_path, ref):
    text = edit(ref, (r"^caseload:",), "caseloads:")
    path = write(tmp_path, text)
    err = fails(path)
    p = problem(err, "caseloads")
    check(p, path, find(text, r"^caseloads:"), "'cases': ")
    assert "did you mean caseload?" in p.fix
    check(problem(err, "caseload"), path, find(text, r"^\w"))  # now missing: top mapping's line


def test_unknown_nested_field(tmp_path, ref):
    text = edit(ref, (r"^caseload:", r"^\s+rosh_mix:"), "  rosh_mx:")
    path = write(tmp_path, text)
    err = fails(path)
    p = problem(err, "caseload.rosh_mx")
    check(p, path, find(text, r"^  rosh_mx:"), "'low': ")
    assert "did you mean rosh_mix?" in p.fix
    missing = problem(err, "caseload.rosh_mix")
    check(missing, path, find(text, r"^caseload:"))
    assert "add rosh_mix" in missing.fix


def test_unknown_rosh_level_key(tmp_path, ref):
    text = edit(ref, (r"^caseload:", r"^\s+rosh_mix:", r"^\s+very_high:"), "    very_hgh: 0.03")
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.rosh_mix.very_hgh")
    check(p, path, find(text, r"very_hgh"), "very_hgh")
    assert "did you mean very_high?" in p.fix


def test_yes_no_key(tmp_path, ref):
    text = ref + "\non: true\n"  # YAML 1.1 reads the key `on` as a boolean
    path = write(tmp_path, text)
    p = fails(path).problems[0]
    check(p, path, find(text, r"^on:"), "true")
    assert p.field == "" and "not text" in p.message
    assert "quotes" in p.fix


def test_wrong_type_for_count(tmp_path, ref):
    text = set_value(ref, (r"^\s+probation_officer:", r"^\s+count:"), "forty-four")
    path = write(tmp_path, text)
    p = problem(fails(path), "office.staffing.probation_officer.count")
    check(p, path, find(text, r"count: forty-four"), "'forty-four'")
    assert "whole number" in p.fix


def test_fraction_for_whole_number(tmp_path, ref):
    text = set_value(ref, (r"^run:", r"^\s+weeks:"), "8.5")
    path = write(tmp_path, text)
    p = problem(fails(path), "run.weeks")
    check(p, path, find(text, r"^run:", r"^\s+weeks:"), "8.5")
    assert "whole number" in p.fix


def test_negative_count(tmp_path, ref):
    text = set_value(ref, (r"^\s+reception:", r"^\s+count:"), "-3")
    path = write(tmp_path, text)
    p = problem(fails(path), "office.staffing.reception.count")
    check(p, path, find(text, r"count: -3"), "-3")
    assert "0 or more" in p.fix


def test_share_above_one(tmp_path, ref):
    text = set_value(ref, (r"^\s+flags:", r"^\s+mappa:"), "1.5")
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.flags.mappa")
    check(p, path, find(text, r"mappa: 1.5"), "1.5")
    assert "or less" in p.fix


def test_rosh_mix_not_adding_up(tmp_path, ref):
    text = set_value(ref, (r"^\s+rosh_mix:", r"^\s+high:"), "0.95")
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.rosh_mix")
    check(p, path, find(text, r"^\s+rosh_mix:"), "'high': 0.95")
    assert "add up to" in p.message and "add up to 1" in p.fix


def test_unknown_system_in_task(tmp_path, ref):
    text = set_value(ref, (r"^\s+risk_check:", r"^\s+systems:"), "[case_system, assesment_system]")
    path = write(tmp_path, text)
    p = problem(fails(path), "tasks.risk_check.systems[1]")
    check(p, path, find(text, r"assesment_system"), "assesment_system")
    assert "assessment_system" in p.fix


def test_unknown_role(tmp_path, ref):
    text = set_value(ref, (r"^\s+court_results_entry:", r"^\s+roles:"), "\n      - court_admn")
    path = write(tmp_path, text)
    p = problem(fails(path), "tasks.court_results_entry.roles[0]")
    check(p, path, find(text, r"- court_admn"), "court_admn")
    assert "court_admin" in p.fix


def test_unknown_holder_role(tmp_path, ref):
    text = set_value(ref, (r"^\s+holder_roles:", r"^\s+high:"), "[senior_probation_officer]")
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.holder_roles.high[0]")
    check(p, path, find(text, r"^\s+holder_roles:", r"^\s+high:"), "senior_probation_officer")


def test_missing_required_field(tmp_path, ref):
    text = edit(ref, (r"^\s+risk_check:", r"^\s+priority:"), None)
    path = write(tmp_path, text)
    p = problem(fails(path), "tasks.risk_check.priority")
    check(p, path, find(text, r"^\s+risk_check:"))
    assert p.value == "" and "add priority" in p.fix


def test_task_not_a_mapping(tmp_path, ref):
    text = set_value(ref, (r"^\s+risk_check:", r"^\s+duration:"), "5")
    path = write(tmp_path, text)
    p = problem(fails(path), "tasks.risk_check.duration")
    check(p, path, find(text, r"^\s+risk_check:", r"^\s+duration:"), "5")
    assert "mapping" in p.fix


def test_deadline_with_hours_and_working_days(tmp_path, ref):
    text = set_value(ref, (r"^\s+risk_check:", r"^\s+deadline:"), "{hours: 0.5, working_days: 1}")
    path = write(tmp_path, text)
    p = problem(fails(path), "tasks.risk_check.deadline")
    check(p, path, find(text, r"working_days: 1\}"))
    assert "exactly one" in p.fix


def test_holder_role_with_no_filled_posts(tmp_path, ref):
    text = set_value(ref, (r"^\s+probation_officer:", r"^\s+count:"), "0")
    text = set_value(text, (r"^\s+probation_services_officer:", r"^\s+count:"), "0")
    path = write(tmp_path, text)
    line = find(text, r"^\s+holder_roles:", r"^\s+\w+:")  # the first RoSH level listed fails
    level = text.split("\n")[line - 1].split(":")[0].strip()
    p = fails(path).problems[0]
    check(p, path, line, "probation_")
    assert p.field == f"caseload.holder_roles.{level}"
    assert "no filled posts" in p.message and "add staff" in p.fix


def test_order_length_min_above_max(tmp_path, ref):
    text = set_value(ref, (r"^\s+order_length_weeks:", r"^\s+min:"), "200")
    path = write(tmp_path, text)
    p = fails(path).problems[0]
    assert p.field == "caseload.order_length_weeks.min"
    check(p, path, find(text, r"min: 200"), "200")
    assert "more than max" in p.message and p.fix == "swap them"


def test_part_time_longer_than_full_time(tmp_path, ref):
    text = set_value(ref, (r"^\s+probation_officer:", r"^\s+part_time_hours:"), "40")
    path = write(tmp_path, text)
    p = problem(fails(path), "office.staffing.probation_officer.part_time_hours")
    check(p, path, find(text, r"part_time_hours: 40"), "40")
    assert "below full-time" in p.fix


def test_team_task_without_roles(tmp_path, ref):
    text = edit(ref, (r"^\s+court_results_entry:", r"^\s+roles:"), None)
    path = write(tmp_path, text)
    p = problem(fails(path), "tasks.court_results_entry.roles")
    check(p, path, find(text, r"^\s+court_results_entry:"))
    assert "team role" in p.fix


def test_several_problems_sorted_by_line(tmp_path, ref):
    text = set_value(ref, (r"^run:", r"^\s+weeks:"), "0")
    text = set_value(text, (r"^\s+flags:", r"^\s+mappa:"), "-1")
    err = fails(write(tmp_path, text))
    assert [p.field for p in err.problems] == ["run.weeks", "caseload.flags.mappa"]
    assert len(str(err).splitlines()) == 3


# ----------------------------------------------------------------------------- extends
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


# ----------------------------------------------------------------------------- good files
def test_reference_loads():
    scenario = load_scenario(REFERENCE)
    assert isinstance(scenario, Scenario) and scenario.name


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
    child = write(tmp_path, "extends: reference-office.yaml\ncalendar:\n  working_days: [mon]\n",
                  "one-day.yaml")
    assert load_scenario(child).calendar.working_days == ("mon",)


def test_round_trip(tmp_path):
    scenario = load_scenario(REFERENCE)
    text = scenario_to_yaml(scenario)  # the strict loader would refuse any &anchor it wrote
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
    p = Problem("scenarios/x.yaml", 12, "caseload.rosh_mix.high", "-0.1",
                "Input should be greater than or equal to 0", "give a share between 0 and 1")
    assert str(p) == ("scenarios/x.yaml, line 12, caseload.rosh_mix.high = -0.1: Input should be "
                      "greater than or equal to 0. Fix: give a share between 0 and 1.")
    err = ScenarioError("scenarios/x.yaml", [p])
    assert str(err).splitlines()[0].startswith("scenarios/x.yaml") and str(p) in str(err)
