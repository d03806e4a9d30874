"""Small display helpers shared by the pages: safe text, scenario problems, charts, downloads."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st
from matplotlib.figure import Figure

from app_pages import state
from sim.charts import png
from sim.loader import ScenarioError

BROWSER_MAX_INT = 2**53 - 1  # the largest whole number a browser's number box holds exactly

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|])")
STATUS_ICON = {"green": "🟢 met", "amber": "🟠 at risk", "red": "🔴 breached",
               "unknown": "⚪ unknown"}


def plain(text: str) -> str:
    """Text shown literally inside st.markdown / st.error (no emphasis, links or maths)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def code(text: str) -> str:
    """Text as an inline code span, even if it contains backticks."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def show_problems(exc: ScenarioError) -> None:
    """One st.error per problem: where, field = value, what is wrong and how to fix it."""
    count = len(exc.problems) + exc.more
    st.error(f"The scenario {code(exc.file)} could not be loaded: "
             f"{count} problem{'s' if count != 1 else ''}.")
    for p in exc.problems:
        where = code(p.file) + (f", line {p.line}" if p.line is not None else "")
        what = " = ".join(code(s) for s in (p.field, p.value) if s)
        st.error(f"{'**' + what + '** ' if what else ''}({where}): {plain(p.message)}  \n"
                 f"**Fix:** {plain(p.fix)}")
    if exc.more:
        st.warning(f"... and {exc.more} more problems not listed.")


def scenario_or_problems():
    """The user's scenario and its source, or None after showing why it cannot be loaded."""
    try:
        return state.scenario()
    except ScenarioError as exc:
        show_problems(exc)
        return None


def experiment_or_hint(what: str):
    """The user's current experiment, or None after saying how to get one."""
    experiment = state.experiment()
    if experiment is None:
        st.info("Run a comparison on the Compare page, or reopen one on the History page; its "
                f"{what} appears here.")
    return experiment


@st.cache_data(max_entries=256, show_spinner=False)
def _png(file_name: str, _build: Callable[[], Figure]) -> bytes:
    """A chart's PNG, drawn once per file name (which names the experiment and the chart)."""
    return png(_build())


def chart(build: Callable[[], Figure], file_name: str, key: str) -> None:
    """A chart with a button to download it as PNG. ``build`` draws it; ``file_name`` must name
    the experiment and the chart uniquely, since the drawing is cached under it."""
    data = _png(file_name, build)
    st.image(data, width="stretch")
    st.download_button("Download chart (PNG)", data=data, file_name=f"{file_name}.png",
                       mime="image/png", key=key, on_click="ignore")


def csv_download(table: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    """A button downloading ``table`` as CSV, written only when pressed (not on every rerun)."""
    st.download_button(label, data=lambda: table.to_csv(index=False),
                       file_name=f"{file_name}.csv", mime="text/csv", key=key, on_click="ignore")


def stem(manifest: dict) -> str:
    """A file-name stem naming an experiment: its run id, or (unsaved) a hash of what its
    numbers depend on."""
    if manifest.get("run_id"):
        return manifest["run_id"]
    key = [manifest[k] for k in ("scenario_hash", "plan_hashes", "seed", "replications",
                                 "weeks")]
    return f"{manifest['scenario_hash']}-{hashlib.sha256(repr(key).encode()).hexdigest()[:8]}"
