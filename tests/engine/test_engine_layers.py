"""Layers one at a time: forward semantics and gradients (inputs and every weight) against finite differences."""

import numpy as np
import pytest
from gradcheck import check_layer_input_gradient, check_model_theta_gradient

from nntui.engine.layers import LAYER_TYPES, Activation, Dense, Dropout, Flatten, Reshape, create_layer
from nntui.engine.model import Model


def built(input_shape, layer, seed=0):
    """A float64 one-layer model around ``layer`` (binds its weights), with random non-zero biases."""
    model = Model(input_shape, [layer]).build(seed=seed, dtype=np.float64)
    if "bias" in layer.weights:
        layer.weights["bias"][...] = np.random.default_rng(seed + 10).normal(size=layer.weights["bias"].shape)
    return model


def batch(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def test_registry_has_the_core_layers():
    assert set(LAYER_TYPES) >= {"Dense", "Activation", "Flatten", "Reshape", "Dropout"}
    layer = create_layer("Dense", name="d", units=3)
    assert isinstance(layer, Dense) and layer.name == "d" and layer.units == 3


# ------------------------------------------------------------------ Dense
def test_dense_forward_is_affine_then_activation():
    layer = Dense(units=3, activation="tanh")
    built((4,), layer)
    x = batch((5, 4))
    expected = np.tanh(x @ layer.weights["kernel"] + layer.weights["bias"])
    np.testing.assert_allclose(layer.forward(x, False), expected, rtol=1e-12)


def test_dense_acts_on_last_axis_of_3d_input():
    layer = Dense(units=3)
    model = built((5, 4), layer)
    assert model.infer_shapes().rows[0].output_shape == (None, 5, 3)
    x = batch((2, 5, 4))
    out = layer.forward(x, False)
    assert out.shape == (2, 5, 3)
    np.testing.assert_allclose(out, np.einsum("btd,du->btu", x, layer.weights["kernel"]) + layer.weights["bias"])


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "gelu"])
@pytest.mark.parametrize("input_shape", [(4,), (3, 4)])
def test_dense_gradients(activation, input_shape):
    layer = Dense(units=3, activation=activation)
    model = built(input_shape, layer)
    x = batch((2, *input_shape), seed=3)
    check_model_theta_gradient(model, x)
    check_layer_input_gradient(layer, x)


def test_dense_without_bias_gradients():
    layer = Dense(units=2, activation="sigmoid", use_bias=False)
    model = built((3,), layer)
    assert set(layer.weights) == {"kernel"} and model.theta.size == 6
    x = batch((4, 3))
    check_model_theta_gradient(model, x)
    check_layer_input_gradient(layer, x)


def test_dense_weight_gradients_are_views_of_model_grad():
    layer = Dense(units=2)
    model = built((3,), layer)
    assert np.shares_memory(layer.grads["kernel"], model.grad)
    assert np.shares_memory(layer.weights["kernel"], model.theta)
    model.forward(batch((4, 3)), False)
    model.backward([np.ones((4, 2))])
    np.testing.assert_allclose(model.grad[-2:], [4.0, 4.0])  # bias gradient: the sum over the batch


def test_dense_batch_size_may_change_between_calls():
    layer = Dense(units=2, activation="tanh")
    model = built((3,), layer)
    for n in (5, 2, 7):
        check_model_theta_gradient(model, batch((n, 3), seed=n))


# ------------------------------------------------------------------ shape-only layers
def test_activation_layer_has_no_weights_and_gradient():
    layer = Activation(activation="softmax")
    model = built((2, 5), layer)
    assert model.theta.size == 0
    check_layer_input_gradient(layer, batch((3, 2, 5)))


def test_flatten_forward_and_gradient():
    layer = Flatten()
    model = built((2, 3, 4), layer)
    assert model.infer_shapes().rows[0].output_shape == (None, 24)
    x = batch((2, 2, 3, 4))
    np.testing.assert_array_equal(layer.forward(x, False), x.reshape(2, 24))
    check_layer_input_gradient(layer, x)


@pytest.mark.parametrize("target, expected", [((3, 8), (None, 3, 8)), ((-1, 4), (None, 6, 4)),
                                              ((2, -1, 3), (None, 2, 4, 3))])
def test_reshape_forward_and_gradient(target, expected):
    layer = Reshape(target_shape=list(target))
    model = built((24,), layer)
    assert model.infer_shapes().rows[0].output_shape == expected
    x = batch((3, 24))
    out = layer.forward(x, False)
    assert out.shape == (3, *expected[1:])
    np.testing.assert_array_equal(out.reshape(3, 24), x)
    check_layer_input_gradient(layer, x)


# ------------------------------------------------------------------ Dropout
def test_dropout_rate_zero_is_identity_in_training():
    layer = Dropout(rate=0.0)
    built((5,), layer)
    x = batch((4, 5))
    np.testing.assert_array_equal(layer.forward(x, True), x)
    check_layer_input_gradient(layer, x, training=True)


def test_dropout_is_identity_in_inference():
    layer = Dropout(rate=0.5)
    built((5,), layer)
    x = batch((4, 5))
    np.testing.assert_array_equal(layer.forward(x, False), x)
    check_layer_input_gradient(layer, x, training=False)


def test_dropout_training_drops_and_rescales():
    layer = Dropout(rate=0.25)
    built((1000,), layer)
    x = np.ones((4, 1000))
    out = layer.forward(x, True)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1.0 / 0.75)
    assert 0.2 < 1.0 - kept.mean() < 0.3


def test_dropout_backward_applies_the_forward_mask():
    layer = Dropout(rate=0.4)
    built((6,), layer)
    layer.need_input_grad = True
    x = np.ones((5, 6))
    scale = layer.forward(x, True).copy()  # on ones the output is the mask times 1/(1 - rate)
    assert (scale == 0).any() and (scale != 0).any()
    dy = batch((5, 6), seed=8)
    dx = layer.backward(dy.copy())
    np.testing.assert_allclose(dx, dy * scale)


def test_dropout_training_gradient_with_fixed_mask():
    layer = Dropout(rate=0.3)
    built((3, 4), layer)

    def reseed():
        layer.rng = np.random.default_rng(123)

    check_layer_input_gradient(layer, batch((2, 3, 4)), training=True, before_forward=reseed)


def test_dropout_in_a_model_with_fixed_mask_weight_gradients():
    model = Model((4,), [Dense(units=5, activation="tanh"), Dropout(rate=0.5), Dense(units=3)])
    model.build(seed=0, dtype=np.float64)
    drop = model.layers[1]

    def reseed():
        drop.rng = np.random.default_rng(99)

    check_model_theta_gradient(model, batch((6, 4)), training=True, before_forward=reseed)
