"""The model's degenerate configuration checked against queueing theory (M/M/C).

:func:`run_mmc` runs the model's own machinery — :class:`~sim.model.staff.Staff` built from
:class:`~sim.model.roster.Person` rosters, a team :class:`~sim.model.work.WorkQueue` and the
:class:`~sim.model.dispatch.Dispatcher` — with everything that makes an office an office taken away:
C identical people on one always-on shift, one task type, Poisson arrivals, exponential service
times, no deadlines, no priorities and no systems disruption. That is an M/M/C queue, whose mean
wait in queue is known exactly (Erlang C), so the model's estimate, with its 95% confidence
interval from batch means, can be checked against theory; Little's law (Lq = λ·Wq) is checked on
the same run from the item timestamps.

The time unit is the clock's minute: rates are per minute, waits are in minutes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import NamedTuple, cast

import numpy as np
import simpy

from sim.experiments.statistics import t_quantile
from sim.model.dispatch import Dispatcher
from sim.model.protocol import Office
from sim.model.random_streams import DurationSampler, Streams
from sim.model.roster import Person, Shift
from sim.model.staff import Staff
from sim.model.systems import SystemsLayer
from sim.model.work import WorkItem, WorkQueue
from sim.model.working_day import working_days
from sim.scenario.schema import Duration

TASK = "service"
MAX_MEAN_MINUTES = 24 * 60  # the scenario schema's upper bound on a task's mean duration


# ----- theory ---------------------------------------------------------------------------------
def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that an arrival to an M/M/C queue has to wait (Erlang C).

    ``offered_load`` is a = λ/μ in erlangs and must be below ``servers``. Computed through the
    Erlang B recursion B(k) = a·B(k-1) / (k + a·B(k-1)), which never overflows, then
    C = B / (1 − ρ(1 − B)) with ρ = a / servers.
    """
    if not isinstance(servers, int) or servers < 1:
        raise ValueError(f"servers must be an integer >= 1, got {servers!r}")
    if not 0 <= offered_load < servers:
        raise ValueError(f"offered_load must be in [0, servers={servers}), got {offered_load!r}")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / servers
    return b / (1.0 - rho * (1.0 - b))


# ----- the model in its degenerate configuration ----------------------------------------------
def check_mmc(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Validate M/M/C parameters and return the utilisation ρ = λ/(Cμ)."""
    for name, rate in (("arrival_rate", arrival_rate), ("service_rate", service_rate)):
        if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
            raise ValueError(f"{name} must be a positive number (per minute), got {rate!r}")
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 1:
        raise ValueError(f"servers must be an integer >= 1, got {servers!r}")
    rho = arrival_rate / (servers * service_rate)
    if rho >= 1:
        raise ValueError(
            f"utilisation rho = arrival_rate / (servers * service_rate) = {rho:.4g} >= 1: the "
            "queue is unstable and grows without bound, so it has no steady-state wait; lower "
            "arrival_rate or raise service_rate or servers until rho < 1"
        )
    return rho


class MMCModel(NamedTuple):
    """A built M/M/C run of the model: its clock, the all-served event and, indexed by item id
    (= arrival order), each item's created, started and finished minute and who served it.

    Items leave the model once served, so a run's memory does not grow with ``customers``
    beyond these four arrays."""

    env: simpy.Environment
    all_served: simpy.Event
    created: np.ndarray
    started: np.ndarray
    finished: np.ndarray
    server: np.ndarray
    priority: np.ndarray  # each item's class: its priority, 0 first


def build_mmc(
    arrival_rate: float,
    service_rate: float,
    servers: int,
    customers: int,
    seed: int,
    class_shares: tuple[float, ...] = (1.0,),
) -> MMCModel:
    """Set up (without running) C always-on staff serving one team queue fed by Poisson arrivals.

    With several ``class_shares``, each arrival is of class k (its priority: 0 first) with
    probability ``class_shares[k]`` (drawn from its own stream): the dispatcher's priority rule
    then makes it a non-preemptive priority queue, first come first served within a class."""
    check_mmc(arrival_rate, service_rate, servers)
    env = simpy.Environment()
    dispatcher = Dispatcher(env, SystemsLayer())
    queue = WorkQueue(f"team:{TASK}")
    always_on = (Shift(day=0, start=0.0, work_start=0.0, end=math.inf),)
    for k in range(servers):
        staff = Staff(Person(k, "case_admin", "Probation Service", 37.0, False, always_on), 0)
        staff.queues.append(queue)
        # the degenerate office: nothing is disrupted and nobody is a helper, so the
        # dispatcher is all the working day asks of the office
        env.process(working_days(cast(Office, dispatcher), staff))

    streams = Streams(seed)
    arrival_rng = streams.generator("arrivals")
    mean_gap = 1.0 / arrival_rate
    mean_service = 1.0 / service_rate
    service_rng = streams.generator(f"duration:{TASK}")
    if mean_service <= MAX_MEAN_MINUTES:
        service = DurationSampler(
            Duration(distribution="exponential", mean_minutes=mean_service), service_rng
        )
    else:  # longer than the schema allows a task to be: draw the same distribution directly
        service = _exponential_draws(service_rng, mean_service).__next__

    created, started, finished = (np.full(customers, np.nan) for _ in range(3))
    server = np.full(customers, -1, dtype=np.int64)
    shares = np.asarray(class_shares, dtype=float)
    priority = (
        np.zeros(customers, dtype=np.int64)
        if len(shares) == 1
        else np.searchsorted(
            np.cumsum(shares / shares.sum()), streams.generator("classes").random(customers)
        ).astype(np.int64)
    )
    all_served = env.event()
    remaining = [customers]

    def served(_office: Dispatcher, item: WorkItem) -> None:
        i = item.id
        started[i], finished[i] = item.started, item.finished
        server[i] = -1 if item.staff is None else item.staff
        remaining[0] -= 1
        if not remaining[0]:
            all_served.succeed()

    def arrivals():
        block = 4096
        for first in range(0, customers, block):
            gaps = arrival_rng.exponential(mean_gap, min(block, customers - first)).tolist()
            for i, gap in enumerate(gaps, first):
                yield env.timeout(gap)
                now = env.now
                created[i] = now
                item = WorkItem(
                    i, TASK, None, now, math.inf, int(priority[i]), (), service(), served
                )
                dispatcher.dispatch(item, queue)

    env.process(arrivals())
    return MMCModel(env, all_served, created, started, finished, server, priority)


def _exponential_draws(rng: np.random.Generator, mean: float, block: int = 1024):
    """Endless exponential draws of any mean, in blocks (``Duration`` caps the mean at a day)."""
    while True:
        yield from rng.exponential(mean, block).tolist()


@dataclass(frozen=True)
class MMCReport:
    """The model's M/M/C estimates, with their confidence interval, next to queueing theory."""

    arrival_rate: float
    service_rate: float
    servers: int
    customers: int
    seed: int
    utilisation: float
    mean_wait: float
    ci_low: float
    ci_high: float
    ci_half_width: float
    erlang_c_probability: float
    theory_mean_wait: float
    theory_within_ci: bool
    time_average_queue: float
    littles_law_queue: float
    littles_law_relative_error: float
    events: int

    def to_dict(self) -> dict:
        """The report as plain Python numbers (for ``json.dumps``)."""
        return asdict(self)


def run_mmc(
    arrival_rate: float,
    service_rate: float,
    servers: int,
    customers: int,
    seed: int,
    *,
    warmup_share: float = 0.1,
    batches: int = 20,
) -> MMCReport:
    """Run the model as an M/M/C queue for ``customers`` arrivals and compare it with theory.

    The first ``warmup_share`` of customers (by arrival) are discarded; the rest, cut down to a
    multiple of ``batches``, are the observed customers. Mean wait in queue and its 95% CI come
    from the means of ``batches`` contiguous batches. Over the window from the first to the last
    observed arrival, the time-average queue length Lq is the exact area under the queue-length
    step function divided by the window's length, and λ̂ is the observed arrival rate.
    """
    rho = check_mmc(arrival_rate, service_rate, servers)
    if isinstance(batches, bool) or not isinstance(batches, int) or batches < 2:
        raise ValueError(f"batches must be an integer >= 2, got {batches!r}")
    if not 0.0 <= warmup_share < 0.9:
        raise ValueError(f"warmup_share must be in [0, 0.9), got {warmup_share!r}")
    if not isinstance(customers, int) or customers < 10 * batches:
        raise ValueError(
            f"customers must be an integer >= 10 * batches = {10 * batches} "
            f"(at least 10 per batch), got {customers!r}"
        )
    warmup = int(round(customers * warmup_share))
    batch_size = (customers - warmup) // batches
    if batch_size < 2:
        raise ValueError(
            f"customers={customers} leaves fewer than 2 customers per batch after "
            f"a warm-up share of {warmup_share}; raise customers"
        )

    model = build_mmc(arrival_rate, service_rate, servers, customers, seed)
    model.env.run(until=model.all_served)
    events = next(model.env._eid) - len(model.env._queue)

    created, started = model.created, model.started
    first, last = warmup, warmup + batch_size * batches  # observed customers: [first, last)
    waits = started[first:last] - created[first:last]
    batch_means = waits.reshape(batches, batch_size).mean(axis=1)
    mean_wait = float(batch_means.mean())
    half = t_quantile(0.975, batches - 1) * float(batch_means.std(ddof=1)) / math.sqrt(batches)

    t0, t1 = float(created[first]), float(created[last - 1])
    overlap = np.minimum(started, t1) - np.maximum(created, t0)  # time each item spent queued
    area = float(overlap[overlap > 0].sum())  # within the window [t0, t1]
    lq = area / (t1 - t0)
    arrival_hat = (last - first - 1) / (t1 - t0)
    little = arrival_hat * mean_wait
    little_error = abs(lq - little) / lq if lq > 0 else (0.0 if little == 0 else 1.0)

    offered = arrival_rate / service_rate
    c_prob = erlang_c(servers, offered)
    theory = c_prob / (servers * service_rate - arrival_rate)
    return MMCReport(
        arrival_rate=float(arrival_rate),
        service_rate=float(service_rate),
        servers=servers,
        customers=customers,
        seed=seed,
        utilisation=float(rho),
        mean_wait=mean_wait,
        ci_low=mean_wait - half,
        ci_high=mean_wait + half,
        ci_half_width=half,
        erlang_c_probability=c_prob,
        theory_mean_wait=theory,
        theory_within_ci=bool(mean_wait - half <= theory <= mean_wait + half),
        time_average_queue=lq,
        littles_law_queue=little,
        littles_law_relative_error=little_error,
        events=int(events),
    )
