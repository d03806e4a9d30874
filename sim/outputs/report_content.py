"""What an after-action report says, built from one saved experiment and nothing else.

:func:`report_content` reads an experiment's tables and manifest (as the results store keeps
them) and returns a :class:`ReportContent`: the sections every format shows, as plain text, small
tables of formatted cells, and chart-drawing functions. :mod:`sim.outputs.report_html` and
:mod:`sim.outputs.report_pdf` lay the same content out; neither computes a number of its own, so the
HTML and the PDF always agree with each other and with the stored results.

Sections follow an after-action report with a method section in the spirit of STRESS-DES
(Monks et al. 2019): the scenario and its sources, the plans, the verdict, charts, the
comparison with intervals and probabilities, objectives, workload evidence in WMT terms, the
method, and a reproducibility block with the command that re-runs every number.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd
from matplotlib.figure import Figure

from sim.domain.vocabulary import pretty
from sim.experiments.compare import plan_labels
from sim.experiments.comparison import reference_of, tie_counts
from sim.experiments.robustness import Robustness
from sim.outputs import charts
from sim.outputs.claims import role_summary
from sim.outputs.describe import disruption_table, plan_table
from sim.outputs.forecast import AMBER_FROM, RED_FROM, objective_rows
from sim.outputs.login_served import CAPTION as SERVED_CAPTION
from sim.outputs.login_served import served_by_role, unserved_sentences
from sim.outputs.readable import (
    CONVENTIONS,
    column,
    conventions,
    partial_words,
    probability_text,
    stopping_words,
)
from sim.outputs.recovery_words import recovery_note, recovery_range_rows
from sim.outputs.report_table import Table  # noqa: F401  (re-exported: the report's tables)
from sim.outputs.robustness_section import RobustnessSection, robustness_section
from sim.outputs.timeline import timeline_figure
from sim.outputs.verdict import verdict
from sim.results.measures import MEASURES, headlined, label
from sim.results.recovery import rule_of
from sim.scenario.loader import plan_from_text, scenario_from_text
from sim.scenario.plans import DO_NOTHING, reference_words


@dataclass(frozen=True)
class ReportContent:
    title: str
    subtitle: str
    scenario_text: str
    disruptions: Table  # every disruption as it ran, from the scenario's settings
    sources: Table  # every parameter with its source or assumption
    sources_note: str
    plans: Table  # every plan's levers and timed decisions as they ran
    verdict: tuple[str, ...]
    charts: dict[str, tuple[str, Callable[[], Figure]]]  # key -> (caption, draw)
    comparison: Table
    comparison_note: str
    recovery: Table | None  # time to recover under the ends of the rule's tolerance range
    recovery_note: str
    objectives: Table | None
    objectives_note: str
    workload: dict[str, Table]  # plan -> per-role evidence
    workload_note: str
    method: tuple[tuple[str, str], ...]  # (heading, text)
    reproducibility: tuple[tuple[str, str], ...]  # (what, value)
    robustness: RobustnessSection | None = None  # how robust the verdict is, when asked for
    login_served: Table | None = None  # whom a login cap served, per plan and role
    login_served_notes: tuple[str, ...] = ()  # the caption, and any role left unserved


def number(value, digits: int = 1) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:,.{digits}f}"


def frame_table(frame: pd.DataFrame) -> Table:
    """A table of text cells from a data frame, headings in words."""
    return Table(
        tuple(column(c) for c in frame.columns),
        tuple(
            tuple("-" if v is None or v != v else str(v) for v in row)
            for row in frame.itertuples(index=False)
        ),
    )


def digits_of(measure: str) -> int:
    """Decimals a measure's values are shown with: 2 for a share, 1 otherwise."""
    return 2 if MEASURES[measure].unit == "share" else 1


def comparison_table(
    comparison: pd.DataFrame,
    plans: list[str],
    reference: str = DO_NOTHING.name,
    ties: dict[tuple[str, str], int] | None = None,
) -> Table:
    """The report's comparison: each headline measure's mean, interval, difference from the
    ``reference`` plan and P(better) per plan (``ties``:
    :func:`sim.experiments.comparison.tie_counts`, said apart in P(better))."""
    rows = []
    for measure in headlined("report"):
        d = digits_of(measure)
        for plan in plans:
            sel = comparison[(comparison["measure"] == measure) & (comparison["plan"] == plan)]
            if sel.empty:
                continue
            r = sel.iloc[0]
            rows.append(
                (
                    label(measure),
                    plan,
                    number(r["mean"], d),
                    f"{number(r['ci_low'], d)} to {number(r['ci_high'], d)}",
                    "-"
                    if r["vs_reference_mean"] != r["vs_reference_mean"]
                    else f"{r['vs_reference_mean']:+,.{d}f} "
                    f"({number(r['vs_reference_low'], d)} to "
                    f"{number(r['vs_reference_high'], d)})",
                    probability_text(
                        r["probability_better"],
                        replications=int(r["replications"]),
                        ties=(ties or {}).get((plan, measure)),
                    ),
                    str(int(r["replications"])),
                )
            )
    return Table(
        (
            "measure",
            "plan",
            "mean",
            "95% interval",
            f"vs {reference_words(reference)} (95% interval)",
            "P(better)",
            "replications",
        ),
        tuple(rows),
    )


def _recovery_range_table(tables: dict[str, pd.DataFrame], manifest: dict) -> Table | None:
    rows = recovery_range_rows(tables["backlog"], manifest)
    return None if rows.empty else frame_table(rows)


def objectives_table(objectives: pd.DataFrame | None) -> Table | None:
    if objectives is None or objectives.empty:
        return None
    return frame_table(objective_rows(objectives))


def workload_tables(workload: pd.DataFrame | None) -> dict[str, Table]:
    if workload is None or workload.empty:
        return {}
    out = {}
    for plan in dict.fromkeys(workload["plan"]):
        summary = role_summary(workload, plan)
        out[plan] = Table(
            (
                "role",
                "people",
                "contracted h/week",
                "mean h/week",
                "over contract h/week",
                "share over 110% hours 4 wks",
                "share over 110% WMT 4 wks",
                "overtime h/person",
                "double handling h/person",
            ),
            tuple(
                (
                    pretty(r.role),
                    str(r.people),
                    number(r.mean_contracted_hours),
                    number(r.mean_weekly_hours),
                    number(r.mean_weekly_hours_over_contract, 2),
                    f"{r.share_over_110_hours_4_weeks:.0%}",
                    f"{r.share_over_110_wmt_4_weeks:.0%}",
                    number(r.overtime_hours_per_person),
                    number(r.double_handling_hours_per_person),
                )
                for r in summary.itertuples()
            ),
        )
    return out


def sources_of(tables: dict[str, pd.DataFrame]) -> tuple[Table, str]:
    """Each parameter with its source or assumption, as saved with the experiment."""
    sources = tables.get("sources")
    columns = ("file: parameter", "value", "source or assumption", "in use")
    if sources is None or sources.empty:
        return Table(columns, ()), (
            "No parameter sources were saved with this experiment; the "
            "scenario's settings are in the YAML kept with it."
        )
    used = (
        sources["in use"]
        if "in use" in sources.columns  # saved before overridden values were marked
        else pd.Series(["not recorded"] * len(sources), index=sources.index)
    )
    rows = tuple(
        (f"{r['file']}: {r['parameter']}", r["value"], r["source or assumption"], in_use)
        for (_, r), in_use in zip(sources.iterrows(), used, strict=True)
    )
    return Table(columns, rows), (
        "Each value as set in the scenario's file and the files it "
        "extends, with the source or assumption written beside it; "
        "values changed in the app come first and say so. A value a nearer file (or an edit "
        "in the app) replaces is marked overridden, and by which: the run used the other."
    )


def method_sections(manifest: dict) -> tuple[tuple[str, str], ...]:
    rule = rule_of(manifest)
    low, high = rule.tolerance_range
    return (
        (
            "Model scope",
            "A discrete-event simulation (SimPy) of one probation office: staff as "
            "individuals with roles, contracted hours and absences; a caseload with RoSH levels "
            "and supervision cadences; appointments with a risk check before each contact; court "
            "results entry, allocation, recalls, escalations, enforcement, reviews and transfers; "
            "and the IT systems each task needs. Out of scope: pre-sentence reports, programmes, "
            "unpaid work, travel, and staff leaving or falling sick because of the outage.",
        ),
        (
            "Assumptions",
            "Every default parameter cites a public source or is marked as an "
            "assumption with a plausible range (table above and docs/model.md).",
        ),
        (
            "Experiment",
            f"{manifest['replications']} replications of {manifest['weeks']} weeks "
            f"for each of {len(manifest['plans'])} plans, and the same office without the outage "
            "as the baseline. Intervals are 95% t-intervals over replications; differences from "
            f"{reference_words(reference_of(manifest))} are paired by replication."
            f" Replications: {stopping_words(manifest)}.",
        ),
        (
            "Random numbers",
            f"Seed {manifest['seed']}. Each source of randomness (arrivals, "
            "absences, failures to attend, task durations, the outage's realisation) has its own "
            "stream keyed by (seed, replication, source), so every plan meets the same demand "
            "and outage in a replication: common random numbers.",
        ),
        (
            "Warm-up",
            "None is discarded. Runs start with empty diaries and the office settles "
            "in about three weeks, so the incident scenarios start their outages on day 21 or "
            "later; every measure covers the whole run, and the no-outage baseline covers the "
            "same days.",
        ),
        (
            "Recovery",
            "Time to recover counts days from the end of the outage until the office has "
            f"recovered: {rule.short()}. Tolerance and hold are assumptions (tolerance from "
            f"{low.words()} to {high.words()}, hold {rule.hold_range[0]}-{rule.hold_range[1]} "
            "days; section 5 gives time to recover at both ends of the tolerance's range). A "
            "run that had not recovered by its end counts as recovering at the end (a lower "
            f"bound); a run should last at least {rule.margin_days:g} days after the outage for "
            "the figure to be read.",
        ),
    )


def report_content(
    tables: dict[str, pd.DataFrame], manifest: dict, robustness: Robustness | None = None
) -> ReportContent:
    """The report of a saved experiment, from its tables and manifest alone (and, if given,
    how robust its verdict is: :func:`sim.experiments.robustness.robustness` of it)."""
    plans = list(manifest["plans"])
    labels = plan_labels(plans, tables["runs"])
    scenario_yaml = manifest.get("scenario_yaml", "")
    description, disruptions = "", Table(("kind",), ())
    if scenario_yaml:
        scenario = scenario_from_text(scenario_yaml, "stored scenario")
        description = scenario.description
        disruptions = frame_table(disruption_table(scenario))
    stored_plans = [plan_from_text(text, "stored plan") for text in manifest.get("plans_yaml", [])]
    sources, sources_note = sources_of(tables)
    disruption = manifest.get("disruption_days")

    def stamp(fig: Figure) -> Figure:
        return charts.stamped(fig, manifest)

    figures = {}
    if scenario_yaml:
        figures["timeline"] = (
            "The disruptions and the plans' timed decisions, from the settings that ran.",
            lambda: stamp(timeline_figure(scenario, stored_plans)),
        )
    figures |= {
        "backlog": (
            "Backlog (work not done) at the end of each day per plan: median and P10-P90 band "
            "over replications; the outage shaded. Where a plan left paper records awaiting "
            "re-keying, the re-keying debt is drawn beside it, below, never added to it.",
            lambda: stamp(charts.backlog_fan(tables["backlog"], labels, disruption)),
        ),
        "risk_checks": (
            "Missed risk checks by RoSH level: mean and 95% interval.",
            lambda: stamp(charts.missed_risk_checks(tables["runs"], labels)),
        ),
    }
    horizon = charts.recovery_horizon(manifest)
    if horizon is not None:
        figures["recovery"] = (
            "Share of replications recovered, by days after the outage ended.",
            lambda: stamp(charts.recovery_curve(tables["runs"], labels, horizon)),
        )
    workload = tables.get("workload")
    if workload is not None and not workload.empty:
        for plan in plans[:4]:
            figures[f"workload_{plan}"] = (
                f"{plan}: weekly hours worked against contracted hours per person, by role.",
                partial(_stamped_spread, workload, plan, manifest),
            )
    run = manifest.get("run_id", "not saved")
    unfinished = partial_words(manifest)
    return ReportContent(
        title=f"After-action report: {manifest['scenario']}"
        + ("" if unfinished is None else " (PARTIAL)"),
        subtitle=(
            f"{len(plans)} plans x {manifest['replications']} replications x "
            f"{manifest['weeks']} weeks, seed {manifest['seed']}; run {run}"
            + ("" if unfinished is None else f". Partial results: {unfinished}")
        ),
        scenario_text=description,
        disruptions=disruptions,
        sources=sources,
        sources_note=sources_note,
        plans=frame_table(plan_table(stored_plans)),
        verdict=tuple(verdict(tables, manifest)),
        charts=figures,
        comparison=comparison_table(
            tables["comparison"],
            labels,
            reference_of(manifest),
            tie_counts(tables["runs"], reference_of(manifest)),
        ),
        comparison_note=" ".join(
            conventions(reference_of(manifest))[c]
            for c in (
                "lower_is_better",
                "interval",
                "paired",
                "probability_better",
                "without_value",
                "recall_delay",
            )
        )
        + f" Time to recover: {rule_of(manifest).words()}. {CONVENTIONS['rekeying_debt']}",
        recovery=_recovery_range_table(tables, manifest),
        recovery_note=recovery_note(manifest),
        objectives=objectives_table(tables.get("objectives")),
        objectives_note=(
            f"{CONVENTIONS['breach']} Status: met below {AMBER_FROM:.0%}, at risk "
            f"below {RED_FROM:.0%}, breached from {RED_FROM:.0%}. {CONVENTIONS['objectives']}"
        ),
        workload=workload_tables(workload),
        workload_note=(
            "WMT capacity % is case points held over available points (HMPPS "
            "Workload Measurement Tool); the excessive-workload rule is over 110% "
            "for 4 consecutive weeks, applied here to WMT capacity and to hours "
            "worked against contracted hours. Values are means over replications."
        ),
        method=method_sections(manifest),
        reproducibility=reproducibility(manifest),
        robustness=None if robustness is None else robustness_section(robustness),
        **_login_served(tables.get("login_roles"), plans),
    )


def _login_served(login_roles: pd.DataFrame | None, plans: list[str]) -> dict:
    """The report's table of whom a login cap served (none without a cap)."""
    if login_roles is None or login_roles.empty:
        return {}
    served = served_by_role(login_roles, plans)
    rounded = served.round({c: 1 for c in served.columns[3:]})
    return {
        "login_served": frame_table(rounded),
        "login_served_notes": (SERVED_CAPTION, *unserved_sentences(served)),
    }


def _stamped_spread(workload: pd.DataFrame, plan: str, manifest: dict) -> Figure:
    return charts.stamped(charts.workload_spread(workload, plan), manifest)


def reproducibility(manifest: dict) -> tuple[tuple[str, str], ...]:
    run = manifest.get("run_id")
    rows = [
        ("simulator version", str(manifest.get("version"))),
        ("Python", platform.python_version()),
        ("seed", str(manifest["seed"])),
        ("replications x weeks", f"{manifest['replications']} x {manifest['weeks']}"),
        ("replications", stopping_words(manifest)),
        ("scenario hash", str(manifest["scenario_hash"])),
        (
            "plan hashes",
            ", ".join(
                f"{p}: {h}"
                for p, h in zip(manifest["plans"], manifest.get("plan_hashes", []), strict=False)
            ),
        ),
    ]
    if run:
        rows.append(("run id", run))
        rows.append(("re-run every number", f"python -m sim rerun {run}"))
    if manifest.get("command"):
        rows.append(("original command", manifest["command"]))
    return tuple(rows)
