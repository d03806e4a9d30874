"""Unit tests of the work queues and the priority rule, the case allocator, task durations and
the random streams."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.dispatch import Dispatcher
from sim.model.random_streams import DurationSampler, Streams, UniformSampler, source_index
from sim.model.work import STATUSES, WorkItem, WorkQueue
from sim.scenario.schema import Duration

LOW, MEDIUM, HIGH, VERY_HIGH = range(4)
CASELOAD_INDEX, RISK_CHECK_INDEX = 1208227194, 4238627436  # blake2b-32 of the source names


def item(id, priority=0, due=100.0, task="t", arrived=None, cancelled=None, created=0.0):
    it = WorkItem(id, task, None, created, due, priority, (), 10.0)
    it.arrived = arrived
    it.cancelled = cancelled
    return it


def drain(queue: WorkQueue) -> list[int]:
    out = []
    while queue.head_entry() is not None:
        out.append(queue.pop().id)
    return out


# ----------------------------------------------------------------------------- WorkQueue
def test_priority_rule_priority_then_due_then_creation_order():
    q = WorkQueue("q")
    items = [
        item(0, priority=5, due=10.0),
        item(1, priority=1, due=500.0),
        item(2, priority=1, due=100.0),
        item(3, priority=0, due=900.0),
        item(4, priority=1, due=100.0),  # ties with 2 on (priority, due): created later
        item(5, priority=5, due=10.0),  # ties with 0
        item(6, priority=3, due=1.0),
    ]
    for it in reversed(items):  # insertion order must not matter
        q.put(it)
    assert len(q) == 7
    assert drain(q) == [3, 2, 4, 1, 6, 0, 5]
    assert len(q) == 0 and q.head_entry() is None


def test_head_entry_skips_cancelled_items():
    q = WorkQueue("q")
    a, b, c = item(0, priority=0), item(1, priority=1), item(2, priority=2)
    for it in (a, b, c):
        q.put(it)
    a.cancelled = 5.0
    b.cancelled = 6.0
    entry = q.head_entry()
    assert entry[3] is c and entry[:3] == (2, 100.0, 2)
    assert len(q) == 1  # cancelled heads were dropped
    c.cancelled = 7.0
    assert q.head_entry() is None
    # a cancelled item below the head stays until it surfaces, and is never handed out
    q2 = WorkQueue("q2")
    x, y, z = item(0, priority=0), item(1, priority=1), item(2, priority=2)
    for it in (x, y, z):
        q2.put(it)
    y.cancelled = 1.0
    assert drain(q2) == [0, 2]


def test_pop_first_arrived_takes_best_arrived_before_the_cut_off():
    q = WorkQueue("q")
    items = [
        item(0, priority=0, due=50.0),  # never arrived: not an appointment step
        item(1, priority=2, due=10.0, arrived=100.0),
        item(2, priority=1, due=90.0, arrived=200.0),  # best by the rule, arrived before 250
        item(3, priority=0, due=10.0, arrived=300.0),  # arrived after the cut-off
        item(4, priority=1, due=80.0, arrived=150.0, cancelled=160.0),  # cancelled
        item(5, priority=1, due=95.0, arrived=120.0),
    ]
    for it in items:
        q.put(it)
    assert q.pop_first_arrived(250.0).id == 2
    assert q.pop_first_arrived(250.0).id == 5
    assert q.pop_first_arrived(250.0).id == 1
    assert q.pop_first_arrived(250.0) is None
    assert q.pop_first_arrived(301.0).id == 3
    # what is left is still a valid heap in priority order
    assert drain(q) == [0]


def test_pop_first_arrived_keeps_heap_order_of_the_rest():
    rng = np.random.default_rng(3)
    q = WorkQueue("q")
    items = [
        item(
            i,
            priority=int(rng.integers(0, 4)),
            due=float(rng.integers(0, 50)),
            arrived=float(rng.integers(0, 100)) if rng.random() < 0.5 else None,
            cancelled=1.0 if rng.random() < 0.1 else None,
        )
        for i in range(200)
    ]
    for it in items:
        q.put(it)
    rule = lambda it: (it.priority, it.due, it.id)  # noqa: E731
    eligible = sorted(
        (
            it
            for it in items
            if it.cancelled is None and it.arrived is not None and it.arrived < 60.0
        ),
        key=rule,
    )
    popped = [q.pop_first_arrived(60.0) for _ in range(25)]
    assert [it.id for it in popped] == [it.id for it in eligible[:25]]
    rest = sorted((it for it in items if it.cancelled is None and it not in popped), key=rule)
    assert drain(q) == [it.id for it in rest]


def test_dispatcher_take_picks_across_queues_by_the_rule():
    import simpy

    from sim.model.systems import SystemsLayer

    class Person:
        def __init__(self, queues):
            self.queues = queues

    d = Dispatcher(simpy.Environment(), SystemsLayer())
    own, team, duty = WorkQueue("own"), WorkQueue("team"), WorkQueue("duty")
    own.put(item(0, priority=6, due=10.0))
    team.put(item(1, priority=3, due=500.0))
    duty.put(item(2, priority=3, due=400.0))
    team.put(item(3, priority=0, due=999.0, cancelled=1.0))
    person = Person([own, team, duty])
    assert [d.take(person).id for _ in range(3)] == [2, 1, 0]
    assert d.take(person) is None


def test_status_of_an_item():
    it = item(0, due=100.0)
    assert it.status() == "pending"
    it.started, it.finished = 50.0, 100.0
    assert it.status() == "done"
    it.finished = 100.5
    assert it.status() == "done_late"
    it.cancelled = 1.0
    assert it.status() == "cancelled"
    assert set(STATUSES) == {"done", "done_late", "pending", "cancelled"}


# ----------------------------------------------------------------------------- durations
def sample(spec: Duration, n=200_000, seed=5):
    s = DurationSampler(spec, np.random.default_rng(seed))
    return np.array([s() for _ in range(n)])


@pytest.mark.parametrize("mean, cv", [(30.0, 0.5), (5.0, 1.2), (120.0, 0.2)])
def test_lognormal_durations_have_the_given_mean_and_cv(mean, cv):
    x = sample(Duration(distribution="lognormal", mean_minutes=mean, cv=cv))
    # sd of the sample mean: cv * mean / sqrt(n) <= 0.3 % of the mean; cv's sd is ~1-4 %
    assert x.mean() == pytest.approx(mean, rel=0.02)
    assert x.std() / x.mean() == pytest.approx(cv, rel=0.08)
    assert (x > 0).all()
    assert np.median(x) < x.mean()  # right-skewed


def test_exponential_durations_have_cv_one():
    x = sample(Duration(distribution="exponential", mean_minutes=20.0, cv=0.3))  # cv ignored
    assert x.mean() == pytest.approx(20.0, rel=0.02)
    assert x.std() / x.mean() == pytest.approx(1.0, rel=0.03)
    assert np.mean(x > 20.0) == pytest.approx(np.exp(-1), abs=0.01)


@pytest.mark.parametrize(
    "spec",
    [
        Duration(distribution="fixed", mean_minutes=17.0, cv=2.0),
        Duration(distribution="lognormal", mean_minutes=17.0, cv=0.0),
    ],
)
def test_fixed_durations_are_the_mean(spec):
    x = sample(spec, n=3000)
    assert (x == 17.0).all()


def test_duration_sampler_continues_one_stream_across_blocks():
    spec = Duration(distribution="exponential", mean_minutes=10.0)
    s = DurationSampler(spec, np.random.default_rng(9))
    drawn = [s() for _ in range(3 * DurationSampler.BLOCK + 5)]
    rng = np.random.default_rng(9)
    direct = np.concatenate([rng.exponential(10.0, DurationSampler.BLOCK) for _ in range(4)])
    assert drawn == direct[: len(drawn)].tolist()
    assert len(set(drawn)) == len(drawn)  # no block repeated


# ----------------------------------------------------------------------------- streams
def draws(seed, replication, source, n=50):
    return Streams(seed, replication).generator(source).random(n)


def test_same_seed_replication_and_source_give_the_same_numbers():
    assert np.array_equal(draws(1, 0, "intake"), draws(1, 0, "intake"))
    assert np.array_equal(
        draws(123456789, 3, "duration:risk_check"), draws(123456789, 3, "duration:risk_check")
    )
    u1, u2 = UniformSampler(Streams(4).generator("x")), UniformSampler(Streams(4).generator("x"))
    assert [u1() for _ in range(2000)] == [u2() for _ in range(2000)]


def test_different_source_replication_or_seed_give_different_numbers():
    base = draws(1, 0, "intake")
    for other in (
        draws(1, 0, "caseload"),
        draws(1, 1, "intake"),
        draws(2, 0, "intake"),
        draws(1, 0, "duration:intake"),
    ):
        assert not np.array_equal(base, other)
        assert abs(np.corrcoef(base, other)[0, 1]) < 0.5
    # every named source of a run has its own stream
    names = ["caseload", "intake", "absence", "recalls", "risk_escalations", "transfers"] + [
        f"duration:{t}" for t in ("risk_check", "supervision_contact", "recall_request")
    ]
    assert len({source_index(n) for n in names}) == len(names)
    firsts = {float(Streams(1).generator(n).random()) for n in names}
    assert len(firsts) == len(names)


def test_source_index_is_stable():
    # a stable hash, not Python's salted hash(): changing these would change every result
    assert source_index("caseload") == CASELOAD_INDEX
    assert source_index("duration:risk_check") == RISK_CHECK_INDEX
