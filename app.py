"""Probation continuity simulator - reference office: one Streamlit page.

    streamlit run app.py

Loads the default scenario (scenarios/reference-office.yaml, or the file named by the
SIM_DEFAULT_SCENARIO environment variable), runs it for the weeks and seed chosen in the sidebar
and shows the headline measures, a backlog chart, a workload chart and the summary table.

Streamlit serves every user from one process, so this module holds constants only: results are
kept by st.cache_data (shared, keyed by scenario digest, seed and weeks) and the run a user asked
for by st.session_state (per user). Figures are matplotlib ``Figure`` objects, never pyplot's
global figures, so threads serving different users cannot draw on each other's charts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot (st.pyplot does)

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim import simulate  # noqa: E402
from sim.config import ROLES, TASK_NAMES, Scenario, filled_posts  # noqa: E402
from sim.loader import ScenarioError, load_scenario  # noqa: E402

DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "reference-office.yaml"
SCENARIO_ENV = "SIM_DEFAULT_SCENARIO"
MAX_WEEKS = 26
MAX_SEED = 2**53 - 1  # the largest whole number a browser's number box holds exactly
KEPT_TABLES = ("backlog_daily", "staff_weekly", "summary")  # shown here; keeps the cache small
HEADLINES = (  # summary measure, label (the unit comes from the summary table), number format
    ("backlog_end", "Backlog at end", "{:,.0f}"),
    ("backlog_mean", "Mean backlog", "{:,.1f}"),
    ("missed_risk_checks", "Missed risk checks", "{:,.0f}"),
    ("late_first_appointments", "Late first appointments", "{:,.0f}"),
    ("late_recalls", "Late recalls", "{:,.0f}"),
    ("workload_mean", "Mean workload", "{:.2f}"),
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|])")


def plain(text: str) -> str:
    """Text shown literally inside st.markdown / st.error (no emphasis, links or maths)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code(text: str) -> str:
    """Text as an inline code span, even if it contains backticks."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def pretty(name: str) -> str:
    return name.replace("_", " ")


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


def show_scenario(scenario: Scenario) -> None:
    st.subheader(scenario.name)
    if scenario.description:
        st.markdown(scenario.description)
    staffing = scenario.office.staffing
    posts = pd.DataFrame(
        [(pretty(r), staffing.role(r).count, staffing.role(r).vacancy_rate,
          filled_posts(staffing.role(r)), staffing.role(r).contracted_hours) for r in ROLES],
        columns=["role", "posts", "vacancy rate", "filled posts", "contracted hours / week"])
    caseload = scenario.caseload
    cols = st.columns(4)
    cols[0].metric("Posts", f"{posts['posts'].sum():,}")
    cols[1].metric("Filled posts", f"{posts['filled posts'].sum():,}")
    cols[2].metric("Cases at start", f"{caseload.cases:,}")
    cols[3].metric("New cases / week", f"{caseload.new_cases_per_week:,.0f}")
    st.dataframe(posts, hide_index=True)


def run_form(scenario: Scenario) -> tuple[int, int, bool]:
    with st.sidebar.form("run_settings"):
        weeks = st.number_input("Weeks to simulate", min_value=1, max_value=MAX_WEEKS, step=1,
                                value=min(max(scenario.run.weeks, 1), MAX_WEEKS), key="weeks")
        seed = st.number_input("Seed", min_value=0, max_value=MAX_SEED, step=1,
                               value=min(scenario.run.seed, MAX_SEED), key="seed",
                               help="Same scenario, seed and weeks: the same numbers.")
        submitted = st.form_submit_button("Run", type="primary")
    return int(weeks), int(seed), submitted


@st.cache_data(max_entries=32, show_spinner=False)
def run_tables(digest: str, seed: int, weeks: int, _scenario: Scenario) -> dict:
    """Run once per (scenario digest, seed, weeks). The scenario is passed unhashed (leading
    underscore): its digest, a hash of its content, stands for it in the cache key.

    The progress bar is made inside this function so that Streamlit can replay it on a cache
    hit (an element made outside a cached function cannot be replayed)."""
    if _scenario.digest() != digest:
        raise ValueError("the scenario does not match its digest")
    bar = st.progress(0.0, text=f"Simulating {weeks} weeks...")
    shown = -1  # the last 5% step drawn: few updates keep the replay on a cache hit short

    def report(fraction: float) -> None:
        nonlocal shown
        if int(fraction * 20) > shown:
            shown = int(fraction * 20)
            bar.progress(min(shown / 20, 1.0), text=f"Simulating {weeks} weeks...")

    result = simulate(_scenario, seed=seed, weeks=weeks, progress=report)
    bar.empty()
    return {"manifest": result.manifest, **{name: result[name] for name in KEPT_TABLES}}


def task_colour(task: str) -> tuple:
    """A fixed colour per task (the same in every run): tab20's dark shades, then its light."""
    i = TASK_NAMES.index(task)
    return matplotlib.colormaps["tab20"].colors[2 * i if i < 10 else 2 * (i - 10) + 1]


def backlog_figure(backlog: pd.DataFrame) -> Figure:
    wide = backlog.pivot(index="day", columns="task", values="backlog")
    wide = wide.reindex(columns=[t for t in TASK_NAMES if t in wide.columns and wide[t].any()])
    days = wide.index.to_numpy() + 1
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    if wide.columns.empty:
        ax.plot(days, [0] * len(days), label="all tasks")
    else:
        ax.stackplot(days, wide.T.to_numpy(), labels=[pretty(t) for t in wide.columns],
                     colors=[task_colour(t) for t in wide.columns])
    ax.set(title="Backlog at the end of each day, by task", xlabel="day of run",
           ylabel="backlog (items past due, not done)", xlim=(days[0], days[-1]))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig


def workload_figure(staff: pd.DataFrame) -> Figure:
    mean = staff.groupby(["week", "role"])["workload"].mean().unstack("role")
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    for role in (r for r in ROLES if r in mean.columns):
        ax.plot(mean.index + 1, mean[role], marker="o", label=pretty(role))
    ax.axhline(1.0, color="grey", linestyle="--", label="contracted hours")
    ax.set(title="Mean weekly workload per person, by role", xlabel="week of run",
           ylabel="hours worked / contracted hours")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig


def show_results(tables: dict) -> None:
    manifest, summary = tables["manifest"], tables["summary"]
    st.header(f"Results: {manifest['weeks']} weeks, seed {manifest['seed']}")
    by_measure = summary.set_index("measure")
    cols = st.columns(3)
    for i, (measure, label, fmt) in enumerate(HEADLINES):
        value, unit = by_measure.loc[measure, "value"], by_measure.loc[measure, "unit"]
        cols[i % 3].metric(f"{label} ({unit})", fmt.format(value))

    st.pyplot(backlog_figure(tables["backlog_daily"]))
    st.pyplot(workload_figure(tables["staff_weekly"]))

    st.subheader("Summary")
    st.dataframe(summary, hide_index=True)
    stem = f"seed{manifest['seed']}_{manifest['weeks']}w_{manifest['scenario_hash']}"
    cols = st.columns(2)
    cols[0].download_button("Download backlog by day (CSV)", on_click="ignore",
                            data=tables["backlog_daily"].to_csv(index=False),
                            file_name=f"backlog_daily_{stem}.csv", mime="text/csv")
    cols[1].download_button("Download summary (CSV)", on_click="ignore",
                            data=summary.to_csv(index=False),
                            file_name=f"summary_{stem}.csv", mime="text/csv")
    with st.expander("Run manifest"):
        st.caption(f"Seed {manifest['seed']}, scenario hash {manifest['scenario_hash']}, "
                   f"simulator version {manifest['version']}")
        st.json(manifest)


def main() -> None:
    st.set_page_config(page_title="Probation continuity simulator", layout="wide")
    st.title("Probation continuity simulator — reference office")
    path = os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        show_problems(exc)
        return
    show_scenario(scenario)
    weeks, seed, submitted = run_form(scenario)
    digest = scenario.digest()
    if submitted:
        st.session_state["run_request"] = (digest, seed, weeks)
    request = st.session_state.get("run_request")
    if request is None or request[0] != digest:  # nothing asked yet, or the scenario changed
        st.info("Choose the weeks and seed in the sidebar and press **Run**.")
        return
    show_results(run_tables(*request, _scenario=scenario))


if __name__ == "__main__":
    main()
