"""The app served for browser tests and the load benchmark: `streamlit run app.py` on a free
loopback port with its own results store and scenario library, and the flags Debian's chromium
is launched with."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(
    data: Path, default_scenario: Path | None = None, workers: int | None = None
) -> Iterator[str]:
    """Serve the app with its results, library and exercises in ``data`` (and its log in
    ``data/server.log``); yields its URL once it answers, and stops it on exit. If it dies or
    does not answer within START_TIMEOUT_S, RuntimeError carries its log."""
    env = {
        **os.environ,
        "SIM_RESULTS_DIR": str(data / "results"),
        "SIM_LIBRARY_DIR": str(data / "library"),
        "SIM_EXERCISES_DIR": str(data / "exercises"),
    }
    env.pop("SIM_DEFAULT_SCENARIO", None)
    if default_scenario is not None:
        env["SIM_DEFAULT_SCENARIO"] = str(default_scenario)
    if workers is not None:
        env["SIM_APP_WORKERS"] = str(workers)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(data / "server.log", "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((data / "server.log").read_text()) from None
                    time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
