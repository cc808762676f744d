"""The learning rate while training: a schedule read at optimizer.iterations (as Keras), and changes by hand
between batches (TrainingRun.scale_learning_rate) recorded as events."""

import threading

import numpy as np
import pytest

from nntui.engine import BatchEnded, Dataset, EpochEnded, RunEnded, RunStarted, Trainer, get_loss, get_optimizer
from nntui.engine.events import LearningRateChanged
from nntui.engine.layers import Dense
from nntui.engine.model import Model
from nntui.engine.schedules import CosineDecay, ExponentialDecay


def data(n=96, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    y = (x @ rng.normal(size=(features, classes))).argmax(axis=1)
    return Dataset(x, [np.eye(classes, dtype=np.float32)[y]])


def make_trainer(optimizer="sgd", schedule=None, **config):
    model = Model((6,), [Dense(units=3, activation="softmax")]).build(seed=0)
    opt = get_optimizer(optimizer, **config)
    opt.schedule = schedule
    return Trainer(model, [get_loss("categorical_crossentropy")], opt, seed=0)


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam", "adamw", "adagrad"])
def test_a_schedule_gives_each_update_its_rate_at_the_updates_done_before_it(optimizer):
    """Every optimiser's update with a schedule equals its update with the fixed rate schedule(iterations)."""
    schedule = ExponentialDecay(initial_learning_rate=0.05, decay_steps=2, decay_rate=0.5)
    scheduled = make_trainer(optimizer, schedule)
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=scheduled.model.theta.size).astype(np.float32) for _ in range(4)]
    theta0 = scheduled.model.theta.copy()
    for step, g in enumerate(grads):
        fixed = get_optimizer(optimizer, learning_rate=schedule(step))
        fixed.build(theta0.size)
        for key, value in scheduled.optimizer.state.items():
            fixed.state[key][...] = value
        fixed.iterations = scheduled.optimizer.iterations
        expected = scheduled.model.theta.copy()
        fixed.step(expected, g)
        assert scheduled.optimizer.learning_rate == pytest.approx(schedule(step))
        scheduled.optimizer.step(scheduled.model.theta, g)
        np.testing.assert_allclose(scheduled.model.theta, expected, rtol=1e-6, atol=1e-7)
    assert scheduled.optimizer.iterations == 4


def test_the_run_reports_the_scheduled_rate():
    schedule = CosineDecay(initial_learning_rate=0.1, decay_steps=6)
    tr = make_trainer("sgd", schedule)
    events = list(tr.fit(data(), epochs=2, batch_size=32))
    start = events[0]
    assert isinstance(start, RunStarted) and start.schedule == "CosineDecay" and start.learning_rate == 0.1
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    assert [e.learning_rate for e in epochs] == pytest.approx([schedule(3), schedule(6)])  # Keras: at iterations
    batches = [e for e in events if isinstance(e, BatchEnded)]
    assert [b.learning_rate for b in batches] == pytest.approx([schedule(k) for k in range(1, 7)])


def test_doubling_between_batches_is_an_event_and_takes_effect_on_the_next_batch():
    tr = make_trainer("sgd", learning_rate=0.01)
    run = tr.fit(data(), epochs=2, batch_size=32)  # 3 batches an epoch
    seen = []
    for event in run:
        seen.append(event)
        if isinstance(event, BatchEnded) and (event.epoch, event.step) == (1, 2):
            assert run.scale_learning_rate(2.0) == pytest.approx(0.02)
            assert run.next_learning_rate == pytest.approx(0.02)
            assert tr.optimizer.learning_rate == pytest.approx(0.01)  # not before the next batch
        if isinstance(event, BatchEnded) and (event.epoch, event.step) == (2, 1):
            run.scale_learning_rate(0.5)
            run.scale_learning_rate(0.5)  # two presses before a batch: one change by 0.25
    changes = [e for e in seen if isinstance(e, LearningRateChanged)]
    assert [(c.epoch, c.step, c.global_step, c.factor, c.scale) for c in changes] == [
        (1, 2, 2, 2.0, 2.0), (2, 1, 4, 0.25, 0.5)]
    assert changes[1].learning_rate == pytest.approx(0.005)
    k = seen.index(changes[0])
    assert isinstance(seen[k + 1], BatchEnded) and seen[k + 1].step == 3  # right before the batch it affects
    assert run.learning_rate_changes[0] == {"epoch": 1, "step": 2, "global_step": 2, "factor": 2.0, "scale": 2.0,
                                            "learning_rate": pytest.approx(0.02)}
    assert tr.optimizer.lr_scale == 0.5 and isinstance(seen[-1], RunEnded)


def test_a_change_scales_the_schedule_too():
    schedule = ExponentialDecay(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.5)
    tr = make_trainer("sgd", schedule)
    run = tr.fit(data(), epochs=1, batch_size=32)
    rates = []
    for event in run:
        if isinstance(event, BatchEnded):
            rates.append(event.learning_rate)
            if event.step == 1:
                run.scale_learning_rate(0.5)
    assert rates == pytest.approx([0.05, 0.025 * 0.5, 0.0125 * 0.5])


def test_a_change_after_the_last_batch_is_still_recorded_before_the_end():
    tr = make_trainer("sgd", learning_rate=0.01)
    run = tr.fit(data(), epochs=1, batch_size=32, validation=data(n=20, seed=3))
    events = []
    for event in run:
        events.append(event)
        if isinstance(event, BatchEnded) and event.step == event.steps:
            run.scale_learning_rate(2.0)
    kinds = [type(e).__name__ for e in events]
    last = max(i for i, k in enumerate(kinds) if k == "BatchEnded")
    assert kinds[last + 1:last + 3] == ["LearningRateChanged", "Evaluating"]  # before the validation pass
    assert kinds[-2:] == ["EpochEnded", "RunEnded"] and events[-2].learning_rate == pytest.approx(0.02)


@pytest.mark.parametrize("factor", [0, -2, float("nan"), float("inf"), "2"])
def test_a_bad_factor_changes_nothing(factor):
    run = make_trainer("sgd", learning_rate=0.01).fit(data(), epochs=1, batch_size=32)
    with pytest.raises(ValueError):
        run.scale_learning_rate(factor)
    assert run.next_learning_rate == 0.01


def test_the_rate_stays_at_most_ten():
    run = make_trainer("sgd", learning_rate=4.0).fit(data(), epochs=1, batch_size=32)
    assert run.scale_learning_rate(2.0) == 8.0
    with pytest.raises(ValueError, match="above 10"):
        run.scale_learning_rate(2.0)
    assert run.next_learning_rate == 8.0


def test_changes_from_another_thread_while_the_run_is_iterated():
    tr = make_trainer("sgd", learning_rate=0.01)
    run = tr.fit(data(n=320), epochs=3, batch_size=8)
    done = threading.Event()

    def press():
        for _ in range(50):
            run.scale_learning_rate(2.0)
            run.scale_learning_rate(0.5)
        done.set()
    worker = threading.Thread(target=press)
    worker.start()
    events = list(run)
    worker.join()
    assert done.is_set() and tr.optimizer.lr_scale == pytest.approx(1.0)
    scale = 1.0
    for change in (e for e in events if isinstance(e, LearningRateChanged)):
        scale *= change.factor
        assert change.scale == pytest.approx(scale)
