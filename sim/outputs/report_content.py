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
)
from sim.outputs.recovery_words import recovery_note, recovery_range_rows
from sim.outputs.report_method import method_sections, reproducibility, sources_of
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
