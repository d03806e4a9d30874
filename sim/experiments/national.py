"""A national run: every PDU of a national service as an independent run of its own office,
sharded over an engine (a Dask cluster by default), with per-PDU and national tables.

Each PDU runs the plan, and (when its scenario has an outage) the same office without it, for
each replication, on the PDU's own seed: its time to recover is measured against that baseline
as in a comparison (:func:`sim.experiments.compare.add_recovery`). The national measures of a
replication pool the PDUs' runs of that replication by each measure's rule
(:mod:`sim.results.pooled`). A run's numbers depend only on its spec, so every engine gives the
same tables.

Tables:

* ``national``: per measure, its words, unit and pooling rule, the mean over replications and the
  lowest and highest replication (time to recover: a replication not recovered by the end of the
  run counts the days to the end, so with any (``not_recovered``) the mean is a lower bound);
* ``national_backlog``: the summed backlog (work not done) at the end of each day, with the
  summed no-outage backlog, and beside them the summed re-keying debt (records and hours), per
  replication;
* ``pdus``: one row per PDU: its caseload, posts, staff in post, vacancy rate and seed, and each
  measure's mean over replications (time to recover: its P50 by nearest rank, NaN when that falls
  on a replication not recovered by the end, with the count not recovered);
* ``pdu_runs``: every PDU's measures in every replication (NaN time to recover: not recovered by
  the end of the run, censored there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from sim.domain.calendar import DAY
from sim.experiments.compare import add_recovery
from sim.experiments.engines import NO_OUTAGE, Progress, RunOutcome, RunSpec, run_all
from sim.experiments.statistics import nearest_rank
from sim.results.measures import measure
from sim.results.pooled import pooled_measures, summed_backlog, summed_daily
from sim.results.recovery import baseline_of, restoration_minute
from sim.scenario.national import NationalService
from sim.scenario.plans import DO_NOTHING, Plan
from sim.scenario.schema import ROLES, digest, headcount
from sim.version import __version__

RECOVERY = "time_to_recover_days"


@dataclass(frozen=True)
class NationalResult:
    """A national run's tables and manifest (what it ran, on what)."""

    manifest: dict
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def pdu_specs(
    service: NationalService, plan: Plan, replications: int, weeks: int
) -> list[list[RunSpec]]:
    """Each PDU's runs: for each replication, the plan and (if its office has an outage that
    changes something there) the baseline."""
    found = []
    for pdu in service.pdus:
        with_baseline = restoration_minute(pdu.scenario) is not None
        baseline = baseline_of(pdu.scenario) if with_baseline else None
        specs = []
        for r in range(replications):
            specs.append(RunSpec(plan.name, pdu.scenario, plan, pdu.seed, r, weeks, detail=False))
            if baseline is not None:
                specs.append(
                    RunSpec(NO_OUTAGE, baseline, DO_NOTHING, pdu.seed, r, weeks, detail=False)
                )
        found.append(specs)
    return found


def national_specs(
    service: NationalService, plan: Plan, replications: int, weeks: int
) -> list[RunSpec]:
    """Every run of the national service, PDU after PDU (see :func:`pdu_specs`)."""
    return [spec for specs in pdu_specs(service, plan, replications, weeks) for spec in specs]


def run_national(
    service: NationalService,
    plan: Plan = DO_NOTHING,
    replications: int = 1,
    *,
    weeks: int | None = None,
    engine: str = "dask",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
) -> NationalResult:
    """Run every PDU of ``service`` under ``plan`` and pool them into national measures."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    weeks = service.office.run.weeks if weeks is None else weeks
    grouped = pdu_specs(service, plan, replications, weeks)
    specs = [spec for group in grouped for spec in group]
    outcomes = run_all(specs, engine=engine, workers=workers, progress=progress, address=address)
    per_pdu = _by_pdu(outcomes, [len(group) for group in grouped])
    restored = [restoration_minute(pdu.scenario) for pdu in service.pdus]
    for runs, ended in zip(per_pdu, restored, strict=True):
        horizon = None if ended is None else weeks * 7 - ended / DAY
        add_recovery(runs, ended, horizon)
    national_restored = max((m for m in restored if m is not None), default=None)
    if national_restored is not None and weeks * 7 <= national_restored / DAY:
        national_restored = None  # the run ends before the outage does: nothing to recover from
    tables = _tables(service, per_pdu, replications, national_restored)
    manifest = {
        "national": service.name,
        "national_hash": digest(service.config),
        "office": service.office.name,
        "office_hash": service.office.digest(),
        "plan": plan.name,
        "plan_hash": digest(plan),
        "pdus": len(service.pdus),
        "people_under_supervision": sum(p.cases for p in service.pdus),
        "seed": service.config.seed,
        "replications": replications,
        "weeks": weeks,
        "engine": engine,
        "runs": len(outcomes),
        "events": sum(o.events for o in outcomes),
        "version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return NationalResult(manifest, tables)


def _by_pdu(outcomes: list[RunOutcome], sizes: list[int]) -> list[list[RunOutcome]]:
    """The outcomes (in spec order) cut into each PDU's runs (``sizes``: how many each has)."""
    ends = np.cumsum(sizes)
    return [outcomes[end - size : end] for size, end in zip(sizes, ends, strict=True)]


def _tables(
    service: NationalService,
    per_pdu: list[list[RunOutcome]],
    replications: int,
    restored: float | None,
) -> dict[str, pd.DataFrame]:
    names = [pdu.name for pdu in service.pdus]
    pdu_runs = pd.DataFrame(
        [
            (name, o.replication, m, v, measure(m).unit)
            for name, runs in zip(names, per_pdu, strict=True)
            for o in runs
            if o.label != NO_OUTAGE
            for m, v in o.measures.items()
        ],
        columns=["pdu", "replication", "measure", "value", "unit"],
    )
    national_rows, backlog_rows = [], []
    for r in range(replications):
        runs = [o for pdu in per_pdu for o in pdu if o.replication == r and o.label != NO_OUTAGE]
        bases = [o for pdu in per_pdu for o in pdu if o.replication == r and o.label == NO_OUTAGE]
        pooled = pooled_measures(runs, bases, restored)
        national_rows += [(r, m, v) for m, v in pooled.items()]
        base = summed_backlog(bases) if bases else np.full(len(runs[0].backlog), np.nan)
        records, hours = (summed_daily(runs, s) for s in ("rekeying_debt", "rekeying_debt_hours"))
        debt = zip(records, hours, strict=True)
        backlog_rows += [
            (r, day, v, b, records, hours)
            for day, (v, b, (records, hours)) in enumerate(
                zip(summed_backlog(runs), base, debt, strict=True)
            )
        ]
    national_runs = pd.DataFrame(national_rows, columns=["replication", "measure", "value"])
    days = len(per_pdu[0][0].backlog)
    horizon = math.nan if restored is None else days - restored / DAY
    return {
        "national": _national_table(national_runs, horizon),
        "national_backlog": pd.DataFrame(
            backlog_rows,
            columns=[
                "replication",
                "day",
                "backlog",
                "no_outage_backlog",
                "rekeying_debt",
                "rekeying_debt_hours",
            ],
        ),
        "pdus": _pdu_table(service, pdu_runs),
        "pdu_runs": pdu_runs,
    }


def _national_table(runs: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """Each measure over replications; a time to recover not reached by the end of the run is
    counted at the end (``horizon`` days after restoration), as in a comparison, so with any not
    recovered its mean is a lower bound (``not_recovered`` says how many)."""
    rows = []
    for name, group in runs.groupby("measure", sort=False):
        values = group["value"].to_numpy()
        censored = np.isnan(values)
        if name == RECOVERY:
            values = np.where(censored, horizon, values)
        m = measure(str(name))
        rows.append(
            (
                name,
                m.label,
                m.unit,
                m.pooled,
                float(values.mean()),
                float(values.min()),
                float(values.max()),
                int(censored.sum()) if name == RECOVERY else None,
            )
        )
    return pd.DataFrame(
        rows,
        columns=["measure", "label", "unit", "pooled", "mean", "low", "high", "not_recovered"],
    )


def _pdu_table(service: NationalService, pdu_runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    by_pdu = dict(tuple(pdu_runs.groupby("pdu", sort=False)))
    for pdu in service.pdus:
        staffing = pdu.scenario.office.staffing
        row: dict[str, object] = {
            "pdu": pdu.name,
            "cases": pdu.cases,
            "posts": sum(staffing.role(role).count for role in ROLES),
            "staff_in_post": headcount(pdu.scenario),
            "practitioner_vacancy_rate": pdu.vacancy_rate,
            "seed": pdu.seed,
        }
        for name, group in by_pdu.get(pdu.name, pdu_runs.iloc[:0]).groupby("measure", sort=False):
            values = group["value"].to_numpy()
            if name == RECOVERY:
                row["time_to_recover_p50"] = nearest_rank(values, 50)
                row["replications_not_recovered"] = int(np.isnan(values).sum())
            else:
                row[str(name)] = float(values.mean())
        rows.append(row)
    return pd.DataFrame(rows)
