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

# The drill as HSEEP structures an exercise: a date, a controller and an evaluator, objectives
# tied to capabilities, the players' expected actions on an inject, critical tasks per capability
EVALUATED = (
    SMALL.replace("name: Small drill\n", "name: Small drill (evaluated)\ndate: 2027-03-10\n")
    .replace(
        "  - {name: Team manager, role: player}\n",
        "  - {name: Team manager, role: player}\n"
        "  - {name: Senior probation officer, role: controller}\n"
        "  - {name: Continuity evaluator, role: evaluator}\n",
    )
    .replace(
        "    told: The case system has failed.\n",
        "    told: The case system has failed.\n"
        "    expected_actions: [Start the paper fallback, Tell reception who is due today]\n",
    )
    .replace(
        "capabilities:\n  - name: Continuity of supervision\n",
        """capabilities:
  - name: Continuity of supervision
    critical_tasks:
      - Print the day lists before the system fails
      - Check risk before every contact
  - name: Staff workload
    critical_tasks: [Plan the catch-up in paid hours]
objectives:
  - id: keep-seeing-people
    text: Keep seeing people with a current risk check while NDelius is down.
    capabilities: [Continuity of supervision]
  - id: catch-up-in-paid-hours
    text: Plan the catch-up within contracted or paid hours.
    capabilities: [Staff workload, Continuity of supervision]
""",
    )
)

# One line of an improvement plan with every HSEEP column (an Action's fields)
PLANNED = {
    "issue": "Risk checks were missed while NDelius was down",
    "action": "Print a risk register before every planned downtime",
    "capability": "Continuity of supervision",
    "organisation": "National Probation Service",
    "owner": "Senior probation officer",
    "start": "2027-04-01",
    "due": "2027-05-01",
}
