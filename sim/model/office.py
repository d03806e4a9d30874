"""The office: its SimPy environment, staff, queues, cases and the ledger of all work.

:class:`OfficeModel` is the shared state of one run. Task flows (:mod:`sim.model.supervision`,
:mod:`sim.model.intake`, :mod:`sim.model.case_events`) create work through
:meth:`OfficeModel.new_item`
and hand it to a queue with :meth:`OfficeModel.release`; staff take it with
:meth:`~sim.model.dispatch.Dispatcher.take`.

Routing: team tasks (reception check-in, court results entry, case allocation, appointment
letters) go to one queue per task, served by every role the task names; all other work goes to
the practitioner holding the case, except urgent work (recall requests and risk escalations)
whose holder is not at work that day or has left for it, which goes to the duty queue of the
holder's role.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import simpy

from sim.domain.calendar import DAY, HOUR, Calendar
from sim.model import late_hours, office_cap
from sim.model.caseload import Allocator, Case
from sim.model.dispatch import Dispatcher
from sim.model.disrupted import disrupted_anyway
from sim.model.fallback import resend_by_phone, work_without_systems
from sim.model.logins import LoginCaps
from sim.model.plan_branches import PlanInForce
from sim.model.protocol import Office
from sim.model.random_streams import DurationSampler, Streams, UniformSampler
from sim.model.roster import build_people, mutual_aid_people, team_posts
from sim.model.staff import Staff
from sim.model.systems import Access, SystemsLayer, systems_needed
from sim.model.work import Appointment, WorkItem, WorkQueue, case_of
from sim.scenario.plans import DO_NOTHING, Levers
from sim.scenario.schema import PRACTITIONER_ROLES, ROLES, TEAM_TASKS, Scenario, headcount

URGENT_TASKS = frozenset({"recall_request", "risk_escalation"})
HELPER_LOOKS_EVERY = 30.0  # minutes between an idle mutual-aid worker's looks for overdue work


class OfficeModel(Dispatcher):
    """Everything one run shares: clock, calendar, staff, queues, cases and the work ledger."""

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        calendar: Calendar,
        systems: SystemsLayer,
        horizon_days: int,
        plan: PlanInForce = DO_NOTHING,
    ):
        super().__init__(simpy.Environment(), systems)
        self.scenario = scenario
        self.plan = plan
        self.plan_pulls_levers = plan.pulls_any()
        self.idle_switches = 0  # moments another plan's levers changed (a shared past)
        self.email_draw: Callable[[], float] = UniformSampler(streams.generator("email"))
        self.rekey_error_draw: Callable[[], float] = UniformSampler(
            streams.generator("rekey_errors")
        )
        self.streams = streams
        self.calendar = calendar
        self.horizon_days = horizon_days
        self.weeks = (horizon_days + 6) // 7
        self.items: list[WorkItem] = []
        self.cases: list[Case] = []
        self.next_case_id = 0
        self.counts: Counter[str] = Counter()
        self.tasks = {name: scenario.tasks.get(name) for name in type(scenario.tasks).model_fields}
        # per task: priority, systems, duration sampler, and its deadline (hours, or working days)
        self._task_info = {
            name: (
                task.priority,
                task.systems,
                DurationSampler(task.duration, streams.generator(f"duration:{name}")),
                None if task.deadline.hours is None else task.deadline.hours * HOUR,
                task.deadline.working_days or 0,
            )
            for name, task in self.tasks.items()
        }
        people = build_people(scenario, calendar, horizon_days, streams.generator)
        self.team_posts = team_posts(scenario)  # each team's practitioner posts (its patch)
        self.staff = [Staff(p, self.weeks) for p in people]
        # the office's own filled posts: what a share-of-staff cap or an office cap is out of
        self.headcount = headcount(scenario)
        self.by_role: dict[str, list[Staff]] = {role: [] for role in ROLES}
        for s in self.staff:
            self.by_role[s.role].append(s)
        # Holders are allocated among the office's own staff, before any mutual aid arrives.
        self.allocator = Allocator(
            self.by_role, scenario.caseload.holder_roles, scenario.office.team_tolerance
        )
        for person in mutual_aid_people(scenario, plan, calendar, horizon_days, len(self.staff)):
            helper = Staff(person, self.weeks)
            helper.helper = True
            self.staff.append(helper)
            self.by_role[helper.role].append(helper)
        self.team_queues = {task: WorkQueue(f"team:{task}") for task in TEAM_TASKS}
        self.duty_queues = {role: WorkQueue(f"duty:{role}") for role in PRACTITIONER_ROLES}
        for s in self.staff:
            s.queues.extend(
                q
                for task, q in sorted(self.team_queues.items())
                if s.role in self.tasks[task].roles
            )
            if s.role in self.duty_queues:
                s.queues.append(self.duty_queues[s.role])
        self.appointments_booked: dict[tuple[int, int], int] = defaultdict(int)
        self.cover_turn: dict[str, int] = {
            role: 0 for role in ROLES
        }  # next colleague asked to cover
        # Diaries: day -> cases with a contact, an assessment review or an order end that day.
        self.contact_buckets: dict[int, list[Case]] = {}
        self.review_buckets: dict[int, list[Case]] = {}
        self.end_buckets: dict[int, list[Case]] = {}
        # Cases on the books, in an order that depends only on demand (for random picks).
        self.active_cases: list[Case] = []
        self._active_index: dict[int, int] = {}
        self.logins = LoginCaps(scenario, plan, self.headcount, calendar, self.staff)
        # work held back (parked for its systems, set aside for a login or a day in the
        # office, a risk check held for its information): item id -> (item, queue, token)
        self.on_hold: dict[int, tuple[WorkItem, WorkQueue | None, int]] = {}
        self._holds = 0
        # Anything to check before each task: an outage, or a plan that changes how work is done.
        self.disrupted = self.plan_pulls_levers or disrupted_anyway(scenario, systems)

    # ----- plan ---------------------------------------------------------------------------
    def levers(self) -> Levers:
        """The plan's levers in force now."""
        return self.plan.levers_at(self.env.now)

    def schedule_switches(self) -> None:
        """Put each moment the plan's levers change on the clock, so they act from then."""
        for t in self.plan.change_minutes():
            self.at(t, partial(self._switch, t))

    def _switch(self, t: float) -> None:
        """A moment the levers may change: they do under this plan, or under another plan
        sharing this run's past, which then does nothing here (counted in ``idle_switches``,
        so the run counts the events an unshared run of its plan processes)."""
        if self.plan.changes_at(t):
            self.levers_changed()
        else:
            self.idle_switches += 1

    def levers_changed(self) -> None:
        """The plan's levers have just changed: a lever acts from the moment it is pulled, so
        a login rota replaces the allocation now, staff at home get the kit the plan now gives,
        and all work held back is looked at again under the new levers (parked work may now
        go on paper or by phone)."""
        self.logins.levers_changed(self)
        office_cap.levers_changed(self)
        held, self.on_hold = self.on_hold, {}
        for person in self.staff:
            person.set_aside = []
        self.logins.forget_set_aside()
        for item, queue, _token in held.values():
            self.release(item, queue)

    # ----- work held back -----------------------------------------------------------------
    def hold(self, item: WorkItem, queue: WorkQueue | None = None) -> int:
        """Hold ``item`` back (from ``queue``, or its own queue) until :meth:`resume` is called
        with the token returned."""
        self._holds += 1
        self.on_hold[item.id] = (item, queue, self._holds)
        return self._holds

    def resume(self, item: WorkItem, token: int | None = None) -> None:
        """Return a held item to its queue, unless it was resumed already (or held again since:
        an older ``token`` then does nothing)."""
        held = self.on_hold.get(item.id)
        if held is not None and (token is None or held[2] == token):
            del self.on_hold[item.id]
            self.release(item, held[1])

    def last_print(self, refresh_days: float, now: float) -> float | None:
        """When the risk register in hand was printed: the latest scheduled print (every
        ``refresh_days`` from the start) at which the case and assessment systems were up."""
        period = refresh_days * DAY
        t = (now // period) * period
        while t >= 0:
            if not self.systems.access(("case_system", "assessment_system"), t).missing:
                return t
            t -= period
        return None

    def risk_information_available(self, case: Case, staff: Staff) -> bool:
        """Whether ``staff`` could do ``case``'s risk check from the systems now (systems up,
        the record there, kit at home, a login session or slot under a cap)."""
        task = self.tasks["risk_check"]
        needs = systems_needed(task.systems, case.organisation, staff.organisation)
        now = self.env.now
        if case.record_lost or self.systems.access(needs, now).missing:
            return False
        if staff.at_home and not staff.home_kit and needs:
            return False
        return self.logins.can_use(staff, needs, now)

    def information_back_at(self, missing: tuple[str, ...], now: float) -> float:
        """When work lacking ``missing`` may next be possible: the return of the systems that
        are down, else the next rota slot of a capped system (inf: nothing to wait for, such
        as a lost record or no kit at home)."""
        down = tuple(m for m in missing if self.systems.down_until(m, now) is not None)
        if down:
            return self.systems.back_at(down, now)
        slot = self.logins.next_slot(missing, now)
        return math.inf if slot is None else slot

    def take_as_helper(self, staff: Staff) -> WorkItem | None:
        """Mutual aid: their own queues first, then the most pressing overdue item in a
        colleague's queue (never a step of an appointment someone is waiting for)."""
        item = self.take(staff)
        if item is not None:
            return item
        now = self.env.now

        def overdue(it: WorkItem) -> bool:
            return it.due < now and it.arrived is None

        best = None
        for colleague in self.by_role[staff.role]:
            found = None if colleague.helper else colleague.own_queue.first_where(overdue)
            if found is not None and (best is None or found[0] < best[0][0]):
                best = (found, colleague.own_queue)
        if best is None:
            self.at(now + HELPER_LOOKS_EVERY, lambda: self.wake_up(staff))
            return None
        (_, i), queue = best
        self.counts["items_taken_by_mutual_aid"] += 1
        return queue.remove_at(i)

    def plan_work(self, item: WorkItem, staff: Staff) -> float | None:
        """Minutes ``staff`` will spend on ``item`` now, given the systems; None: parked."""
        by_phone = resend_by_phone(self, item)
        if by_phone is not None:
            return by_phone
        case = item.case
        needs = systems_needed(
            item.systems, case.organisation if case else None, staff.organisation
        )
        access = self.systems.access(needs, self.env.now)
        if item.task == "risk_check" and case is not None:
            if item.appointment is not None and item.appointment.gave_up:
                return work_without_systems(self, item, staff, Access(tuple(needs)))
            if case.record_lost:
                access = Access(access.missing + ("case_record",), access.slowdown)
        if staff.at_home and not staff.home_kit and needs:  # at home without kit
            return work_without_systems(
                self,
                item,
                staff,
                Access(tuple(needs)),
                set_aside=lambda it, token: staff.set_aside.append((it, token)),
            )
        if access.missing:
            return work_without_systems(self, item, staff, access)
        admitted = self.logins.admit(item, staff, needs, self.env.now)
        if admitted.blocked is not None:
            return work_without_systems(
                self, item, staff, Access((admitted.blocked,)), set_aside=admitted.set_aside
            )
        if admitted.extra_minutes:  # a risk check done through a colleague with a session
            return item.duration + admitted.extra_minutes
        return item.duration * access.slowdown

    # ----- staying late (sim.model.late_hours) ----------------------------------------
    def unpaid_stay(self, staff: Staff, day_end: float) -> float:
        return late_hours.unpaid_stay(self, staff, day_end)

    def has_work_to_clear(self, staff: Staff, day_end: float) -> bool:
        return late_hours.has_work_to_clear(staff, day_end)

    def overtime_granted(self, staff: Staff, day_end: float) -> float:
        if not self.plan_pulls_levers:
            return 0.0
        return late_hours.overtime_granted(self, staff, day_end)

    def system_failed(self, system: str) -> None:
        """Work in progress that needs ``system`` stops (see :mod:`sim.model.fallback`)."""
        for person in self.staff:
            item = person.current
            if item is None or item.how == "paper" or person.breaking_off:
                continue
            case = item.case
            needs = systems_needed(
                item.systems, case.organisation if case else None, person.organisation
            )
            if system in needs:
                person.breaking_off = True
                person.process.interrupt(system)

    # ----- work items -------------------------------------------------------------------
    def due_after(self, task: str, t: float) -> float:
        """When work of ``task`` created at minute ``t`` falls due."""
        _, _, _, within, working_days = self._task_info[task]
        if within is not None:
            return t + within
        return self.calendar.end_of_working_day(t, working_days)

    def new_item(
        self,
        task: str,
        case: Case | None,
        *,
        due: float | None = None,
        on_done=None,
        appointment: Appointment | None = None,
        follows: WorkItem | None = None,
        cancellable: bool = False,
    ) -> WorkItem:
        """Create a work item (entered in the ledger, not yet queued)."""
        now = self.env.now
        priority, systems, sampler, _, _ = self._task_info[task]
        if due is None:
            due = self.due_after(task, now)
        item = WorkItem(
            len(self.items),
            task,
            case,
            now,
            due,
            priority,
            systems,
            sampler(),
            on_done,
            appointment,
            follows,
        )
        self.items.append(item)
        if cancellable and case is not None:
            case.open_items.append(item.id)
        return item

    def queue_for(self, item: WorkItem) -> WorkQueue:
        if item.task in self.team_queues:
            return self.team_queues[item.task]
        case = case_of(item)
        holder = case.holder
        if holder is None:  # not yet allocated: the duty officer of the role that would hold it
            return self.duty_queues[self.scenario.caseload.holder_roles[case.rosh_level][0]]
        if item.task in URGENT_TASKS:  # the duty officer if the holder's day is over or off
            shift = holder.shift_on.get(self.calendar.day_of(self.env.now))
            if shift is None or self.env.now >= shift.end:
                return self.duty_queues[holder.role]
        return holder.own_queue

    def release(self, item: WorkItem, queue: WorkQueue | None = None) -> None:
        """Put a ready item in its queue and wake someone who can take it."""
        if item.cancelled is None:
            self.dispatch(item, self.queue_for(item) if queue is None else queue)

    def add_work(self, task: str, case: Case | None, **kwargs) -> WorkItem:
        """Create an item and queue it at once."""
        item = self.new_item(task, case, **kwargs)
        self.release(item)
        return item

    def at(self, t: float, callback) -> None:
        """Call ``callback()`` at minute ``t`` (now if ``t`` is past)."""
        delay = max(t - self.env.now, 0.0)
        self.env.timeout(delay).callbacks.append(lambda _e: callback())

    # ----- cases ------------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        self.cases.append(case)
        self._active_index[case.id] = len(self.active_cases)
        self.active_cases.append(case)
        end_day = max(case.end_day, self.calendar.day_of(self.env.now))
        if end_day < self.horizon_days:
            self.end_buckets.setdefault(end_day, []).append(case)

    def end_case(self, case: Case, reason: str) -> None:
        """The case leaves the office's caseload; work that only made sense for it is cancelled."""
        if case.ended is not None:
            return
        now = self.env.now
        case.ended = now
        self.counts[f"cases_ended_{reason}"] += 1
        self.allocator.release(case)
        i = self._active_index.pop(case.id)
        last = self.active_cases.pop()
        if last is not case:
            self.active_cases[i] = last
            self._active_index[last.id] = i
        # a person already in the building is still seen
        for item in map(self.items.__getitem__, case.open_items):
            if item.started is None and item.cancelled is None and item.arrived is None:
                item.cancelled = now
        case.open_items = []


if TYPE_CHECKING:  # the office is what its rules ask of it (checked by mypy)
    _conforms: type[Office] = OfficeModel
