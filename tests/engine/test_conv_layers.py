"""Conv2D: forward against a direct loop convolution, gradients against finite differences, shapes, counts."""

import math

import numpy as np
import pytest
from gradcheck import check_layer_input_gradient, check_model_theta_gradient

from nntui.engine.config import ConfigError
from nntui.engine.layers import LAYER_TYPES, Conv2D, Flatten, create_layer
from nntui.engine.layers import conv as conv_module
from nntui.engine.model import Model
from nntui.engine.shapes import ShapeError


def built(input_shape, layer, seed=0):
    """A float64 one-layer model around ``layer`` (binds its weights), with a random non-zero bias."""
    model = Model(input_shape, [layer]).build(seed=seed, dtype=np.float64)
    if "bias" in layer.weights:
        layer.weights["bias"][...] = np.random.default_rng(seed + 10).normal(size=layer.weights["bias"].shape)
    return model


def batch(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def tf_same_padding(size, k, s):
    """TensorFlow's "same": output ceil(size / s), total padding split with the smaller half first."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def conv_reference(x, kernel, bias, strides, padding):
    """A direct convolution: one dot product per sample, output position and filter (slow, obvious)."""
    n, h, w, _c = x.shape
    kh, kw, _, f = kernel.shape
    sh, sw = strides
    if padding == "same":
        oh, top, bottom = tf_same_padding(h, kh, sh)
        ow, left, right = tf_same_padding(w, kw, sw)
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    else:
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, oh, ow, f))
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                patch = x[b, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
                for o in range(f):
                    out[b, i, j, o] = np.sum(patch * kernel[..., o]) + (bias[o] if bias is not None else 0.0)
    return out


CONFIGS = [
    {"filters": 4, "kernel_size": 3},
    {"filters": 3, "kernel_size": (3, 2), "activation": "tanh"},
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
    {"filters": 2, "kernel_size": (2, 3), "strides": 2},
    {"filters": 3, "kernel_size": (2, 2), "strides": (1, 2), "padding": "same", "activation": "sigmoid"},
    {"filters": 2, "kernel_size": 4, "strides": 3, "padding": "same"},
    {"filters": 3, "kernel_size": 1},
    {"filters": 2, "kernel_size": 2, "use_bias": False, "activation": "elu"},
]


def test_registered_with_family_and_description():
    assert LAYER_TYPES["Conv2D"] is Conv2D
    assert Conv2D.family == "conv" and Conv2D.description
    layer = create_layer("Conv2D", name="c", filters=8, kernel_size=3)
    assert layer.get_config()["kernel_size"] == (3, 3) and layer.get_config()["strides"] == (1, 1)
    assert layer.get_config()["padding"] == "valid" and layer.get_config()["activation"] == "linear"


def test_bad_settings_raise_config_errors():
    with pytest.raises(ConfigError, match="padding"):
        Conv2D(filters=2, kernel_size=3, padding="full")
    with pytest.raises(ConfigError, match="kernel_size"):
        Conv2D(filters=2, kernel_size=[3, 3, 3])
    with pytest.raises(ConfigError, match="filters"):
        Conv2D(filters=0, kernel_size=3)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_forward_matches_a_direct_convolution(config):
    layer = Conv2D(**config)
    built((7, 6, 3), layer)
    x = batch((2, 7, 6, 3), seed=1)
    expected = conv_reference(x, layer.weights["kernel"], layer.weights.get("bias"),
                              layer.strides, layer.padding)
    act = {"linear": lambda v: v, "tanh": np.tanh, "relu": lambda v: np.maximum(v, 0),
           "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "elu": lambda v: np.where(v > 0, v, np.expm1(v))}
    expected = act[layer.config["activation"]](expected)
    out = layer.forward(x, False)
    assert out.shape == expected.shape == (2, *layer.compute_output_shape((None, 7, 6, 3))[1:])
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


def test_forward_in_float32_matches_the_reference():
    layer = Conv2D(filters=5, kernel_size=3, padding="same")
    Model((9, 9, 2), [layer]).build(seed=3)
    x = batch((4, 9, 9, 2), seed=2).astype(np.float32)
    out = layer.forward(x, True)
    assert out.dtype == np.float32
    ref = conv_reference(x.astype(np.float64), layer.weights["kernel"].astype(np.float64),
                         layer.weights["bias"].astype(np.float64), (1, 1), "same")
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)


def test_same_padding_puts_the_smaller_half_first():
    # a 2x2 kernel of ones, stride 1, "same" on a 3x3 image: TensorFlow pads nothing before, one after,
    # so each output sums the window starting at its own position
    layer = Conv2D(filters=1, kernel_size=2, padding="same", use_bias=False)
    built((3, 3, 1), layer)
    layer.weights["kernel"][...] = 1
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    out = layer.forward(x, False)[0, :, :, 0]
    np.testing.assert_array_equal(out, [[8, 12, 7], [20, 24, 13], [13, 15, 8]])


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_gradients_against_finite_differences(config):
    layer = Conv2D(**config)
    model = built((7, 6, 3), layer)
    x = batch((2, 7, 6, 3), seed=4)
    check_model_theta_gradient(model, x)
    check_layer_input_gradient(layer, x)


def test_gradients_when_the_batch_is_split_into_chunks():
    layer = Conv2D(filters=3, kernel_size=3, strides=(1, 2), padding="same", activation="tanh")
    layer.chunk_bytes = 1  # one sample per chunk: columns recomputed in backward
    model = built((6, 7, 2), layer)
    assert layer.chunk == 1
    x = batch((3, 6, 7, 2), seed=5)
    check_model_theta_gradient(model, x, training=True)
    check_layer_input_gradient(layer, x, training=True)


def test_chunked_and_whole_batch_agree():
    x = batch((9, 8, 8, 3), seed=6)
    results = []
    for chunk_bytes in (1 << 30, 20_000):
        layer = Conv2D(filters=4, kernel_size=3, activation="relu")
        layer.chunk_bytes = chunk_bytes
        model = built((8, 8, 3), layer)
        layer.need_input_grad = True
        model.grad.fill(np.nan)
        out = layer.forward(x, True).copy()
        dx = layer.backward(np.ones_like(out)).copy()
        results.append((layer.chunk, out, dx, model.grad.copy()))
    (c1, *whole), (c2, *chunked) = results
    assert c1 >= 9 > c2 > 1
    for a, b in zip(whole, chunked):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_bias_folded_into_the_product_and_separate_bias_agree(monkeypatch):
    x = batch((3, 6, 6, 2), seed=7)
    layer = Conv2D(filters=3, kernel_size=3, padding="same", activation="tanh")
    model = built((6, 6, 2), layer)
    layer.need_input_grad = True
    assert layer._wb is not None and np.shares_memory(layer._wb, model.theta)
    out = layer.forward(x, True).copy()
    dx = layer.backward(np.cos(out)).copy()
    grad = model.grad.copy()

    monkeypatch.setattr(conv_module, "stacked_view", lambda a, b: None)
    other = Conv2D(filters=3, kernel_size=3, padding="same", activation="tanh")
    model2 = built((6, 6, 2), other)
    other.need_input_grad = True
    assert other._wb is None
    model2.theta[...] = model.theta
    np.testing.assert_allclose(other.forward(x, True), out, rtol=1e-12)
    np.testing.assert_allclose(other.backward(np.cos(out)), dx, rtol=1e-12)
    np.testing.assert_allclose(model2.grad, grad, rtol=1e-12)
    check_model_theta_gradient(model2, x)


def test_first_layer_returns_no_input_gradient():
    layer = Conv2D(filters=2, kernel_size=3)
    model = Model((5, 5, 1), [layer, Flatten()]).build(seed=0, dtype=np.float64)
    assert not layer.need_input_grad
    out = layer.forward(batch((2, 5, 5, 1)), True)
    assert layer.backward(np.ones_like(out)) is None
    check_model_theta_gradient(model, batch((2, 5, 5, 1), seed=8))


def test_batch_size_may_change_between_calls():
    layer = Conv2D(filters=2, kernel_size=3, activation="relu")
    layer.chunk_bytes = 3000
    built((6, 6, 2), layer)
    x = batch((7, 6, 6, 2), seed=9)
    full = layer.forward(x, False).copy()
    for n in (5, 2, 7, 1):
        np.testing.assert_allclose(layer.forward(x[:n], False), full[:n], rtol=1e-12)


@pytest.mark.parametrize("input_shape, config, expected", [
    ((None, 28, 28, 1), {"filters": 32, "kernel_size": 3}, (None, 26, 26, 32)),
    ((None, 28, 28, 1), {"filters": 8, "kernel_size": 3, "strides": 2}, (None, 13, 13, 8)),
    ((None, 28, 28, 1), {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}, (None, 14, 14, 8)),
    ((None, 7, 5, 3), {"filters": 4, "kernel_size": (3, 2), "strides": (2, 1)}, (None, 3, 4, 4)),
    ((None, 7, 5, 3), {"filters": 4, "kernel_size": (5, 5), "padding": "same", "strides": 3}, (None, 3, 2, 4)),
    ((None, 3, 3, 2), {"filters": 1, "kernel_size": 3}, (None, 1, 1, 1)),
])
def test_output_shapes_follow_keras(input_shape, config, expected):
    assert Conv2D(**config).compute_output_shape(input_shape) == expected


def test_parameter_counts_equal_keras():
    assert Conv2D(filters=32, kernel_size=3).count_params((None, 28, 28, 1)) == 320
    assert Conv2D(filters=64, kernel_size=3).count_params((None, 13, 13, 32)) == 18_496
    assert Conv2D(filters=64, kernel_size=3, use_bias=False).count_params((None, 13, 13, 32)) == 18_432
    specs = Conv2D(filters=6, kernel_size=(3, 2)).weight_specs((None, 9, 9, 4))
    assert [(s.name, s.shape, s.initializer) for s in specs] == [
        ("kernel", (3, 2, 4, 6), "glorot_uniform"), ("bias", (6,), "zeros")]


def test_flops_count_two_per_multiply_add():
    assert Conv2D(filters=32, kernel_size=3).flops((None, 28, 28, 1)) == 2 * 26 * 26 * 9 * 32


def test_shape_error_for_a_flat_input():
    with pytest.raises(ShapeError) as info:
        Conv2D(filters=2, kernel_size=3).compute_output_shape((None, 512))
    assert str(info.value) == ("Conv2D needs 4-D input (batch, height, width, channels); it received (None, 512). "
                               "Insert Reshape(target_shape=...) first.")


def test_shape_error_for_a_flat_image_suggests_its_square_shape():
    with pytest.raises(ShapeError) as info:
        Conv2D(filters=2, kernel_size=3).compute_output_shape((None, 784))
    assert "it received (None, 784)" in str(info.value)
    assert "Reshape(target_shape=(28, 28, 1))" in info.value.fix


def test_shape_error_for_an_image_without_channels():
    with pytest.raises(ShapeError) as info:
        Conv2D(filters=2, kernel_size=3).compute_output_shape((None, 28, 28))
    message = str(info.value)
    assert message.startswith("Conv2D needs 4-D input (batch, height, width, channels); it received (None, 28, 28).")
    assert "input_shape [28, 28, 1]" in message and "Reshape(target_shape=(28, 28, 1))" in message


def test_shape_error_when_the_kernel_is_larger_than_the_input():
    layer = Conv2D(filters=2, kernel_size=5)
    with pytest.raises(ShapeError) as info:
        layer.compute_output_shape((None, 3, 3, 64))
    message = str(info.value)
    assert "it received (None, 3, 3, 64)" in message and "output would be empty" in message
    assert 'padding="same"' in message and "smaller kernel_size" in message
    assert Conv2D(filters=2, kernel_size=5, padding="same").compute_output_shape((None, 3, 3, 64)) == (None, 3, 3, 2)


def test_model_reports_the_failing_layer():
    model = Model((28, 28), [Conv2D(filters=2, kernel_size=3)])
    report = model.infer_shapes()
    assert not report.ok and report.error_index == 0 and "input_shape [28, 28, 1]" in str(report.error)
