"""Every number on screen is the run the user asked for (AppTest).

A form opens on the scenario and plan in use and changes only what the user changed; every
results page names the experiment it shows, which is never shown under another scenario's name;
an edited scenario says so, and pages and reports describe what ran from its settings; labels
mean what they say; every download carries its provenance.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from app_test_kit import (
    ROOT,
    S02,
    button,
    by_label,
    csv_of,
    no_crash,
    open_library_scenario,
    page,
    texts,
    zip_of,
)
from sim.scenario.library import entries, file_name
from sim.scenario.loader import load_plan, load_scenario

LIBRARY = [e.path for e in entries(ROOT / "scenarios", None)]
PLANS = [
    p for p in sorted((ROOT / "scenarios" / "plans").glob("*.yaml")) if load_plan(p).pulls_any()
]  # do nothing has no levers to edit


def in_use(at):
    return at.session_state["in_use"].scenario


# 1. A form opens on the scenario (and plan) in use and changes only what the user changed
@pytest.mark.slow  # every file: in make test, not the quick tier
@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_library_scenario_applied_unchanged_keeps_its_digest(folders, path):
    at = open_library_scenario(page("scenarios"), path.stem)
    assert in_use(at).digest() == load_scenario(path).digest()
    assert by_label(at.number_input, "weeks").value == load_scenario(path).run.weeks
    button(at, "Apply changes").click().run()
    no_crash(at)
    assert in_use(at).digest() == load_scenario(path).digest()
    assert "Nothing was changed" in texts(at)


def test_the_forms_follow_the_scenario_in_use_and_an_edit_changes_only_its_field(folders):
    at = page("scenarios")  # the default: S2, 12 weeks
    for stem, weeks in (("reference-office", 8), ("s02-ndelius-upgrade", 12)):
        at = open_library_scenario(at, stem)
        assert by_label(at.number_input, "weeks").value == weeks
        assert by_label(at.text_input, "Save to my scenarios as").value == file_name(
            in_use(at).name
        )
    before = in_use(at)
    by_label(at.number_input, "duration days").set_value(6)
    button(at, "Apply changes").click().run()
    no_crash(at)
    after = in_use(at)
    assert after.outages.down[0].duration_days == 6 and after.run.weeks == 12
    assert after.model_dump(exclude={"name", "description", "outages"}) == before.model_dump(
        exclude={"name", "description", "outages"}
    )
    assert by_label(at.number_input, "duration days").value == 6  # the form shows the edit
    assert by_label(at.text_input, "Save to my scenarios as").value == file_name(after.name)


@pytest.mark.slow  # every file: in make test, not the quick tier
@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_every_plan_applied_unchanged_is_kept_as_it_is(folders, path):
    plan = load_plan(path)
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value(plan.name).run()
    button(at, "Keep this plan").click().run()
    no_crash(at)
    assert "Nothing was changed" in texts(at)
    assert not at.session_state["edited_plans"] if "edited_plans" in at.session_state else True


def test_a_timed_decision_can_be_moved_in_the_plan_form(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Decide paper on day 2").run()
    by_label(at.number_input, "decision on day").set_value(22)
    button(at, "Keep this plan").click().run()
    no_crash(at)
    [plan] = at.session_state["edited_plans"].values()
    assert plan.switches[0].at.day == 22 and "day 23 -> 22" in plan.name.replace("#1 at ", "")


# 2. One experiment on screen, named on every results page
def test_results_of_another_scenario_are_never_shown_under_the_current_one(folders, experiment):
    at = page("compare", experiment=experiment)  # S2's results, S2 in use: shown
    assert "Verdict" in {s.value for s in at.subheader}
    assert experiment.manifest["scenario_hash"] in texts(at)
    at = open_library_scenario(page("scenarios", experiment=experiment), "s04-records-lost")
    compare = page("compare", experiment=experiment, in_use=at.session_state["in_use"])
    no_crash(compare)
    assert "Verdict" not in {s.value for s in compare.subheader}
    assert "S4" in texts(compare) and "are of S2 NDelius upgrade" in texts(compare)
    for name in ("forecast", "workload", "method"):
        other = page(name, experiment=experiment, in_use=at.session_state["in_use"])
        no_crash(other)
        if name == "method":  # it describes the scenario in use, or the experiment on screen
            assert "S4" in texts(other)
            other.radio(key="method_of").set_value("on_screen").run()
        words = texts(other)
        assert "Results of **S2 NDelius upgrade**" in words, name
        assert experiment.manifest["scenario_hash"] in words, name
        assert "not of the scenario in use" in words, name


def test_the_library_box_never_names_a_scenario_that_is_not_in_use(folders):
    at = page("scenarios")
    by_label(at.number_input, "duration days").set_value(6)
    button(at, "Apply changes").click().run()
    box = by_label(at.selectbox, "Scenario library")
    assert box.value is None and "In use: S2 NDelius upgrade (edited" in box.placeholder
    good = b"extends: s02-ndelius-upgrade.yaml\nname: Mine\n"
    at.file_uploader(key="upload").upload("mine.yaml", good).run()
    box = by_label(at.selectbox, "Scenario library")
    assert box.value is None and "In use: Mine" in box.placeholder


# 3. An edited scenario says so, and what ran is described from its settings
def test_an_edited_scenario_is_named_and_described_as_edited(folders):
    at = page("scenarios")
    by_label(at.number_input, "duration days").set_value(6)
    button(at, "Apply changes").click().run()
    edited = in_use(at)
    assert edited.name.startswith("S2 NDelius upgrade (edited:") and "4 -> 6" in edited.name
    assert "four days" not in edited.description and "4 -> 6" in edited.description
    table = at.table[0].value  # the disruptions, from the settings
    row = table.iloc[0]
    assert row["lasts"] == "6 days" and row["ends"] == "end of day 26 (Sat, week 4)"


def test_an_upload_that_copies_a_library_scenario_with_changes_is_labelled(folders):
    text = (
        S02.read_text()
        .replace("duration_days: 4 ", "duration_days: 5 ")
        .replace("extends: reference-office.yaml", "extends: reference-office.yaml")
    )
    at = page("scenarios")
    at.file_uploader(key="upload").upload("s2-copy.yaml", text.encode()).run()
    no_crash(at)
    assert in_use(at).name.startswith("S2 NDelius upgrade (modified:")
    assert "four days" not in in_use(at).description


# 4. Forecast shows the probability of breach, with the target beside it
def test_forecast_shows_breach_probabilities_beside_their_targets(folders, experiment):
    at = page("forecast", experiment=experiment)
    no_crash(at)
    shown = next(d.value for d in at.dataframe if "probability of breach" in d.value.columns)
    stored = experiment["objectives"]
    for r in stored.itertuples():
        for kind, name in (("rto", "RTO"), ("mtpd", "MTPD"), ("mbco", "MBCO")):
            row = shown[
                (shown["plan"] == r.plan)
                & (shown["activity"] == r.activity)
                & (shown["objective"] == name)
            ].iloc[0]
            breached = getattr(r, f"p_{kind}_breached")  # over 3 replications: a count
            assert row["probability of breach"] == f"{round(breached * r.assessed)} of {r.assessed}"
            days = getattr(r, f"{kind}_days", None)
            target = (
                f"{r.mbco:.0%} of normal service"
                if kind == "mbco"
                else f"{days:g} day" + ("" if days == 1 else "s")
            )
            assert row["target"] == target
    assert set(shown["status"]) <= {"met", "at risk", "breached"}  # words, not only colour


# 6. Tables a person reads
def test_every_table_on_the_results_pages_is_headed_in_words(folders, experiment):
    for name in ("compare", "forecast", "workload", "history"):
        at = page(name, experiment=experiment)
        for frame in at.dataframe:
            value = frame.value
            columns = value.columns if isinstance(value, pd.DataFrame) else value.data.columns
            assert not [c for c in columns if "_" in str(c)], (name, list(columns))
        assert "(per week) (per week)" not in texts(at)
    compare = page("compare", experiment=experiment)
    words = texts(compare)
    assert "counts as half" in words and "cut at zero" in words
    paired = next(d.value for d in compare.dataframe if "P(better)" in d.value.columns)
    assert len(paired.columns) <= 6  # fits the page
    lows = experiment["comparison"]["ci_low"].dropna()
    assert (lows >= 0).all()  # every measure compared is a count, hours or days


def test_form_labels_do_not_repeat_their_unit(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Overtime").run()
    labels = [n.label for n in at.number_input]
    assert "hours per week" in labels and not [x for x in labels if "(per week)" in x]


# 7. Dates and symbols
def test_forecast_status_is_in_words_and_the_page_has_no_emoji(folders, experiment):
    at = page("forecast", experiment=experiment)
    emoji = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
    assert not emoji.search(texts(at))
    for frame in at.dataframe:
        value = frame.value if isinstance(frame.value, pd.DataFrame) else frame.value.data
        assert not emoji.search(value.to_string())
    assert "the outage began on" in texts(at).lower() or at.date_input


# 8. Union evidence has provenance
def test_every_download_carries_plan_replication_seed_digest_and_version(
    folders, experiment, downloads
):
    at = page("workload", experiment=experiment)
    no_crash(at)
    m = experiment.manifest
    for label in ("Download workload by role (CSV)", "Download per person (CSV)"):
        found = downloads[label]
        assert "paper-fallback" in found["file_name"] or "do-nothing" in found["file_name"]
        table = csv_of(found)
        for column in ("scenario", "scenario_hash", "plan", "replication", "seed", "version"):
            assert column in table.columns, (label, column)
        assert set(table["scenario_hash"]) == {m["scenario_hash"]}
        assert set(table["seed"]) == {m["seed"]}
    manifest = json.loads(downloads[next(k for k in downloads if "manifest" in k)]["content"]())
    assert manifest["scenario_hash"] == m["scenario_hash"] and manifest["seed"] == m["seed"]
    compare = page("compare", experiment=experiment)
    no_crash(compare)
    runs = csv_of(downloads["Download every run (CSV)"])
    assert {"scenario_hash", "plan", "replication", "seed", "version"} <= set(runs.columns)


def test_a_claim_against_the_no_outage_run_downloads_as_an_evidence_pack(
    folders, experiment, downloads
):
    at = page("workload", experiment=experiment)
    at.selectbox(key="claim_plan").set_value("Paper fallback")
    at.selectbox(key="claim_measure").set_value("share_over_110_hours_4_weeks")
    at.selectbox(key="claim_role").set_value("probation_officer")
    at.number_input(key="claim_threshold").set_value(0.0)
    at.selectbox(key="claim_against").set_value("no_outage")
    button(at, "Test the claim").click().run()
    no_crash(at)
    assert "without the outage" in texts(at)
    evidence = next(d.value for d in at.dataframe if "claim holds" in d.value.columns)
    assert {"no-outage value", "difference from no outage"} <= set(evidence.columns)
    pack = zip_of(downloads[next(k for k in downloads if "evidence pack" in k)])
    names = set(pack.namelist())
    assert {
        "README.txt",
        "claim.json",
        "replications.csv",
        "manifest.json",
        "scenario.yaml",
    } <= names
    readme = pack.read("README.txt").decode()
    assert "python -m sim compare scenario.yaml" in readme and "--against no_outage" in readme
    replications = pd.read_csv(pack.open("replications.csv"))
    assert {"baseline_value", "difference", "holds", "seed", "scenario_hash"} <= set(
        replications.columns
    )


def test_an_edited_plan_never_takes_an_existing_plans_name(folders):
    at = page("scenarios")
    at.selectbox(key="plan_choice").set_value("Overtime").run()
    by_label(at.number_input, "hours per week").set_value(9)
    [name_box] = [t for t in at.text_input if t.key.startswith("plan-") and t.key.endswith("~name")]
    name_box.set_value("Paper fallback")
    button(at, "Keep this plan").click().run()
    no_crash(at)
    assert any("already exists" in e.value for e in at.error)
    assert "edited_plans" not in at.session_state or not at.session_state["edited_plans"]


def test_a_saved_scenario_is_the_one_in_use(folders):
    at = page("scenarios")
    by_label(at.number_input, "duration days").set_value(6)
    button(at, "Apply changes").click().run()
    by_label(at.text_input, "Save to my scenarios as").set_value("six-days")
    button(at, "Save").click().run()
    no_crash(at)
    box = by_label(at.selectbox, "Scenario library")
    assert box.value.path == folders["library"] / "six-days.yaml"
    assert at.success and "in use" in at.success[0].value
