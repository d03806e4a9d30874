"""The method and reproducibility sections of an experiment's report (in the spirit of
STRESS-DES): every parameter with its source or assumption and whether it ran, the model's
scope and the experiment's design in words, and what it takes to run it again."""

from __future__ import annotations

import platform

import pandas as pd

from sim.experiments.comparison import reference_of
from sim.outputs.readable import stopping_words
from sim.outputs.report_table import Table
from sim.results.recovery import rule_of
from sim.scenario.plans import reference_words


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
