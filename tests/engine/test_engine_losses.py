"""Losses: values against Keras's formulas and gradients (plain and fused with softmax/sigmoid) against finite differences."""

import math

import numpy as np
import pytest
from gradcheck import assert_gradients_close, numerical_gradient

from nntui.engine.losses import LOSSES, get_loss

CLASSES = 4
SHAPES = [(5, CLASSES), (3, 2, CLASSES)]  # (batch, classes) and (batch, time, classes)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def rng(seed=0):
    return np.random.default_rng(seed)


def onehot(shape, seed=0):
    idx = rng(seed).integers(0, shape[-1], size=shape[:-1])
    return np.eye(shape[-1])[idx], idx


def probabilities(shape, seed=0):
    return softmax(rng(seed).normal(size=shape))


def targets_for(name, shape, seed=0):
    """y_true in the layout the loss expects, for predictions of ``shape``."""
    if name == "categorical_crossentropy":
        return onehot(shape, seed)[0]
    if name == "sparse_categorical_crossentropy":
        return onehot(shape, seed)[1]
    if name == "binary_crossentropy":
        return rng(seed).integers(0, 2, size=shape).astype(np.float64)
    return rng(seed).normal(size=shape)


def predictions_for(name, shape, seed=1):
    """y_pred safely inside (0, 1) for the cross-entropies (away from the clip), anything otherwise."""
    if "crossentropy" in name:
        return rng(seed).uniform(0.05, 0.95, size=shape)
    return rng(seed).normal(size=shape)


def test_registry_and_aliases():
    assert sorted(LOSSES) == sorted(["categorical_crossentropy", "sparse_categorical_crossentropy",
                                     "binary_crossentropy", "mean_squared_error", "mean_absolute_error"])
    assert get_loss("mse").name == "mean_squared_error"
    assert get_loss("mae").name == "mean_absolute_error"
    with pytest.raises(KeyError):
        get_loss("hinge")


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("shape", SHAPES)
def test_categorical_crossentropy_value(shape):
    p, (y, _) = probabilities(shape), onehot(shape)
    want = np.mean(-np.sum(y * np.log(p), axis=-1))
    assert get_loss("categorical_crossentropy").value(p, y) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_sparse_categorical_crossentropy_value(shape):
    p, (y, idx) = probabilities(shape), onehot(shape)
    want = np.mean(-np.sum(y * np.log(p), axis=-1))
    assert get_loss("sparse_categorical_crossentropy").value(p, idx) == pytest.approx(want, rel=1e-12)
    assert get_loss("categorical_crossentropy").value(p, y) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("shape", [(6, 1), (5, 3), (2, 3, 2)])
def test_binary_crossentropy_value(shape):
    p, y = predictions_for("binary_crossentropy", shape), targets_for("binary_crossentropy", shape)
    want = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert get_loss("binary_crossentropy").value(p, y) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_regression_values(shape):
    p, y = rng(1).normal(size=shape), rng(2).normal(size=shape)
    assert get_loss("mean_squared_error").value(p, y) == pytest.approx(np.mean((p - y) ** 2), rel=1e-12)
    assert get_loss("mean_absolute_error").value(p, y) == pytest.approx(np.mean(np.abs(p - y)), rel=1e-12)


def test_probabilities_are_clipped_to_epsilon():
    cap = -math.log(1e-7)
    assert get_loss("categorical_crossentropy").value(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])) \
        == pytest.approx(cap, rel=1e-6)
    assert get_loss("sparse_categorical_crossentropy").value(np.array([[0.0, 1.0]]), np.array([0])) \
        == pytest.approx(cap, rel=1e-6)
    bce = get_loss("binary_crossentropy")
    assert bce.value(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])) == pytest.approx(cap, rel=1e-6)
    assert bce.value(np.array([[0.0], [1.0]]), np.array([[0.0], [1.0]])) == pytest.approx(-math.log1p(-1e-7),
                                                                                         rel=1e-6)
    for name in ("categorical_crossentropy", "binary_crossentropy"):
        g = get_loss(name).gradient(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]), np.empty((1, 2)))
        assert np.isfinite(g).all()


def test_values_in_float32():
    p = probabilities((8, 3)).astype(np.float32)
    y = onehot((8, 3))[0].astype(np.float32)
    want = np.mean(-np.sum(y * np.log(p.astype(np.float64)), axis=-1))
    value = get_loss("categorical_crossentropy").value(p, y)
    assert isinstance(value, float) and value == pytest.approx(want, rel=1e-5)


# ------------------------------------------------------------------ gradients
LOSS_SHAPES = [(name, shape) for name in LOSSES for shape in SHAPES]


@pytest.mark.parametrize("name, shape", LOSS_SHAPES)
def test_gradient_matches_finite_differences(name, shape):
    loss = get_loss(name)
    p, y = predictions_for(name, shape), targets_for(name, shape)
    analytic = loss.gradient(p, y, np.empty_like(p)).copy()
    numeric = numerical_gradient(lambda: loss.value(p, y), p)
    assert_gradients_close(analytic, numeric, 1e-6, name)


@pytest.mark.parametrize("name, shape", [(n, s) for n in ("categorical_crossentropy",
                                                          "sparse_categorical_crossentropy") for s in SHAPES])
def test_fused_softmax_gradient_matches_finite_differences(name, shape):
    loss = get_loss(name)
    assert loss.can_fuse("softmax") and not loss.can_fuse("sigmoid")
    z, y = rng(3).normal(size=shape), targets_for(name, shape)
    analytic = loss.gradient(softmax(z), y, np.empty_like(z), fused=True).copy()
    numeric = numerical_gradient(lambda: loss.value(softmax(z), y), z)
    assert_gradients_close(analytic, numeric, 1e-6, name)


@pytest.mark.parametrize("shape", [(6, 1), (5, 3), (2, 3, 2)])
def test_fused_sigmoid_gradient_matches_finite_differences(shape):
    loss = get_loss("binary_crossentropy")
    assert loss.can_fuse("sigmoid") and not loss.can_fuse("softmax")
    z, y = rng(4).normal(size=shape), targets_for("binary_crossentropy", shape)
    analytic = loss.gradient(sigmoid(z), y, np.empty_like(z), fused=True).copy()
    numeric = numerical_gradient(lambda: loss.value(sigmoid(z), y), z)
    assert_gradients_close(analytic, numeric, 1e-6, "binary_crossentropy")


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error"])
def test_regression_losses_do_not_fuse(name):
    assert not get_loss(name).can_fuse("softmax") and not get_loss(name).can_fuse("linear")


def test_gradient_may_be_written_over_a_reused_buffer():
    loss = get_loss("sparse_categorical_crossentropy")
    p, idx = probabilities((4, 3)), np.array([0, 2, 1, 2])
    out = np.full((4, 3), 123.0)
    g = loss.gradient(p, idx, out)
    expected = np.zeros((4, 3))
    expected[np.arange(4), idx] = -1.0 / (4 * p[np.arange(4), idx])
    np.testing.assert_allclose(g, expected)
