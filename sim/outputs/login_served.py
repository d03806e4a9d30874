"""Whom a login cap served, plan by plan: a plan's result under a cap read beside it.

A rota (or first come) is judged by the backlog and risk checks it gives, but those depend on
who got the sessions: a strict order that starves a role, or first come favouring whoever logs
in first, shows here. From an experiment's ``login_roles`` table (one row per run, capped window
and role), :func:`served_by_role` gives, per plan and role, the means over replications of the
sessions given, session hours, hours worked in the capped windows and hours lost waiting for a
login; :func:`unserved_sentences` names every role at work that got no session or did no work.
"""

from __future__ import annotations

import pandas as pd

from sim.domain.vocabulary import pretty

SERVED_COLUMNS = {
    "plan": "plan",
    "role": "role",
    "people": "people",
    "sessions_given": "sessions given",
    "session_hours": "session hours",
    "task_hours": "hours worked in the cap",
    "login_wait_hours": "hours lost waiting for a login",
}
CAPTION = (
    "Under the login cap, per role: the sessions given (first-come logins or rota slots), the "
    "hours they were held, the hours worked while the cap was in force and the hours lost "
    "waiting for a login (idle with work set aside for one); means over replications."
)


def served_by_role(login_roles: pd.DataFrame, plans: list[str] | None = None) -> pd.DataFrame:
    """Per plan and role, summed over the capped windows and averaged over replications."""
    if login_roles.empty:
        return pd.DataFrame(columns=list(SERVED_COLUMNS.values()))
    per_run = login_roles.groupby(["plan", "replication", "role"], sort=False).agg(
        people=("people", "max"),
        sessions_given=("sessions_given", "sum"),
        session_hours=("session_hours", "sum"),
        task_hours=("task_hours", "sum"),
        login_wait_hours=("login_wait_hours", "sum"),
    )
    means = per_run.groupby(["plan", "role"], sort=False).mean().reset_index()
    if plans is not None:
        order = {name: i for i, name in enumerate(plans)}
        means = means[means["plan"].isin(order)]
        means = means.sort_values("plan", key=lambda s: s.map(order), kind="stable")
    means["role"] = means["role"].map(pretty)
    return means[list(SERVED_COLUMNS)].rename(columns=SERVED_COLUMNS).reset_index(drop=True)


def unserved_sentences(served: pd.DataFrame) -> list[str]:
    """A sentence for each plan and role with people but, on average, no session or no work in
    the cap, saying both: no session and no work (the role stood idle), no session but some work
    (done without the system: on paper, by phone, or work that needs none), or sessions but no
    work."""
    found = []
    for _, row in served.iterrows():
        if row["people"] <= 0:
            continue
        plan, role, worked = row["plan"], row["role"], row["hours worked in the cap"]
        if row["sessions given"] < 0.5 and worked < 0.05:
            found.append(f"Under {plan}, {role}s had no session in the cap and did no work in it.")
        elif row["sessions given"] < 0.5:
            found.append(
                f"Under {plan}, {role}s had no session in the cap; they worked {worked:,.1f} "
                "hours in it without the system (on paper, by phone, or on work that needs none)."
            )
        elif worked < 0.05:
            found.append(f"Under {plan}, {role}s were given sessions but did no work in the cap.")
    return found
