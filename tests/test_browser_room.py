"""The room's view on a projector, in a real browser (Playwright driving Debian's chromium, as in
test_browser_exercise.py): at the June 2014 exercise's first decision, at 1920x1080 and at
1280x720, the question, each option's card with its three measures and the fan chart lie
inside the viewport without scrolling, in type read from the back of a room, with no sidebar,
navigation or toolbar; two injects delivered at the same moment are both shown."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import expect

from app_pages.room_layout import CHART_POINTS
from app_server import running_app
from exercise_kit import SIZES, fits, room_page
from sim.exercise import log as play
from sim.exercise.store import ExerciseStore
from sim.scenario.exercise import Exercise, Inject
from sim.scenario.loader import load_exercise
from sim.scenario.problems import validate

ROOT = Path(__file__).resolve().parents[1]
JUNE_2014 = ROOT / "scenarios" / "exercises" / "june-2014-split-week.yaml"
PNG_DPI = 110  # the dots per inch charts are drawn at (sim.outputs.charts.png)
OPTIONS = ("Wait for NDelius", "Paper records and printed day lists")
NEWS = (
    ("Press enquiry", "A journalist asks whether people on probation are still being seen."),
    ("Staff worried", "Team managers report staff are anxious about working late to catch up."),
)

# The smallest type of any text in the slide, in px (each element with text of its own)
SMALLEST_TYPE = """(slide) => {
  let smallest = Infinity;
  for (const el of slide.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (own && box.width > 0 && box.height > 0) {
      smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
    }
  }
  return smallest;
}"""
# How much the chart's PNG is scaled on screen (drawn with object-fit: contain)
IMAGE_SCALE = (
    "(img) => Math.min(img.clientWidth / img.naturalWidth, img.clientHeight / img.naturalHeight)"
)


def _at_first_decision(data: Path) -> tuple[ExerciseStore, str]:
    """The June 2014 exercise (2 replications, 5 weeks) moved on to its first decision point,
    saved where the app keeps exercises, as the Exercise page's Start and Next would."""
    exercise = load_exercise(JUNE_2014)
    settings = {**exercise.model_dump(), "replications": 2, "weeks": 5}
    log = play.start(validate(settings, {}, "the exercise's settings", Exercise))
    store = ExerciseStore(data / "exercises")
    exercise_id = store.save(play.advance_to_next(log))
    return store, exercise_id


def test_the_room_view_fits_a_projector_at_1920x1080_and_1280x720(browser, tmp_path):
    data = tmp_path / "app"
    data.mkdir()
    store, exercise_id = _at_first_decision(data)
    with running_app(data, workers=2) as url:
        for width, height in SIZES:
            context, page = room_page(browser, url, exercise_id, width, height)
            expect(page.locator(".st-key-room-question")).to_contain_text(
                "Decision: NDelius is down for the upgrade"
            )
            expect(page.locator(".st-key-room-top")).to_contain_text("Day 21, 09:00")
            fits(page, width, height, OPTIONS)
            smallest = page.locator(".st-key-room-slide").evaluate(SMALLEST_TYPE)
            chart_px = (
                CHART_POINTS
                / 72
                * PNG_DPI
                * page.locator(".st-key-room-fan img").evaluate(IMAGE_SCALE)
            )
            if width == 1920:  # read from the back of the room: nothing under ~20 px
                assert smallest >= 19.5, smallest
                assert chart_px >= 19.5, chart_px
            else:  # the same slide, in proportion
                assert smallest >= 13, smallest
            shot = tmp_path / f"room-{width}.png"
            page.screenshot(path=shot)
            shutil.copy(shot, f"/tmp/room-{width}.png")
            context.close()

        # two injects told at the same moment: the room shows both, and still fits
        log, step = store.load_step(exercise_id)
        for i, (title, told) in enumerate(NEWS):
            news = Inject(id=f"news-{i}", at=log.clock, title=title, told=told)
            log = play.add_inject(log, news)
        store.save(log, exercise_id, follows=step)
        context, page = room_page(browser, url, exercise_id, 1920, 1080)
        for title, told in NEWS:
            expect(page.locator(".st-key-room-injects")).to_contain_text(title)
            expect(page.locator(".st-key-room-injects")).to_contain_text(told)
        fits(page, 1920, 1080, OPTIONS)
        page.screenshot(path=tmp_path / "room-1920-two-injects.png")
        context.close()

        # the facilitator's page keeps its navigation
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/exercise?exercise={exercise_id}")
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
        context.close()
