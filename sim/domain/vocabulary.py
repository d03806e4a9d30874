"""The domain's words as types: RoSH levels, roles, systems, task names.

Every scenario and plan model is built from these, so a name used in a file (a role, a system,
a task) is checked against one list.
"""

from __future__ import annotations

from typing import Literal, get_args

RoSH = Literal["low", "medium", "high", "very_high"]
ROSH_LEVELS: tuple[RoSH, ...] = get_args(RoSH)

Role = Literal[
    "probation_officer",
    "probation_services_officer",
    "senior_probation_officer",
    "reception",
    "court_admin",
    "case_admin",
]
ROLES: tuple[Role, ...] = get_args(Role)
PractitionerRole = Literal["probation_officer", "probation_services_officer"]
PRACTITIONER_ROLES: tuple[PractitionerRole, ...] = get_args(PractitionerRole)

System = Literal[
    "case_system", "assessment_system", "email", "court_feed", "cross_organisation_access"
]
SYSTEMS: tuple[System, ...] = get_args(System)

TaskName = Literal[
    "reception_check_in",
    "risk_check",
    "supervision_contact",
    "contact_recording",
    "enforcement_action",
    "breach_action",
    "court_results_entry",
    "case_allocation",
    "appointment_letter",
    "recall_request",
    "risk_escalation",
    "assessment_review",
    "case_transfer",
    "paper_rekeying",
    "record_reconstruction",
]
TASK_NAMES: tuple[TaskName, ...] = get_args(TaskName)
# The tasks whose finished work is a record that an IT failure can make inaccessible, so that
# it must be done again (a ``work_lost`` disruption)
RecordTask = Literal[
    "contact_recording",
    "enforcement_action",
    "breach_action",
    "court_results_entry",
    "appointment_letter",
    "assessment_review",
    "case_transfer",
]
RECORD_TASK_NAMES: tuple[RecordTask, ...] = get_args(RecordTask)

# Each task in the office's words, as a plural (a warning names the work: "transfer forms")
TASK_WORDS: dict[str, str] = {
    "reception_check_in": "reception check-ins",
    "risk_check": "risk checks",
    "supervision_contact": "supervision contacts",
    "contact_recording": "contact records",
    "enforcement_action": "enforcement actions",
    "breach_action": "breach actions",
    "court_results_entry": "court results",
    "case_allocation": "case allocations",
    "appointment_letter": "appointment letters",
    "recall_request": "recall requests",
    "risk_escalation": "risk escalations",
    "assessment_review": "assessment reviews",
    "case_transfer": "transfer forms",
    "paper_rekeying": "paper records to re-key",
    "record_reconstruction": "lost records to rebuild",
}
assert tuple(TASK_WORDS) == TASK_NAMES, "every task has its words"

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def pretty(name: object) -> str:
    """A name from the vocabulary in words: ``probation_officer`` -> ``probation officer``."""
    return str(name).replace("_", " ")


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is one: "1 strength", "2 strengths",
    "3 areas for improvement" (``plural`` where adding an s is wrong)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
