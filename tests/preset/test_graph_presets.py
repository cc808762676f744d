"""Graph presets: named layers with inputs, merges, several outputs with their own targets and losses."""

from __future__ import annotations

import numpy as np
import pytest
from preset_texts import MULTIHEAD

from nntui.data.mnist import load_mnist
from nntui.preset import PresetError, build_model, full_check, load_preset, loads, make_trainer, output_plans
from nntui.preset.datasets import make_datasets

GRAPH_PRESETS = ("mnist-two-branch", "mnist-multihead", "mnist-inception")


def error_of(text: str) -> str:
    with pytest.raises(PresetError) as info:
        loads(text, "x.toml")
    message = str(info.value)
    assert "\n" not in message and message.startswith("x.toml: ")
    return message


# ---------------------------------------------------------------------- the shipped graph presets
def keras_params(name: str) -> dict[str, int]:
    """Each layer's parameters by Keras's formulas (Dense: in*units + units; Conv2D: kh*kw*cin*filters +
    filters; Flatten, pooling and merge layers: 0), for the layers that have any."""
    return {
        "mnist-two-branch": {"dense_branch": 784 * 128 + 128, "conv": 3 * 3 * 1 * 16 + 16,
                             "conv_branch": 13 * 13 * 16 * 128 + 128, "classifier": (128 + 128) * 10 + 10},
        "mnist-multihead": {"trunk": 784 * 512 + 512, "digit": 512 * 10 + 10, "parity": 512 * 1 + 1},
        "mnist-inception": {"stem": 3 * 3 * 1 * 32 + 32, "branch_1x1": 1 * 1 * 32 * 16 + 16,
                            "branch_3x3": 3 * 3 * 32 * 16 + 16, "branch_pool_1x1": 1 * 1 * 32 * 16 + 16,
                            "dense": 6 * 6 * 48 * 10 + 10},
    }[name]


@pytest.mark.parametrize("name", GRAPH_PRESETS)
def test_graph_presets_fit_and_have_keras_parameter_counts(name):
    preset = load_preset(name)
    model = build_model(preset.model)
    report = full_check(preset, model)
    assert report.ok, report.error
    assert not model.is_sequential and report.warnings == []
    expected = keras_params(name)
    assert {r.name: r.params for r in report.rows if r.params} == expected
    assert report.total_params == sum(expected.values())
    merges = [r for r in report.rows if r.type in ("Concatenate", "Add", "Multiply", "Average")]
    assert all(r.params == 0 for r in merges)


def test_keras_totals_of_the_graph_presets():
    totals = {name: full_check(load_preset(name), build_model(load_preset(name).model)).total_params
              for name in GRAPH_PRESETS}
    assert totals == {"mnist-two-branch": 449_450, "mnist-multihead": 407_563, "mnist-inception": 23_290}


def test_two_branch_and_inception_shapes():
    report = build_model(load_preset("mnist-two-branch").model).infer_shapes()
    rows = {r.name: r for r in report.rows}
    assert rows["merged"].inputs == ["dense_branch", "conv_branch"] and rows["merged"].output_shape == (None, 256)
    assert rows["pixels"].inputs == ["input"] and rows["conv"].inputs == ["input"]
    report = build_model(load_preset("mnist-inception").model).infer_shapes()
    rows = {r.name: r for r in report.rows}
    assert rows["block"].inputs == ["branch_1x1", "branch_3x3", "branch_pool_1x1"]
    assert rows["block"].output_shape == (None, 13, 13, 48)
    assert rows["branch_pool"].output_shape == (None, 13, 13, 32)
    assert report.outputs == ["dense"]


def test_multihead_outputs_targets_and_losses(fake_mnist_dir):
    preset = load_preset("mnist-multihead")
    model = build_model(preset.model)
    plans = output_plans(preset.training, model)
    assert [(p.name, p.loss.name, p.rule.name, p.weight) for p in plans] == [
        ("digit", "categorical_crossentropy", "digit", 1.0), ("parity", "binary_crossentropy", "parity", 1.0)]
    trainer = make_trainer(preset.with_overrides(limit=100), model)
    assert trainer.loss_weights == [0.5, 0.5]
    assert trainer.metric_names() == ["loss", "digit_loss", "digit_accuracy", "parity_loss", "parity_accuracy"]
    arrays = load_mnist(fake_mnist_dir, expected_counts=None)
    train, val, test = make_datasets(preset.with_overrides(limit=100), model, arrays)
    assert len(train) == 90 and len(val) == 10
    digit, parity = train.targets
    labels = arrays.y_train[:90]
    assert digit.shape == (90, 10) and np.array_equal(digit.argmax(axis=1), labels)
    assert parity.shape == (90, 1) and np.array_equal(parity[:, 0], labels % 2)


# ---------------------------------------------------------------------- the format
def test_outputs_default_to_the_last_layer_and_may_use_automatic_names():
    text = MULTIHEAD.replace('outputs = ["digit", "parity"]\n', "").replace(
        'loss = { digit = "categorical_crossentropy", parity = "binary_crossentropy" }',
        'loss = { parity = "binary_crossentropy" }')
    preset = loads(text)
    assert build_model(preset.model).outputs == ["parity"]
    # the parity head without a name is Keras's "dense"; outputs and per-output tables may use that name
    text = MULTIHEAD.replace('name = "parity"\n', "").replace('"parity"]', '"dense"]').replace("parity =", "dense =")
    preset = loads(text)
    model = build_model(preset.model)
    assert model.outputs == ["digit", "dense"] and full_check(preset, model).ok


def test_loss_weights_and_targets_per_output():
    text = MULTIHEAD.replace('targets = { parity = "parity" }',
                             'targets = { parity = "greater_than_4" }\nloss_weights = { digit = 3.0, parity = 1.0 }')
    preset = loads(text)
    model = build_model(preset.model)
    plans = output_plans(preset.training, model)
    assert [(p.rule.name, p.weight) for p in plans] == [("digit", 3.0), ("greater_than_4", 1.0)]
    assert make_trainer(preset, model).loss_weights == [0.75, 0.25]


@pytest.mark.parametrize("change, message", [
    (('outputs = ["digit", "parity"]', 'outputs = ["digit", "parityy"]'),
     "x.toml: model.outputs: 'parityy' is not a layer name (layers: trunk, digit, parity)"),
    (('outputs = ["digit", "parity"]', 'outputs = ["digit", "digit"]'),
     "x.toml: model.outputs: 'digit' is listed twice"),
    (('outputs = ["digit", "parity"]', 'outputs = []'),
     "x.toml: model.outputs: expected a list of layer names, got []"),
    (('name = "parity"\ninputs = ["trunk"]', 'name = "parity"\ninputs = ["bad name"]'),
     "x.toml: model.layers[2].inputs: expected a name of letters, digits, '_', '-' or '.', got 'bad name'"),
    (('loss = { digit = "categorical_crossentropy", parity = "binary_crossentropy" }',
      'loss = { digit = "categorical_crossentropy" }'),
     "x.toml: training.loss: no loss for output(s) parity"),
    (('targets = { parity = "parity" }', 'targets = { parity = "odd" }'),
     "x.toml: training.targets.parity: unknown target rule 'odd' (one of: digit, parity, greater_than_4, "
     "digit_value, label)"),
    (('targets = { parity = "parity" }', 'targets = { trunk = "parity" }'),
     "x.toml: training.targets.trunk: not a model output (outputs: digit, parity)"),
    (('targets = { parity = "parity" }', 'loss_weights = { digit = -1.0 }'),
     "x.toml: training.loss_weights.digit: expected a number in [0, 1e+06], got -1.0"),
])
def test_bad_graph_fields_name_the_field(change, message):
    old, new = change
    assert old in MULTIHEAD
    assert error_of(MULTIHEAD.replace(old, new)) == message


@pytest.mark.parametrize("change, index, message", [
    (('name = "parity"\ninputs = ["trunk"]', 'name = "parity"\ninputs = ["nowhere"]'), 2,
     "layer 'parity' reads 'nowhere', which is not a layer name (names: input, trunk, digit, parity)"),
    (('name = "trunk"\n', 'name = "trunk"\ninputs = ["parity"]\n'), 0,
     "the layers form a cycle: trunk -> parity -> trunk"),
    (('name = "digit"\ninputs = ["trunk"]', 'name = "digit"\ninputs = ["trunk", "input"]'), 1,
     "Dense 'digit' takes 1 input(s); it was given 2"),
])
def test_graph_errors_are_model_errors_at_a_layer(change, index, message):
    """A preset whose graph is wrong still parses (the builder opens it); the model check names the layer."""
    old, new = change
    preset = loads(MULTIHEAD.replace(old, new, 1))
    report = full_check(preset, build_model(preset.model))
    assert report.error_index == index and str(report.error) == message


def test_a_head_that_does_not_suit_its_loss_is_that_layer_s_error():
    text = MULTIHEAD.replace('units = 1\nactivation = "sigmoid"', 'units = 10\nactivation = "softmax"')
    preset = loads(text)
    report = full_check(preset, build_model(preset.model))
    assert report.error_index == 2 and report.rows[2].name == "parity"
    assert "binary_crossentropy" in str(report.error)
