"""Bad scenario files, wrong as YAML or as a file: missing, too big, not UTF-8, syntax errors,
empty, not a mapping, several documents, anchors and aliases, tags, duplicate keys. Each must
fail with a ScenarioError naming the file, line and a fix.

Every bad file is the reference scenario with one edit, written to tmp_path. Expected line numbers
are found by searching the written text, so the tests follow changes to the reference file
(helpers in scenario_edits.py, the ``ref`` fixture in conftest.py).
"""

from __future__ import annotations

import pytest

from scenario_edits import check, edit, fails, find, problem, set_value, whole_file, write


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
    lines += [
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
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


# ----------------------------------------------------------------------------- read as written
def test_an_invisible_line_break_is_named(tmp_path, ref):
    text = edit(ref, (r"^name:",), "name: Reference\u2028office")
    path = write(tmp_path, text)
    p = whole_file(path, find(text, r"^name:"))
    assert "U+2028" in p.message and "delete it" in p.fix


@pytest.mark.parametrize("written,says", [(".nan", "not a number"), (".inf", "infinite")])
def test_not_an_ordinary_number(tmp_path, ref, written, says):
    text = set_value(ref, (r"^caseload:", r"^\s+licence_share:"), written)
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.licence_share")
    assert says in p.message and "ordinary number" in p.fix


def test_a_number_thousands_of_digits_long_is_not_echoed_in_full(tmp_path, ref):
    text = set_value(ref, (r"^caseload:", r"^\s+cases:"), "9" * 5000)
    path = write(tmp_path, text)
    p = problem(fails(path), "caseload.cases")
    assert "5,000 characters" in p.message and len(str(p)) < 400


@pytest.mark.parametrize("kind", ["folder", "device"])
def test_extends_naming_something_that_is_not_a_file_says_what_it_is(tmp_path, ref, kind):
    import os

    target = tmp_path / "base.yaml"
    if kind == "folder":
        target.mkdir()
    else:
        os.symlink("/dev/null", target)
    path = write(tmp_path, "extends: base.yaml\nname: x\n", name="child.yaml")
    p = fails(path).problems[0]
    assert p.field == "extends"
    assert ("is a folder" if kind == "folder" else "not a regular file") in p.message
