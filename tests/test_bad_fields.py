"""Bad scenario fields: unknown fields, wrong types, values out of bounds, shares, unknown
systems and roles, missing fields, rules across fields, several problems at once. Each must fail
with a ScenarioError naming the file, line, field and a fix.

Every bad file is the reference scenario with one edit, written to tmp_path. Expected line numbers
are found by searching the written text, so the tests follow changes to the reference file
(helpers in scenario_edits.py, the ``ref`` fixture in conftest.py).
"""

from __future__ import annotations

import pytest

from scenario_edits import check, edit, fails, find, problem, set_value, write
from sim.scenario.loader import load_scenario


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


@pytest.mark.parametrize(
    "where,written,says,fix",
    [
        ((r"^\s+probation_officer:", r"^\s+part_time_hours:"), "22:12", "base-60", "unit"),
        (
            (r"^\s+probation_officer:", r"^\s+count:"),
            "044",
            "octal",
            "without the leading zero: 44",
        ),
        ((r"^caseload:", r"^\s+cases:"), "3_000", "underscores", "without underscores: 3000"),
        ((r"^caseload:", r"^\s+licence_share:"), "yes", "YAML reads yes as true", "0.3"),
        ((r"^caseload:", r"^\s+failure_to_attend_probability:"), "off", "as false", "quotes"),
        ((r"^caseload:", r"^\s+rosh_mix:", r"^\s+low:"), "true", "yes/no value", "fraction"),
    ],
)
def test_a_value_yaml_would_read_otherwise_than_it_looks(tmp_path, ref, where, written, says, fix):
    """YAML 1.1 (PyYAML) reads 22:12 as 1332, 044 as 36, yes/off as true/false, and true as 1
    in a number: each is refused, naming the field and the text as written."""
    text = set_value(ref, where, written)
    path = write(tmp_path, text)
    p = fails(path).problems[0]
    check(p, path, find(text, *where), repr(written))
    assert says in p.message and fix in p.fix, p


def test_quoted_text_is_text(tmp_path, ref):
    text = set_value(ref, (r"^name:",), "'off'")
    assert load_scenario(write(tmp_path, text)).name == "off"


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
