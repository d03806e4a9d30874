"""What the room is shown at a step of an exercise, from one experiment on the log's inputs.

At a decision point the experiment runs each option (the plan as decided, then the option from
the decision's moment) and compares each with carrying on as decided, the path the room is on
(the option that changes nothing, or "Carry on as decided" run beside the options where none
does), with the no-outage baseline for time to recover; between decision points it runs the
plan as decided. Either way every run lasts the
exercise's weeks on the same replications, and keeps its measures as they stood at the clock
(:mod:`sim.results.as_at`): the office *now*, identical under every option (the decision has not
happened yet), and each option's course to the end of the exercise. At a decision point the
replications are added until the answer is clear (:mod:`sim.experiments.stopping`), at most the
exercise's; the projection keeps how many ran, so a replay runs as many.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from sim.domain.calendar import DAY
from sim.exercise.log import ExerciseLog, Projection, Standing
from sim.exercise.plans_in_play import option_plans, plan_before, plan_now, scenario_now
from sim.experiments.compare import COMPARED, Experiment, compare
from sim.experiments.statistics import percentiles
from sim.experiments.stopping import StoppingRule
from sim.results.measures import MEASURES, headlined
from sim.scenario.exercise import DecisionPoint, Option
from sim.scenario.plans import CARRY_ON, DO_NOTHING, Plan
from sim.scenario.schema import Scenario

# The office now, in the room's words (PRODUCT.md's measures, as they stood at the clock)
NOW_MEASURES = headlined("office_now")
# Each measure's words when the run is cut at the clock (the same computation; "the end of the
# run" is then the last day, or week, that has ended)
NOW_WORDS = {
    "backlog_end": "backlog now: work not done (at the end of the last day ended)",
    "rekeying_debt_end": "re-keying debt now: paper records awaiting re-keying",
    "rekeying_debt_hours_end": "re-keying debt now: hours of re-keying owed",
    "missed_risk_checks": "missed risk checks so far",
    "late_recalls": "late recalls so far",
    "late_court_results": "late court results so far",
    "extra_hours": "unpaid hours beyond the contracted day so far (weeks ended)",
    "overtime_hours": "overtime hours so far (weeks ended)",
}


# An experiment's daily series as a projection keeps them: the backlog, and beside it the
# re-keying debt (records, hours)
BACKLOG = ("plan", "replication", "day", "backlog")
DEBT = ("plan", "replication", "day", "rekeying_debt", "rekeying_debt_hours")


def _with_debt(backlog: pd.DataFrame) -> pd.DataFrame:
    """An experiment's ``backlog`` table with its re-keying debt columns (zero if not kept)."""
    missing = {c: 0.0 for c in DEBT[3:] if c not in backlog.columns}
    return backlog.assign(**missing) if missing else backlog


@dataclass(frozen=True)
class Step:
    """An experiment's inputs at a step: the scenario known, the plans, where the clock is."""

    scenario: Scenario
    plans: list[Plan]
    replications: int
    seed: int
    weeks: int
    as_at_minute: float
    point: DecisionPoint | None = None
    options: tuple[Option, ...] = ()
    stopping: StoppingRule | None = None  # with it, ``replications`` is the most
    reference: str = DO_NOTHING.name  # at a decision point, the plan each option is paired with

    @property
    def baselines(self) -> bool:
        """Whether the reference and the no-outage baseline run too: at a decision point, as in
        every comparison; between them the room sees the office under the plan as decided."""
        return self.point is not None


def step_inputs(log: ExerciseLog, options: tuple[Option, ...] | None = None) -> Step:
    """The experiment for the room now: at a pending decision point, each option (the point's
    own unless others are given) compared with carrying on as decided (:func:`carrying_on`),
    replications added until the answer is clear, at most the exercise's; else the plan as
    decided, alone, on the exercise's replications."""
    exercise, point = log.exercise, log.pending()
    chosen = () if point is None else (log.options(point.id) if options is None else options)
    plans, reference = [plan_now(log)], DO_NOTHING.name
    if point is not None:
        plans, reference = carrying_on(log, point, chosen)
    return Step(
        scenario=scenario_now(log),
        plans=plans,
        replications=exercise.replications,
        seed=exercise.scenario_settings.run.seed,
        weeks=exercise.run_weeks,
        as_at_minute=clock_minute(log),
        point=point,
        options=chosen,
        stopping=None if point is None else StoppingRule(),
        reference=reference,
    )


def clock_minute(log: ExerciseLog) -> float:
    """Where the office is read as it stands: the clock, or at the end of play the end of the
    runs, so that the last day and week count as ended (as every projection counts them), not
    the hour before."""
    if log.clock.minute >= log.end().minute:
        return log.exercise.run_weeks * 7 * DAY
    return log.clock.minute


def carrying_on(
    log: ExerciseLog, point: DecisionPoint, options: tuple[Option, ...]
) -> tuple[list[Plan], str]:
    """The plans run at ``point`` and the one each is compared with: carrying on as decided,
    the path the room is on. That is the first option that changes no lever in force (such as
    "Carry on as now"); where none does, "Carry on as decided" runs beside the options."""
    plans = option_plans(log, point, options)
    current = plan_before(log, point).levers_at(point.at.minute)
    for option in options:
        if option.after(current) == current:
            return plans, option.name
    carry_on = option_plans(log, point, (Option(name=CARRY_ON),))
    return [*carry_on, *plans], CARRY_ON


def run_step(
    step: Step,
    engine: str = "pool",
    workers: int | None = None,
    partial: Callable[[Experiment], None] | None = None,
) -> Experiment:
    """Run a step's experiment here (the command line; the app runs it on its job board);
    ``partial`` is given the first answers as they come (see :func:`compare`)."""
    return compare(
        step.scenario,
        step.plans,
        step.replications,
        seed=step.seed,
        weeks=step.weeks,
        engine=engine,
        workers=workers,
        as_at_minute=step.as_at_minute,
        baselines=step.baselines,
        stopping=step.stopping,
        reference=step.reference,
        partial=partial,
    )


def projection_of(log: ExerciseLog, step: Step, experiment: Experiment) -> Projection:
    """What to keep in the log of a decision point's experiment."""
    assert step.point is not None
    runs = experiment["runs"]
    runs = runs[runs["measure"].isin(COMPARED)]
    first = step.plans[-1].name
    as_at = experiment["as_at"]
    as_at = as_at[(as_at["plan"] == first) & as_at["measure"].isin(NOW_MEASURES)]
    return Projection(
        point=step.point.id,
        delivered=log.delivered,
        decisions_before=len(log.decisions),
        options=step.options,
        replications=experiment.manifest["replications"],  # those run: a replay runs as many
        weeks=step.weeks,
        seed=step.seed,
        runs=tuple(
            (str(p), int(r), str(m), float(v))
            for p, r, m, v in runs[["plan", "replication", "measure", "value"]].itertuples(
                index=False
            )
        ),
        backlog=tuple(
            (str(p), int(r), int(d), float(b))
            for p, r, d, b in experiment["backlog"][list(BACKLOG)].itertuples(index=False)
        ),
        now=tuple(
            (int(r), str(m), float(v))
            for r, m, v in as_at[["replication", "measure", "value"]].itertuples(index=False)
        ),
        rekeying_debt=tuple(
            (str(p), int(r), int(d), float(n), float(h))
            for p, r, d, n, h in _with_debt(experiment["backlog"])[list(DEBT)].itertuples(
                index=False
            )
        ),
        run_id=str(experiment.manifest.get("run_id", "")),
        censored=censoring(experiment),
        reference=step.reference,
        partial=_partial_counts(experiment),
    )


def _partial_counts(experiment: Experiment) -> tuple[int, int] | None:
    """(replications in, replications asked for: the most under a stopping rule) of a first
    answer; None for a finished experiment."""
    found = experiment.manifest.get("partial")
    if not found:
        return None
    return int(found["replications_done"]), int(found["replications_asked"])


def censoring(experiment: Experiment) -> tuple[tuple[str, float], ...]:
    """The value a measure without one is counted at in this experiment, as its comparison
    counts it: time to recover, at the days from the restoration to the end of the run."""
    days = experiment.manifest.get("disruption_days")
    if not days:
        return ()
    return (("time_to_recover_days", experiment.manifest["weeks"] * 7 - days[1]),)


def standing_of(log: ExerciseLog, step: Step, experiment: Experiment) -> Standing:
    """The office as it stands at the clock (a step between decision points), to report."""
    as_at = experiment["as_at"]
    as_at = as_at[(as_at["plan"] == step.plans[-1].name) & as_at["measure"].isin(NOW_MEASURES)]
    backlog = experiment["backlog"]
    backlog = backlog[
        (backlog["plan"] == step.plans[-1].name) & (backlog["day"] < step.as_at_minute // DAY)
    ]
    return Standing(
        clock=log.clock,
        delivered=log.delivered,
        decisions=len(log.decisions),
        replications=step.replications,
        weeks=step.weeks,
        seed=step.seed,
        now=tuple(
            (int(r), str(m), float(v))
            for r, m, v in as_at[["replication", "measure", "value"]].itertuples(index=False)
        ),
        backlog=tuple(
            (int(r), int(d), float(b))
            for r, d, b in backlog[["replication", "day", "backlog"]].itertuples(index=False)
        ),
        rekeying_debt=tuple(
            (int(r), int(d), float(n), float(h))
            for _, r, d, n, h in _with_debt(backlog)[list(DEBT)].itertuples(index=False)
        ),
    )


def spread(values: pd.Series) -> dict[str, float]:
    """Median and the 10th to 90th percentile range over replications, by nearest rank."""
    v = values.dropna().to_numpy(dtype=float)
    if not len(v):
        return {"median": math.nan, "p10": math.nan, "p90": math.nan}
    p10, p50, p90 = percentiles(v, [10, 50, 90])
    return {"median": float(p50), "p10": float(p10), "p90": float(p90)}


def now_table(as_at: pd.DataFrame) -> pd.DataFrame:
    """The office now: each of :data:`NOW_MEASURES` with its spread over replications (``as_at``:
    one plan's rows of an experiment's ``as_at`` table; before a decision every option's are
    the same), the backlog and the re-keying debt beside it."""
    rows = []
    for measure in NOW_MEASURES:
        values = as_at.loc[as_at["measure"] == measure, "value"]
        if values.empty:  # not kept (the re-keying debt, in a log saved before it was)
            continue
        rows.append(
            {
                "measure": NOW_WORDS[measure],
                "unit": MEASURES[measure].unit,
                **spread(values),
                "replications": len(values),
            }
        )
    return pd.DataFrame(rows)


def backlog_frame(projection: Projection) -> pd.DataFrame:
    """A projection's backlog by day, with the re-keying debt beside it where it was kept."""
    backlog = pd.DataFrame(list(projection.backlog), columns=list(BACKLOG))
    if not projection.rekeying_debt:
        return backlog
    debt = pd.DataFrame(list(projection.rekeying_debt), columns=list(DEBT))
    return backlog.merge(debt, on=list(BACKLOG[:3]), how="left")


def standing_backlog(standing: Standing, plan: str) -> pd.DataFrame:
    """A standing's backlog by day under ``plan``'s name, with the re-keying debt beside it
    where it was kept."""
    backlog = pd.DataFrame(list(standing.backlog), columns=list(BACKLOG[1:]))
    if standing.rekeying_debt:
        debt = pd.DataFrame(list(standing.rekeying_debt), columns=list(DEBT[1:]))
        backlog = backlog.merge(debt, on=list(BACKLOG[1:3]), how="left")
    backlog.insert(0, "plan", plan)
    return backlog


def _numbers(projection: Projection, debt: bool = True) -> str:
    """A projection's numbers as text (NaN, a censored value, equal to itself); ``debt``: with
    the re-keying debt (a log saved before it was kept has none to compare)."""
    kept = [projection.runs, projection.backlog, projection.now]
    return json.dumps(kept + ([projection.rekeying_debt] if debt else []))


def decision_step(log: ExerciseLog, kept: Projection) -> tuple[ExerciseLog, Step]:
    """The log as it stood at ``kept``'s decision point (the injects delivered and decisions
    taken then, the clock at the point) and the step run there: the same experiment, so the
    same job in the app, and the same numbers."""
    at_point = log.model_copy(
        update={
            "delivered": kept.delivered,
            "decisions": log.decisions[: kept.decisions_before],
            "clock": log.point(kept.point).at,
        }
    )
    step = step_inputs(at_point, kept.options)
    if not kept.reference:  # saved when every option was compared with do nothing
        options = option_plans(at_point, at_point.point(kept.point), kept.options)
        step = replace(step, plans=[DO_NOTHING, *options], reference=DO_NOTHING.name)
    return at_point, step


def unfinished(log: ExerciseLog) -> list[Projection]:
    """The projections a decision was recorded on before every run was in, not yet completed
    by a later projection of the same point (:func:`completes`)."""
    return [
        kept
        for kept in log.projections
        if kept.partial and log.projection(kept.point) is kept  # the latest of its point
    ]


def completes(log: ExerciseLog, kept: Projection, experiment: Experiment) -> Projection:
    """The projection of ``kept``'s point from its finished experiment: the numbers as they
    ended, kept in the log beside those the decision was recorded on."""
    at_point, step = decision_step(log, kept)
    return projection_of(at_point, step, experiment)


def replay(log: ExerciseLog, engine: str = "serial") -> list[tuple[str, bool]]:
    """Each decision point's projection made again from the log alone: (point, same numbers),
    on the replications it ran (however many the stopping rule stopped at). A decision recorded
    on a first answer is checked through the projection that completed it (its first answer's
    replications are those in when it was recorded, which a replay cannot time)."""
    results = []
    for kept in log.projections:
        if kept.partial:  # a first answer: replayed through the projection that completed it
            continue
        at_point, step = decision_step(log, kept)
        step = replace(step, replications=kept.replications, stopping=None)
        again = projection_of(at_point, step, run_step(step, engine=engine))
        debt = bool(kept.rekeying_debt)
        same = _numbers(again, debt) == _numbers(kept, debt)
        results.append((kept.point, same))
    return results
