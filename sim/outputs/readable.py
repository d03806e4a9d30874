"""Tables as a person reads them: column headings in words with their units, measures by their
labels, and the convention behind each statistic, written once for every view.

The stored tables keep their machine names (``ci_low``, ``recovered_share``), so files stay easy
to read by program; a view that shows a table to a person passes it through :func:`readable`,
which renames every column it knows and puts each measure's words (from
:mod:`sim.results.measures`) in
place of its name. :data:`CONVENTIONS` says, for each statistic that follows a convention, what
the convention is; views show it beside the table (a caption or help text).
"""

from __future__ import annotations

import pandas as pd

from sim.domain.vocabulary import pretty
from sim.results.measures import MEASURES, headlined
from sim.results.measures import label as measure_label
from sim.results.objectives import MIN_ITEMS, NOT_ASSESSABLE, RESUMED_FOR
from sim.scenario.plans import DO_NOTHING, reference_words

# The compared measures where higher is better (the registry says which way each goes)
_HIGHER = [MEASURES[m].label for m in headlined("compared") if MEASURES[m].better == "higher"]

# The convention behind each statistic, in one sentence a reader can check ("{against}": the
# comparison's reference plan, in words: :func:`conventions`)
_CONVENTIONS = {
    "interval": "95% interval: a Student-t confidence interval of the mean over replications; "
    "a count or a number of hours or days cannot be negative, so its interval is "
    "cut at zero (and a share at one).",
    "paired": "Difference from {against}: the plan minus {against}, replication by "
    "replication on the same random numbers (paired), with its 95% t-interval; below "
    "zero the plan gave less of the measure. An interval that includes zero means the "
    "replications cannot tell the two apart.",
    "probability_better": "P(better): the share of replications in which the plan did better "
    "than {against} (less of the measure, or more where higher is better); a replication "
    "in which the two are equal counts as half. It is an estimate from a finite number of "
    'replications: from fewer than 20 it is shown as the count ("3 of 3"), otherwise never '
    "as 1.00 or 0.00 but as >0.99 or <0.01, however small the difference: whether a "
    "difference is clear is read from its paired interval. Replications in which the two "
    'were equal are said apart ("1 of 3, 2 tied"; "tied in 3 of 3": no difference to tell).',
    "rank": "Rank: 1 for the best plan (the lowest mean, or the highest where higher is "
    "better), among the plans (not the no-outage run); plans with equal means share the "
    "better rank. The re-keying debt is stated, never ranked on, and time to recover is not "
    'ranked on when the run is too short or too many runs had not recovered: "not ranked".',
    "without_value": "Time to recover of a run that had not recovered by its end is counted "
    "as the days from restoration to the end of the run: the mean is then a lower bound, and "
    "such a run ranks as no better than any that recovered (never left out).",
    "percentile": "P50 and P90 by nearest rank over replications (the smallest value with at "
    "least that share of replications at or below it; every percentile in the app and reports "
    "is taken so); a run that had not recovered by its end counts as later than any that had.",
    "breach": "Probability of breach: the share of replications in which the objective was "
    "breached, among those in which it could be assessed.",
    "objectives": "Each run is judged against the no-outage run of the same replication, "
    "working day by working day from the start of the outage, over the shortest window "
    f"in which that run delivered at least {MIN_ITEMS} items of the activity. The activity is "
    "within its MBCO when the service it lost beyond the no-outage run (items gone overdue or "
    "cancelled, contacts held without a risk check) is at most (1 - MBCO) of what the "
    "no-outage run delivered; it has resumed once it is within the MBCO for "
    f"{RESUMED_FOR} working days in a row, and the RTO and MTPD are breached if that comes "
    "later than their days after the start. Supervision contacts count only when held with a "
    "risk check: a contact held without one is counted as not delivered safely. An activity "
    f"of which the no-outage run delivered fewer than {MIN_ITEMS} items in the whole run is "
    f"{NOT_ASSESSABLE}: neither met nor breached.",
    "wilson": "Probability a claim holds: the share of replications in which it held, with a "
    "95% Wilson score interval.",
    "lower_is_better": "Lower is better for every measure compared"
    + (f" except the {' and the '.join(_HIGHER)}, where higher is better." if _HIGHER else "."),
    "rekeying_debt": "Backlog is work not done (items past due and not done); paper records "
    "awaiting re-keying are the re-keying debt, shown beside it in records and in the hours "
    "their re-keying needs, never added to it. The verdict ranks plans on the backlog and "
    "states each plan's re-keying debt.",
    "recall_delay": "Recall delay: a recall not delivered by the end of the run counts the "
    "hours from its decision to the end, so when some were not delivered the mean is a lower "
    "bound; read it with the share delivered. A lost request resent is one recall, delivered "
    "when its resend is.",
}


def conventions(reference: str = DO_NOTHING.name) -> dict[str, str]:
    """The conventions, each plan paired with ``reference`` (a comparison's reference plan)."""
    against = reference_words(reference)
    return {k: v.replace("{against}", against) for k, v in _CONVENTIONS.items()}


CONVENTIONS = conventions()

# Column headings in words, with units where the column has one ("{against}": as above)
_COLUMNS = {
    "plan": "plan",
    "measure": "measure",
    "unit": "unit",
    "value": "value",
    "mean": "mean",
    "ci_low": "95% interval, low",
    "ci_high": "95% interval, high",
    "replications": "replications",
    "replication": "replication",
    "without_value": "not recovered by the end (counted at the end)",
    "vs_reference_mean": "difference from {against}",
    "vs_reference_low": "difference, 95% low",
    "vs_reference_high": "difference, 95% high",
    "vs_no_outage_mean": "difference from no outage",
    "vs_no_outage_low": "difference from no outage, 95% low",
    "vs_no_outage_high": "difference from no outage, 95% high",
    "probability_better": "P(better than {against})",
    "rank": "rank (1 = best)",
    "recovered_share": "share of replications recovered",
    "recovered": "replications recovered",
    "time_to_recover_p50": "time to recover, P50 (days)",
    "time_to_recover_p90": "time to recover, P90 (days)",
    "outage_ended": "systems back on",
    "recovered_p50": "recovered by, P50",
    "recovered_p90": "recovered by, P90",
    "activity": "activity",
    "rto_days": "RTO target (days)",
    "mtpd_days": "MTPD target (days)",
    "mbco": "MBCO target (share of normal service)",
    "p_rto_breached": "RTO: probability of breach",
    "p_mtpd_breached": "MTPD: probability of breach",
    "p_mbco_breached": "MBCO: probability of breach",
    "days_to_resume_p50": "days to resume, median",
    "assessed": "replications assessed",
    "service_counted": "service counted",
    "role": "role",
    "people": "people",
    "staff_id": "person",
    "week": "week",
    "day": "day",
    "backlog": "backlog: work not done (items)",
    "rekeying_debt": "re-keying debt (paper records)",
    "rekeying_debt_hours": "re-keying debt (hours)",
    "rekeying_debt_peak": "peak re-keying debt (records)",
    "rekeying_debt_hours_peak": "peak re-keying debt (hours)",
    "contracted_hours": "contracted h/week",
    "mean_contracted_hours": "contracted h/week",
    "hours_worked": "hours worked",
    "workload": "hours worked / contracted",
    "wmt_capacity": "WMT capacity %",
    "mean_weekly_hours": "worked h/week",
    "peak_weekly_hours": "busiest week h",
    "mean_weekly_hours_over_contract": "over contract h/week",
    "weeks_over_110_hours_in_a_row": "weeks in a row >110% hours",
    "weeks_over_110_wmt_in_a_row": "weeks in a row >110% WMT",
    "mean_wmt_capacity": "WMT capacity %",
    "overtime_hours": "overtime h",
    "double_handling_hours": "double handling h",
    "login_wait_hours": "login wait h",
    "overtime_hours_per_person": "overtime h/person",
    "double_handling_hours_per_person": "double handling h/person",
    "share_over_110_hours_4_weeks": "share >110% hours 4 weeks",
    "share_over_110_wmt_4_weeks": "share >110% WMT 4 weeks",
    "run_id": "run id",
    "created_at": "run at",
    "saved_at": "saved at",
    "scenario": "scenario",
    "scenario_hash": "scenario digest",
    "plans": "plans",
    "weeks": "weeks",
    "engine": "engine",
    "seed": "seed",
    "version": "version",
    "holds": "claim holds",
    "baseline_value": "no-outage value",
    "difference": "difference from no outage",
}


NOT_RANKED = "not ranked"

# What a missing value means in a column (anything else missing: "-")
MISSING = {
    "time_to_recover_p50": "after the run",
    "time_to_recover_p90": "after the run",
    "recovered_p50": "after the run",
    "recovered_p90": "after the run",
    "days_to_resume_p50": "not within the run",
    "probability_better": "- (the reference)",
    "rank": NOT_RANKED,
}


# Columns of the objectives table that have no value for an activity not assessable at this volume
ASSESSED_COLUMNS = {"p_rto_breached", "p_mtpd_breached", "p_mbco_breached", "days_to_resume_p50"}
# Columns of days shown as whole days, as the verdict and the command line say them
WHOLE_DAYS = {"time_to_recover_p50", "time_to_recover_p90", "days_to_resume_p50"}
# Shares of replications, said as a count from few (probability_text): column -> the column of
# how many replications they are a share of (the first present)
SHARES = {
    "recovered_share": ("replications",),
    "p_rto_breached": ("assessed", "replications"),
    "p_mtpd_breached": ("assessed", "replications"),
    "p_mbco_breached": ("assessed", "replications"),
}


def column(name: str, reference: str = DO_NOTHING.name) -> str:
    """A column's heading in words (a name not listed here: its words, underscores gone), a
    difference naming the ``reference`` plan it is from."""
    found = _COLUMNS.get(name)
    return pretty(name) if found is None else found.replace("{against}", reference_words(reference))


def readable(
    table: pd.DataFrame, digits: int | None = 2, reference: str = DO_NOTHING.name
) -> pd.DataFrame:
    """``table`` as a person reads it: measures by their labels with units, every column
    heading in words (a difference naming the ``reference`` plan it is from), numbers rounded to
    ``digits`` (None: as they are)."""
    out = table.copy()
    if "measure" in out.columns:
        out["measure"] = out["measure"].map(measure_label)
    if "role" in out.columns:
        out["role"] = out["role"].map(pretty)
    if digits is not None:
        out = out.round(digits)
    if "probability_better" in out.columns:  # from the unrounded table
        missing = MISSING["probability_better"]
        counts = table["replications"] if "replications" in table else [None] * len(table)
        out["probability_better"] = [
            probability_text(p, missing, None if n is None or n != n else int(n))
            for p, n in zip(table["probability_better"], counts, strict=True)
        ]
    for name in WHOLE_DAYS.intersection(out.columns):  # whole days, or what missing means
        out[name] = [
            MISSING.get(name, "-") if v != v else f"{v:,.0f}" for v in table[name].astype(float)
        ]
    for name in set(SHARES).intersection(out.columns):
        of = next((table[c] for c in SHARES[name] if c in table.columns), None)
        counts = [None] * len(table) if of is None else [None if pd.isna(n) else int(n) for n in of]
        out[name] = [
            probability_text(v, replications=n, percent=True)
            for v, n in zip(table[name], counts, strict=True)
        ]
    if "rank" in out.columns:
        out["rank"] = [rank_text(r) for r in table["rank"]]
    if "assessed" in out.columns:  # an objectives table: no replication assessed
        none = (out["assessed"] == 0).to_numpy()
        for name in ASSESSED_COLUMNS.intersection(out.columns):
            out[name] = out[name].astype(object).where(~none, NOT_ASSESSABLE)
    for name in out.columns:
        missing = out[name].isna()
        if missing.any():  # the whole column as text: numbers and words do not mix in a column
            word = MISSING.get(name, "-")
            out[name] = [
                word if gone else _text(value, digits)
                for value, gone in zip(out[name], missing, strict=True)
            ]
    return out.rename(columns=lambda name: column(name, reference))


FEW_REPLICATIONS = 20  # below this, a share of replications is shown as the count it is


def _text(value, digits: int | None) -> str:
    """A cell as text: a number with ``digits`` decimals (thousands separated), else as it is."""
    if isinstance(value, float) and digits is not None:
        return f"{value:,.{digits}f}"
    return str(value)


def probability_text(
    value: float | None,
    missing: str = "-",
    replications: int | None = None,
    ties: int | None = None,
    percent: bool = False,
) -> str:
    """A probability (or a share of replications, such as of breaches) estimated from
    ``replications``, as every view shows it: from fewer than ``FEW_REPLICATIONS`` as the count
    of replications it is ("3 of 3": three runs agreeing are not a certainty); otherwise two
    decimals (with ``percent``, a percentage), but never 1.00 or 0.00, which a finite number of
    replications cannot show (">0.99", "<0.01"; ">99%", "<1%"). With ``ties``, P(better)'s
    replications equal to the reference (each counted half in ``value``) are said apart: "1 of
    3, 2 tied", "tied in 3 of 3"."""
    if value is None or value != value:
        return missing
    tied = int(ties or 0)
    if replications is not None and tied and tied == replications:
        return f"tied in {tied} of {replications}"
    if replications is not None and 0 < replications < FEW_REPLICATIONS:
        count = value * replications - tied / 2
        return f"{count:g} of {replications:g}" + (f", {tied} tied" if tied else "")
    said = f" ({tied} tied)" if tied else ""
    if value > 0.99:
        return (">99%" if percent else ">0.99") + said
    if value < 0.01:
        return ("<1%" if percent else "<0.01") + said
    return (f"{value:.0%}" if percent else f"{value:.2f}") + said


def rank_text(rank: float | None) -> str:
    """A rank as a cell: "1", "2", or "not ranked" (a measure stated but never ranked on, such
    as the re-keying debt, or time to recover when runs are too short or too censored)."""
    return NOT_RANKED if rank is None or rank != rank else f"{rank:.0f}"


def partial_words(manifest: dict) -> str | None:
    """What a partial comparison (one stopped or still running) holds, in words; None for a
    complete one. Every view labels partial results with these words."""
    part = manifest.get("partial")
    if not part:
        return None
    return (
        f"{part['replications_done']} of {part['replications_asked']} replications; "
        f"the intervals are wider than the full run's and the ranks may change"
    )


def stopping_words(manifest: dict) -> str:
    """How many replications a comparison ran and why, in words: under the stopping rule,
    where it stopped and the rule's reason; else a fixed count (or, cut short, how many of how
    many: :func:`partial_words` says more). Every view says it in these words."""
    part = manifest.get("partial")
    if part:
        return f"{part['replications_done']} of {part['replications_asked']} (partial)"
    stopping = manifest.get("stopping")
    if not stopping:
        return f"a fixed count of {manifest['replications']} replications"
    return (
        f"stopped at {stopping['replications']} of at most {stopping['maximum']} "
        f"replications, {stopping['reason']}"
    )
