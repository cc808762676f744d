"""Whole models: the Trainer's gradient path (forward, fused loss gradient, backward) against finite differences."""

import numpy as np
import pytest
from gradcheck import assert_gradients_close, check_model_theta_gradient, numerical_gradient

from nntui.engine import Trainer, get_loss, get_optimizer
from nntui.engine.layers import Activation, Dense, Dropout, Flatten, Reshape
from nntui.engine.model import Model


def rng(seed=0):
    return np.random.default_rng(seed)


def onehot(n, k, seed=0):
    return np.eye(k)[rng(seed).integers(0, k, size=n)]


def total_loss(model, x, targets, losses, weights, training=False):
    """The weighted mean of the per-output losses, computed without the Trainer."""
    outs = model.forward(x, training)
    return sum(w * loss.value(o, y) for o, y, loss, w in zip(outs, targets, losses, weights))


def trainer_gradient(trainer, x, targets):
    """The gradient one Trainer step applies, recovered from an SGD step with learning rate 1."""
    assert trainer.optimizer.name == "sgd" and trainer.optimizer.learning_rate == 1.0
    before = trainer.model.theta.copy()
    trainer.train_step(x, targets)
    step = before - trainer.model.theta
    np.copyto(trainer.model.theta, before)
    np.testing.assert_allclose(step, trainer.model.grad, rtol=1e-12, atol=1e-15)
    return step


def check_trainer_gradient(model, x, targets, loss_names, loss_weights=None, tol=1e-5):
    losses = [get_loss(n) for n in loss_names]
    trainer = Trainer(model, losses, get_optimizer("sgd", learning_rate=1.0), loss_weights)
    analytic = trainer_gradient(trainer, x, targets)
    weights = trainer.loss_weights
    check = [get_loss(n) for n in loss_names]
    numeric = numerical_gradient(lambda: total_loss(model, x, targets, check, weights), model.theta)
    assert_gradients_close(analytic, numeric, tol, "d(total loss)/dtheta")
    return trainer


def test_dense_dropout_dense_softmax_categorical_crossentropy():
    model = Model((6,), [Dense(units=5, activation="tanh"), Dropout(rate=0.0),
                         Dense(units=3, activation="softmax")]).build(seed=0, dtype=np.float64)
    x, y = rng(1).normal(size=(8, 6)), onehot(8, 3)
    trainer = check_trainer_gradient(model, x, [y], ["categorical_crossentropy"])
    assert trainer.fused == [True] and model.layers[-1].fused_output


def test_sparse_categorical_crossentropy_through_trainer():
    model = Model((5,), [Dense(units=4, activation="relu"), Dense(units=3, activation="softmax")])
    model.build(seed=2, dtype=np.float64)
    x, y = rng(1).normal(size=(7, 5)), rng(2).integers(0, 3, size=7)
    check_trainer_gradient(model, x, [y], ["sparse_categorical_crossentropy"])


def test_binary_crossentropy_and_mse_through_trainer():
    model = Model((4,), [Dense(units=6, activation="elu"), Dense(units=2, activation="sigmoid")])
    model.build(seed=3, dtype=np.float64)
    x, y = rng(1).normal(size=(9, 4)), rng(2).integers(0, 2, size=(9, 2)).astype(np.float64)
    assert check_trainer_gradient(model, x, [y], ["binary_crossentropy"]).fused == [True]
    reg = Model((4,), [Dense(units=6, activation="gelu"), Dense(units=2)]).build(seed=3, dtype=np.float64)
    assert check_trainer_gradient(reg, x, [rng(3).normal(size=(9, 2))], ["mean_squared_error"]).fused == [False]


def test_separate_softmax_activation_layer_is_fused():
    model = Model((4,), [Dense(units=3), Activation(activation="softmax")]).build(seed=0, dtype=np.float64)
    x, y = rng(1).normal(size=(5, 4)), onehot(5, 3)
    assert check_trainer_gradient(model, x, [y], ["categorical_crossentropy"]).fused == [True]


def test_reshape_flatten_model():
    layers = [Dense(units=12, activation="tanh"), Reshape(target_shape=[3, -1]), Dense(units=2, activation="sigmoid"),
              Flatten(), Dense(units=3, activation="softmax")]
    model = Model((5,), layers).build(seed=0, dtype=np.float64)
    assert [r.output_shape for r in model.infer_shapes().rows] == [(None, 12), (None, 3, 4), (None, 3, 2),
                                                                  (None, 6), (None, 3)]
    x = rng(1).normal(size=(4, 5))
    check_model_theta_gradient(model, x)
    check_trainer_gradient(model, x, [onehot(4, 3)], ["categorical_crossentropy"])


def test_sequence_output_with_time_axis():
    """(batch, time, classes) outputs: Dense on the last axis, cross-entropy averaged over batch and time."""
    model = Model((3, 4), [Dense(units=5, activation="relu"), Dense(units=3, activation="softmax")])
    model.build(seed=1, dtype=np.float64)
    x = rng(1).normal(size=(2, 3, 4))
    y = np.eye(3)[rng(2).integers(0, 3, size=(2, 3))]
    check_trainer_gradient(model, x, [y], ["categorical_crossentropy"])
    check_trainer_gradient(model, x, [y.argmax(-1)], ["sparse_categorical_crossentropy"])


def two_output_model():
    layers = [Dense(units=4, activation="tanh", name="a"), Dense(units=3, activation="softmax", name="b"),
              Dense(units=1, activation="sigmoid", name="c")]
    return Model((5,), layers, inputs=[["input"], ["a"], ["a"]], outputs=["b", "c"]).build(seed=0,
                                                                                      dtype=np.float64)


def test_graph_with_two_outputs_and_averaged_losses():
    model = two_output_model()
    assert not model.is_sequential
    x = rng(1).normal(size=(6, 5))
    targets = [onehot(6, 3), rng(2).integers(0, 2, size=(6, 1)).astype(np.float64)]
    trainer = check_trainer_gradient(model, x, targets, ["categorical_crossentropy", "binary_crossentropy"])
    assert trainer.fused == [True, True] and trainer.loss_weights == [0.5, 0.5]
    assert trainer.metric_names() == ["loss", "b_loss", "b_accuracy", "c_loss", "c_accuracy"]


def test_graph_with_loss_weights():
    model = two_output_model()
    x = rng(1).normal(size=(6, 5))
    targets = [onehot(6, 3), rng(2).integers(0, 2, size=(6, 1)).astype(np.float64)]
    trainer = check_trainer_gradient(model, x, targets, ["categorical_crossentropy", "binary_crossentropy"],
                                     loss_weights=[3.0, 1.0])
    assert trainer.loss_weights == [0.75, 0.25]


def test_branch_gradients_accumulate_over_three_readers_and_unused_branch_is_zero():
    layers = [Dense(units=4, activation="tanh", name="a"), Dense(units=3, activation="sigmoid", name="b"),
              Dense(units=2, activation="elu", name="c"), Dense(units=2, name="d"), Dense(units=2, name="unused")]
    model = Model((3,), layers, inputs=[None, ["a"], ["a"], ["a"], ["a"]], outputs=["b", "c", "d"])
    model.build(seed=0, dtype=np.float64)
    assert any("unused" in w for w in model.infer_shapes().warnings)
    x = rng(1).normal(size=(5, 3))
    analytic, _ = check_model_theta_gradient(model, x)
    unused = model.layer("unused")
    assert not unused.grads["kernel"].any() and not unused.grads["bias"].any()
    assert analytic[:model.layer("a").weights["kernel"].size].any()
    # a second backward must give the same result (accumulation buffers are reused, not accumulated into)
    check_model_theta_gradient(model, x)


def test_output_layer_that_feeds_another_layer_is_not_fused():
    """A softmax output read by another output: its CE gradient must go through the softmax derivative."""
    layers = [Dense(units=3, activation="softmax", name="p"), Dense(units=1, activation="sigmoid", name="q")]
    model = Model((4,), layers, inputs=[None, ["p"]], outputs=["p", "q"]).build(seed=0, dtype=np.float64)
    x = rng(1).normal(size=(6, 4))
    targets = [onehot(6, 3), rng(2).integers(0, 2, size=(6, 1)).astype(np.float64)]
    trainer = check_trainer_gradient(model, x, targets, ["categorical_crossentropy", "binary_crossentropy"])
    assert trainer.fused == [False, True]


def test_first_layer_skips_input_gradient():
    model = Model((3,), [Dense(units=2), Dense(units=2)]).build(seed=0, dtype=np.float64)
    assert not model.layers[0].need_input_grad and model.layers[1].need_input_grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_dtype_follows_build(dtype):
    model = Model((3,), [Dense(units=2, activation="relu")]).build(seed=0, dtype=dtype)
    assert model.theta.dtype == dtype
    (out,) = model.forward(np.ones((2, 3), dtype), False)
    assert out.dtype == dtype


def test_build_is_seeded_and_get_set_weights_round_trip():
    def make(seed):
        return Model((4,), [Dense(units=3, activation="relu"), Dense(units=2)]).build(seed=seed)

    a, b, c = make(5), make(5), make(6)
    assert np.array_equal(a.theta, b.theta) and not np.array_equal(a.theta, c.theta)
    assert a.weight_names() == ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    c.set_weights(a.get_weights())
    assert np.array_equal(a.theta, c.theta)
    bad = a.get_weights()
    bad["dense_1/kernel"] = np.zeros((2, 2))
    with pytest.raises(ValueError, match="dense_1/kernel"):
        c.set_weights(bad)


def test_gradients_stay_right_when_the_batch_size_changes():
    """Buffers sized for a larger batch are reused as slices (the last, partial batch of an epoch)."""
    layers = [Dense(units=5, activation="relu", name="a"), Dropout(rate=0.4, name="drop"),
              Dense(units=3, activation="tanh", name="b"), Dense(units=2, activation="sigmoid", name="c")]
    model = Model((4,), layers, inputs=[None, ["a"], ["drop"], ["drop"]], outputs=["b", "c"])
    model.build(seed=0, dtype=np.float64)
    drop = model.layer("drop")

    def reseed():
        drop.rng = np.random.default_rng(3)

    for n in (6, 2, 5):
        check_model_theta_gradient(model, rng(n).normal(size=(n, 4)), training=True, before_forward=reseed)
