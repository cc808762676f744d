"""The probe: per-layer outputs against a hand-run of the layers, training left undisturbed, and the
statistics (dead units, gradient norms, update ratios) against hand computations on crafted layers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nntui.engine import Dataset, Model, Trainer, create_layer, get_loss, get_optimizer
from nntui.engine.probe import (
    Probe,
    RunInspector,
    StepRecorder,
    WeightSnapshot,
    histogram,
    layer_statistics,
    parameter_layout,
    probe_batch_size,
)


def conv_model(seed=0) -> Model:
    layers = [create_layer("Conv2D", filters=4, kernel_size=3, activation="relu"),
              create_layer("MaxPooling2D", pool_size=2),
              create_layer("BatchNormalization"),
              create_layer("Flatten"),
              create_layer("Dropout", rate=0.5),
              create_layer("Dense", units=8, activation="relu"),
              create_layer("Dense", units=3, activation="softmax")]
    return Model((8, 8, 1), layers).build(seed=seed)


def data(n=32, shape=(8, 8, 1), classes=3, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((n, *shape), dtype=np.float32)
    y = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, n)]
    return x, y


def trainer_for(model, lr=0.01, optimizer="rmsprop", loss="categorical_crossentropy"):
    return Trainer(model, [get_loss(loss)], get_optimizer(optimizer, learning_rate=lr))


def hand_run(model: Model, x: np.ndarray) -> list[np.ndarray]:
    """The conv model's layers written out with plain NumPy (inference mode)."""
    w = model.get_weights()
    k, b = w["conv2d/kernel"], w["conv2d/bias"]
    n, h, wd, _ = x.shape
    conv = np.zeros((n, h - 2, wd - 2, k.shape[-1]), np.float64)
    for dy in range(3):
        for dx in range(3):
            conv += x[:, dy:dy + h - 2, dx:dx + wd - 2, :] @ k[dy, dx]
    conv = np.maximum(conv + b, 0)
    pooled = conv.reshape(n, 3, 2, 3, 2, -1).max(axis=(2, 4))
    bn = (pooled - w["batch_normalization/moving_mean"]) / np.sqrt(w["batch_normalization/moving_variance"] + 1e-3)
    bn = bn * w["batch_normalization/gamma"] + w["batch_normalization/beta"]
    flat = bn.reshape(n, -1)
    dense = np.maximum(flat @ w["dense/kernel"] + w["dense/bias"], 0)
    z = dense @ w["dense_1/kernel"] + w["dense_1/bias"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return [conv, pooled, bn, flat, flat, dense, e / e.sum(axis=1, keepdims=True)]


def test_outputs_equal_a_hand_run_of_the_layers():
    model = conv_model()
    x, y = data()
    trainer = trainer_for(model)
    for _ in range(3):  # moving statistics and weights away from their initial values
        trainer.train_step(x, [y])
    probe = Probe(model)
    probe.load(StepRecorder(model, trainer.optimizer).capture())
    outs = probe.outputs(x[:5])
    assert [o.name for o in outs] == [layer.name for layer in model.layers]
    assert [o.type for o in outs] == ["Conv2D", "MaxPooling2D", "BatchNormalization", "Flatten", "Dropout",
                                      "Dense", "Dense"]
    assert outs[0].shape == (None, 6, 6, 4) and outs[-1].shape == (None, 3)
    for out, expected in zip(outs, hand_run(model, x[:5])):
        assert out.value.dtype == np.float32 and out.value.shape == expected.shape
        np.testing.assert_allclose(out.value, expected, rtol=1e-4, atol=1e-5)
    one = probe.outputs(x[2])  # a single sample without its batch axis
    np.testing.assert_allclose(one[-1].value[0], outs[-1].value[2], rtol=1e-5, atol=1e-6)


def test_probing_leaves_training_exactly_as_it_was():
    """Two identical runs, one probed between every pair of steps: the same weights, bit for bit."""
    x, y = data(64)
    plain, probed = conv_model(), conv_model()
    t_plain, t_probed = trainer_for(plain), trainer_for(probed)
    probe = Probe(probed)
    recorder = StepRecorder(probed, t_probed.optimizer)
    for step in range(4):
        for t, xb, yb in ((t_plain, x[:32], y[:32]), (t_probed, x[:32], y[:32])):
            t.train_step(xb, [yb])
        recorder.arm()
        probe.load(recorder.capture())
        probe.outputs(x[40:45])
        probe.dead_fractions(x[:64])  # a larger batch than the training one
        x, y = x[::-1].copy(), y[::-1].copy()
    np.testing.assert_array_equal(plain.theta, probed.theta)
    np.testing.assert_array_equal(plain.state, probed.state)
    np.testing.assert_array_equal(plain.grad, probed.grad)


def test_a_graph_model_is_probed_in_graph_order():
    layers = [create_layer("Dense", name="b", units=4),
              create_layer("Dense", name="a", units=3),
              create_layer("Dense", name="c", units=2),
              create_layer("Concatenate", name="m")]
    model = Model((5,), layers, inputs=[["a"], ["input"], ["input"], ["b", "c"]], outputs=["m"]).build()
    x = np.random.default_rng(0).random((2, 5), dtype=np.float32)
    outs = Probe(model).outputs(x)
    names = [o.name for o in outs]
    assert names.index("a") < names.index("b") < names.index("m") and names.index("c") < names.index("m")
    w = model.get_weights()
    a = x @ w["a/kernel"] + w["a/bias"]
    b = a @ w["b/kernel"] + w["b/bias"]
    c = x @ w["c/kernel"] + w["c/bias"]
    np.testing.assert_allclose(outs[-1].value, np.concatenate([b, c], axis=1), rtol=1e-5, atol=1e-6)


def test_dead_fraction_of_crafted_dense_and_conv_layers():
    dense = Model((4,), [create_layer("Dense", units=5, activation="relu"),
                         create_layer("Dense", units=2, activation="linear")]).build()
    dense.layers[0].weights["kernel"][...] = 0.0
    dense.layers[0].weights["bias"][...] = [-1.0, 1.0, -0.5, 2.0, 0.0]  # units 0, 2 and 4 never positive
    probe = Probe(dense)
    x = np.random.default_rng(0).random((10, 4), dtype=np.float32)
    assert probe.dead_fractions(x) == {"dense": pytest.approx(3 / 5)}
    conv = Model((5, 5, 1), [create_layer("Conv2D", filters=4, kernel_size=3, activation="relu")]).build()
    kernel = conv.layers[0].weights["kernel"]
    kernel[...] = 1.0
    kernel[..., 1] = -1.0  # channel 1 negative wherever the image is positive
    conv.layers[0].weights["bias"][...] = 0.0
    img = np.zeros((3, 5, 5, 1), np.float32)
    img[:, 2, 2, 0] = 1.0
    assert Probe(conv).dead_fractions(img) == {"conv2d": pytest.approx(1 / 4)}
    img[0, 2, 2, 0] = -1.0  # one image where channel 1 fires (and the others do not there)
    assert Probe(conv).dead_fractions(img) == {"conv2d": pytest.approx(0.0)}


def test_gradient_norm_and_update_ratio_against_hand_computations():
    """A linear Dense with mean squared error and plain SGD: dW = X^T 2(XW+b-Y)/(n*k), Δw = -lr g."""
    rng = np.random.default_rng(3)
    model = Model((4,), [create_layer("Dense", units=3, activation="linear", bias_initializer="ones")]).build(seed=2)
    x = rng.random((6, 4), dtype=np.float32)
    y = rng.random((6, 3), dtype=np.float32)
    w0 = model.get_weights()
    lr = 0.1
    trainer = trainer_for(model, lr=lr, optimizer="sgd", loss="mean_squared_error")
    recorder = StepRecorder(model, trainer.optimizer)
    assert recorder.capture().grad is None  # no step yet
    recorder.arm()
    trainer.train_step(x, [y])
    snap = recorder.capture()
    k, b = w0["dense/kernel"].astype(np.float64), w0["dense/bias"].astype(np.float64)
    dy = 2 * (x @ k + b - y) / y.size
    dk, db = x.T @ dy, dy.sum(axis=0)
    grad_norm = math.sqrt((dk ** 2).sum() + (db ** 2).sum())
    new_k, new_b = k - lr * dk, b - lr * db
    ratio = lr * grad_norm / math.sqrt((new_k ** 2).sum() + (new_b ** 2).sum())
    [stats] = layer_statistics(parameter_layout(model), snap)
    assert stats.name == "dense" and stats.params == 15 and stats.step == 1
    assert stats.grad_norm == pytest.approx(grad_norm, rel=1e-5)
    assert stats.grad_rms == pytest.approx(grad_norm / math.sqrt(15), rel=1e-5)
    assert stats.update_norm == pytest.approx(lr * grad_norm, rel=1e-4)
    assert stats.update_ratio == pytest.approx(ratio, rel=1e-4)
    assert stats.weight_mean == pytest.approx(new_k.mean(), rel=1e-5)  # the kernel, not the bias
    assert stats.weight_std == pytest.approx(new_k.std(), rel=1e-5)
    assert stats.dead_fraction is None
    record = stats.record()
    assert set(record) == {"name", "weight_mean", "weight_std", "grad_norm", "update_ratio", "dead_fraction"}


def test_the_update_is_known_only_for_the_one_step_after_arming():
    model = conv_model()
    x, y = data()
    trainer = trainer_for(model)
    recorder = StepRecorder(model, trainer.optimizer)
    trainer.train_step(x, [y])
    assert recorder.capture().update is None  # not armed
    recorder.arm()
    before = model.theta.copy()
    assert recorder.capture().update is None and recorder.armed  # no step yet: still armed
    trainer.train_step(x, [y])
    snap = recorder.capture()
    np.testing.assert_array_equal(snap.update, model.theta - before)
    assert not recorder.armed and not snap.theta.flags.writeable
    recorder.arm()
    trainer.train_step(x, [y])
    trainer.train_step(x, [y])
    assert recorder.capture().update is None  # two steps: not one step's update


def test_layout_slices_are_each_layers_weights():
    model = conv_model()
    layout = parameter_layout(model)
    for slot, layer in zip(layout, model.layers):
        for w in slot.weights:
            source = model.theta if w.trainable else model.state
            np.testing.assert_array_equal(source[w.start:w.stop].reshape(w.shape), layer.weights[w.name])
    assert layout[2].main.name == "gamma" and layout[0].main.name == "kernel" and layout[3].size == 0


def test_histogram_counts_and_symmetric_range():
    v = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 3.0], np.float32)
    h = histogram(v, bins=4)
    assert h.counts.sum() == 6 and h.low == -1.0 and h.high == 3.0 and h.size == 6
    h = histogram(v, bins=6, symmetric=True)
    assert h.low == -3.0 and h.high == 3.0
    big = np.random.default_rng(0).standard_normal(500_000).astype(np.float32)
    h = histogram(big)
    assert h.size == 500_000 and abs(h.mean) < 0.02 and abs(h.std - 1) < 0.02
    assert histogram(np.array([np.nan, 1.0], np.float32)).counts.sum() == 1
    assert histogram(np.zeros(0, np.float32)).size == 0


def test_probe_batch_size_follows_the_cost_of_a_sample():
    small = Model((4,), [create_layer("Dense", units=3)]).build()
    assert probe_batch_size(small) == 64
    assert 8 <= probe_batch_size(conv_model()) <= 64


def test_inspector_records_every_epoch_and_reports_a_warning_once():
    """A learning rate far too high: most of dense's relu units die at once; the warning comes once."""
    x, y = data(320)
    model = conv_model()
    trainer = trainer_for(model, lr=0.5, optimizer="sgd")
    inspector = RunInspector(model, trainer.optimizer, x[:40])
    inspections = []
    with np.errstate(all="ignore"):
        for event in trainer.fit(Dataset(x, [y]), epochs=3, batch_size=16):
            found = inspector.on_event(event)
            if found is not None:
                inspections.append(found)
    assert [i.epoch for i in inspections] == [1, 2, 3]
    record = inspections[0].record()
    assert record["event"] == "layers" and record["epoch"] == 1
    assert [layer["name"] for layer in record["layers"]] == ["conv2d", "batch_normalization", "dense", "dense_1"]
    assert all(layer["update_ratio"] is not None and layer["grad_norm"] is not None for layer in record["layers"])
    seen = [n.key for i in inspections for n in i.new_warnings]
    assert ("dead_units", "dense") in [n.key for n in inspections[0].new_warnings]
    assert len(seen) == len(set(seen)) and ("dead_units", "dense") in [n.key for n in inspections[2].notes]


def test_a_fresh_model_has_weights_but_no_gradients():
    model = conv_model()
    snap = WeightSnapshot.of_model(model)
    stats = layer_statistics(parameter_layout(model), snap)
    assert all(s.grad_norm is None and s.update_ratio is None for s in stats)
    assert stats[0].weight_std > 0


def test_live_refreshes_carry_each_steps_update_and_leave_the_last_step_to_the_epoch():
    """refresh=0: an inspection after every armed step; the epoch's own still has its last step's update."""
    x, y = data(128)
    model = conv_model()
    trainer = trainer_for(model)
    inspector = RunInspector(model, trainer.optimizer, x[:32], refresh=0.0)
    live, epochs = [], []
    for event in trainer.fit(Dataset(x, [y]), epochs=2, batch_size=16):  # 8 steps an epoch
        found = inspector.on_event(event)
        if found is not None:
            (epochs if type(event).__name__ == "EpochEnded" else live).append((found, event))
    assert len(epochs) == 2 and len(live) >= 4
    for found, event in live:
        assert event.step < event.steps  # never the epoch's last step: that one is the epoch's record's
        assert all(s.update_ratio is not None and s.update_step == found.snapshot.step for s in found.stats)
    for found, _ in epochs:
        assert found.snapshot.update is not None and found.snapshot.step % 8 == 0


def test_a_paused_inspection_keeps_the_last_update_measured():
    x, y = data(64)
    model = conv_model()
    trainer = trainer_for(model)
    inspector = RunInspector(model, trainer.optimizer, x[:32])
    inspector.recorder.arm()
    trainer.train_step(x[:16], [y[:16]])
    measured = inspector.inspect()
    trainer.train_step(x[16:32], [y[16:32]])  # a step nobody armed for, then a pause
    paused = inspector.inspect(live=True)
    assert paused.snapshot.update is None and paused.snapshot.step == 2
    for before, now in zip(measured.stats, paused.stats):
        assert now.update_ratio == before.update_ratio and now.update_step == 1 and now.step == 2


def test_the_dead_unit_window_judges_on_the_last_chunks_together():
    from nntui.engine.probe.inspector import DeadUnitWindow

    model = Model((4,), [create_layer("Dense", units=3, activation="relu")]).build()
    model.layers[0].weights["kernel"][...] = np.eye(4, 3, dtype=np.float32)
    model.layers[0].weights["bias"][...] = 0.0
    x = np.zeros((6, 4), np.float32)
    x[0, 0] = x[3, 1] = 1.0  # unit 0 fires on image 0 only, unit 1 on image 3 only, unit 2 never
    probe = Probe(model)
    window = DeadUnitWindow(probe, x, chunk=2, window=2)
    assert window.update() == {"dense": pytest.approx(2 / 3)}  # images 0-1: unit 0 alive
    assert window.update() == {"dense": pytest.approx(1 / 3)}  # images 0-3: units 0 and 1
    assert window.update() == {"dense": pytest.approx(2 / 3)}  # images 2-5: unit 1 only
