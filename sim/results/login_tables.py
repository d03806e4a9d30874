"""The login caps' tables: each capped window's use, and whom it served, by role.

* ``login_sessions``: one row per capped window: the cap, the allocation used (first come, a
  rota, or one then the other when a lever was pulled mid-window), the most sessions in use,
  session hours and the hours lost waiting for a login.
* ``login_roles``: one row per window and role: the people of the role, the sessions they were
  given (first-come logins or rota slots), their session hours, login wait hours and the hours
  they worked in the window, so a rota's result can be read beside whom it served.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from sim.model.logins import LoginCaps


def login_sessions_table(caps: LoginCaps) -> pd.DataFrame:
    """One row per capped window: the cap, its use and the time lost waiting for one."""
    rows = [
        (
            w.system,
            w.start,
            w.end,
            w.sessions,
            caps.headcount,
            ", then ".join(w.allocations) or "first come",
            w.peak_in_use,
            w.session_minutes / 60.0,
            w.wait_minutes / 60.0,
        )
        for w in caps.windows
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "system",
            "start_minute",
            "end_minute",
            "sessions",
            "headcount",
            "allocation",
            "peak_sessions_in_use",
            "session_hours",
            "login_wait_hours",
        ],
    )


LOGIN_ROLE_COLUMNS = (
    "window",
    "system",
    "role",
    "people",
    "sessions_given",
    "session_hours",
    "login_wait_hours",
    "task_hours",
)


def login_roles_table(caps: LoginCaps) -> pd.DataFrame:
    """One row per capped window and role: the people of the role in the office, the
    sessions they were given (first-come logins or rota slots), their session hours, the
    hours they lost waiting for a login and the hours they worked during the window."""
    headcount = Counter(s.role for s in caps.staff)
    rows = []
    for i, w in enumerate(caps.windows):
        for role in sorted(headcount):
            got = w.by_role.get(role, {})
            rows.append(
                (
                    i,
                    w.system,
                    role,
                    headcount[role],
                    int(got.get("sessions", 0.0)),
                    got.get("session_minutes", 0.0) / 60.0,
                    got.get("wait_minutes", 0.0) / 60.0,
                    got.get("task_minutes", 0.0) / 60.0,
                )
            )
    return pd.DataFrame(rows, columns=list(LOGIN_ROLE_COLUMNS))
