"""BLAS threads chosen by the engine: the governor's decisions on a simulated machine (fake clock, load
and BLAS library), and a real run with fixed and chosen threads. No timing of real work."""

import threading
from types import SimpleNamespace

import numpy as np
import pytest

from nntui.engine import Dataset, Trainer, get_loss, get_optimizer
from nntui.engine.events import EpochEnded, RunStarted
from nntui.engine.layers import Dense, Flatten
from nntui.engine.model import Model
from nntui.engine.threads import NO_GOVERNOR, BlasPool, ThreadGovernor


class FakeLibrary:
    """A BLAS library as threadpoolctl presents it."""

    def __init__(self, threads=2):
        self.num_threads = threads
        self.calls = []

    def set_num_threads(self, n):
        self.num_threads = n
        self.calls.append(n)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Meter:
    """Other processes' load, as the test sets it."""

    def __init__(self, others=0.0):
        self.value = others

    def others(self):
        return self.value


def fake_model(*has_weights):
    return SimpleNamespace(layers=[SimpleNamespace(weights={"kernel": 1} if w else {}) for w in has_weights])


def governor(costs, others=0.0, cpus=2, threads=None):
    """A governor over layers whose step cost (seconds) is ``costs[i][threads]``."""
    lib = FakeLibrary(cpus)
    clock, meter = Clock(), Meter(others)
    gov = ThreadGovernor(fake_model(*[c is not None for c in costs]), threads, pool=BlasPool([lib]),
                         meter=meter, cpus=cpus, clock=clock, first_guess=lambda: meter.value)
    return gov, lib, clock, meter


def step(gov, lib, clock, costs):
    """One simulated training step: each layer costs costs[i] at the library's current thread count."""
    start = clock.now
    gov.begin_step()
    for i, cost in enumerate(costs):
        gov.enter(i)
        clock.now += 0.001 if cost is None else cost[lib.num_threads]
        gov.leave(i)
    gov.outside()
    clock.now += 0.0005  # loss and optimiser
    gov.end_step(clock.now - start)


BIG = {1: 0.010, 2: 0.006, 3: 0.005}  # a large product: two threads clearly faster
SMALL = {1: 0.001, 2: 0.0012, 3: 0.0013}  # too small to gain from a second thread


def test_each_layer_gets_the_faster_setting_and_layers_without_products_stay_on_one():
    costs = [BIG, None, SMALL]
    gov, lib, clock, _ = governor(costs)
    gov.start()
    assert lib.num_threads == 1  # one thread outside the layers
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.plan == [2, 1, 1] and gov.probes == 1 and gov.threads == 2
    seen = []
    gov.begin_step()
    for i in range(3):
        gov.enter(i)
        seen.append(lib.num_threads)
        gov.leave(i)
    gov.outside()
    assert seen[0] == 2 and seen[2] == 1 and lib.num_threads == 1
    gov.end_step(0.01)
    gov.finish()
    assert lib.num_threads == 2  # the library's own setting again


def test_busy_cores_mean_one_thread_everywhere_and_no_timing():
    costs = [BIG, SMALL]
    gov, lib, clock, _ = governor(costs, others=1.0)  # one other busy process on two CPUs
    gov.start()
    for _ in range(20):
        step(gov, lib, clock, costs)
    assert gov.plan == [1, 1] and gov.probes == 0 and gov.available == 1
    assert set(lib.calls) <= {1} and gov.busy_seconds > 0


def test_a_timing_stops_at_the_first_step_that_all_threads_make_much_slower():
    costs = [{1: 0.010, 2: 0.030}, SMALL]  # the load appeared after the start: two threads wait
    gov, lib, clock, _ = governor(costs)
    gov.start()
    for _ in range(3):  # skipped, one thread, all threads
        step(gov, lib, clock, costs)
    assert gov.plan == [1, 1] and gov.probes == 1
    calls = len(lib.calls)
    for _ in range(10):
        step(gov, lib, clock, costs)
    assert set(lib.calls[calls:]) <= {1}


def test_the_governor_follows_the_load_as_it_changes():
    costs = [BIG, SMALL]
    gov, lib, clock, meter = governor(costs)
    gov.start()
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.plan == [2, 1]
    meter.value = 1.2  # another process starts
    clock.now += gov.load_interval
    step(gov, lib, clock, costs)
    assert gov.plan == [1, 1] and gov.available == 1
    meter.value = 0.1  # it ends: time the settings again
    clock.now += gov.load_interval
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.plan == [2, 1] and gov.probes == 2


def test_settings_are_timed_again_after_a_while():
    costs = [BIG]
    gov, lib, clock, _ = governor(costs)
    gov.start()
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.probes == 1
    clock.now += gov.first_reprobe_seconds  # the first timing, at the noisy start, is repeated soon
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.probes == 2
    clock.now += gov.first_reprobe_seconds  # then only after a while
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.probes == 2
    clock.now += gov.reprobe_seconds
    for _ in range(1 + 2 * gov.probe_steps):
        step(gov, lib, clock, costs)
    assert gov.probes == 3


def test_fixed_threads_are_used_throughout():
    costs = [BIG, SMALL]
    gov, lib, clock, _ = governor(costs, others=1.5, threads=3)
    gov.start()
    for _ in range(10):
        step(gov, lib, clock, costs)
    assert set(lib.calls) == {3} and gov.plan == [3, 3] and gov.probes == 0
    assert "3 BLAS threads (fixed)" == gov.describe()
    gov.finish()
    assert lib.num_threads == 2


def test_calls_from_another_thread_change_nothing():
    costs = [BIG]
    gov, lib, clock, _ = governor(costs)
    gov.start()
    calls = list(lib.calls)
    worker = threading.Thread(target=lambda: [gov.begin_step(), gov.enter(0), gov.leave(0), gov.outside(),
                                              gov.end_step(0.1), gov.finish()])
    worker.start()
    worker.join()
    assert lib.calls == calls


def small_run(threads):
    model = Model((6,), [Flatten(), Dense(units=4, activation="softmax")]).build(seed=0)
    trainer = Trainer(model, [get_loss("categorical_crossentropy")], get_optimizer("sgd"), threads=threads)
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(40, 6)).astype(np.float32), [np.eye(4, dtype=np.float32)[rng.integers(0, 4, 40)]])
    events = list(trainer.fit(data, epochs=2, batch_size=8))
    return trainer, events


@pytest.mark.parametrize("threads", [None, 1, 2])
def test_a_run_reports_its_threads_and_restores_the_library(threads):
    pool = BlasPool.shared()
    before = pool.current
    trainer, events = small_run(threads)
    started = next(e for e in events if isinstance(e, RunStarted))
    ended = [e for e in events if isinstance(e, EpochEnded)]
    assert started.threads == threads and started.max_threads >= 1
    assert all(e.threads >= 1 for e in ended)
    if threads is not None:
        assert started.max_threads == threads and all(e.threads == threads for e in ended)
    assert trainer.model.governor is NO_GOVERNOR
    assert pool.current == before


def test_threads_must_be_positive():
    model = Model((3,), [Dense(units=2)]).build()
    with pytest.raises(ValueError, match="threads must be at least 1"):
        Trainer(model, [get_loss("mse")], get_optimizer("sgd"), threads=0)
