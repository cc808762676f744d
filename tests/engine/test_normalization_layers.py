"""BatchNormalization: batch statistics in training, moving averages in inference, gradients, counts."""

import numpy as np
import pytest
from gradcheck import check_layer_input_gradient, check_model_theta_gradient

from nntui.engine.config import ConfigError
from nntui.engine.layers import LAYER_TYPES, BatchNormalization, Conv2D, Dense, Flatten
from nntui.engine.model import Model


def built(input_shape, layer, seed=0, randomise=True):
    """A float64 one-layer model around ``layer`` with random gamma and beta; asks for input gradients."""
    model = Model(input_shape, [layer]).build(seed=seed, dtype=np.float64)
    layer.need_input_grad = True
    rng = np.random.default_rng(seed + 10)
    if randomise:
        for key in ("gamma", "beta"):
            if key in layer.weights:
                layer.weights[key][...] = rng.normal(size=layer.weights[key].shape)
    return model


def batch(shape, seed=0, scale=3.0, shift=1.5):
    return np.random.default_rng(seed).normal(size=shape) * scale + shift


def test_registered_with_family_and_description():
    assert LAYER_TYPES["BatchNormalization"] is BatchNormalization
    assert BatchNormalization.family == "normalization" and BatchNormalization.description


def test_defaults_follow_keras():
    assert BatchNormalization().get_config() == {"axis": -1, "momentum": 0.99, "epsilon": 1e-3,
                                                 "center": True, "scale": True}
    with pytest.raises(ConfigError, match="axis"):
        BatchNormalization(axis=1)


def test_parameter_counts_equal_keras_with_half_non_trainable():
    model = Model((26, 26, 32), [BatchNormalization()])
    row = model.infer_shapes().rows[0]
    assert (row.params, row.trainable_params) == (128, 64)
    model.build()
    assert model.theta.size == 64 and model.state.size == 64
    specs = BatchNormalization().weight_specs((None, 26, 26, 32))
    assert [(s.name, s.trainable, s.initializer) for s in specs] == [
        ("gamma", True, "ones"), ("beta", True, "zeros"),
        ("moving_mean", False, "zeros"), ("moving_variance", False, "ones")]
    assert BatchNormalization(center=False, scale=False).count_params((None, 5)) == 10


def test_non_trainable_statistics_live_in_model_state():
    layer = BatchNormalization()
    model = built((4,), layer, randomise=False)
    assert np.shares_memory(layer.weights["moving_mean"], model.state)
    assert np.shares_memory(layer.weights["moving_variance"], model.state)
    assert not np.shares_memory(layer.weights["moving_mean"], model.theta)
    assert set(layer.grads) == {"gamma", "beta"}


def test_training_normalises_with_the_batch_statistics_and_updates_moving_averages():
    layer = BatchNormalization(momentum=0.9)
    built((6, 3), layer, randomise=False)
    x = batch((5, 6, 3), seed=1)
    out = layer.forward(x, True)
    flat = x.reshape(-1, 3)
    mean, var = flat.mean(axis=0), flat.var(axis=0)  # biased variance, as Keras 3
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)
    np.testing.assert_allclose(layer.weights["moving_mean"], 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(layer.weights["moving_variance"], 0.9 + 0.1 * var, rtol=1e-12)
    layer.forward(x, True)
    np.testing.assert_allclose(layer.weights["moving_mean"], 0.19 * mean, rtol=1e-12)


def test_inference_uses_the_moving_averages():
    layer = BatchNormalization(epsilon=0.01)
    built((3,), layer)
    mm, mv = np.array([1.0, -2.0, 0.5]), np.array([4.0, 0.25, 1.0])
    layer.weights["moving_mean"][...] = mm
    layer.weights["moving_variance"][...] = mv
    x = batch((4, 3), seed=2)
    g, b = layer.weights["gamma"], layer.weights["beta"]
    expected = g * (x - mm) / np.sqrt(mv + 0.01) + b
    np.testing.assert_allclose(layer.forward(x, False), expected, rtol=1e-12)
    np.testing.assert_allclose(layer.forward(x[1:2], False), expected[1:2], rtol=1e-12)  # batch independent
    np.testing.assert_array_equal(layer.weights["moving_mean"], mm)  # inference leaves them alone


@pytest.mark.parametrize("input_shape", [(4,), (3, 4), (3, 2, 4)])
@pytest.mark.parametrize("config", [{}, {"center": False}, {"scale": False}, {"center": False, "scale": False}])
def test_gradients_in_training_mode(input_shape, config):
    layer = BatchNormalization(**config)
    model = built(input_shape, layer)
    x = batch((3, *input_shape), seed=3)
    if model.theta.size:
        check_model_theta_gradient(model, x, training=True)
    check_layer_input_gradient(layer, x, training=True)


def test_gradients_in_inference_mode():
    layer = BatchNormalization()
    model = built((2, 3), layer)
    layer.weights["moving_mean"][...] = [0.5, -1.0, 2.0]
    layer.weights["moving_variance"][...] = [2.0, 0.5, 1.5]
    x = batch((4, 2, 3), seed=4)
    check_model_theta_gradient(model, x, training=False)
    check_layer_input_gradient(layer, x, training=False)


def test_gradients_in_a_convnet_while_training():
    model = Model((5, 5, 2), [Conv2D(filters=3, kernel_size=2), BatchNormalization(), Conv2D(filters=2, kernel_size=2,
                              activation="tanh"), Flatten(), Dense(units=2)]).build(seed=1, dtype=np.float64)
    check_model_theta_gradient(model, batch((4, 5, 5, 2), seed=5), training=True)


def test_float32_forward_is_stable_for_large_batches():
    layer = BatchNormalization()
    Model((8,), [layer]).build()
    x = (np.random.default_rng(6).normal(size=(50_000, 8)) * 2 + 100).astype(np.float32)
    out = layer.forward(x, True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.mean(axis=0, dtype=np.float64), 0, atol=1e-3)
    np.testing.assert_allclose(out.std(axis=0, dtype=np.float64), 1, atol=1e-3)
