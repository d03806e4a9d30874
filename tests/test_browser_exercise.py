"""A tabletop exercise in a real browser: the facilitator plays the June 2014 exercise across a
server restart and downloads its after-action report (Playwright driving Debian's chromium, as
in test_browser.py)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from app_server import running_app
from browser_kit import SHOTS, choose, expander, fill, until
from exercise_kit import decide, exercise_page, next_stop, observe


def test_play_the_june_2014_exercise_across_a_server_restart_and_download_its_report(
    browser, tmp_path
):
    """The facilitator plays the June 2014 exercise: the first decision point (its two options
    projected, one taken), the first inject; the server restarts; the exercise resumes where it
    was; two more injects, the second decision point, a plan of actions reopened from CSV; the
    evaluator's observation recorded on the evaluator's page; the after-action report and
    improvement plan downloaded and checked."""
    data = tmp_path / "app"
    data.mkdir()
    with running_app(data, workers=2) as url:
        context, page = exercise_page(browser, url)
        choose(page, "Exercise", "June 2014 split week")
        fill(page.get_by_role("spinbutton", name="Replications behind every number"), "2")
        weeks = page.get_by_role("spinbutton", name=re.compile("^Weeks every run lasts"))
        fill(weeks, "5")  # both decision points (days 21 and 28) inside: cheaper runs
        page.get_by_role("button", name="Start").click()
        page.get_by_text("Day 18, 09:00").first.wait_for()
        exercise_id = re.search(r"exercise=([a-z0-9-]+)", page.url).group(1)
        next_stop(page, "Decision point: NDelius is down for the upgrade")
        page.get_by_text("Each option projected to the end of the exercise").wait_for()
        decide(page, "Paper records and printed day lists", "Keep seeing people as booked")
        page.screenshot(path=SHOTS / "9-exercise-first-decision.png", full_page=True)
        next_stop(page, "The upgrade overruns")
        context.close()
    with running_app(data, workers=2) as url:  # a restart: the same folders, a new server
        context, page = exercise_page(browser, url, exercise_id)
        page.get_by_text("Day 22, 16:00").first.wait_for()  # where play stopped
        next_stop(page, "NDelius is back, with residual issues")
        next_stop(page, "Emails lost")
        next_stop(page, "Decision point: Emails are being lost")
        page.get_by_text("Each option projected to the end of the exercise").wait_for()
        decide(page, "Phone recalls and escalations, and overtime", "Recalls must arrive")
        plan = tmp_path / "earlier-plan.csv"
        plan.write_text(
            "action,capability,owner,due,status\n"
            "Print day lists before planned downtime,Continuity of supervision,"
            "Reception and admin lead,2027-01-15,open\n"
        )
        improvement = expander(page, "Improvement plan")
        upload = improvement.locator("input[type=file]")
        until(
            page,
            improvement.get_by_text("Improvement plan", exact=True).click,
            lambda: upload.count() > 0,
        )
        upload.set_input_files(str(plan))
        use = page.get_by_role("button", name="Use its 1 action(s)")
        until(
            page,
            use.click,
            lambda: page.get_by_role("button", name="Use its 1 action(s)").count() == 0,
        )
        observe(browser, url, exercise_id)  # an evaluator saves a step after this page's
        report = expander(page, "After-action report")
        prepare = page.get_by_role("button", name="Prepare the after-action report")
        until(
            page,
            report.get_by_text("After-action report", exact=True).click,
            lambda: prepare.is_visible(),
        )
        reload = page.get_by_role("button", name="Reload")
        until(page, prepare.click, lambda: reload.count() > 0)  # told to reload first
        until(page, reload.click, lambda: reload.count() == 0)
        until(
            page,
            prepare.click,
            lambda: page.get_by_role("button", name="Download report (HTML)").count() > 0,
        )
        page.screenshot(path=SHOTS / "10-exercise-report.png", full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download report (HTML)").click()
        html = Path(download.value.path()).read_text()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download improvement plan (CSV)").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        context.close()
    for text in (
        "Timeline of injects and decisions",
        "The upgrade overruns",
        "NDelius is back, with residual issues",
        "Decided:</b> Paper records and printed day lists",
        "Decided:</b> Phone recalls and escalations, and overtime",
        "Each option against Wait for NDelius (carrying on as decided)",
        "Phone recalls and escalations, and overtime (taken) minus Carry on as now (carrying on as "
        "decided)",
        "Improvement plan",
        "Print day lists before planned downtime",
        "Executive summary",
        "Analysis by capability",
        "Nobody owned the list of recalls.",
    ):
        assert text in html, text
    assert rows == [  # a plan written before the HSEEP columns, read and written with them
        {
            "issue": "",
            "corrective action": "Print day lists before planned downtime",
            "capability": "Continuity of supervision",
            "responsible organisation": "",
            "point of contact": "Reception and admin lead",
            "start date": "",
            "completion date": "2027-01-15",
            "status": "open",
        }
    ]
