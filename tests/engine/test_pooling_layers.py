"""Pooling layers: forward against loop references, gradients, tie routing, shapes and errors."""

import math

import numpy as np
import pytest
from gradcheck import check_layer_input_gradient, check_model_theta_gradient

from nntui.engine.layers import (
    LAYER_TYPES,
    AveragePooling2D,
    Conv2D,
    Dense,
    Flatten,
    GlobalAveragePooling2D,
    MaxPooling2D,
)
from nntui.engine.model import Model
from nntui.engine.shapes import ShapeError


def built(input_shape, layer, seed=0):
    """A float64 one-layer model around ``layer``, which is asked for its input gradient."""
    model = Model(input_shape, [layer]).build(seed=seed, dtype=np.float64)
    layer.need_input_grad = True
    return model


def batch(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def pool_reference(x, pool, strides, padding, reduce):
    """Each output = reduce over the real (unpadded) positions of its window; TensorFlow's padding rule."""
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = pool, strides
    if padding == "same":
        oh, ow = math.ceil(h / sh), math.ceil(w / sw)
        top = max((oh - 1) * sh + ph - h, 0) // 2
        left = max((ow - 1) * sw + pw - w, 0) // 2
    else:
        oh, ow = (h - ph) // sh + 1, (w - pw) // sw + 1
        top = left = 0
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * sh - top, j * sw - left
            window = x[:, max(r0, 0):min(r0 + ph, h), max(c0, 0):min(c0 + pw, w), :]
            out[:, i, j, :] = reduce(window.reshape(n, -1, c), axis=1)
    return out


POOLS = [
    {},                                                 # 2x2, strides = pool size
    {"pool_size": 3},                                   # 7x5 -> floor
    {"pool_size": (2, 3), "strides": 1},                # overlapping windows
    {"pool_size": 3, "strides": 2, "padding": "same"},  # overlapping and padded
    {"pool_size": 2, "padding": "same"},                # odd sizes: ceil, pad after
    {"pool_size": (3, 2), "strides": (2, 3)},           # gaps between windows
    {"pool_size": 1, "strides": 2, "padding": "same"},
]
IDS = [",".join(f"{k}={v}" for k, v in c.items()) or "default" for c in POOLS]


def test_registered_with_family_and_description():
    for cls in (MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D):
        assert LAYER_TYPES[cls.type_name] is cls and cls.family == "pooling" and cls.description


def test_defaults_follow_keras():
    layer = MaxPooling2D()
    assert layer.get_config() == {"pool_size": (2, 2), "strides": None, "padding": "valid"}
    assert layer.strides == (2, 2)
    assert AveragePooling2D(pool_size=3, strides=1).strides == (1, 1)


@pytest.mark.parametrize("config", POOLS, ids=IDS)
@pytest.mark.parametrize("cls, reduce", [(MaxPooling2D, np.max), (AveragePooling2D, np.mean)])
def test_forward_matches_a_loop_reference(cls, reduce, config):
    layer = cls(**config)
    built((7, 5, 3), layer)
    x = batch((2, 7, 5, 3), seed=1)
    expected = pool_reference(x, layer.pool_size, layer.strides, layer.padding, reduce)
    assert layer.compute_output_shape((None, 7, 5, 3)) == (None, *expected.shape[1:])
    np.testing.assert_allclose(layer.forward(x, False), expected, rtol=1e-12)


@pytest.mark.parametrize("config", POOLS, ids=IDS)
@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
def test_input_gradients_against_finite_differences(cls, config):
    layer = cls(**config)
    built((7, 5, 3), layer)
    check_layer_input_gradient(layer, batch((2, 7, 5, 3), seed=2), training=True)


def test_gradients_through_conv_and_pooling_in_a_model():
    model = Model((8, 7, 2), [Conv2D(filters=3, kernel_size=2, activation="tanh"), MaxPooling2D(padding="same"),
                              Conv2D(filters=2, kernel_size=2, activation="relu"), AveragePooling2D(pool_size=(1, 2)),
                              Flatten(), Dense(units=3)]).build(seed=0, dtype=np.float64)
    check_model_theta_gradient(model, batch((2, 8, 7, 2), seed=3), training=True)


def test_max_pool_routes_each_window_gradient_to_one_maximum():
    # ties: the whole first window is 1.0 and the second window has two maxima; the first in
    # row-major order gets the window's whole gradient, the other tied positions get nothing
    layer = MaxPooling2D()
    built((2, 4, 1), layer)
    x = np.array([[1.0, 1.0, 0.0, 5.0], [1.0, 1.0, 5.0, 2.0]]).reshape(1, 2, 4, 1)
    out = layer.forward(x, True)
    np.testing.assert_array_equal(out.ravel(), [1.0, 5.0])
    dx = layer.backward(np.array([3.0, 7.0]).reshape(1, 1, 2, 1))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[3.0, 0.0, 0.0, 7.0], [0.0, 0.0, 0.0, 0.0]])


def test_max_pool_on_a_constant_image_passes_the_gradient_once_per_window():
    layer = MaxPooling2D(pool_size=3, strides=2, padding="same")
    built((6, 6, 2), layer)
    x = np.full((2, 6, 6, 2), 0.5)
    dy = batch((2, 3, 3, 2), seed=4)
    layer.forward(x, True)
    dx = layer.backward(dy.copy())
    np.testing.assert_allclose(dx.sum(axis=(1, 2)), dy.sum(axis=(1, 2)))
    assert np.count_nonzero(dx) == dy.size


def test_max_pool_floor_drops_the_last_row_and_column_from_the_gradient():
    layer = MaxPooling2D()
    built((5, 5, 1), layer)
    x = batch((1, 5, 5, 1), seed=5)
    layer.forward(x, True)
    dx = layer.backward(np.ones((1, 2, 2, 1)))
    assert dx.shape == x.shape and not dx[0, 4, :, 0].any() and not dx[0, :, 4, 0].any()
    assert dx.sum() == 4


def test_average_pool_same_padding_counts_only_real_positions():
    layer = AveragePooling2D(pool_size=2, padding="same")
    built((3, 3, 1), layer)
    out = layer.forward(np.ones((1, 3, 3, 1)), False)
    np.testing.assert_allclose(out, np.ones((1, 2, 2, 1)))


def test_buffers_survive_batch_size_changes():
    layer = MaxPooling2D(pool_size=3, strides=2, padding="same")
    built((7, 5, 3), layer)
    x = batch((6, 7, 5, 3), seed=6)
    full = layer.forward(x, False).copy()
    for n in (2, 6, 1):
        np.testing.assert_array_equal(layer.forward(x[:n], False), full[:n])


def test_global_average_pooling_forward_and_gradient():
    layer = GlobalAveragePooling2D()
    built((4, 3, 5), layer)
    x = batch((2, 4, 3, 5), seed=7)
    np.testing.assert_allclose(layer.forward(x, False), x.mean(axis=(1, 2)))
    check_layer_input_gradient(layer, x)
    assert layer.compute_output_shape((None, 4, 3, 5)) == (None, 5)
    assert layer.count_params((None, 4, 3, 5)) == 0


@pytest.mark.parametrize("input_shape, config, expected", [
    ((None, 26, 26, 32), {"pool_size": 2}, (None, 13, 13, 32)),
    ((None, 11, 11, 64), {"pool_size": 2}, (None, 5, 5, 64)),
    ((None, 11, 11, 64), {"pool_size": 2, "padding": "same"}, (None, 6, 6, 64)),
    ((None, 7, 5, 3), {"pool_size": 3, "strides": 1}, (None, 5, 3, 3)),
    ((None, 7, 5, 3), {"pool_size": (2, 3), "strides": (3, 1), "padding": "same"}, (None, 3, 5, 3)),
])
def test_output_shapes_follow_keras(input_shape, config, expected):
    assert MaxPooling2D(**config).compute_output_shape(input_shape) == expected
    assert AveragePooling2D(**config).compute_output_shape(input_shape) == expected


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D])
def test_shape_error_for_a_flat_input(cls):
    with pytest.raises(ShapeError) as info:
        cls().compute_output_shape((None, 512))
    assert str(info.value) == (f"{cls.type_name} needs 4-D input (batch, height, width, channels); it received "
                               "(None, 512). Insert Reshape(target_shape=...) first.")


def test_shape_error_when_the_pool_is_larger_than_the_input():
    with pytest.raises(ShapeError) as info:
        MaxPooling2D(pool_size=3).compute_output_shape((None, 2, 5, 8))
    message = str(info.value)
    assert message.startswith("MaxPooling2D needs height and width of at least 3x3")
    assert "it received (None, 2, 5, 8)" in message and "output would be empty" in message
    assert 'padding="same"' in message and "smaller pool_size" in message
    assert MaxPooling2D(pool_size=3, padding="same").compute_output_shape((None, 2, 5, 8)) == (None, 1, 2, 8)


# ---------------------------------------------------------------------- the activation hand-off
from nntui.engine.layers import Concatenate


def conv_pool_model(activation, graph=False, pools=1):
    """Conv2D(activation) -> MaxPooling2D -> Flatten -> Dense. With ``graph`` the conv also feeds a
    Flatten branch; with ``pools=2`` a second MaxPooling2D branch; the branches are concatenated."""
    layers = [Conv2D(filters=3, kernel_size=2, activation=activation, name="conv"),
              MaxPooling2D(pool_size=2, padding="same", name="pool"), Flatten(name="flat")]
    inputs = [None, ["conv"], ["pool"]]
    if pools == 2:
        layers += [MaxPooling2D(pool_size=3, strides=2, name="pool2"), Flatten(name="flat2")]
        inputs += [["conv"], ["pool2"]]
    elif graph:
        layers += [Flatten(name="flat2")]
        inputs += [["conv"]]
    if graph or pools == 2:
        layers.append(Concatenate(name="cat"))
        inputs.append(["flat", "flat2"])
    layers.append(Dense(units=3, name="out"))
    inputs.append(None)
    model = Model((6, 5, 2), layers, inputs=inputs).build(seed=1, dtype=np.float64)
    r = np.random.default_rng(2)
    for layer in model.layers:
        if "bias" in layer.weights:
            layer.weights["bias"][...] = r.normal(scale=0.3, size=layer.weights["bias"].shape)
    return model


def grads(model, x, training=True):
    out = model.forward(x, training)[0]
    model.backward([np.cos(out)])
    return model.grad.copy()


@pytest.mark.parametrize("graph, pools", [(False, 1), (True, 1), (False, 2)], ids=["chain", "two-consumers", "two-pools"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "elu", "leaky_relu"])
def test_max_pool_applies_the_conv_activation_derivative_on_the_pooled_gradient(activation, graph, pools):
    model = conv_pool_model(activation, graph, pools)
    conv, pool = model.layer("conv"), model.layer("pool")
    assert pool.activation_source is conv  # wired by Model.build
    x = batch((3, 6, 5, 2), seed=8)
    check_model_theta_gradient(model, x, training=True)
    model.forward(x, True)
    assert pool._partner is conv
    if pools == 2:
        pool2 = model.layer("pool2")
        assert pool2.activation_source is None and pool2._partner is None  # one partner per Conv2D
    with_handoff = grads(model, x)
    assert conv.preactivated is None  # consumed by the conv's backward
    pool.activation_source = None  # the hand-off off: the conv applies its own derivative
    model.forward(x, True)
    assert pool._partner is None
    np.testing.assert_allclose(grads(model, x), with_handoff, rtol=1e-10, atol=1e-12)


def test_the_hand_off_applies_only_to_the_array_the_conv_produced():
    model = conv_pool_model("relu")
    conv, pool = model.layer("conv"), model.layer("pool")
    x = batch((2, 6, 5, 2), seed=10)
    a = conv.forward(x, True)
    pool.forward(a.copy(), True)  # equal values, another array: no hand-off
    assert pool._partner is None
    dx = pool.backward(batch((2, 3, 2, 3), seed=11))
    assert conv.preactivated is None and dx is not None
    pool.forward(a, True)
    assert pool._partner is conv
    conv.forward(x, False)  # a later inference forward ends what the training forward offered
    pool.forward(a, True)
    assert pool._partner is None


def test_no_hand_off_in_inference_or_for_non_element_wise_activations():
    model = conv_pool_model("relu")
    x = batch((2, 6, 5, 2), seed=9)
    model.forward(x, False)
    assert model.layer("pool")._partner is None
    assert model.layer("pool").activation_source is model.layer("conv")
    for activation in ("linear", "softmax", "gelu"):
        other = conv_pool_model(activation)
        other.forward(x, True)
        assert other.layer("pool")._partner is None
        check_model_theta_gradient(other, x, training=True)
