"""Config validation of layers and optimisers: ConfigError names the key and says what was expected."""

import pytest

from nntui.engine import ConfigError, get_optimizer
from nntui.engine.layers import Activation, Dense, Dropout, Reshape


def error_of(factory, **config) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        factory(**config)
    return info.value


def test_negative_units():
    err = error_of(Dense, units=-3)
    assert err.field == "units"
    assert "units" in str(err) and "expected a positive integer, got -3" in str(err)


def test_units_zero_and_missing():
    assert "expected a positive integer, got 0" in str(error_of(Dense, units=0))
    err = error_of(Dense)
    assert err.field == "units" and "missing" in str(err)


def test_unknown_key_lists_the_known_ones():
    err = error_of(Dense, units=3, unit=4)
    assert err.field == "unit" and "unknown" in str(err) and "units" in str(err)


@pytest.mark.parametrize("config, field", [
    ({"units": "a"}, "units"),
    ({"units": 2.5}, "units"),
    ({"units": True}, "units"),
    ({"units": 3, "use_bias": 1}, "use_bias"),
    ({"units": 3, "activation": "swish!"}, "activation"),
    ({"units": 3, "kernel_initializer": 7}, "kernel_initializer"),
])
def test_wrong_types(config, field):
    err = error_of(Dense, **config)
    assert err.field == field and field in str(err) and "expected" in str(err)


def test_whole_float_units_are_accepted_as_int():
    assert Dense(units=4.0).units == 4


def test_reshape_target_shape():
    err = error_of(Reshape, target_shape=[-1, -1])
    assert err.field == "target_shape" and "-1" in str(err)
    assert "positive" in str(error_of(Reshape, target_shape=[0, 4]))
    assert "positive" in str(error_of(Reshape, target_shape="28x28"))
    assert Reshape(target_shape=[28, -1]).config["target_shape"] == (28, -1)


def test_dropout_rate_range():
    assert "rate" in str(error_of(Dropout, rate=1.0))
    assert "rate" in str(error_of(Dropout, rate=-0.1))
    assert "rate" in str(error_of(Dropout, rate=float("nan")))
    assert Dropout(rate=0).config["rate"] == 0.0


def test_activation_layer_requires_a_known_activation():
    assert error_of(Activation).field == "activation"
    assert "'relu'" in str(error_of(Activation, activation="nope"))


def test_layer_get_config_has_keras_defaults():
    assert Dense(units=5).get_config() == {"units": 5, "activation": "linear", "use_bias": True,
                                           "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros"}


def test_optimizer_config_errors():
    assert error_of(get_optimizer, name="adam", learning_rate=0).field == "learning_rate"
    assert error_of(get_optimizer, name="sgd", momentum=1.5).field == "momentum"
    assert error_of(get_optimizer, name="adam", beta_1=1.0).field == "beta_1"
    assert error_of(get_optimizer, name="rmsprop", centered="yes").field == "centered"
    assert error_of(get_optimizer, name="adagrad", rho=0.9).field == "rho"
    with pytest.raises(KeyError):
        get_optimizer("lion")


def test_config_error_within_prefixes_the_path():
    err = error_of(Dense, units=-3).within("model.layers[2]")
    assert err.field == "model.layers[2].units" and str(err).startswith("model.layers[2].units: ")
