"""Training runs: event sequence, determinism, non-finite and stopped endings, and learning a separable problem."""

import math

import numpy as np
import pytest

from nntui.engine import (
    BatchEnded,
    Dataset,
    EpochEnded,
    EpochStarted,
    Evaluating,
    RunEnded,
    RunStarted,
    Trainer,
    get_loss,
    get_optimizer,
)
from nntui.engine.layers import Dense, Dropout
from nntui.engine.model import Model


def synthetic(n=300, features=20, classes=3, seed=0, scale=1.0):
    """A noisy multi-class problem: labels from a random linear map of Gaussian inputs (one-hot targets)."""
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, features)) * scale).astype(np.float32)
    y = (x @ rng.normal(size=(features, classes)) + rng.normal(scale=0.5, size=(n, classes))).argmax(axis=1)
    return Dataset(x, [np.eye(classes, dtype=np.float32)[y]])


def mlp(seed=0, features=20, classes=3, dropout=0.2):
    return Model((features,), [Dense(units=16, activation="relu"), Dropout(rate=dropout),
                               Dense(units=classes, activation="softmax")]).build(seed=seed)


def trainer(model, optimizer="adam", seed=0, loss="categorical_crossentropy", **config):
    return Trainer(model, [get_loss(loss)], get_optimizer(optimizer, **config), seed=seed)


def fit(seed, data=None, epochs=2, batch_size=32, optimizer="adam"):
    model = mlp(seed)
    events = list(trainer(model, optimizer, seed=seed).fit(data or synthetic(), epochs=epochs,
                                                          batch_size=batch_size))
    return model, events


def batch_losses(events):
    return [e.batch_loss for e in events if isinstance(e, BatchEnded)]


# ------------------------------------------------------------------ events
def test_event_sequence_of_a_complete_run():
    data = synthetic()
    val = synthetic(n=50, seed=1)
    test = synthetic(n=40, seed=2)
    model = mlp()
    run = trainer(model).fit(data, epochs=2, batch_size=64, validation=val, test=test, keep_test_predictions=True)
    events = list(run)
    assert isinstance(events[0], RunStarted)
    assert (events[0].epochs, events[0].steps_per_epoch, events[0].batch_size) == (2, 5, 64)
    assert (events[0].train_samples, events[0].val_samples, events[0].test_samples) == (300, 50, 40)
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("EpochStarted") == 2 and kinds.count("EpochEnded") == 2 and kinds.count("BatchEnded") == 10
    end = events[-1]
    assert isinstance(end, RunEnded) and end.reason == "completed" and not end.stopped
    assert end.epochs_completed == 2 and len(end.history) == 2
    assert set(end.history[0]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert end.test_loss is not None and 0.0 <= end.test_accuracy <= 1.0
    assert end.test_predictions[0].shape == (40,)
    batches = [e for e in events if isinstance(e, BatchEnded)]
    assert [b.global_step for b in batches] == list(range(1, 11))
    assert [b.step for b in batches[:5]] == [1, 2, 3, 4, 5]
    epoch_ends = [e for e in events if isinstance(e, EpochEnded)]
    # the last batch's running mean is the epoch's training loss
    assert epoch_ends[0].loss == pytest.approx(batches[4].loss)
    assert epoch_ends[0].val_loss == pytest.approx(end.history[0]["val_loss"])
    assert any(isinstance(e, Evaluating) and e.phase == "validation" for e in events)
    assert run.steps_per_epoch == 5


def test_evaluate_matches_a_hand_computed_loss_and_accuracy():
    data = synthetic(n=70)
    model = mlp()
    tr = trainer(model)
    logs = tr.evaluate(data, batch_size=32)
    p = model.forward(data.x, False)[0].copy()  # the forward result is a layer buffer: keep a copy
    y = data.targets[0]
    want = -np.mean(np.sum(y * np.log(np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)), axis=1))
    assert logs["loss"] == pytest.approx(want, rel=1e-5)
    assert logs["accuracy"] == pytest.approx(np.mean(p.argmax(1) == y.argmax(1)))
    (pred,) = tr.predict(data.x, batch_size=16)
    np.testing.assert_allclose(pred, p, rtol=1e-6)


# ------------------------------------------------------------------ determinism
def test_same_seed_same_losses_and_weights():
    model_a, events_a = fit(seed=0)
    model_b, events_b = fit(seed=0)
    losses = batch_losses(events_a)
    assert len(losses) == 2 * math.ceil(300 / 32)
    assert losses == batch_losses(events_b)
    assert np.array_equal(model_a.theta, model_b.theta)
    assert events_a[-1].history == events_b[-1].history


def test_different_seed_different_losses_and_weights():
    model_a, events_a = fit(seed=0)
    model_c, events_c = fit(seed=1)
    assert batch_losses(events_a) != batch_losses(events_c)
    assert not np.array_equal(model_a.theta, model_c.theta)


def test_trainer_seed_alone_changes_the_shuffle():
    data = synthetic()
    runs = []
    for seed in (0, 0, 5):
        model = mlp(seed=0, dropout=0.0)
        runs.append(batch_losses(trainer(model, seed=seed).fit(data, epochs=1, batch_size=32)))
    assert runs[0] == runs[1] and runs[0] != runs[2]


# ------------------------------------------------------------------ endings
def assert_non_finite_ending(model, events):
    end = events[-1]
    assert isinstance(end, RunEnded) and end.reason == "non_finite" and end.stopped
    assert "lower learning rate" in end.message
    assert np.isfinite(model.theta).all(), "weights must be those of the last good step"
    assert all(math.isfinite(e.batch_loss) for e in events if isinstance(e, BatchEnded))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_huge_learning_rate_ends_with_non_finite():
    model = Model((20,), [Dense(units=16, activation="relu"), Dense(units=3, activation="softmax")]).build(seed=0)
    tr = trainer(model, "sgd")
    tr.optimizer.learning_rate = 1e6  # beyond the validated range on purpose
    events = list(tr.fit(synthetic(), epochs=5, batch_size=32))
    assert_non_finite_ending(model, events)
    assert "1e+06" in events[-1].message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
def test_huge_inputs_end_with_non_finite_and_finite_weights(optimizer):
    """With Adam the loss stays finite while v overflows (inf - inf = nan): the step must not poison theta."""
    model = mlp(dropout=0.0)
    events = list(trainer(model, optimizer).fit(synthetic(scale=1e30), epochs=3, batch_size=32))
    assert_non_finite_ending(model, events)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("optimizer", ["rmsprop", "adagrad", "sgd"])
def test_weights_stay_finite_whatever_the_ending(optimizer):
    model = mlp(dropout=0.0)
    events = list(trainer(model, optimizer).fit(synthetic(scale=1e30), epochs=2, batch_size=32))
    assert events[-1].reason in ("completed", "non_finite")
    assert np.isfinite(model.theta).all()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_non_finite_update_is_refused_and_reported_as_nan():
    model = mlp(dropout=0.0)
    tr = trainer(model, "sgd")
    data = synthetic(n=32)
    before = model.theta.copy()
    tr.optimizer._increment = lambda theta, grad, temps, state: np.full_like(theta, np.inf)  # a broken update
    total, *_ = tr.train_step(data.x, data.targets)
    assert math.isnan(total)
    np.testing.assert_array_equal(model.theta, before)


def test_stop_after_a_few_batches():
    model = mlp()
    run = trainer(model).fit(synthetic(), epochs=3, batch_size=32)
    events = []
    for event in run:
        events.append(event)
        if isinstance(event, BatchEnded) and event.step == 3:
            run.stop()
    end = events[-1]
    assert isinstance(end, RunEnded) and end.reason == "stopped" and end.epochs_completed == 0
    assert len(batch_losses(events)) == 3
    assert not any(isinstance(e, EpochEnded) for e in events)
    assert "step 3" in end.message


def test_stop_between_epochs_keeps_the_history():
    run = trainer(mlp()).fit(synthetic(), epochs=3, batch_size=100)
    events = []
    for event in run:
        events.append(event)
        if isinstance(event, EpochStarted) and event.epoch == 2:
            run.stop()
    end = events[-1]
    assert end.reason == "stopped" and end.epochs_completed == 1 and len(end.history) == 1


def test_initial_epoch_resumes_counting():
    events = list(trainer(mlp()).fit(synthetic(), epochs=3, batch_size=100, initial_epoch=2))
    assert [e.epoch for e in events if isinstance(e, EpochStarted)] == [3]
    assert events[-1].epochs_completed == 3


def test_trainer_rejects_unbuilt_model_and_wrong_number_of_losses():
    with pytest.raises(ValueError, match="build"):
        Trainer(Model((3,), [Dense(units=2)]), [get_loss("mse")], get_optimizer("sgd"))
    with pytest.raises(ValueError, match="1 output"):
        Trainer(mlp(), [get_loss("mse"), get_loss("mse")], get_optimizer("sgd"))


# ------------------------------------------------------------------ learning
def separable(n=400, classes=3, seed=0):
    """Three well-separated Gaussian blobs in 2-D (or two for classes=2)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[3.0, 0.0], [-3.0, 2.0], [0.0, -3.0]])[:classes]
    y = rng.integers(0, classes, size=n)
    x = (centres[y] + rng.normal(scale=0.7, size=(n, 2))).astype(np.float32)
    return x, y


@pytest.mark.parametrize("optimizer, config", [("sgd", {"learning_rate": 0.1}), ("rmsprop", {}), ("adam", {}),
                                               ("adam", {"learning_rate": 0.01}), ("adamw", {}),
                                               ("adagrad", {"learning_rate": 0.1})])
def test_learns_three_separable_classes(optimizer, config):
    x, y = separable()
    model = Model((2,), [Dense(units=8, activation="tanh"), Dense(units=3, activation="softmax")]).build(seed=0)
    tr = Trainer(model, [get_loss("sparse_categorical_crossentropy")], get_optimizer(optimizer, **config))
    events = list(tr.fit(Dataset(x, [y]), epochs=8, batch_size=16))
    assert events[-1].reason == "completed"
    assert events[-1].history[-1]["loss"] < events[-1].history[0]["loss"]
    xt, yt = separable(seed=1)
    assert tr.evaluate(Dataset(xt, [yt]))["accuracy"] > 0.9


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam"])
def test_learns_two_separable_classes_with_a_sigmoid(optimizer):
    x, y = separable(classes=2)
    model = Model((2,), [Dense(units=1, activation="sigmoid")]).build(seed=0)
    config = {"learning_rate": 0.1} if optimizer == "sgd" else {"learning_rate": 0.01}
    tr = Trainer(model, [get_loss("binary_crossentropy")], get_optimizer(optimizer, **config))
    data = Dataset(x, [y[:, None].astype(np.float32)])
    events = list(tr.fit(data, epochs=5, batch_size=16))
    assert tr.fused == [True] and events[-1].reason == "completed"
    assert events[-1].history[-1]["accuracy"] > 0.9
