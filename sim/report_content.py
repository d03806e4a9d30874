"""What an after-action report says, built from one saved experiment and nothing else.

:func:`report_content` reads an experiment's tables and manifest (as the results store keeps
them) and returns a :class:`ReportContent`: the sections every format shows, as plain text, small
tables of formatted cells, and chart-drawing functions. :mod:`sim.report_html` and
:mod:`sim.report_pdf` lay the same content out; neither computes a number of its own, so the
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
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim import charts
from sim.claims import role_summary
from sim.experiment import plan_labels
from sim.forecast import objective_status
from sim.loader import (
    ScenarioError,
    load_scenario,
    parameter_sources,
    plan_from_text,
    scenario_from_text,
)
from sim.verdict import verdict
from sim.vocabulary import pretty

REPORTED = {  # comparison measures in the report's table: name -> label
    "backlog_mean": "mean backlog (items)",
    "backlog_max": "peak backlog (items)",
    "missed_risk_checks": "missed risk checks (contacts)",
    "missed_high_risk_checks": "missed checks, high/very high RoSH",
    "late_recalls": "late recalls",
    "recall_delay_mean": "mean recall delay (hours)",
    "late_first_appointments": "late first appointments",
    "time_to_recover_days": "time to recover (days)",
    "overtime_hours": "overtime hours",
    "double_handling_hours": "double-handling hours",
    "staff_over_110_hours_4_weeks": "staff over 110% of hours, 4 weeks",
    "staff_over_110_for_4_weeks": "staff over 110% WMT, 4 weeks",
}


@dataclass(frozen=True)
class Table:
    """A small table of formatted cells, ready to lay out."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ReportContent:
    title: str
    subtitle: str
    scenario_text: str
    sources: Table  # every parameter with its source or assumption
    sources_note: str
    plans: Table
    verdict: tuple[str, ...]
    charts: dict[str, tuple[str, Callable[[], Figure]]]  # key -> (caption, draw)
    comparison: Table
    objectives: Table | None
    workload: dict[str, Table]  # plan -> per-role evidence
    workload_note: str
    method: tuple[tuple[str, str], ...]  # (heading, text)
    reproducibility: tuple[tuple[str, str], ...]  # (what, value)


def number(value, digits: int = 1) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:,.{digits}f}"


def comparison_table(comparison: pd.DataFrame, plans: list[str]) -> Table:
    rows = []
    for measure, label in REPORTED.items():
        for plan in plans:
            sel = comparison[(comparison["measure"] == measure) & (comparison["plan"] == plan)]
            if sel.empty:
                continue
            r = sel.iloc[0]
            rows.append((label, plan, number(r["mean"]),
                         f"{number(r['ci_low'])} to {number(r['ci_high'])}",
                         "-" if r["vs_do_nothing_mean"] != r["vs_do_nothing_mean"] else
                         f"{r['vs_do_nothing_mean']:+,.1f} ({number(r['vs_do_nothing_low'])} to "
                         f"{number(r['vs_do_nothing_high'])})",
                         number(r["probability_better"], 2), str(int(r["replications"]))))
    return Table(("measure", "plan", "mean", "95% interval", "vs do nothing (95% interval)",
                  "P(better)", "replications"), tuple(rows))


def objectives_table(objectives: pd.DataFrame | None) -> Table | None:
    if objectives is None or objectives.empty:
        return None
    rated = objective_status(objectives)
    rows = tuple(
        (r.plan, r.activity, f"{r.rto_days:g} d: {r.p_rto_breached:.0%} ({r.rto_status})",
         f"{r.mtpd_days:g} d: {r.p_mtpd_breached:.0%} ({r.mtpd_status})",
         f"{r.mbco:.0%}: {r.p_mbco_breached:.0%} ({r.mbco_status})",
         number(r.days_to_resume_p50, 0))
        for r in rated.itertuples())
    return Table(("plan", "activity", "RTO: P(breach)", "MTPD: P(breach)", "MBCO: P(breach)",
                  "median days to resume"), rows)


def workload_tables(workload: pd.DataFrame | None) -> dict[str, Table]:
    if workload is None or workload.empty:
        return {}
    out = {}
    for plan in dict.fromkeys(workload["plan"]):
        summary = role_summary(workload, plan)
        out[plan] = Table(
            ("role", "people", "contracted h/week", "mean h/week", "over contract h/week",
             "share over 110% hours 4 wks", "share over 110% WMT 4 wks", "overtime h/person",
             "double handling h/person"),
            tuple((pretty(r.role), str(r.people), number(r.mean_contracted_hours),
                   number(r.mean_weekly_hours), number(r.mean_weekly_hours_over_contract, 2),
                   f"{r.share_over_110_hours_4_weeks:.0%}", f"{r.share_over_110_wmt_4_weeks:.0%}",
                   number(r.overtime_hours_per_person), number(r.double_handling_hours_per_person))
                  for r in summary.itertuples()))
    return out


def sources_of(manifest: dict, root: Path | None) -> tuple[Table, str]:
    """Each parameter with its source or assumption, from the scenario file the experiment
    names (if it is still there) and the reference office every scenario builds on."""
    columns = ("file: parameter", "value", "source or assumption")
    named = root / manifest["scenario_file"] if root and manifest.get("scenario_file") else None
    files = [f for f in (named, root / "scenarios" / "reference-office.yaml" if root else None)
             if f is not None and f.is_file()]
    files = list(dict.fromkeys(files))
    if not files:
        return Table(columns, ()), ("No scenario file with sources was found; the scenario's "
                                    "settings are in the YAML kept with the experiment.")
    rows = tuple((f"{f.name}: {k}", v, c) for f in files for k, v, c in parameter_sources(f))
    note = "Each value as set in " + " and ".join(f.name for f in files) + \
        ", with the source or assumption written beside it in the file."
    if named is None or not named.is_file() or not _same(named, manifest["scenario_hash"]):
        note += (" The experiment's scenario is not exactly one of these files (it was edited "
                 "or extended): its full settings are the YAML kept with the run.")
    return Table(columns, rows), note


def _same(path: Path, scenario_hash: str) -> bool:
    """Whether the scenario file still holds the experiment's scenario."""
    try:
        return load_scenario(path).digest() == scenario_hash
    except ScenarioError:
        return False


def method_sections(manifest: dict) -> tuple[tuple[str, str], ...]:
    return (
        ("Model scope", "A discrete-event simulation (SimPy) of one probation office: staff as "
         "individuals with roles, contracted hours and absences; a caseload with RoSH levels "
         "and supervision cadences; appointments with a risk check before each contact; court "
         "results entry, allocation, recalls, escalations, enforcement, reviews and transfers; "
         "and the IT systems each task needs. Out of scope: pre-sentence reports, programmes, "
         "unpaid work, travel, and staff leaving or falling sick because of the outage."),
        ("Assumptions", "Every default parameter cites a public source or is marked as an "
         "assumption with a plausible range (table above and docs/model.md)."),
        ("Experiment", f"{manifest['replications']} replications of {manifest['weeks']} weeks "
         f"for each of {len(manifest['plans'])} plans, and the same office without the outage "
         "as the baseline. Intervals are 95% t-intervals over replications; differences from "
         "doing nothing are paired by replication."),
        ("Random numbers", f"Seed {manifest['seed']}. Each source of randomness (arrivals, "
         "absences, failures to attend, task durations, the outage's realisation) has its own "
         "stream keyed by (seed, replication, source), so every plan meets the same demand "
         "and outage in a replication: common random numbers."),
        ("Warm-up", "None is discarded. Runs start with empty diaries and the office settles "
         "in about three weeks, so the incident scenarios start their outages on day 21 or "
         "later; every measure covers the whole run, and the no-outage baseline covers the "
         "same days."),
        ("Recovery", "Time to recover counts days from the end of the outage until the backlog "
         "is back within 10 items or 25% of the same replication's no-outage backlog, and stays "
         "there for 7 days."),
    )


def report_content(tables: dict[str, pd.DataFrame], manifest: dict,
                   root: Path | None = None) -> ReportContent:
    """The report of a saved experiment (``root``: the project folder, to find source files)."""
    plans = list(manifest["plans"])
    labels = plan_labels(plans, tables["runs"])
    scenario_yaml = manifest.get("scenario_yaml", "")
    description = ""
    if scenario_yaml:
        description = scenario_from_text(scenario_yaml, "stored scenario").description
    plan_rows = []
    for text in manifest.get("plans_yaml", []):
        plan = plan_from_text(text, "stored plan")
        pulled = [pretty(n) for n in type(plan.levers).model_fields
                  if getattr(plan.levers, n) is not None]
        plan_rows.append((plan.name, ", ".join(pulled) or "none", plan.description or "-"))
    sources, sources_note = sources_of(manifest, root)
    disruption = manifest.get("disruption_days")
    figures = {
        "backlog": ("Backlog at the end of each day per plan: median and P10-P90 band over "
                    "replications; the outage shaded.",
                    lambda: charts.backlog_fan(tables["backlog"], labels, disruption)),
        "risk_checks": ("Missed risk checks by RoSH level: mean and 95% interval.",
                        lambda: charts.missed_risk_checks(tables["runs"], labels)),
    }
    horizon = charts.recovery_horizon(manifest)
    if horizon is not None:
        figures["recovery"] = (
            "Share of replications recovered, by days after the outage ended.",
            lambda: charts.recovery_curve(tables["runs"], labels, horizon))
    workload = tables.get("workload")
    if workload is not None and not workload.empty:
        for plan in plans[:4]:
            figures[f"workload_{plan}"] = (
                f"{plan}: weekly hours worked against contracted hours per person, by role.",
                lambda plan=plan: charts.workload_spread(workload, plan))
    run = manifest.get("run_id", "not saved")
    return ReportContent(
        title=f"After-action report: {manifest['scenario']}",
        subtitle=(f"{len(plans)} plans x {manifest['replications']} replications x "
                  f"{manifest['weeks']} weeks, seed {manifest['seed']}; run {run}"),
        scenario_text=description, sources=sources, sources_note=sources_note,
        plans=Table(("plan", "levers pulled", "description"), tuple(plan_rows)),
        verdict=tuple(verdict(tables)), charts=figures,
        comparison=comparison_table(tables["comparison"], labels),
        objectives=objectives_table(tables.get("objectives")),
        workload=workload_tables(workload),
        workload_note=("WMT capacity % is case points held over available points (HMPPS "
                       "Workload Measurement Tool); the excessive-workload rule is over 110% "
                       "for 4 consecutive weeks, applied here to WMT capacity and to hours "
                       "worked against contracted hours. Values are means over replications."),
        method=method_sections(manifest),
        reproducibility=reproducibility(manifest),
    )


def reproducibility(manifest: dict) -> tuple[tuple[str, str], ...]:
    run = manifest.get("run_id")
    rows = [("simulator version", str(manifest.get("version"))),
            ("Python", platform.python_version()),
            ("seed", str(manifest["seed"])),
            ("replications x weeks", f"{manifest['replications']} x {manifest['weeks']}"),
            ("scenario hash", str(manifest["scenario_hash"])),
            ("plan hashes", ", ".join(f"{p}: {h}" for p, h in
                                      zip(manifest["plans"], manifest.get("plan_hashes", []))))]
    if run:
        rows.append(("run id", run))
        rows.append(("re-run every number", f"python -m sim rerun {run}"))
    if manifest.get("command"):
        rows.append(("original command", manifest["command"]))
    return tuple(rows)
