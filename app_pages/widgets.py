"""Small display helpers shared by the pages: safe text, scenario problems, the scenario in use
and the experiment on screen, charts, tables and downloads."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st
from matplotlib.figure import Figure

from app_pages import state
from sim.experiments.compare import Experiment
from sim.outputs.charts import png
from sim.outputs.describe import disruption_table, plan_table
from sim.outputs.readable import partial_words, readable, stopping_words
from sim.scenario.library import file_name
from sim.scenario.loader import ScenarioError, plan_from_text, scenario_from_text, to_yaml

BROWSER_MAX_INT = 2**53 - 1  # the largest whole number a browser's number box holds exactly

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|])")


def plain(text: str) -> str:
    """Text shown literally inside st.markdown / st.error (no emphasis, links or maths)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def code(text: str) -> str:
    """Text as an inline code span, even if it contains backticks."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


_FIELD_PATH = re.compile(r"[a-z_]+[.\[]")  # a warning that starts with the field it is about


def show_warnings(warnings: list[str]) -> None:
    """One st.warning per setting that would change nothing or cannot mean what it says (the
    loader's words, capitalised unless they start with a field's path, kept as written)."""
    for warning in warnings:
        shown = warning if _FIELD_PATH.match(warning) else warning[:1].upper() + warning[1:]
        st.warning(plain(shown))


def running_job(job, doing: str, cancel_key: str) -> bool:
    """A running job's progress bar (``doing``: what its runs are doing) and its Cancel button;
    False when the job is no longer running."""
    if not job.running:
        return False
    share = job.done / job.total if job.total else 0.0
    most = "at most " if getattr(job, "at_most", False) and job.total else ""
    st.progress(share, text=f"{doing}: {job.done} of {most}{job.total or '?'} runs done")
    if st.button("Cancel", key=cancel_key):
        job.cancel()
    return True


def show_problems(exc: ScenarioError) -> None:
    """One st.error per problem: where, field = value, what is wrong and how to fix it."""
    count = len(exc.problems) + exc.more
    st.error(
        f"The scenario {code(exc.file)} could not be loaded: "
        f"{count} problem{'s' if count != 1 else ''}."
    )
    for p in exc.problems:
        where = code(p.file) + (f", line {p.line}" if p.line is not None else "")
        what = " = ".join(code(s) for s in (p.field, p.value) if s)
        st.error(
            f"{'**' + what + '** ' if what else ''}({where}): {plain(p.message)}  \n"
            f"**Fix:** {plain(p.fix)}"
        )
    if exc.more:
        st.warning(f"... and {exc.more} more problems not listed.")


def scenario_or_problems() -> state.InUse | None:
    """The scenario in use, or None after showing why it cannot be loaded."""
    try:
        return state.in_use()
    except ScenarioError as exc:
        show_problems(exc)
        return None


def scenario_line(current: state.InUse) -> None:
    """The scenario in use, as every page names it: name, digest and where it came from."""
    st.markdown(
        f"Scenario in use: **{plain(current.scenario.name)}** (digest "
        f"{code(current.digest)}, {plain(current.source)})"
    )


def experiment_or_hint(what: str) -> Experiment | None:
    """The experiment on screen, or None after saying how to get one."""
    experiment = state.experiment()
    if experiment is None:
        st.info(
            "Run a comparison on the Compare page, or reopen one on the History page; its "
            f"{what} appears here."
        )
    return experiment


@st.cache_data(max_entries=64, show_spinner=False)
def what_ran(
    name: str, scenario_yaml: str, plans_yaml: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The disruptions and plans of a stored experiment (``name`` names it), from the scenario
    and plans kept with it."""
    scenario = scenario_from_text(scenario_yaml, "stored scenario")
    plans = [plan_from_text(text, "stored plan") for text in plans_yaml]
    return disruption_table(scenario), plan_table(plans)


def experiment_banner(experiment: Experiment, key: str) -> None:
    """What the results on this page are of: scenario, digest, plans, replications, seed and
    run; a warning if that is not the scenario in use; what ran; the manifest to download."""
    m = experiment.manifest
    st.info(
        f"Results of **{plain(m['scenario'])}** (scenario digest {code(m['scenario_hash'])}"
        f"): {plain(', '.join(m['plans']))}; {m['replications']} replications × "
        f"{m['weeks']} weeks, seed {m['seed']}, version {m.get('version')}, "
        + (f"run id {code(m['run_id'])}." if m.get("run_id") else "not saved.")
    )
    if partial_words(m) is not None:
        st.warning(f"**Partial results**: {partial_words(m)}. They were not saved.")
    else:
        st.caption(f"Replications: {plain(stopping_words(m))}.")
    try:
        current = state.in_use()
    except ScenarioError:
        current = None
    if current is not None and current.digest != m["scenario_hash"]:
        st.warning(
            f"These results are of {plain(m['scenario'])}, not of the scenario in use "
            f"on the Scenarios page ({plain(current.scenario.name)}, digest "
            f"{code(current.digest)})."
        )
    if m.get("scenario_yaml"):
        with st.expander("What ran: the disruptions and the plans, from their settings"):
            disruptions, plans = what_ran(
                stem(m), m["scenario_yaml"], tuple(m.get("plans_yaml", []))
            )
            if disruptions.empty:
                st.markdown("No disruption: the office in normal operation.")
            else:
                st.table(readable(disruptions).set_index("kind"))
            st.table(readable(plans).set_index("plan"))
    st.download_button(
        "Download the manifest (JSON): seed, version, digests, scenario and plans",
        data=lambda: json.dumps(m, indent=2, default=str),
        file_name=f"manifest-{stem(m)}.json",
        mime="application/json",
        key=f"{key}-manifest",
        on_click="ignore",
    )


@st.cache_data(max_entries=256, show_spinner=False)
def chart_png(file_name: str, _build: Callable[[], Figure]) -> bytes:
    """A chart's PNG, drawn once per file name (which names the experiment and the chart)."""
    return png(_build())


def chart(build: Callable[[], Figure], file_name: str, key: str) -> None:
    """A chart with a button to download it as PNG. ``build`` draws it; ``file_name`` must name
    the experiment and the chart uniquely, since the drawing is cached under it."""
    data = chart_png(file_name, build)
    st.image(data, width="stretch")
    st.download_button(
        "Download chart (PNG)",
        data=data,
        file_name=f"{file_name}.png",
        mime="image/png",
        key=key,
        on_click="ignore",
    )


def table(frame: pd.DataFrame, caption: str | None = None, digits: int | None = 2) -> None:
    """A table as a person reads it (headings in words with units), with its caption."""
    shown = readable(frame, digits)
    # every row in view up to 30 (a scroll box of 10 hid what a reader looks for)
    st.dataframe(shown, hide_index=True, height=36 * (min(len(shown), 30) + 1) + 4)
    if caption:
        st.caption(caption)


def csv_download(table: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    """A button downloading ``table`` as CSV, written only when pressed (not on every rerun)."""
    st.download_button(
        label,
        data=lambda: table.to_csv(index=False),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
    )


def stem(manifest: dict) -> str:
    """A file-name stem naming an experiment: its scenario and run id, or (unsaved) a hash of
    what its numbers depend on."""
    if manifest.get("run_id"):
        return f"{file_name(manifest['scenario'])[:40]}-{manifest['run_id']}"
    key = [manifest[k] for k in ("scenario_hash", "plan_hashes", "seed", "replications", "weeks")]
    return f"{manifest['scenario_hash']}-{hashlib.sha256(repr(key).encode()).hexdigest()[:8]}"


def yaml_download(model, label: str, key: str, where=st) -> None:
    """A button downloading a scenario or plan as YAML, named after it, written when pressed."""
    where.download_button(
        label,
        data=lambda: to_yaml(model),
        file_name=f"{file_name(model.name)}.yaml",
        mime="application/x-yaml",
        key=key,
        on_click="ignore",
    )
