"""A run that cannot hold a worker: floors on what the model schedules, and a watchdog on the
SimPy loop.

The floors on work and follow-ups (:mod:`sim.domain.floors`) keep every piece of work and
every resend moving the clock on; this module stops a run that makes no progress all the same.

The watchdog (:func:`run_until`) steps SimPy's event loop as ``Environment.run`` does, and every
``CHECK_EVERY`` events looks at what the run has done:

* no progress in simulated time: more than ``MAX_EVENTS_AT_ONE_MOMENT`` events at one simulated
  instant (the reference office processes about 200 at its busiest instant, S1's London-size
  office about 4,000) stops the run
  with :class:`~sim.domain.errors.RunLimitError`, naming the rule whose events repeat and the
  scenario's field to change;
* the run's limits (:class:`RunLimits`): at most so many events, or so many CPU-seconds, for
  the run; past either, the run stops with the same error, so a very long run in the app frees
  its worker for the other users' runs.

The checks cost one comparison per ``CHECK_EVERY`` events; results are identical to
``Environment.run`` (the same stop event, at the same priority).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import simpy
from simpy.core import URGENT, EmptySchedule, StopSimulation
from simpy.events import Event

from sim.domain.calendar import moment_words
from sim.domain.errors import RunLimitError

CHECK_EVERY = 4_096
MAX_EVENTS_AT_ONE_MOMENT = 2_000_000

# The model's rules whose events can repeat, and the scenario's fields that drive them.
_FIELDS = {
    "disruptions": "outages.email_loss (lost_share, detection_days) and the durations of "
    "recall_request and risk_escalation in tasks",
    "fallback": "caseload.risk_check_max_wait_minutes and the outages that hold risk checks",
    "logins": "outages.login_cap and the plan's login_rota.slot_hours",
    "office_cap": "outages.office_cap",
    "supervision": "caseload.contact_interval_days and caseload.appointment_max_wait_minutes",
    "working_day": "the durations in tasks (duration.mean_minutes)",
    "case_events": "caseload (contact intervals and rates per case)",
    "intake": "caseload.new_cases_per_week",
}


@dataclass(frozen=True)
class RunLimits:
    """What one run may spend before it is stopped (None: no limit)."""

    max_events: int | None = None
    max_cpu_seconds: float | None = None

    def words(self) -> str:
        parts = []
        if self.max_events is not None:
            parts.append(f"{self.max_events:,} events")
        if self.max_cpu_seconds is not None:
            parts.append(f"{self.max_cpu_seconds:g} CPU-seconds")
        return " or ".join(parts) or "no limit"


NO_LIMITS = RunLimits()


Busiest = Callable[[], "tuple[str, int] | None"]  # the task most made at this instant, and how many


def run_until(
    env: simpy.Environment, at: float, limits: RunLimits = NO_LIMITS, busiest: Busiest | None = None
) -> None:
    """Run ``env`` until simulated time ``at``, as ``env.run(until=at)`` does, under the
    watchdog. ``busiest`` says which task's work items the
    current instant made most of, to name a loop in the scenario's words."""
    until = Event(env)
    until._ok = True
    until._value = None
    env.schedule(until, URGENT, at - env.now)
    until.callbacks.append(StopSimulation.callback)
    step = env.step
    started_cpu, cpu, process = time.process_time(), 0.0, os.getpid()
    events = 0
    moment, at_moment = env.now, 0
    try:
        while True:
            for _ in range(CHECK_EVERY):
                step()
            events += CHECK_EVERY
            if env.now == moment:
                at_moment += CHECK_EVERY
                if at_moment > MAX_EVENTS_AT_ONE_MOMENT:
                    raise RunLimitError(_no_progress(env, at_moment, busiest))
            else:
                moment, at_moment = env.now, 0
            if os.getpid() != process:  # forked mid-run (runs sharing a past parted): a child's
                # clock starts again at zero, so its run counts on from the CPU seen before
                process, started_cpu = os.getpid(), time.process_time() - cpu
            cpu = time.process_time() - started_cpu
            _check_limits(env, limits, events, cpu)
    except StopSimulation:
        return
    except EmptySchedule:
        raise RuntimeError(
            f"no events left before {moment_words(at)}: the run's clock stopped"
        ) from None


def _check_limits(env: simpy.Environment, limits: RunLimits, events: int, cpu: float) -> None:
    over = (limits.max_events is not None and events > limits.max_events) or (
        limits.max_cpu_seconds is not None and cpu > limits.max_cpu_seconds
    )
    if over:
        raise RunLimitError(
            f"the run was stopped at day {int(env.now // 1440)} of its simulation: it passed "
            f"this run's limit of {limits.words()} ({events:,} events, {cpu:.0f} CPU-seconds so "
            "far). Fix: a smaller office (caseload.cases), fewer weeks, or shorter task "
            "durations; or run it from the command line (python -m sim compare), which has no "
            "such limit."
        )


def _no_progress(env: simpy.Environment, events: int, busiest: Busiest | None) -> str:
    rule = _looping_rule(env)
    field = _FIELDS.get(rule.rsplit(".", 1)[0].rsplit(".", 1)[-1], "the scenario's durations")
    made = busiest() if busiest is not None else None
    if made is not None:
        task, count = made
        what = f", making {count:,} {task} work items at that moment"
        own = f"tasks.{task}.duration.mean_minutes"
        field = own if rule.endswith("working_days") else f"{own} or {field}"
    else:
        what = ""
    return (
        f"the run made no progress: {events:,} events at one simulated moment "
        f"({moment_words(env.now)}), repeated by the "
        f"model's rule {rule}{what}. Fix: change {field} so that it takes some time."
    )


def _looping_rule(env: simpy.Environment) -> str:
    """The model function most scheduled at the current instant (the rule that repeats)."""
    found: Counter[str] = Counter()
    for when, _priority, _eid, event in env._queue:  # SimPy's heap: no public view of it
        if when != env.now:
            continue
        for callback in event.callbacks or ():
            found[_name(callback)] += 1
    # staff doing work are at every busy instant: name the rule that makes the work, if any
    ranked = [name for name, _ in found.most_common()]
    rules = [name for name in ranked if not name.endswith("working_day.working_days")]
    return (rules or ranked or ["unknown"])[0]


def _name(callback: object, depth: int = 0) -> str:
    """The model function behind a scheduled callback: through partials, bound methods, the
    lambdas that wrap a callback, and SimPy processes (their generator)."""
    inner = _model_function(callback, depth)
    return inner or str(getattr(callback, "__qualname__", type(callback).__name__))


def _model_function(obj: object, depth: int) -> str | None:
    if depth > 4 or obj is None:
        return None
    generator = getattr(getattr(obj, "__self__", None), "_generator", None)
    if generator is not None:  # a SimPy process resuming: name its generator
        code = generator.gi_code
        return (
            f"{generator.gi_frame.f_globals.get('__name__', '')}.{code.co_name}"
            if (generator.gi_frame is not None)
            else code.co_name
        )
    code = getattr(obj, "__code__", None)
    module = getattr(obj, "__module__", "") or ""
    if code is not None and module.startswith("sim.") and "<lambda>" not in code.co_name:
        return f"{module}.{obj.__qualname__}"  # type: ignore[attr-defined]
    for nested in (
        getattr(obj, "func", None),
        getattr(obj, "__func__", None),
        *(getattr(obj, "args", None) or ()),
        *(cell.cell_contents for cell in (getattr(obj, "__closure__", None) or ())),
    ):
        if callable(nested):
            found = _model_function(nested, depth + 1)
            if found:
                return found
    return None
