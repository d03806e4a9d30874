"""A small tabletop exercise for tests: the reference office over 3 weeks, an outage inject, a
news inject and two decision points with two options each, and a file of decisions for it."""

from __future__ import annotations

from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-office.yaml"

SMALL = f"""\
name: Small drill
scenario: {REFERENCE}
starts_at: {{day: 7, hour: 9}}
replications: 2
weeks: 3
participants:
  - {{name: Facilitator, role: facilitator}}
  - {{name: Team manager, role: player}}
injects:
  - id: case-system-down
    at: {{day: 8, hour: 9}}
    title: NDelius down
    told: The case system has failed.
    effect:
      down:
        - {{system: case_system, start: {{day: 8, hour: 9}}, duration_days: 3}}
  - id: press
    at: {{day: 12, hour: 9}}
    title: Press call
    told: A journalist asks about the outage.
decision_points:
  - id: fallback
    at: {{day: 9, hour: 9}}
    question: Paper or wait?
    options:
      - name: Wait
      - name: Paper
        levers: {{paper_fallback: {{}}}}
  - id: overtime
    at: {{day: 14, hour: 9}}
    question: Overtime?
    options:
      - name: Carry on as now
      - name: Overtime
        levers: {{overtime: {{hours_per_week: 5}}}}
capabilities:
  - name: Continuity of supervision
"""

# The drill with a third option at its first decision that has nothing to act on (no email outage)
PHONE = SMALL.replace(
    "      - name: Paper\n        levers: {paper_fallback: {}}\n",
    "      - name: Paper\n        levers: {paper_fallback: {}}\n"
    "      - name: Phone\n        levers: {alternative_channel: {}}\n",
)

DECISIONS = """\
decisions:
  - {point: fallback, option: Paper, by: Team manager, why: keep going}
  - {point: overtime, option: Overtime, by: Team manager, why: catch up}
ratings:
  - {capability: Continuity of supervision, rating: S, observation: slow start}
actions:
  - {action: Print day lists, owner: Reception, due: 2027-01-15}
"""
