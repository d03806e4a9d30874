"""Load on the app: concurrent browser sessions each comparing plans, timed to the result.

Starts `streamlit run app.py` on a free loopback port (its own temporary results store), opens
``--sessions`` browser sessions at once in Debian's chromium, and in each one runs a comparison
on the Compare page (S2 NDelius upgrade by default, with the plans it lists: 7 plans and the
no-outage baseline, each with its own seed so no session is served another's cached result),
waiting for the verdict. Meanwhile one more session keeps opening the Method page, to show that
pages still answer while the simulations run. Prints, as JSON, the number of errors, the time
from pressing Run to the verdict (p50, p95, max) and the Method page's load times under load.

Bounded on purpose: loopback only, at most 20 sessions, and every wait has a time limit.

Usage: python benchmarks/load_app.py [--sessions 10] [--replications 3] [--weeks 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from app_server import CHROMIUM_FLAGS, running_app  # noqa: E402  (served as the browser tests do)

CHROMIUM = "/usr/bin/chromium"
MAX_SESSIONS = 20
RESULT_TIMEOUT_MS = 1_800_000  # 10 users share 2 cores: the last verdicts come together
PAGE_TIMEOUT_MS = 120_000  # a page that has not loaded in 2 minutes has failed


async def session(browser, url: str, seed: int, replications: int, weeks: int) -> float:
    """One user: open Compare, set replications, weeks and seed, run, wait for the verdict."""
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        page = await context.new_page()
        page.set_default_timeout(120_000)
        await page.goto(f"{url}/compare")
        await page.get_by_role("heading", name="Compare plans").wait_for()
        for label, value in (
            ("Replications", replications),
            ("Weeks to simulate", weeks),
            ("Seed", seed),
        ):
            box = page.get_by_role("spinbutton", name=label)
            await box.fill(str(value))
            await box.press("Tab")
        start = time.perf_counter()
        await page.get_by_role("button", name="Run", exact=True).click()
        await page.get_by_role("heading", name="Verdict").wait_for(timeout=RESULT_TIMEOUT_MS)
        return time.perf_counter() - start
    finally:
        await context.close()


async def probe(browser, url: str, running: asyncio.Event) -> tuple[list[float], list[str]]:
    """Open the Method page again and again while the comparisons run: seconds per load, and
    the loads that failed (each an error of the run)."""
    from playwright.async_api import Error as PlaywrightError

    context = await browser.new_context()
    page = await context.new_page()
    times, failures = [], []
    await asyncio.sleep(5)  # let the comparisons start
    while running.is_set():
        start = time.perf_counter()
        try:
            await page.goto(f"{url}/method", timeout=PAGE_TIMEOUT_MS)
            await page.get_by_role("heading", name="Assumptions and their sources").wait_for(
                timeout=PAGE_TIMEOUT_MS
            )
        except PlaywrightError as exc:
            failures.append(f"Method page: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        else:
            times.append(time.perf_counter() - start)
        await asyncio.sleep(2)
    await context.close()
    return times, failures


async def load(url: str, sessions: int, replications: int, weeks: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        running = asyncio.Event()
        running.set()
        prober = asyncio.create_task(probe(browser, url, running))
        outcomes = await asyncio.gather(
            *(session(browser, url, 1000 + i, replications, weeks) for i in range(sessions)),
            return_exceptions=True,
        )
        running.clear()
        loads, page_failures = await prober
        page_loads = np.array(loads)
        await browser.close()
    times = np.array([o for o in outcomes if isinstance(o, float)])
    errors = [
        f"{type(o).__name__}: {str(o).splitlines()[0]}"
        for o in outcomes
        if isinstance(o, BaseException)
    ] + page_failures
    return {
        "sessions": sessions,
        "errors": len(errors),
        "error_messages": errors[:5],
        "time_to_result_s": {
            "p50": round(float(np.percentile(times, 50)), 2) if len(times) else None,
            "p95": round(float(np.percentile(times, 95)), 2) if len(times) else None,
            "max": round(float(times.max()), 2) if len(times) else None,
        },
        "method_page_load_under_load_s": {
            "loads": len(page_loads),
            "p50": round(float(np.percentile(page_loads, 50)), 2) if len(page_loads) else None,
            "max": round(float(page_loads.max()), 2) if len(page_loads) else None,
            "each": [round(float(t), 2) for t in page_loads],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument(
        "--scenario", type=Path, default=ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"
    )
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1 to {MAX_SESSIONS}")
    with tempfile.TemporaryDirectory() as folder:
        with running_app(Path(folder), default_scenario=args.scenario.resolve()) as url:
            start = time.perf_counter()
            report = asyncio.run(load(url, args.sessions, args.replications, args.weeks))
            report["wall_s"] = round(time.perf_counter() - start, 2)
    report.update(
        cpus=os.cpu_count(),
        replications=args.replications,
        weeks=args.weeks,
        scenario=args.scenario.name,
    )
    print(json.dumps(report, indent=2))
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
