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


def shown_table(result: Robustness) -> pd.DataFrame:
    """Each leading plan at each end, as every view shows it: the mean and the difference from
    the leader, each with its 95% interval, and whether the ranking holds there."""
    rows, what = result["robustness"], measure(result.manifest["measure"])
    return pd.DataFrame(
        {
            "assumption": rows["assumption"].where(rows["end"] != AS_SET, "as set"),
            "end": [r.end if r.end == AS_SET else f"{r.end}: {r.value}" for r in rows.itertuples()],
            "plan": rows["plan"],
            f"mean {what.unit} (95% interval)": [
                _interval(r.mean, r.ci_low, r.ci_high) for r in rows.itertuples()
            ],
            "difference from the leader (95% interval)": [
                _interval(r.vs_leader_mean, r.vs_leader_low, r.vs_leader_high, True)
                for r in rows.itertuples()
            ],
            "ranking": rows["outcome"].replace("", "-"),
        }
    )


def robustness_section(result: Robustness) -> RobustnessSection:
    m = result.manifest
    what = measure(m["measure"])
    shown = shown_table(result)
    note = (
        f"Each assumption the scenario marks as mattering was set to each end of its range and "
        f"the leading plans ({', '.join(m['leading'])}) were run again on the experiment's "
        f"{m['replications']} replications of {m['weeks']} weeks (seed {m['seed']}), so at "
        f"every end each replication meets the same demand, absences and outage. Ranked on "
        f"{what.heading}; a difference from the leader is clear when its paired "
        "95% interval excludes zero: the ranking flips at an end where another plan is clearly "
        "better, and becomes unclear where the leader is no longer clearly ahead of a plan it "
        f"was clearly ahead of. Made with simulator version {m['version']} when the report was "
        "written, from the scenario and plans kept with the experiment."
    )
    rows = tuple(tuple(str(v) for v in row) for row in shown.itertuples(index=False))
    return RobustnessSection(result.sentence, note, Table(tuple(shown.columns), rows))
