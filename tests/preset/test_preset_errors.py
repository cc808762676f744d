"""Preset parsing: the shipped presets load; every class of bad input names the file and the field."""

from __future__ import annotations

import pytest

from nntui.preset import PresetError, builtin_presets, load_preset, loads
from nntui.preset.build import build_model, full_check

GOOD = """
name = "t"
[data]
validation_split = 0.1
[model]
input_shape = [784]
[[model.layers]]
type = "Dense"
units = 16
activation = "relu"
[[model.layers]]
type = "Dense"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
optimizer = { type = "rmsprop", learning_rate = 0.001 }
batch_size = 32
epochs = 2
"""


def error_of(text: str) -> str:
    with pytest.raises(PresetError) as info:
        loads(text, "x.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("x.toml: ")
    return message


def test_shipped_presets_all_load_and_fit():
    presets = builtin_presets()
    assert "mnist" in presets
    for name in presets:
        preset = load_preset(name)
        report = full_check(preset, build_model(preset.model))
        assert report.ok, (name, report.error)


def test_mnist_preset_is_the_books_network():
    preset = load_preset("mnist")
    assert [(l.type, l.config["units"], l.config["activation"]) for l in preset.model.layers] == [
        ("Dense", 512, "relu"), ("Dense", 10, "softmax")]
    t = preset.training
    assert (t.loss, t.optimizer.type, t.batch_size, t.epochs) == ("categorical_crossentropy", "rmsprop", 128, 5)
    assert t.optimizer.config["learning_rate"] == 0.001
    assert full_check(preset, build_model(preset.model)).total_params == 407_050


def test_good_preset_parses_with_defaults_filled():
    preset = loads(GOOD, "x.toml")
    assert preset.model.input_shape == (784,)
    assert preset.model.layers[0].config["use_bias"] is True
    assert preset.training.optimizer.config["rho"] == 0.9
    assert preset.data.validation_split == 0.1


@pytest.mark.parametrize("old, new, field, words", [
    ("units = 16", "units = -3", "model.layers[0].units", "expected a positive integer, got -3"),
    ("units = 16", 'units = "many"', "model.layers[0].units", "expected a positive integer, got 'many'"),
    ("units = 16", "units = 16.5", "model.layers[0].units", "expected a positive integer"),
    ('type = "Dense"\nunits = 16', 'type = "Dens"\nunits = 16', "model.layers[0].type", "unknown layer type 'Dens'"),
    ("units = 16", "units = 16\nunitz = 3", "model.layers[0].unitz", "unknown setting for Dense"),
    ('activation = "relu"', 'activation = "relux"', "model.layers[0].activation", "expected one of"),
    ("units = 16", "units = 16\nuse_bias = 1", "model.layers[0].use_bias", "expected true or false, got 1"),
    ('loss = "categorical_crossentropy"', 'loss = "hinge"', "training.loss", "unknown loss 'hinge'"),
    ('type = "rmsprop"', 'type = "adamax"', "training.optimizer.type", "unknown optimizer 'adamax'"),
    ("learning_rate = 0.001", "learning_rate = -1", "training.optimizer.learning_rate", "expected a number"),
    ("learning_rate = 0.001", "learning_rate = 0.001, rho = 2", "training.optimizer.rho", "expected a number"),
    ("learning_rate = 0.001", "learning_rate = 0.001, beta_1 = 0.9", "training.optimizer.beta_1", "unknown setting"),
    ("batch_size = 32", "batch_size = 0", "training.batch_size", "expected a positive integer"),
    ("epochs = 2", "epochs = 2\nepoch = 3", "training.epoch", "unknown key"),
    ("validation_split = 0.1", "validation_split = 1.5", "data.validation_split", "expected a number in [0, 1)"),
    ("input_shape = [784]", "input_shape = [0]", "model.input_shape", "expected a list of positive integers"),
    ("input_shape = [784]", 'input_shape = "784"', "model.input_shape", "expected a list of positive integers"),
    ("input_shape = [784]", "input_shape = [784]\nlayer = 1", "model.layer", "unknown key"),
])
def test_bad_values_name_file_and_field(old, new, field, words):
    assert old in GOOD
    message = error_of(GOOD.replace(old, new, 1))
    assert f"x.toml: {field}: " in message
    assert words in message


def test_missing_sections():
    assert "x.toml: model: missing" in error_of('name = "t"\n[training]\nloss = "mse"\n')
    assert "x.toml: training: missing" in error_of("[model]\ninput_shape = [784]\n")
    assert "x.toml: training.loss: missing" in error_of("[model]\ninput_shape = [784]\n[training]\n")


def test_toml_syntax_error_names_the_line():
    message = error_of(GOOD.replace("units = 16", "units = = 16"))
    assert "TOML syntax error" in message and "line" in message


def test_files_missing_unreadable_or_not_utf8(tmp_path):
    with pytest.raises(PresetError, match=r"nope\.toml: no such file"):
        load_preset(str(tmp_path / "nope.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'name = "\xff\xfe"\n')
    with pytest.raises(PresetError, match="not valid UTF-8"):
        load_preset(str(bad))
    with pytest.raises(PresetError, match="is a directory"):
        load_preset(str(tmp_path) + "/")
    with pytest.raises(PresetError, match="unknown preset .*shipped presets: .*mnist"):
        load_preset("no-such-preset")


def test_overrides_replace_training_settings():
    preset = loads(GOOD, "x.toml").with_overrides(epochs=7, batch_size=64, learning_rate=0.01, limit=100, seed=3)
    t = preset.training
    assert (t.epochs, t.batch_size, t.optimizer.config["learning_rate"], t.seed) == (7, 64, 0.01, 3)
    assert preset.data.limit == 100


def test_valid_preset_whose_shapes_do_not_fit_still_loads():
    text = GOOD.replace('type = "Dense"\nunits = 16', 'type = "Reshape"\ntarget_shape = [28, 27]')
    text = text.replace('activation = "relu"\n', "", 1)
    preset = loads(text, "x.toml")
    report = full_check(preset, build_model(preset.model))
    assert not report.ok and report.error_index == 0
    assert "(None, 784)" in str(report.error) and "multiply to 784" in str(report.error)


def test_loss_that_cannot_fit_the_output_is_flagged_on_the_last_layer():
    preset = loads(GOOD.replace('loss = "categorical_crossentropy"', 'loss = "binary_crossentropy"'), "x.toml")
    report = full_check(preset, build_model(preset.model))
    assert report.error_index == 1
    assert "binary_crossentropy" in str(report.error) and "softmax" in str(report.error)
