"""Models that are graphs: branches, merges and several outputs; their gradients, losses, errors and sizes."""

import numpy as np
import pytest
from gradcheck import assert_gradients_close, check_model_theta_gradient, numerical_gradient

from nntui.engine import Dataset, Trainer, get_loss, get_optimizer
from nntui.engine.layers import (
    Add,
    Average,
    Concatenate,
    Conv2D,
    Dense,
    Dropout,
    GlobalAveragePooling2D,
    MaxPooling2D,
    Multiply,
)
from nntui.engine.model import GraphError, Model


def rng(seed=0):
    return np.random.default_rng(seed)


def onehot(n, k, seed=0):
    return np.eye(k)[rng(seed).integers(0, k, size=n)]


# ---------------------------------------------------------------------- the graphs
def inception(filters=(2, 2, 2), stem=3, size=6, dtype=np.float64):
    """Conv2D -> inception(1x1 | 3x3 same | maxpool 3x3/1 same -> 1x1) -> Concatenate -> GAP -> Dense softmax."""
    f1, f3, fp = filters
    layers = [Conv2D(filters=stem, kernel_size=3, activation="relu", name="stem"),
              Conv2D(filters=f1, kernel_size=1, activation="relu", name="b1"),
              Conv2D(filters=f3, kernel_size=3, padding="same", activation="relu", name="b3"),
              MaxPooling2D(pool_size=3, strides=1, padding="same", name="bp"),
              Conv2D(filters=fp, kernel_size=1, activation="relu", name="bp1"),
              Concatenate(name="block"), GlobalAveragePooling2D(name="gap"),
              Dense(units=4, activation="softmax", name="out")]
    inputs = [None, ["stem"], ["stem"], ["stem"], ["bp"], ["b1", "b3", "bp1"], None, None]
    return Model((size, size, 1), layers, inputs=inputs)


def two_heads_with_merges():
    """A trunk, two branches merged three ways, and two outputs (softmax digit-like, sigmoid parity-like)."""
    layers = [Dense(units=6, activation="tanh", name="trunk"),
              Dense(units=4, activation="relu", name="left"), Dense(units=4, activation="elu", name="right"),
              Add(name="sum"), Multiply(name="gate"), Average(name="avg"), Concatenate(name="cat"),
              Dense(units=3, activation="softmax", name="digit"),
              Dense(units=1, activation="sigmoid", name="parity")]
    inputs = [None, ["trunk"], ["trunk"], ["left", "right"], ["left", "right"], ["sum", "gate", "left"],
              ["avg", "trunk"], ["cat"], ["sum"]]
    return Model((5,), layers, inputs=inputs, outputs=["digit", "parity"])


def jitter_biases(model, seed=5):
    """Non-zero biases: with zero biases a relu after a zero input sits exactly on its kink, where
    central differences give 1/2 and the derivative 0 (a property of the check, not a bug)."""
    r = rng(seed)
    for layer in model.layers:
        if "bias" in layer.weights:
            layer.weights["bias"][...] = r.normal(scale=0.1, size=layer.weights["bias"].shape)
    return model


def trainer_gradient(trainer, x, targets):
    """The gradient one Trainer step applies (SGD with learning rate 1: the step is the gradient)."""
    before = trainer.model.theta.copy()
    trainer.train_step(x, targets)
    step = before - trainer.model.theta
    np.copyto(trainer.model.theta, before)
    return step


# ---------------------------------------------------------------------- gradients
def test_inception_block_theta_gradient():
    model = jitter_biases(inception().build(seed=0, dtype=np.float64))
    assert model.layer("block").output_shape == (None, 4, 4, 6)
    for seed in (1, 2, 3):
        check_model_theta_gradient(model, rng(seed).normal(size=(3, 6, 6, 1)))


@pytest.mark.parametrize("weights", [None, [3.0, 1.0]])
def test_multi_output_graph_trainer_gradient_is_the_weighted_mean_of_the_losses(weights):
    model = jitter_biases(two_heads_with_merges().build(seed=0, dtype=np.float64))
    x = rng(1).normal(size=(7, 5))
    check_model_theta_gradient(model, x)  # the plain graph first (the Trainer then fuses the output activations)
    targets = [onehot(7, 3), rng(2).integers(0, 2, size=(7, 1)).astype(np.float64)]
    losses = [get_loss("categorical_crossentropy"), get_loss("binary_crossentropy")]
    trainer = Trainer(model, losses, get_optimizer("sgd", learning_rate=1.0), weights)
    w = [0.75, 0.25] if weights else [0.5, 0.5]
    assert trainer.loss_weights == w and trainer.fused == [True, True]

    def total():
        outs = model.forward(x, False)
        return sum(wi * loss.value(o, y) for wi, o, y, loss in zip(w, outs, targets, losses))

    analytic = trainer_gradient(trainer, x, targets)
    numeric = numerical_gradient(total, model.theta)
    assert_gradients_close(analytic, numeric, 1e-5, "d(mean loss)/dtheta")


def test_total_loss_is_the_mean_not_the_keras_sum():
    model = two_heads_with_merges().build(seed=0, dtype=np.float64)
    x = rng(1).normal(size=(16, 5))
    targets = [onehot(16, 3), rng(2).integers(0, 2, size=(16, 1)).astype(np.float64)]
    losses = [get_loss("categorical_crossentropy"), get_loss("binary_crossentropy")]
    for weights, share in ((None, (0.5, 0.5)), ([2.0, 6.0], (0.25, 0.75))):
        trainer = Trainer(model, losses, get_optimizer("sgd"), weights)
        logs = trainer.evaluate(Dataset(x, targets), batch_size=16)
        assert set(logs) == {"loss", "digit_loss", "digit_accuracy", "parity_loss", "parity_accuracy"}
        mean = share[0] * logs["digit_loss"] + share[1] * logs["parity_loss"]
        assert logs["loss"] == pytest.approx(mean, rel=1e-12)
        assert logs["loss"] != pytest.approx(logs["digit_loss"] + logs["parity_loss"])


def test_graph_with_dropout_branches_and_a_changing_batch_size():
    layers = [Dense(units=5, activation="relu", name="a"), Dropout(rate=0.3, name="d1"),
              Dropout(rate=0.5, name="d2"), Add(name="add"), Dense(units=2, name="out"),
              Dense(units=3, activation="tanh", name="side")]
    model = Model((4,), layers, inputs=[None, ["a"], ["a"], ["d1", "d2"], None, ["a"]], outputs=["out", "side"])
    model.build(seed=0, dtype=np.float64)

    def reseed():
        model.layer("d1").rng = np.random.default_rng(1)
        model.layer("d2").rng = np.random.default_rng(2)

    for n in (6, 2, 5):
        check_model_theta_gradient(model, rng(n).normal(size=(n, 4)), training=True, before_forward=reseed)


def test_graph_trains_float32():
    """Two heads learn a toy task through the Trainer (float32, fused losses, non-aliasing merges)."""
    x = rng(0).normal(size=(512, 5)).astype(np.float32)
    cls = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)
    targets = [np.eye(3, dtype=np.float32)[cls], (x[:, 2:3] > 0).astype(np.float32)]
    model = two_heads_with_merges().build(seed=0)
    trainer = Trainer(model, [get_loss("categorical_crossentropy"), get_loss("binary_crossentropy")],
                      get_optimizer("adam", learning_rate=0.01))
    before = trainer.evaluate(Dataset(x, targets))
    for _ in trainer.fit(Dataset(x, targets), epochs=20, batch_size=64):
        pass
    after = trainer.evaluate(Dataset(x, targets))
    assert after["loss"] < 0.5 * before["loss"]
    assert after["digit_accuracy"] > 0.85 and after["parity_accuracy"] > 0.85


# ---------------------------------------------------------------------- bad graphs
def error_of(model):
    report = model.infer_shapes()
    assert not report.ok
    return report.error, report.error_index


def test_cycle():
    layers = [Dense(units=3, name="a"), Dense(units=3, name="b"), Add(name="add")]
    err, index = error_of(Model((3,), layers, inputs=[["add"], ["a"], ["a", "b"]]))
    assert isinstance(err, GraphError) and index == 0
    assert str(err) == "the layers form a cycle: a -> add -> a"
    err, index = error_of(Model((3,), [Dense(units=3, name="a")], inputs=[["a"]]))
    assert str(err) == "the layers form a cycle: a -> a" and index == 0


def test_unknown_input_name():
    layers = [Dense(units=3, name="a"), Dense(units=3, name="b"), Concatenate(name="cat")]
    err, index = error_of(Model((3,), layers, inputs=[None, ["input"], ["a", "nope"]]))
    assert index == 2
    assert str(err) == "layer 'cat' reads 'nope', which is not a layer name (names: input, a, b, cat)"


def test_outputs_that_are_not_layers():
    err, index = error_of(Model((3,), [Dense(units=3, name="a")], outputs=["a", "input"]))
    assert index is None and err.field == "outputs"
    assert str(err) == "output 'input' is not a layer name (names: a)"
    err, _ = error_of(Model((3,), [Dense(units=3, name="a")], outputs=["a", "a"]))
    assert str(err) == "output 'a' is listed twice" and err.field == "outputs"


def test_names_input_and_duplicates():
    err, index = error_of(Model((3,), [Dense(units=3, name="input")]))
    assert index == 0 and str(err) == "'input' is the model's input; give the layer another name"
    err, index = error_of(Model((3,), [Dense(units=3, name="a"), Dense(units=3, name="a")]))
    assert index == 1 and str(err) == "layer name 'a' is used twice"


def test_too_many_inputs_for_a_single_input_layer():
    err, index = error_of(Model((3,), [Dense(units=3, name="a"), Dense(units=3, name="b")],
                                inputs=[None, ["a", "input"]]))
    assert index == 1 and str(err) == "Dense 'b' takes 1 input(s); it was given 2"


def test_a_layer_nothing_reads_is_a_warning_not_an_error():
    layers = [Dense(units=3, name="a"), Dense(units=3, name="dangling"), Dense(units=2, name="out")]
    report = Model((3,), layers, inputs=[None, ["a"], ["a"]]).infer_shapes()
    assert report.ok
    assert report.warnings == ["layer 'dangling' is not read by any layer and is not an output"]


# ---------------------------------------------------------------------- sizes equal Keras's
def test_parameter_counts_equal_keras():
    """Keras's counts, by its formulas: Dense in*units+units; Conv2D kh*kw*cin*filters+filters; merges 0.

    The same graphs in Keras 3 (keras.Input(shape=(6, 6, 1)); Conv2D(3, 3) ...; model.count_params())
    give these totals; the arithmetic is written out so that the figures can be checked by hand.
    """
    report = inception().infer_shapes()
    by_name = {r.name: r.params for r in report.rows}
    assert by_name == {"stem": 3 * 3 * 1 * 3 + 3, "b1": 1 * 1 * 3 * 2 + 2, "b3": 3 * 3 * 3 * 2 + 2,
                       "bp": 0, "bp1": 1 * 1 * 3 * 2 + 2, "block": 0, "gap": 0, "out": 6 * 4 + 4}
    assert report.total_params == 30 + 8 + 56 + 8 + 28 == 130
    report = two_heads_with_merges().infer_shapes()
    by_name = {r.name: r.params for r in report.rows}
    assert by_name == {"trunk": 5 * 6 + 6, "left": 6 * 4 + 4, "right": 6 * 4 + 4, "sum": 0, "gate": 0, "avg": 0,
                       "cat": 0, "digit": (4 + 6) * 3 + 3, "parity": 4 * 1 + 1}
    assert report.total_params == 36 + 28 + 28 + 33 + 5 == 130
    assert report.output_shapes() == [(None, 3), (None, 1)]


def test_flops_of_merges():
    report = two_heads_with_merges().infer_shapes()
    flops = {r.name: r.flops for r in report.rows}
    assert flops["sum"] == 4 and flops["gate"] == 4 and flops["avg"] == 3 * 4 and flops["cat"] == 0
