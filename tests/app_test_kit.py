"""What the AppTest tests share: a page on its own, widgets found by their labels, waiting for a
comparison, and downloads captured as the browser would receive them."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
S02 = ROOT / "scenarios" / "s02-ndelius-upgrade.yaml"
PAPER = ROOT / "scenarios" / "plans" / "paper-fallback.yaml"

# A page on its own, guarded like app.py: simulation workers may import the running script
PAGE_SCRIPT = """
from app_pages.{page} import render

if __name__ == "__main__":
    render()
"""


def csv_of(download: dict) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(download["content"]()))


def zip_of(download: dict) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(download["content"]()))


def page(name: str, query: dict[str, str] | None = None, **state) -> AppTest:
    """The page ``app_pages.<name>`` run once, with ``state`` in its session and ``query`` in
    its address."""
    at = AppTest.from_string(PAGE_SCRIPT.format(page=name), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Every piece of text on the page, joined (markdown, captions, alerts, headings)."""
    parts = [
        e.value
        for kind in (
            "markdown",
            "caption",
            "title",
            "header",
            "subheader",
            "info",
            "warning",
            "error",
            "success",
        )
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def no_crash(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def by_label(elements, label: str):
    """The first of ``elements`` with this label (AssertionError if none)."""
    found = [e for e in elements if e.label == label]
    assert found, f"no element labelled {label!r} among {[e.label for e in elements]}"
    return found[0]


def button(at: AppTest, label: str):
    return by_label(at.button, label)


def open_library_scenario(at: AppTest, stem: str) -> AppTest:
    """Choose the library file ``stem`` in the library box and open it."""
    box = by_label(at.selectbox, "Scenario library")
    index = next(i for i, option in enumerate(box.options) if option.endswith(f" - {stem}"))
    box.select_index(index)
    at.run()
    button(at, "Open scenario").click()
    at.run()
    no_crash(at)
    return at


def wait_for_results(at: AppTest, seconds: float = 240) -> AppTest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        no_crash(at)
        if "Verdict" in [s.value for s in at.subheader] or at.warning or at.error:
            return at
        time.sleep(0.5)
    raise AssertionError("no results within the time allowed")


def exercise_library(tmp_path: Path, monkeypatch, name: str, text: str) -> Iterator[Path]:
    """For a fixture: the pages' exercise library holding one file (``name``, ``text``) and an
    empty exercise store (yielded); after the test, the runs it left going are cancelled (the
    next decision's projection starts as soon as an exercise does), so the pool is free."""
    library = tmp_path / "exercise-library"
    library.mkdir()
    (library / name).write_text(text)
    monkeypatch.setenv("SIM_EXERCISE_LIBRARY", str(library))
    monkeypatch.setenv("SIM_EXERCISES_DIR", str(tmp_path / "exercises"))
    yield tmp_path / "exercises"
    from app_pages import state

    state.board().cancel_running()
