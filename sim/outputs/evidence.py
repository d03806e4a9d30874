"""Evidence that carries where it came from: provenance columns on every table handed out, and
the evidence pack that answers a claim so anyone can check it.

Every table a user downloads names the experiment it belongs to, row by row: the scenario and
its digest, the plan, the replication (or how many replications a mean is over), the seed, the
simulator's version and the run id (:func:`with_provenance`). A claim's answer downloads as an
**evidence pack** (:func:`evidence_pack`, a zip made in memory): its sentence, probability and
interval, the value in each replication, the experiment's manifest, the scenario and plans as
they ran (YAML), and the commands that reproduce the answer from the saved run and from nothing.
"""

from __future__ import annotations

import io
import json
import shlex
import zipfile

import pandas as pd

from sim.outputs.claims import Claim, ClaimAnswer
from sim.outputs.readable import CONVENTIONS
from sim.results.measures import label
from sim.scenario.library import file_name

PROVENANCE = ("scenario", "scenario_hash", "seed", "version", "run_id")


def with_provenance(
    table: pd.DataFrame,
    manifest: dict,
    plan: str | None = None,
    replication: int | str | None = None,
) -> pd.DataFrame:
    """``table`` with the experiment's provenance as its first columns: scenario, scenario
    digest, plan and replication (unless the table has its own), seed, version, run id; and
    beside a ``measure`` column, the measure in words with its unit."""
    out = table.copy()
    if "measure" in out.columns and "measure_words" not in out.columns:
        out.insert(
            list(out.columns).index("measure") + 1, "measure_words", out["measure"].map(label)
        )
    given = {
        "scenario": manifest.get("scenario", ""),
        "scenario_hash": manifest.get("scenario_hash", ""),
        "plan": plan,
        "replication": replication,
        "seed": manifest.get("seed"),
        "version": manifest.get("version", ""),
        "run_id": manifest.get("run_id") or "not saved",
    }
    front = []
    for name, value in given.items():
        if name in out.columns:
            front.append(name)
        elif value is not None:
            out.insert(len(front), name, value)
            front.append(name)
    return out[front + [c for c in out.columns if c not in front]]


def claim_command(claim: Claim, run_id: str, store: str = "results") -> str:
    """The command that answers ``claim`` again from the saved run."""
    parts = [
        "python",
        "-m",
        "sim",
        "claim",
        run_id,
        "--plan",
        claim.plan,
        "--measure",
        claim.measure,
        "--comparison",
        claim.comparison,
        "--threshold",
        f"{claim.threshold:g}",
    ]
    if claim.role:
        parts += ["--role", claim.role]
    if claim.against != "threshold":
        parts += ["--against", claim.against]
    return shlex.join(parts + ["--store", store])


def evidence_pack(answer: ClaimAnswer, manifest: dict) -> bytes:
    """A zip of everything behind a claim's answer (see the module's docstring)."""
    claim = answer.claim
    run_id = manifest.get("run_id")
    plans = manifest.get("plans", [])
    plan_files = [f"plans/{i + 1:02d}-{file_name(name)}.yaml" for i, name in enumerate(plans)]
    from_nothing = shlex.join(
        [
            "python",
            "-m",
            "sim",
            "compare",
            "scenario.yaml",
            "--plans",
            ",".join(plan_files),
            "--reps",
            str(manifest.get("replications")),
            "--seed",
            str(manifest.get("seed")),
            "--weeks",
            str(manifest.get("weeks")),
        ]
    )
    again = claim_command(claim, run_id) if run_id else None
    on_new_run = claim_command(claim, "RUN_ID")
    replications = with_provenance(answer.evidence, manifest, plan=claim.plan)
    summary = {
        "claim": claim.model_dump(mode="json"),
        "sentence": answer.sentence(),
        "probability": answer.probability,
        "interval_95": [answer.low, answer.high],
        "holds_in": answer.holds_in,
        "replications": answer.replications,
        "convention": CONVENTIONS["wilson"],
        **{
            k: manifest.get(k)
            for k in ("scenario", "scenario_hash", "plans", "seed", "weeks", "version", "run_id")
        },
    }
    readme = "\n".join(
        [
            "Evidence pack: a workload claim tested on a probation continuity simulation",
            "",
            answer.sentence(),
            "",
            f"Scenario: {manifest.get('scenario')} (digest {manifest.get('scenario_hash')})",
            f"Plans: {', '.join(plans)}",
            f"Replications: {manifest.get('replications')} x {manifest.get('weeks')} weeks, "
            f"seed {manifest.get('seed')}, simulator version {manifest.get('version')}, "
            f"run {run_id or 'not saved'}",
            "The run's weeks and seed are those above; scenario.yaml keeps the scenario's own "
            "run settings, which the commands below override with --weeks and --seed.",
            "",
            CONVENTIONS["wilson"],
            (
                "Against the no-outage run: each replication's value minus the same replication's "
                "value without the outage (same random numbers), so the difference is the outage's "
                "and the plan's doing."
                if claim.against == "no_outage"
                else "The claim is tested on the plan's own value in each replication."
            ),
            "",
            "Files:",
            "  claim.json        the claim, its answer and the experiment it was tested on",
            "  replications.csv  each replication's value and whether the claim held",
            "  manifest.json     everything the numbers depend on (seed, version, digests)",
            "  scenario.yaml     the scenario exactly as it ran",
            "  plans/*.yaml      the plans exactly as they ran",
            "",
            "Reproduce:",
            *([f"  from the saved run:  {again}"] if again else []),
            f"  from nothing (in this folder):  {from_nothing}",
            f"  then, with the run id it prints:  {on_new_run}",
            *(
                [f"  check every number of the saved run:  python -m sim rerun {run_id}"]
                if run_id
                else []
            ),
            "",
        ]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("README.txt", readme)
        pack.writestr("claim.json", json.dumps(summary, indent=2, default=str) + "\n")
        pack.writestr("replications.csv", replications.to_csv(index=False))
        pack.writestr("manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
        if manifest.get("scenario_yaml"):
            pack.writestr("scenario.yaml", manifest["scenario_yaml"])
        for name, text in zip(plan_files, manifest.get("plans_yaml", []), strict=False):
            pack.writestr(name, text)
    return buffer.getvalue()
