"""Browser helpers for the tabletop exercise's pages (Playwright driving Debian's chromium):
the facilitator's page, its moves and decisions, an evaluator's observation, and the room's
slide checked against a projector's viewport."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser_kit import RUN_TIMEOUT_MS, SHOTS, choose, fill, idle, until

CHROME = ("stSidebar", "stSidebarNav", "stHeader", "stToolbar", "stDecoration")
SIZES = ((1920, 1080), (1280, 720))  # the projectors a room has


def exercise_page(browser, url: str, exercise_id: str | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/exercise" + (f"?exercise={exercise_id}" if exercise_id else ""))
    page.get_by_role("heading", name="Tabletop exercise").wait_for()
    idle(page)
    return context, page


def next_stop(page, shows: str) -> None:
    """Move the clock to the next inject or decision point (which ``shows``); if another page
    saved a step since this one loaded (an evaluator's observation), the move is refused with a
    Reload: reload, then move."""
    button = page.get_by_role("button", name=re.compile(r"^Next inject or decision point"))
    reload = page.get_by_role("button", name="Reload")

    def move() -> None:
        if reload.count():
            reload.click()
            idle(page)
        button.click()

    until(page, move, lambda: page.get_by_text(shows).count() > 0, tries=4)


def decide(page, option: str, why: str) -> None:
    record = page.get_by_role("button", name="Record decision")
    expect(record).to_be_enabled(timeout=RUN_TIMEOUT_MS)  # every option's runs are in
    idle(page)
    until(
        page,
        lambda: page.get_by_test_id("stRadio").get_by_text(option, exact=True).click(),
        lambda: page.get_by_role("radio", name=option).is_checked(),
    )
    fill(page.get_by_role("textbox", name="Why"), why)
    until(
        page, record.click, lambda: page.get_by_role("button", name="Record decision").count() == 0
    )


def observe(browser, url: str, exercise_id: str) -> None:
    """An evaluator, on their own device, records an area for improvement against a critical
    task of the recall capability."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/evaluator?exercise={exercise_id}")
    page.get_by_role("heading", name="Evaluator").wait_for()
    idle(page)
    choose(page, "Capability", "Recall and risk escalation")
    idle(page)
    choose(page, "Critical task", "Find the recall requests and risk escalations that may have")
    idle(page)
    area = page.get_by_test_id("stRadio").get_by_text("Area for improvement", exact=True)
    until(
        page,
        area.click,
        lambda: page.get_by_role("radio", name="Area for improvement").is_checked(),
    )
    fill(page.get_by_role("textbox", name="What was seen"), "Nobody owned the list of recalls.")
    until(
        page,
        page.get_by_role("button", name="Add observation").click,
        lambda: page.get_by_text("Nobody owned the list of recalls.").count() > 0,
    )
    page.screenshot(path=SHOTS / "11-exercise-evaluator.png", full_page=True)
    context.close()


def inside(page, selector: str, width: int, height: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (
        f"{selector} is not inside the {width}x{height} viewport: {box}"
    )


def fits(page, width: int, height: int, options: tuple[str, ...]) -> None:
    """The room's slide at a decision point with ``options`` (in its order): its required parts
    inside the viewport, its numbers shown, no chrome, not scrolled."""
    inside(page, ".st-key-room-question", width, height)
    inside(page, ".st-key-room-options", width, height)
    for i, option in enumerate(options):
        card = page.locator(f".st-key-room-option-{i}")
        expect(card).to_contain_text(option)
        numbers = re.findall(r"\d[\d,.]*", card.inner_text())
        assert len(numbers) >= 9, card.inner_text()  # three measures, each a mean and interval
        inside(page, f".st-key-room-option-{i}", width, height)
    inside(page, ".st-key-room-fan img", width, height)
    for test_id in CHROME:
        expect(page.get_by_test_id(test_id)).to_be_hidden()
    expect(page.get_by_role("link", name="Scenarios")).to_be_hidden()
    scroll = page.locator("[data-testid='stMain']").evaluate("el => el.scrollTop")
    assert scroll == 0


def room_page(browser, url: str, exercise_id: str, width: int, height: int):
    """The room's view of the exercise on a ``width`` x ``height`` screen, once its options'
    numbers and fan chart are shown."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/room?exercise={exercise_id}")
    expect(page.locator(".st-key-room-fan img")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.locator(".st-key-room-option-1")).not_to_contain_text(
        "projecting", timeout=RUN_TIMEOUT_MS
    )
    page.wait_for_timeout(1000)  # the image laid out at its size
    return context, page
