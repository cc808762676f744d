"""SimpleRNN and LSTM: Keras's weights and gates against loop references, BPTT gradients, shapes, counts."""

import numpy as np
import pytest
from gradcheck import check_layer_input_gradient, check_model_theta_gradient

from nntui.engine.layers import LAYER_TYPES, LSTM, Dense, SimpleRNN
from nntui.engine.losses import get_loss
from nntui.engine.model import Model
from nntui.engine.optimizers import get_optimizer
from nntui.engine.shapes import ShapeError
from nntui.engine.training import Trainer


def built(input_shape, layer, seed=0):
    """A float64 one-layer model around ``layer`` with a random bias; asks for input gradients."""
    model = Model(input_shape, [layer]).build(seed=seed, dtype=np.float64)
    layer.need_input_grad = True
    if "bias" in layer.weights:
        layer.weights["bias"][...] = np.random.default_rng(seed + 10).normal(size=layer.weights["bias"].shape) * 0.5
    return model


def batch(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def simple_rnn_reference(x, kernel, rec, bias, act=np.tanh):
    n, steps, _ = x.shape
    h = np.zeros((n, rec.shape[0]))
    states = []
    for t in range(steps):
        h = act(x[:, t] @ kernel + h @ rec + (bias if bias is not None else 0))
        states.append(h)
    return np.stack(states, axis=1)


def lstm_reference(x, kernel, rec, bias):
    """Keras's LSTM cell: z = x W + h U + b split into i, f, c, o; c = f c + i tanh(zc); h = o tanh(c)."""
    n, steps, _ = x.shape
    u = rec.shape[0]
    h, c = np.zeros((n, u)), np.zeros((n, u))
    states = []
    for t in range(steps):
        z = x[:, t] @ kernel + h @ rec + (bias if bias is not None else 0)
        i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
        c = f * c + i * g
        h = o * np.tanh(c)
        states.append(h)
    return np.stack(states, axis=1)


def test_registered_with_family_and_description():
    for cls in (SimpleRNN, LSTM):
        assert LAYER_TYPES[cls.type_name] is cls and cls.family == "recurrent" and cls.description
        assert cls.activation_is_final is False


def test_defaults_follow_keras():
    assert SimpleRNN(units=3).get_config() == {"units": 3, "activation": "tanh", "use_bias": True,
                                               "return_sequences": False}
    assert LSTM(units=3).get_config() == {"units": 3, "activation": "tanh", "recurrent_activation": "sigmoid",
                                          "use_bias": True, "return_sequences": False, "unit_forget_bias": True}


def test_parameter_counts_equal_keras():
    assert LSTM(units=128).count_params((None, 28, 28)) == 4 * (128 * (28 + 128) + 128) == 80_384
    assert SimpleRNN(units=64).count_params((None, 28, 28)) == 64 * (28 + 64) + 64 == 5_952
    assert LSTM(units=8, use_bias=False).count_params((None, 5, 3)) == 4 * 8 * (3 + 8)
    specs = LSTM(units=4).weight_specs((None, 5, 3))
    assert [(s.name, s.shape, s.initializer) for s in specs] == [
        ("kernel", (3, 16), "glorot_uniform"), ("recurrent_kernel", (4, 16), "orthogonal"),
        ("bias", (16,), "unit_forget_bias")]


def test_lstm_forget_gate_bias_starts_at_one_and_recurrent_kernel_is_orthogonal():
    layer = LSTM(units=5)
    Model((3, 2), [layer]).build(seed=0)
    np.testing.assert_array_equal(layer.weights["bias"], np.r_[np.zeros(5), np.ones(5), np.zeros(10)])
    rec = layer.weights["recurrent_kernel"].astype(np.float64)
    np.testing.assert_allclose(rec @ rec.T, np.eye(5), atol=1e-5)
    plain = LSTM(units=5, unit_forget_bias=False)
    Model((3, 2), [plain]).build(seed=0)
    assert not plain.weights["bias"].any()


@pytest.mark.parametrize("return_sequences", [False, True])
def test_simple_rnn_forward_matches_the_loop(return_sequences):
    layer = SimpleRNN(units=4, return_sequences=return_sequences)
    built((5, 3), layer)
    x = batch((2, 5, 3), seed=1)
    states = simple_rnn_reference(x, layer.weights["kernel"], layer.weights["recurrent_kernel"], layer.weights["bias"])
    expected = states if return_sequences else states[:, -1]
    np.testing.assert_allclose(layer.forward(x, False), expected, rtol=1e-12)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_forward_matches_keras_gate_order(return_sequences):
    layer = LSTM(units=4, return_sequences=return_sequences)
    built((6, 3), layer)
    x = batch((3, 6, 3), seed=2)
    states = lstm_reference(x, layer.weights["kernel"], layer.weights["recurrent_kernel"], layer.weights["bias"])
    expected = states if return_sequences else states[:, -1]
    out = layer.forward(x, False)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("config", [{}, {"use_bias": False}, {"activation": "relu"}, {"activation": "gelu"}],
                         ids=["tanh", "no-bias", "relu", "gelu"])
def test_simple_rnn_gradients(config, return_sequences):
    layer = SimpleRNN(units=4, return_sequences=return_sequences, **config)
    model = built((5, 3), layer)
    x = batch((2, 5, 3), seed=3)
    check_model_theta_gradient(model, x)
    check_layer_input_gradient(layer, x)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("config", [{}, {"use_bias": False, "unit_forget_bias": False},
                                    {"activation": "elu", "recurrent_activation": "softmax"},
                                    {"activation": "gelu", "recurrent_activation": "tanh"}],
                         ids=["keras", "no-bias", "elu-softmax", "gelu-tanh"])
def test_lstm_gradients(config, return_sequences):
    layer = LSTM(units=3, return_sequences=return_sequences, **config)
    model = built((4, 2), layer)
    x = batch((2, 4, 2), seed=4)
    check_model_theta_gradient(model, x)
    check_layer_input_gradient(layer, x)


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM])
def test_one_time_step(cls):
    layer = cls(units=3)
    model = built((1, 2), layer)
    x = batch((2, 1, 2), seed=5)
    check_model_theta_gradient(model, x)
    check_layer_input_gradient(layer, x)


def test_stacked_lstms_and_dense_gradients():
    model = Model((4, 3), [LSTM(units=3, return_sequences=True), SimpleRNN(units=2), Dense(units=2)])
    model.build(seed=1, dtype=np.float64)
    check_model_theta_gradient(model, batch((2, 4, 3), seed=6))


def test_batch_size_may_change_between_calls():
    layer = LSTM(units=4, return_sequences=True)
    built((5, 3), layer)
    x = batch((6, 5, 3), seed=7)
    full = layer.forward(x, False).copy()
    for n in (2, 6, 1):
        np.testing.assert_allclose(layer.forward(x[:n], False), full[:n], rtol=1e-12)


def test_loss_never_fuses_with_the_internal_activation():
    model = Model((4, 3), [LSTM(units=3, activation="softmax")]).build()
    trainer = Trainer(model, [get_loss("categorical_crossentropy")], get_optimizer("adam"))
    assert trainer.fused == [False]


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM])
def test_output_shapes(cls):
    assert cls(units=7).compute_output_shape((None, 28, 28)) == (None, 7)
    assert cls(units=7, return_sequences=True).compute_output_shape((None, 28, 28)) == (None, 28, 7)


def test_flops_count_both_products_per_step():
    assert LSTM(units=128).flops((None, 28, 28)) == 2 * 28 * (28 + 128) * 512


def test_shape_error_for_flat_images_suggests_rows_as_time_steps():
    with pytest.raises(ShapeError) as info:
        LSTM(units=128).compute_output_shape((None, 784))
    assert str(info.value).startswith(
        "LSTM needs 3-D input (batch, timesteps, features); it received (None, 784). "
        "Use input_shape [28, 28] to read each image as 28 rows of 28 pixels")


def test_shape_error_for_images_with_channels():
    with pytest.raises(ShapeError) as info:
        SimpleRNN(units=4).compute_output_shape((None, 28, 28, 1))
    message = str(info.value)
    assert message.startswith("SimpleRNN needs 3-D input (batch, timesteps, features); it received (None, 28, 28, 1).")
    assert "Reshape(target_shape=(28, 28))" in message


def test_shape_error_for_other_flat_input():
    with pytest.raises(ShapeError) as info:
        LSTM(units=4).compute_output_shape((None, 10))
    assert "Reshape(target_shape=(timesteps, features))" in str(info.value)
