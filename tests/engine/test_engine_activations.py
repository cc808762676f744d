"""Activations: forward values against their formulas (Keras semantics) and backward against finite differences."""

import math

import numpy as np
import pytest
from gradcheck import assert_gradients_close, numerical_gradient

from nntui.engine.activations import ACTIVATIONS, erf, get_activation
from nntui.engine.layers import Activation
from nntui.engine.model import Model

NAMES = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "gelu"]
KINKED = {"relu", "leaky_relu", "elu"}


def reference(name, z):
    """The activation written out plainly, element by element where that is clearest."""
    if name == "linear":
        return z.copy()
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.2 * z)
    if name == "elu":
        return np.where(z > 0, z, np.exp(z) - 1.0)
    if name == "gelu":
        return np.vectorize(lambda v: v * 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))))(z)
    raise KeyError(name)


def sample(name, shape, seed=0, scale=2.0):
    """Inputs for ``name``, kept away from the kink at 0 for the piecewise activations."""
    z = np.random.default_rng(seed).normal(scale=scale, size=shape)
    if name in KINKED:
        z = np.where(np.abs(z) < 1e-2, np.copysign(0.1, z) + z, z)
        assert np.abs(z).min() > 1e-3
    return z


def run_forward(act, z):
    out = np.empty_like(z)
    return act.forward(z.copy(), out).copy()


def test_every_keras_activation_is_registered():
    assert sorted(ACTIVATIONS) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(4, 7), (2, 3, 5)])
def test_forward_matches_formula(name, shape):
    z = sample(name, shape)
    np.testing.assert_allclose(run_forward(get_activation(name), z), reference(name, z), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_forward_in_place(name):
    """forward(z, out=z) (how layers call it) gives the same values as into a separate array."""
    z = sample(name, (5, 6), seed=3)
    act = get_activation(name)
    expected = run_forward(act, z)
    zz = z.copy()
    out = act.forward(zz, zz)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_gelu_uses_exact_erf_form_within_1e_6():
    z = np.linspace(-6, 6, 241)
    got = run_forward(get_activation("gelu"), z)
    want = np.array([v * 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in z])
    assert np.abs(got - want).max() < 1e-6
    assert got[z < 0].max() <= 0.0  # GELU is negative for negative inputs (regression: erf sign)


@pytest.mark.parametrize("aliased", [False, True])
def test_erf_matches_math_erf_even_when_out_aliases_x(aliased):
    x = np.linspace(-4, 4, 81)
    want = np.array([math.erf(v) for v in x])
    xx = x.copy()
    got = erf(xx, xx if aliased else np.empty_like(x))
    assert np.abs(got - want).max() < 2e-7


def test_keras_constants():
    z = np.array([[-2.0, -0.5, 0.5, 3.0]])
    np.testing.assert_allclose(run_forward(get_activation("leaky_relu"), z), [[-0.4, -0.1, 0.5, 3.0]])
    np.testing.assert_allclose(run_forward(get_activation("elu"), z),
                               [[math.expm1(-2.0), math.expm1(-0.5), 0.5, 3.0]])
    assert get_activation(None).name == "linear"


def test_softmax_rows_sum_to_one_and_survive_large_logits():
    z = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    a = run_forward(get_activation("softmax"), z)
    assert np.isfinite(a).all()
    np.testing.assert_allclose(a.sum(axis=-1), 1.0)
    np.testing.assert_allclose(a[0], reference("softmax", np.array([0.0, 1.0, 2.0])))


def test_sigmoid_saturates_without_nan():
    a = run_forward(get_activation("sigmoid"), np.array([[-800.0, 0.0, 800.0]]))
    np.testing.assert_allclose(a, [[0.0, 0.5, 1.0]])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4)])
def test_backward_matches_finite_differences(name, shape):
    act = get_activation(name)
    z = sample(name, shape, seed=1, scale=1.5)
    r = np.random.default_rng(2).normal(size=shape)
    a = run_forward(act, z)
    analytic = act.backward(r.copy(), z.copy(), a, np.empty_like(z)).copy()
    numeric = numerical_gradient(lambda: float(np.sum(run_forward(act, z) * r)), z)
    assert_gradients_close(analytic, numeric, 1e-5, name)


@pytest.mark.parametrize("name", NAMES)
def test_backward_in_place_on_dy(name):
    """backward(dy, z, a, out=dy) (how layers call it) equals the out-of-place result."""
    act = get_activation(name)
    z = sample(name, (4, 5), seed=4)
    dy = np.random.default_rng(5).normal(size=z.shape)
    a = run_forward(act, z)
    expected = act.backward(dy.copy(), z.copy(), a.copy(), np.empty_like(z)).copy()
    d = dy.copy()
    got = act.backward(d, z.copy(), a.copy(), d)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_activation_layer_gradient(name):
    """The same check through an Activation layer built in a float64 model (dL/dx)."""
    layer = Activation(activation=name)
    Model((3, 4), [layer]).build(seed=0, dtype=np.float64)
    layer.need_input_grad = True
    x = sample(name, (2, 3, 4), seed=6)
    r = np.random.default_rng(7).normal(size=x.shape)
    out = layer.forward(x, False)
    np.testing.assert_allclose(out, reference(name, x), rtol=1e-6, atol=1e-6)
    analytic = layer.backward(r.copy()).copy()
    numeric = numerical_gradient(lambda: float(np.sum(layer.forward(x, False) * r)), x)
    assert_gradients_close(analytic, numeric, 1e-5, name)
    assert np.array_equal(x, sample(name, (2, 3, 4), seed=6)), "the layer must not modify its input"
