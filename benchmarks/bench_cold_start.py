"""Cold starts a user feels: CPU seconds of ``python -m sim --help`` and ``python -m sim list``
in a fresh interpreter, and wall seconds of the app's first page (``--app``).

Each command runs ``--repeat`` times and the median is reported, with the load average before.
With ``--before PATH`` (a checkout of an earlier version, such as a git worktree), the same
commands run from that checkout too, alternating with this one, so before and after come from
one run of the script.

Targets (issue "fast enough to use live"): --help <= 0.3 CPU-s, list <= 0.8 CPU-s, the app's
first page <= 3 s on an idle machine.

Usage: python benchmarks/bench_cold_start.py [--repeat 7] [--before /tmp/before] [--app]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"help": ["--help"], "list": ["list"]}


def cpu_seconds(argv: list[str], source: Path) -> float:
    """CPU (user + system) of ``python -m sim ARGV`` run from the checkout ``source`` (``-m``
    puts the working folder first on the path, so its ``sim`` is the one imported)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "sim", *argv],
        cwd=source,
        env={**os.environ, "PYTHONPATH": str(source)},
        stdout=subprocess.DEVNULL,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def app_first_page_seconds(port: int = 8597) -> tuple[float, float]:
    """Wall seconds from starting the app's server to its first page drawn in chromium, and of
    a second visitor's first page on the running server."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_page()
            while True:
                try:
                    page.goto(f"http://localhost:{port}", timeout=30_000)
                    break
                except Exception:  # the server is not listening yet
                    time.sleep(0.1)
            page.get_by_role("heading", name="Scenarios").wait_for(timeout=60_000)
            seconds = time.perf_counter() - start
            second = browser.new_page()
            start = time.perf_counter()
            second.goto(f"http://localhost:{port}", timeout=30_000)
            second.get_by_role("heading", name="Scenarios").wait_for(timeout=60_000)
            again = time.perf_counter() - start
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return seconds, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--before", type=Path, help="a checkout of the version to compare with")
    parser.add_argument("--app", action="store_true", help="also time the app's first page")
    args = parser.parse_args()
    sources = {"after": ROOT} | ({"before": args.before} if args.before else {})
    load = os.getloadavg()
    times: dict[str, dict[str, list[float]]] = {v: {c: [] for c in COMMANDS} for v in sources}
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            for version, source in sources.items():  # alternated, so drift hits both alike
                times[version][name].append(cpu_seconds(argv, source))
    figures: dict = {"load_average_before": [round(x, 2) for x in load]}
    for version in sources:
        figures[version] = {
            f"{name}_cpu_s_median": round(statistics.median(values), 3)
            for name, values in times[version].items()
        }
    if args.app:
        first, again = app_first_page_seconds()
        figures["after"]["app_first_page_from_server_start_s"] = round(first, 2)
        figures["after"]["app_first_page_running_server_s"] = round(again, 2)
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
