"""After-action reports: every section, numbers equal to the stored results, a PDF that opens
with extractable text and pages that render, HTML with no external references, and a
reproducibility block whose command gives the same numbers again."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from sim.cli.main import app
from sim.outputs.report_content import digits_of, number
from sim.results.measures import headlined, label

ROOT = Path(__file__).resolve().parents[1]
S02 = Path("scenarios") / "s02-ndelius-upgrade.yaml"  # relative: reports run from the project root
SECTIONS = (
    "The scenario",
    "The plans compared",
    "Verdict",
    "Charts",
    "Comparison",
    "Continuity objectives",
    "Workload evidence",
    "Method",
    "Reproducibility",
)

pytestmark = pytest.mark.slow  # many replications or long runs: not in make test-quick
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A saved S2 experiment (do nothing, paper fallback; 3 replications, 6 weeks) and its
    report in both formats."""
    folder = tmp_path_factory.mktemp("reports")
    store, out = folder / "store", folder / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        made = invoke(
            "compare",
            str(S02),
            "--plans",
            "do-nothing,paper-fallback",
            "--reps",
            "3",
            "--weeks",
            "6",
            "--engine",
            "serial",
            "--store",
            str(store),
        )
        assert made.exit_code == 0, made.output
        run_id = re.search(r"saved as run (\S+)", made.output).group(1)
        written = invoke("report", run_id, "--store", str(store), "--out", str(out))
    assert written.exit_code == 0, written.output
    report = out / run_id
    return {
        "run_id": run_id,
        "store": store,
        "out": out,
        "folder": report,
        "html": (report / "report.html").read_text(encoding="utf-8"),
        "pdf": report / "report.pdf",
    }


def stored(saved, table: str) -> pd.DataFrame:
    from sim.store.results import ResultsStore

    return ResultsStore(saved["store"]).load(saved["run_id"])[0][table]


def test_the_report_has_every_section_in_both_formats(saved):
    page = saved["html"]
    text = "\n".join(p.extract_text() for p in PdfReader(saved["pdf"]).pages)
    for number_, section in enumerate(SECTIONS, start=1):
        assert f"{number_}. {section}</h2>" in page, section
        assert f"{number_}. {section}" in text, section
    assert "Assumptions and sources" in page and "Assumptions and sources" in text
    assert page.count("<img ") >= 3  # backlog fan, risk checks, recovery, workload


def test_its_numbers_are_the_stored_results(saved):
    comparison = stored(saved, "comparison")
    page = html.unescape(saved["html"])
    checked = 0
    for row in comparison[comparison["measure"].isin(headlined("report"))].itertuples():
        mean = number(row.mean, digits_of(row.measure))
        cells = f"<td>{label(row.measure)}</td><td>{row.plan}</td><td>{mean}</td>"
        assert cells in page, cells
        checked += 1
    assert checked >= 20
    for name in ("comparison", "runs", "backlog", "objectives"):
        beside = pd.read_csv(saved["folder"] / f"{name}.csv")
        original = stored(saved, name)
        for column in original.columns:
            a, b = original[column].to_numpy(), beside[column].to_numpy()
            if a.dtype.kind == "f":
                assert np.array_equal(a, b, equal_nan=True), (name, column)
            else:
                assert [str(x) for x in a] == [str(x) for x in b], (name, column)


def test_the_report_shows_backlog_and_rekeying_debt_side_by_side(saved):
    """Paper fallback's backlog is work not done; the records it leaves to re-key are stated
    beside it (verdict, comparison, chart, the daily table), in both formats."""
    comparison = stored(saved, "comparison").set_index(["measure", "plan"])
    page = html.unescape(saved["html"])
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(saved["pdf"]).pages).split())
    peak = comparison.loc[("rekeying_debt_max", "Paper fallback")]
    hours = comparison.loc[("rekeying_debt_hours_max", "Paper fallback")]
    assert peak["mean"] > 100 and comparison.loc[("rekeying_debt_max", "Do nothing"), "mean"] == 0
    stated = (
        f"Paper fallback leaves {peak['mean']:,.0f} records ({hours['mean']:,.0f} hours) to "
        "re-key at its peak"
    )
    assert stated in page and stated in pdf
    for measure in ("backlog_mean", "rekeying_debt_max", "rekeying_debt_hours_max"):
        row = comparison.loc[(measure, "Paper fallback")]
        cells = f"<td>{label(measure)}</td><td>Paper fallback</td><td>{number(row['mean'])}</td>"
        assert cells in page, cells
    assert "re-keying debt is drawn beside it" in page
    daily = pd.read_csv(saved["folder"] / "backlog.csv")
    assert {"backlog", "rekeying_debt", "rekeying_debt_hours"} <= set(daily.columns)
    paper = daily[daily["plan"] == "Paper fallback"]
    assert paper.groupby("replication")["rekeying_debt"].max().mean() == pytest.approx(peak["mean"])


def test_the_pdf_opens_with_text_and_its_pages_render(saved):
    import pypdfium2 as pdfium

    reader = PdfReader(saved["pdf"])
    assert len(reader.pages) > 0
    first = reader.pages[0].extract_text()
    assert "After-action report: S2 NDelius upgrade" in first
    assert saved["run_id"] in "\n".join(p.extract_text() for p in reader.pages)
    document = pdfium.PdfDocument(saved["pdf"])
    for i in range(len(document)):
        image = np.asarray(document[i].render(scale=0.5).to_pil().convert("L"))
        assert (image < 200).mean() > 0.005, f"page {i + 1} is blank"


def test_the_html_fetches_nothing_from_elsewhere(saved):
    page = saved["html"]
    for value in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page):
        assert value.startswith(("data:", "#")), value
    assert not re.search(r"<script|<link|<iframe|@import|url\(", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page


def test_the_reproducibility_command_gives_the_same_numbers(saved):
    command = re.search(r"<code>(python -m sim rerun [^<]+)</code>", saved["html"]).group(1)
    args = command.split()[3:]  # after "python -m sim"
    again = invoke(*args, "--store", str(saved["store"]))
    assert again.exit_code == 0, again.output
    assert "identical" in again.output


def test_a_report_is_never_written_over_without_force(saved):
    before = (saved["folder"] / "report.html").read_bytes()
    again = invoke(
        "report", saved["run_id"], "--store", str(saved["store"]), "--out", str(saved["out"])
    )
    assert again.exit_code == 2 and "--force" in again.output
    assert (saved["folder"] / "report.html").read_bytes() == before


@pytest.mark.parametrize(
    "args, message",
    [
        (("report", "no-such-run"), "no run 'no-such-run'"),
        (("report", "missing.yaml"), "no such scenario file"),
        (("report", "x", "--format", "docx"), "'docx' is not one of 'html', 'pdf'"),
        (("rerun", "no-such-run"), "no run 'no-such-run'"),
    ],
)
def test_bad_report_requests_exit_2_with_the_fix(tmp_path, args, message):
    result = invoke(*args, "--store", str(tmp_path / "store"))
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())
    assert "Fix" in result.output or "is not one of" in result.output


def test_a_report_straight_from_a_scenario_file(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = invoke(
        "report",
        str(S02),
        "--plans",
        "paper-fallback",
        "--reps",
        "2",
        "--weeks",
        "4",
        "--format",
        "html",
        "--store",
        str(tmp_path / "store"),
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    assert (folder / "report.html").exists() and not (folder / "report.pdf").exists()
    assert "s02-ndelius-upgrade.yaml: outages.down.system" in (folder / "report.html").read_text()


def test_a_value_a_nearer_file_replaces_is_marked_overridden_and_by_which(tmp_path):
    """A scenario extending S2 with a six-day outage: the report's parameter table lists S2's
    four days (and its start) as overridden by the new file, and the six days as in use."""
    from sim.scenario.sources import sources_table

    longer = tmp_path / "s02-six-days.yaml"
    longer.write_text(
        f"extends: {ROOT / S02}\n"
        "name: S2 with a six-day outage\n"
        "outages:\n"
        "  down:\n"
        "    - system: case_system   # NDelius (seed 001)\n"
        "      start: {day: 21, hour: 0}   # assumption (range day 21-28)\n"
        "      duration_days: 6      # assumption (range 4-8): a longer overrun than seed 001's\n"
    )
    rows = sources_table(longer.read_text(), longer.name, tmp_path)
    used = {(file, parameter): in_use for file, parameter, _, _, in_use in rows}
    assert used[(longer.name, "outages.down.duration_days")] == "in use"
    assert used[(S02.name, "outages.down.duration_days")] == f"overridden by {longer.name}"
    assert used[(S02.name, "run.weeks")] == "in use"  # a mapping merges: S2's weeks still run
    assert used[("reference-office.yaml", "name")] == f"overridden by {longer.name}"
    made = invoke(
        "report",
        str(longer),
        "--plans",
        str(ROOT / "scenarios" / "plans" / "do-nothing.yaml"),
        "--reps",
        "2",
        "--fixed",
        "--weeks",
        "5",
        "--store",
        str(tmp_path / "store"),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "html",
    )
    assert made.exit_code == 0, made.output
    html = next((tmp_path / "out").glob("*/report.html")).read_text(encoding="utf-8")
    four_days = re.search(
        rf"<td>{re.escape(S02.name)}: outages.down.duration_days</td><td>4</td>.*?</tr>", html
    )
    assert four_days is not None and f"overridden by {longer.name}" in four_days.group(0)
