"""A national run (sim/scenario/national.py, sim/results/pooled.py, sim/experiments/national.py,
``python -m sim national``): the PDUs a national file makes, measures pooled by their own rule
(two offices pooled read exactly as the two offices' tables taken as one office's), the same
tables on every engine, and bad national files refused with the file, field and fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import simulate
from sim.experiments.engines import RunSpec, run_spec
from sim.experiments.national import pdu_specs, run_national
from sim.results.measures import MEASURES
from sim.results.pooled import pooled_measures
from sim.results.summary import SUMMARY, RunTables
from sim.scenario.loader import ScenarioError, load_national, load_plan, load_scenario
from sim.scenario.national import National, VacancyRange, caseloads, make_pdus
from sim.scenario.plans import DO_NOTHING

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHIPPED = SCENARIOS / "national" / "ndelius-upgrade-england-and-wales.yaml"


def national_file(folder: Path, **fields: object) -> Path:
    """A small national file in ``folder`` over the S2 scenario (changed by ``fields``)."""
    lines = {
        "name": "Small service",
        "office": str(SCENARIOS / "s02-ndelius-upgrade.yaml"),
        "pdus": 3,
        "people_under_supervision": 900,
        "caseload_spread": 0.3,
        "practitioner_vacancy_rate": "{min: 0.0, max: 0.25}",
        "seed": 11,
        **fields,
    }
    path = folder / "national.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in lines.items()))
    return path


def test_the_shipped_national_service_has_110_pdus_holding_240000_people():
    service = load_national(SHIPPED)
    pdus = service.pdus
    assert len(pdus) == 110
    assert sum(p.cases for p in pdus) == 240_000
    assert len({p.seed for p in pdus}) == 110  # every PDU its own random numbers
    assert all(0.0 <= p.vacancy_rate <= 0.25 for p in pdus)
    assert all(p.scenario.outages == service.office.outages for p in pdus)
    sizes = np.array([p.cases for p in pdus])
    assert 0.2 < sizes.std() / sizes.mean() < 0.4  # the stated spread, 0.3
    again = load_national(SHIPPED).pdus
    assert [p.scenario.digest() for p in again] == [p.scenario.digest() for p in pdus]


@pytest.mark.parametrize("total,count,spread", [(240_000, 110, 0.3), (7, 7, 0.9), (10, 3, 0.0)])
def test_caseloads_are_whole_people_adding_up_to_the_total(total, count, spread):
    sizes = caseloads(total, count, spread, np.random.default_rng(1))
    assert sum(sizes) == total and len(sizes) == count and min(sizes) >= 1
    if spread == 0:
        assert max(sizes) - min(sizes) <= 1


def two_pdus(people: int, spread: float, low: float, high: float) -> National:
    return National(
        name="n",
        office="x.yaml",
        pdus=2,
        people_under_supervision=people,
        caseload_spread=spread,
        practitioner_vacancy_rate=VacancyRange(min=low, max=high),
    )


def test_a_pdu_is_the_office_resized_to_its_caseload_with_its_vacancies():
    office = load_scenario(SCENARIOS / "reference-office.yaml")
    for pdu in make_pdus(two_pdus(6000, 0.0, 0.2, 0.2), office):
        staffing = pdu.scenario.office.staffing
        assert pdu.cases == 3000  # the reference office's own size
        assert staffing.probation_officer.count == office.office.staffing.probation_officer.count
        assert staffing.probation_officer.vacancy_rate == 0.2
        assert staffing.probation_services_officer.vacancy_rate == 0.2
        assert staffing.court_admin == office.office.staffing.court_admin
        assert pdu.scenario.run.seed == pdu.seed


def _offices():
    """Two small offices' runs of the same outage under paper fallback (so each has a backlog
    and a re-keying debt): their tables, and their outcomes."""
    office = load_scenario(SCENARIOS / "s02-ndelius-upgrade.yaml")
    paper = load_plan(SCENARIOS / "plans" / "paper-fallback.yaml")
    pdus = make_pdus(two_pdus(1200, 0.4, 0.0, 0.3), office)
    results = [simulate(p.scenario, plan=paper, seed=p.seed, weeks=4) for p in pdus]
    outcomes = [run_spec(RunSpec("p", p.scenario, paper, p.seed, 0, 4)) for p in pdus]
    return results, outcomes


def test_two_offices_pooled_read_as_their_tables_taken_as_one_office():
    """Every measure pooled by its rule equals the measure computed on the two offices' tables
    put together (people and items kept apart, days added up): one meaning at every size."""
    results, outcomes = _offices()

    def joined(table: str) -> pd.DataFrame:
        frames = []
        for k, r in enumerate(results):
            frame = r[table].copy()
            for column in ("staff_id", "item_id", "follows_item"):
                if column in frame:  # kept apart: office k's ids moved out of the other's way
                    frame[column] = np.where(frame[column] >= 0, frame[column] + k * 10**7, -1)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    end = results[0].manifest["weeks"] * 7 * 1440.0
    one = RunTables(
        joined("work_items"),
        joined("backlog_daily"),
        joined("staff_weekly"),
        joined("risk_checks").groupby("rosh", as_index=False, sort=False).sum(),
        end,
        joined("rekeying_debt_daily").groupby("day", as_index=False).sum(),
    )
    pooled = pooled_measures(outcomes)
    checked = 0
    for name, compute in SUMMARY.items():
        assert pooled[name] == pytest.approx(compute(one), rel=1e-12, abs=1e-9), name
        checked += 1
    assert checked == len(SUMMARY)
    assert {MEASURES[n].pooled for n in SUMMARY} == {
        "sum",
        "summed_daily",
        "mean_over_observations",
    }
    for peak in ("backlog_max", "rekeying_debt_max", "rekeying_debt_hours_max"):
        peaks = sum(o.measures[peak] for o in outcomes)
        assert pooled[peak] <= peaks  # the peak of the sum, not the sum of the peaks
    assert pooled["rekeying_debt_max"] > 0


@pytest.mark.slow  # in make test, not the quick tier
def test_every_engine_gives_the_same_national_tables(tmp_path):
    service = load_national(national_file(tmp_path))
    serial = run_national(service, weeks=4, engine="serial")
    seen: list[tuple[int, int]] = []
    dask = run_national(
        service, weeks=4, engine="dask", workers=2, progress=lambda *a: seen.append(a)
    )
    pool = run_national(service, weeks=4, engine="pool", workers=2)
    for name, table in serial.tables.items():
        pd.testing.assert_frame_equal(dask[name], table, check_exact=True)
        pd.testing.assert_frame_equal(pool[name], table, check_exact=True)
    assert seen[-1] == (6, 6)  # 3 PDUs x (the plan and its no-outage baseline)
    national = serial["national"].set_index("measure")
    pdus = serial["pdus"]
    assert len(pdus) == 3 and pdus["cases"].sum() == 900
    assert national.loc["missed_risk_checks", "mean"] == pdus["missed_risk_checks"].sum()
    assert national.loc["time_to_recover_days", "pooled"] == "summed_recovery"
    backlog = serial["national_backlog"]
    assert national.loc["backlog_mean", "mean"] == pytest.approx(backlog["backlog"].mean())


def test_national_command_writes_the_tables_and_says_what_it_ran(tmp_path):
    path = national_file(tmp_path, pdus=2, people_under_supervision=500)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "national",
            str(path),
            "--weeks",
            "1",
            "--engine",
            "serial",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "estimated cost: about " in done.stderr and "for 4 runs" in done.stderr
    )  # a plan and a baseline each
    assert "Small service: 2 PDUs, 500 people under supervision" in done.stdout
    assert "mean backlog (items)" in done.stdout and "PDU 1: " in done.stdout
    assert {p.name for p in out.iterdir()} == {
        "national.csv",
        "national_backlog.csv",
        "pdus.csv",
        "pdu_runs.csv",
        "manifest.json",
    }


@pytest.mark.parametrize(
    "fields,says",
    [
        ({"office": "missing.yaml"}, "office = 'missing.yaml': there is no file"),
        ({"pdus": 0}, "pdus"),
        ({"people_under_supervision": 2, "pdus": 3}, "at least one person per PDU"),
        ({"practitioner_vacancy_rate": "{min: 0.3, max: 0.1}"}, "swap them"),
        ({"caseload_spread": "lots"}, "caseload_spread"),
        ({"regions": 9}, "regions"),
    ],
)
def test_a_bad_national_file_is_refused_naming_the_field_and_fix(tmp_path, fields, says):
    path = national_file(tmp_path, **fields)
    with pytest.raises(ScenarioError) as caught:
        load_national(path)
    assert says in str(caught.value) and str(path) in str(caught.value)
    assert "problem in the national file" in str(caught.value)
    done = subprocess.run(
        [sys.executable, "-m", "sim", "national", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert says in done.stderr


def test_pdus_with_and_without_a_baseline_keep_their_own_runs(tmp_path):
    """A login cap larger than a small PDU's staff changes nothing there (no baseline run),
    but does in a bigger one: each PDU's runs stay its own."""
    office = tmp_path / "office.yaml"
    office.write_text(
        f"extends: {SCENARIOS / 'reference-office.yaml'}\nname: Capped\noutages:\n"
        "  login_cap:\n    - {system: case_system, sessions: 30, start: {day: 1}, "
        "duration_days: 2}\n"
    )
    path = national_file(
        tmp_path, office=str(office), pdus=2, people_under_supervision=2400, caseload_spread=0.9
    )
    service = load_national(path)
    sizes = sorted(p.cases for p in service.pdus)
    result = run_national(service, weeks=1, engine="serial")
    with_baseline = [len(group) for group in pdu_specs(service, DO_NOTHING, 1, 1)]
    assert sorted(with_baseline) == [1, 2], (sizes, with_baseline)
    assert list(result["pdus"]["cases"]) == [p.cases for p in service.pdus]
    runs = result["pdu_runs"]
    assert set(runs["pdu"]) == {p.name for p in service.pdus}
    capped = service.pdus[with_baseline.index(2)].name  # its own baseline: time to recover
    measured = set(runs.loc[runs["pdu"] == capped, "measure"])
    assert "time_to_recover_days" in measured
