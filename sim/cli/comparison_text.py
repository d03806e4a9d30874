"""What ``python -m sim compare`` and ``runs show`` print about an experiment: the headline
measures plan by plan, recovery under its stated rule, the continuity objectives, and a warning
when the run ends too soon after the outage to read time to recover.

Part of the command-line view; imports nothing heavy until a function runs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.experiments.compare import Experiment


# What the backlog and the re-keying debt beside it count, under their headings
NOTES = {
    "backlog_mean": "work not done; paper records awaiting re-keying are the re-keying debt, "
    "not backlog",
    "rekeying_debt_max": "paper records written and not yet re-keyed, beside the backlog; "
    "plans are not ranked on it in the verdict",
}


def comparison_text(experiment: Experiment) -> str:
    """The headline measures, plan by plan: mean [95% CI], paired difference from the reference
    plan (doing nothing, unless the manifest names another) [95% CI], probability better, rank
    (recall delay with the share of recalls delivered beside it); then recovery P50/P90 under
    the recovery rule, which is stated."""
    from sim.experiments.comparison import reference_of, tie_counts
    from sim.outputs.readable import partial_words, probability_text
    from sim.outputs.recovery_words import (
        censored_sentence,
        nothing_to_recover,
        ranked_on_recovery,
    )
    from sim.results.measures import headlined, label
    from sim.results.recovery import rule_of
    from sim.scenario.plans import reference_words

    c = experiment["comparison"]
    ties = tie_counts(experiment["runs"], reference_of(experiment.manifest))
    rule = rule_of(experiment.manifest)
    recovery = experiment["recovery"]
    ranked = ranked_on_recovery(recovery, experiment.manifest)
    partial = partial_words(experiment.manifest)
    against = reference_words(reference_of(experiment.manifest))
    lines = [] if partial is None else [f"PARTIAL: {partial}"]
    for measure in headlined("command_line"):
        rows = c[c["measure"] == measure]
        if rows.empty:
            continue
        lines.append(f"{label(measure)}:")
        if measure == "time_to_recover_days":
            lines.append(f"  ({rule.words()})")
        if measure in NOTES:
            lines.append(f"  ({NOTES[measure]})")
        for row in rows.itertuples():
            diff = (
                ""
                if row.vs_reference_mean != row.vs_reference_mean
                else f"  vs {against} {row.vs_reference_mean:+,.1f} "
                f"[{row.vs_reference_low:+,.1f}, {row.vs_reference_high:+,.1f}]"
                f"  P(better) "
                + probability_text(
                    row.probability_better,
                    replications=int(row.replications),
                    ties=ties.get((row.plan, measure)),
                )
            )
            unranked = measure == "time_to_recover_days" and not ranked
            rank = "" if row.rank != row.rank or unranked else f"  rank {row.rank:.0f}"
            missing = getattr(row, "without_value", 0)  # runs saved before the column existed
            left_out = (
                ""
                if not missing
                else f"  ({missing} not recovered by the end of the run: counted at the "
                f"end, so the mean is a lower bound)"
            )
            if measure == "recall_delay_mean":
                left_out += _delivered_beside(c, row.plan)
            lines.append(
                f"  {row.plan:<28} {row.mean:>10,.1f} [{row.ci_low:,.1f}, "
                f"{row.ci_high:,.1f}]{diff}{rank}{left_out}"
            )
    nothing = nothing_to_recover(experiment.manifest)
    if nothing:
        lines.append(f"time to recover: {nothing}")
    elif len(recovery):
        lines.append(f"time to recover, P50 and P90 over replications ({rule.short()}):")
    for row in [] if nothing else recovery.itertuples():
        p50 = (
            "not within the run"
            if row.time_to_recover_p50 != row.time_to_recover_p50
            else f"{row.time_to_recover_p50:.0f} days"
        )
        p90 = (
            "not within the run"
            if row.time_to_recover_p90 != row.time_to_recover_p90
            else f"{row.time_to_recover_p90:.0f} days"
        )
        lines.append(
            f"  recovery, {row.plan}: P50 {p50}, P90 {p90} "
            f"({row.recovered_share:.0%} of replications recovered)"
        )
    censored = None if nothing else censored_sentence(recovery, experiment.manifest)
    if censored:
        lines.append(f"  {censored}")
    objectives = experiment.tables.get("objectives")
    if objectives is not None and len(objectives):
        lines += objective_lines(objectives)
    lines += login_served_lines(experiment)
    return "\n".join(lines)


def login_served_lines(experiment: Experiment) -> list[str]:
    """Whom the login cap served, per plan and role (nothing without a cap)."""
    from sim.outputs.login_served import CAPTION, served_by_role, unserved_sentences

    roles = experiment.tables.get("login_roles")
    if roles is None or roles.empty:
        return []
    served = served_by_role(roles, list(experiment.manifest["plans"]))
    lines = ["whom the login cap served:", f"  ({CAPTION})"]
    for row in served.itertuples(index=False):
        lines.append(
            f"  {row[0]:<28} {row[1]:<28} {row[3]:>7,.0f} sessions {row[4]:>8,.1f} h held "
            f"{row[5]:>8,.1f} h worked {row[6]:>7,.1f} h waiting"
        )
    lines += [f"  {sentence}" for sentence in unserved_sentences(served)]
    return lines


def objective_lines(objectives: Any) -> list[str]:
    """Each plan's objectives: target, then the probability of breach over the replications
    assessed (or not assessable at this volume); then what counts as each activity's service."""
    from sim.outputs.forecast import assessed_in
    from sim.outputs.readable import probability_text
    from sim.results.objectives import MIN_ITEMS, NOT_ASSESSABLE

    lines = ["objectives: target, then probability of breach over the replications assessed:"]
    for row in objectives.itertuples():
        assessed = assessed_in(row)
        if assessed == 0:
            lines.append(
                f"  {row.plan:<28} {row.activity}: {NOT_ASSESSABLE} (the no-outage run "
                f"delivered fewer than {MIN_ITEMS} items in the run): neither met nor breached"
            )
            continue
        partly = (
            ""
            if assessed is None or assessed == row.replications
            else f" (assessed in {assessed} of {row.replications} replications)"
        )
        of = int(row.replications) if assessed is None else assessed

        def breach(p: float, of: int = of) -> str:
            return probability_text(p, replications=of, percent=True)

        lines.append(
            f"  {row.plan:<28} {row.activity}: RTO {row.rto_days:g} days "
            f"P(breach) {breach(row.p_rto_breached)}; MTPD {row.mtpd_days:g} days "
            f"P(breach) {breach(row.p_mtpd_breached)}; MBCO {row.mbco:.0%} of normal "
            f"service P(breach) {breach(row.p_mbco_breached)}{partly}"
        )
    if "service_counted" in objectives.columns:
        counted = objectives.drop_duplicates("activity")
        lines += [
            f"  {r.activity}: service counted as {r.service_counted}" for r in counted.itertuples()
        ]
    return lines


def _delivered_beside(comparison, plan: str) -> str:
    """The share of recalls delivered by the end, for the recall delay's line (nothing for
    experiments saved before it was measured)."""
    share = comparison[
        (comparison["measure"] == "recalls_delivered_share") & (comparison["plan"] == plan)
    ]
    if share.empty:
        return ""
    delivered = share["mean"].iloc[0]
    if delivered >= 1:
        return "  (all recalls delivered by the end of the run)"
    return (
        f"  ({delivered:.0%} of recalls delivered by the end of the run; the rest count to "
        f"the end, so the mean is a lower bound)"
    )


def recovery_warning(manifest: dict) -> str | None:
    """A warning when the run ends too soon after the outage to read time to recover."""
    from sim.results.recovery import rule_of, too_short_to_recover

    if not too_short_to_recover(manifest):
        return None
    restored, margin = manifest["disruption_days"][1], rule_of(manifest).margin_days
    end = manifest["weeks"] * 7
    what = (
        "no time to recover can be measured"
        if end <= restored
        else "time to recover is mostly cut off by the end of the run and its ranks say little"
    )
    return (
        f"warning: the run ends on day {end}, before the outage's end (day {restored:g}) plus "
        f"{margin:g} days, the least time the recovery rule needs to see a recovery: {what}. "
        f"Run at least {math.ceil((restored + margin) / 7)} weeks (--weeks) to measure it."
    )


def progress_line(experiment: Experiment, measure: str = "backlog_mean") -> str:
    """One line on a comparison so far: ``measure``'s mean [95% CI] plan by plan."""
    from sim.results.measures import label

    c = experiment["comparison"]
    rows = c[c["measure"] == measure]
    part = experiment.manifest.get("partial") or {}
    done = part.get("replications_done", experiment.manifest["replications"])
    asked = part.get("replications_asked", done)
    values = "; ".join(
        f"{row.plan} {row.mean:,.1f} [{row.ci_low:,.1f}, {row.ci_high:,.1f}]"
        for row in rows.itertuples()
    )
    return f"after {done} of {asked} replications, {label(measure)}: {values}"
