"""What the browser tests share: where chromium is, where screenshots go, and the steps that
wait for the app (a select box picked, the page settled, a click repeated until it took effect,
an expander found, a box filled). The ``browser`` fixture that launches chromium is in
conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-output" / "browser"
NO_CHROMIUM = (
    "no chromium was found at /usr/bin/chromium; install it with `apt-get install -y chromium`"
)
RUN_TIMEOUT_MS = 600_000  # a comparison on a busy 2-core machine


def chromium_path() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")  # a click on a box that already has focus may not open it
    page.get_by_role("option", name=option).first.click()


def idle(page) -> None:
    """Wait until the app has finished its reruns (a widget changed while a rerun is under way
    may be drawn again with its old value)."""
    page.wait_for_timeout(300)
    running = page.locator(
        "[data-testid='stStatusWidgetRunningIcon'], [data-testid='stStatusWidgetRunningManIcon']"
    )
    expect(running).to_have_count(0, timeout=60_000)


def until(page, act, done, tries: int = 3) -> None:
    """Do ``act`` until ``done()`` holds: a click that lands while the page is rerunning may be
    dropped by the app, so each is checked and repeated."""
    for _ in range(tries):
        act()
        idle(page)
        for _ in range(40):  # up to 20 s for the page to show the effect
            if done():
                return
            page.wait_for_timeout(500)
    assert done(), "the click did not take effect"


def expander(page, title: str):
    return page.get_by_test_id("stExpander").filter(has_text=title).first


def fill(box, value: str) -> None:
    box.fill(value)
    box.press("Tab")
