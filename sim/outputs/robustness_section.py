"""The report's section on how robust the verdict is, from a robustness result
(:mod:`sim.experiments.robustness`): the sentence, a note on how it was made, and the table of
each leading plan at each end of each assumption. The HTML and the PDF lay it out as it is."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.experiments.robustness import AS_SET, Robustness
from sim.outputs.report_table import Table
from sim.results.measures import measure


@dataclass(frozen=True)
class RobustnessSection:
    sentence: str
    note: str
    table: Table


def _interval(mean: float, low: float, high: float, signed: bool = False) -> str:
    if pd.isna(mean):
        return "-"
    form = "{:+,.1f}" if signed else "{:,.1f}"
    if pd.isna(low):
        return form.format(mean)
    return f"{form.format(mean)} ({form.format(low)} to {form.format(high)})"


def robustness_section(result: Robustness) -> RobustnessSection:
    m, table = result.manifest, result["robustness"]
    what = measure(m["measure"])
    rows = tuple(
        (
            "as set" if r.end == AS_SET else r.assumption,
            "" if r.end == AS_SET else f"{r.end}: {r.value}",
            r.plan,
            _interval(r.mean, r.ci_low, r.ci_high),
            _interval(r.vs_leader_mean, r.vs_leader_low, r.vs_leader_high, True),
            r.outcome or "-",
        )
        for r in table.itertuples()
    )
    note = (
        f"Each assumption the scenario marks as mattering was set to each end of its range and "
        f"the leading plans ({', '.join(m['leading'])}) were run again on the experiment's "
        f"{m['replications']} replications of {m['weeks']} weeks (seed {m['seed']}), so at "
        f"every end each replication meets the same demand, absences and outage. Ranked on "
        f"{what.label} ({what.unit}); a difference from the leader is clear when its paired "
        "95% interval excludes zero: the ranking flips at an end where another plan is clearly "
        "better, and becomes unclear where the leader is no longer clearly ahead of a plan it "
        f"was clearly ahead of. Made with simulator version {m['version']} when the report was "
        "written, from the scenario and plans kept with the experiment."
    )
    columns = (
        "assumption",
        "end",
        "plan",
        f"mean {what.unit} (95% interval)",
        "vs leader (95% interval)",
        "ranking",
    )
    return RobustnessSection(result.sentence, note, Table(columns, rows))
