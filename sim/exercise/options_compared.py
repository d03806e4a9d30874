"""Each option of a decision point against carrying on as decided: the one comparison the
room's view, the facilitator's page, the after-action report and the command line all show.

A decision is compared with the path the room is on: the plan as decided so far, carried on
unchanged from the decision's moment (the projection's ``reference``: the option that changes
nothing, or "Carry on as decided" run beside the options where none does). Each option's
headline measures are paired with it replication by replication (common random numbers); a
censored value (time to recover, not recovered by the end) is counted at its censoring value,
as every comparison counts it, never dropped. A projection saved before decisions were
compared this way ran "do nothing" as its reference, and is read against it, as the room saw.
"""

from __future__ import annotations

import pandas as pd

from sim.exercise.log import ExerciseLog, Projection
from sim.exercise.projection import spread
from sim.experiments.comparison import COMPARED
from sim.experiments.statistics import paired_difference
from sim.results.measures import MEASURES
from sim.scenario.plans import DO_NOTHING, reference_words

DIFFERENCES = (
    "option",
    "reference",
    "measure",
    "unit",
    "better",
    "difference",
    "low",
    "high",
    "replications",
)


def difference_text(mean: float, low: float, high: float, unit: str = "") -> str:
    """A paired difference with its 95% interval as every view of a decision writes it:
    ``-33.2 (-34.0 to -32.4)``; a share's in percentage points (``-0.4 points (-0.9 to
    +0.1)``, where ``-0.0`` would hide it); "-" where there is none."""
    if mean != mean:
        return "-"
    if unit == "share":
        return f"{mean * 100:+,.1f} points ({low * 100:+,.1f} to {high * 100:+,.1f})"
    return f"{mean:+,.1f} ({low:+,.1f} to {high:+,.1f})"


def reference_of(projection: Projection) -> str:
    """The plan a projection's options are compared with (do nothing in one saved before)."""
    return projection.reference or DO_NOTHING.name


def reference_words_of(projection: Projection) -> str:
    """What a projection's options are compared with, in words."""
    return reference_words(reference_of(projection))


def runs_frame(projection: Projection) -> pd.DataFrame:
    """A projection's runs, a censored value counted at its censoring value (``censored`` says
    whether it was)."""
    runs = pd.DataFrame(list(projection.runs), columns=["plan", "replication", "measure", "value"])
    runs["censored"] = runs["value"].isna()
    for measure, at in projection.censored:
        chosen = runs["measure"] == measure
        runs.loc[chosen, "value"] = runs.loc[chosen, "value"].fillna(at)
    return runs


def compared_names(projection: Projection) -> list[str]:
    """The plans shown at a decision: the reference first where it is not one of the options
    (carrying on as decided, run beside them), then the options."""
    options = [o.name for o in projection.options]
    reference = reference_of(projection)
    return options if reference in options else [reference, *options]


def against_reference(projection: Projection) -> pd.DataFrame:
    """Each option other than the reference, per headline measure: the option minus the
    reference, paired by replication, with its 95% interval and which way is better."""
    runs = runs_frame(projection)
    reference = reference_of(projection)
    rows = []
    for option in (o.name for o in projection.options if o.name != reference):
        for measure in COMPARED:
            mine = runs[(runs["plan"] == option) & (runs["measure"] == measure)]
            theirs = runs[(runs["plan"] == reference) & (runs["measure"] == measure)]
            paired = mine.merge(theirs, on="replication", suffixes=("", "_other")).dropna(
                subset=["value", "value_other"]
            )  # censored values are counted at their censoring value (runs_frame): none dropped
            if paired.empty:
                continue
            diff = paired_difference(
                paired["value"].to_numpy(dtype=float), paired["value_other"].to_numpy(dtype=float)
            )
            found = MEASURES[measure]
            rows.append(
                (
                    option,
                    reference,
                    found.label,
                    found.unit,
                    found.better,
                    diff.mean,
                    diff.low,
                    diff.high,
                    len(paired),
                )
            )
    return pd.DataFrame(rows, columns=list(DIFFERENCES))


def options_table(projection: Projection) -> pd.DataFrame:
    """Each plan shown at the decision (:func:`compared_names`), per headline measure: the mean
    over its replications and P10-P90."""
    runs = runs_frame(projection)
    rows = []
    for name in compared_names(projection):
        for measure in COMPARED:
            chosen = (runs["plan"] == name) & (runs["measure"] == measure)
            values = runs.loc[chosen, "value"]
            if values.empty:
                continue
            found = MEASURES[measure]
            rows.append(
                {
                    "option": name,
                    "measure": found.label,
                    "unit": found.unit,
                    "mean": float(values.mean()),
                    **{k: v for k, v in spread(values).items() if k != "median"},
                    "without_value": int(runs.loc[chosen, "censored"].sum()),
                }
            )
    return pd.DataFrame(rows)


def recorded_on(log: ExerciseLog, point_id: str, taken: str) -> str:
    """For a decision recorded on a first answer: how many replications were in, and what the
    room then read against carrying on as decided on the backlog, beside the same with every
    run in ("": recorded with every run in)."""
    kept = [p for p in log.projections if p.point == point_id]
    partial = kept[0].partial if kept else None
    if partial is None:
        return ""
    first, last = kept[0], kept[-1]
    n, most = partial

    def backlog(projection: Projection) -> str:
        rows = against_reference(projection)
        rows = rows[(rows["option"] == taken) & (rows["measure"] == MEASURES["backlog_mean"].label)]
        if rows.empty:
            return "no difference (the option taken is carrying on as decided)"
        r = rows.iloc[0]
        return (
            f"{r['difference']:+,.1f} {r['unit']} of mean backlog (95% interval "
            f"{r['low']:+,.1f} to {r['high']:+,.1f})"
        )

    then = f"Recorded on the first answer, {n} of at most {most} replications in: {backlog(first)}"
    if last is first:
        return then + "; the remaining runs did not finish before the log was saved."
    return then + f"; with every run in ({last.replications} replications): {backlog(last)}."
