"""The CLI with graph presets: summaries with inputs, one-line graph errors, several outputs end to end."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from nntui.cli import cli

GRAPH = """
name = "g"
[data]
validation_split = 0.1
[model]
input_shape = [784]
[[model.layers]]
type = "Dense"
name = "a"
units = 64
activation = "relu"
[[model.layers]]
type = "Dense"
name = "b"
inputs = ["input"]
units = 64
activation = "relu"
[[model.layers]]
type = "Dense"
name = "spare"
inputs = ["input"]
units = 8
[[model.layers]]
type = "Add"
name = "add"
inputs = ["a", "b"]
[[model.layers]]
type = "Dense"
name = "out"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
"""

MULTIHEAD_LINE = re.compile(
    r"^Epoch (\d+)/(\d+)  (\d+)/\3 ━{20} \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - digit_loss: \d\.\d{4} - "
    r"digit_accuracy: \d\.\d{4} - parity_loss: \d\.\d{4} - parity_accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - "
    r"val_digit_loss: \d\.\d{4} - val_digit_accuracy: \d\.\d{4} - val_parity_loss: \d\.\d{4} - "
    r"val_parity_accuracy: \d\.\d{4}$")
TEST_LINE = re.compile(r"^Test - loss: \d\.\d{4} - digit_loss: \d\.\d{4} - digit_accuracy: \d\.\d{4} - "
                       r"parity_loss: \d\.\d{4} - parity_accuracy: \d\.\d{4}$")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def write(tmp_path, text, name="x.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ---------------------------------------------------------------------- summaries
def test_summary_table_of_a_graph_has_connected_to():
    result = run("--preset", "mnist-two-branch", "--summary")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃ Connected to" in out
    assert "│ input_layer (InputLayer)        │ (None, 28, 28, 1)      │             0 │ -" in out
    assert "│ conv (Conv2D)                   │ (None, 26, 26, 16)     │           160 │ input_layer[0][0]" in out
    assert ("│ merged (Concatenate)            │ (None, 256)            │             0 │ "
            "dense_branch[0][0], conv_branch[0][0] │") in out
    assert " Total params: 449,450 (1.71 MB)" in out


@pytest.mark.parametrize("name, layers", [
    ("mnist-inception", [
        ("stem", ["input"], [None, 26, 26, 32], 320), ("stem_pool", ["stem"], [None, 13, 13, 32], 0),
        ("branch_1x1", ["stem_pool"], [None, 13, 13, 16], 528),
        ("branch_3x3", ["stem_pool"], [None, 13, 13, 16], 4624),
        ("branch_pool", ["stem_pool"], [None, 13, 13, 32], 0),
        ("branch_pool_1x1", ["branch_pool"], [None, 13, 13, 16], 528),
        ("block", ["branch_1x1", "branch_3x3", "branch_pool_1x1"], [None, 13, 13, 48], 0),
        ("max_pooling2d", ["block"], [None, 6, 6, 48], 0), ("flatten", ["max_pooling2d"], [None, 1728], 0),
        ("dense", ["flatten"], [None, 10], 17290)]),
    ("mnist-multihead", [("trunk", ["input"], [None, 512], 401920), ("digit", ["trunk"], [None, 10], 5130),
                         ("parity", ["trunk"], [None, 1], 513)]),
])
def test_summary_json_lists_each_layer_s_inputs(name, layers):
    result = run("--preset", name, "--summary", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(l["name"], l["inputs"], l["output_shape"], l["params"]) for l in data["layers"]] == layers
    assert data["total_params"] == sum(l[3] for l in layers)
    assert "warnings" not in data and "error" not in data
    if name == "mnist-multihead":
        assert data["outputs"] == ["digit", "parity"]


def test_a_layer_nothing_reads_is_a_warning(tmp_path):
    path = write(tmp_path, GRAPH)
    result = run("--preset", path, "--summary")
    assert result.exit_code == 0
    assert result.stderr == "warning: layer 'spare' is not read by any layer and is not an output\n"
    result = run("--preset", path, "--summary", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["warnings"] == ["layer 'spare' is not read by any layer and is not an output"]


# ---------------------------------------------------------------------- one-line errors, exit code 2
@pytest.mark.parametrize("change, line", [
    (('name = "b"\ninputs = ["input"]\nunits = 64', 'name = "b"\ninputs = ["input"]\nunits = 32'),
     "model.layers[3] (add): Add needs equal shapes (or 1 where they differ); "
     "it received (None, 64) and (None, 32). "
     "Add a Dense(64) to the second branch."),
    (('inputs = ["a", "b"]', 'inputs = ["a", "c"]'),
     "model.layers[3] (add): layer 'add' reads 'c', which is not a layer name (names: input, a, b, spare, add, out)"),
    (('name = "a"\n', 'name = "a"\ninputs = ["add"]\n'),
     "model.layers[0] (a): the layers form a cycle: a -> add -> a"),
    (('inputs = ["a", "b"]', 'inputs = ["a"]'),
     "model.layers[3] (add): Add 'add' takes at least 2 input(s); it was given 1"),
    (('[[model.layers]]\ntype = "Dense"\nname = "out"', '[[model.layers]]\ntype = "Dense"\nname = "a"'),
     "model.layers[4] (a): layer name 'a' is used twice"),
    (('[model]\n', '[model]\noutputs = ["out", "nope"]\n'),
     "model.outputs: 'nope' is not a layer name (layers: a, b, spare, add, out)"),
])
@pytest.mark.parametrize("mode", [["--summary"], ["--headless"]])
def test_graph_errors_are_one_line_naming_the_file_and_the_layer(tmp_path, change, line, mode, fake_mnist_dir):
    old, new = change
    assert old in GRAPH
    path = write(tmp_path, GRAPH.replace(old, new, 1))
    result = run("--preset", path, *mode, "--data-dir", str(fake_mnist_dir))
    assert result.exit_code == 2, result.output
    errors = [l for l in result.stderr.splitlines() if not l.startswith("warning:")]
    assert errors == [f"{path}: {line}"]
    if mode == ["--headless"]:
        assert result.stdout == ""


def test_summary_json_of_a_graph_error(tmp_path):
    path = write(tmp_path, GRAPH.replace('inputs = ["a", "b"]', 'inputs = ["a", "c"]'))
    result = run("--preset", path, "--summary", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["error"]["kind"] == "graph"
    assert data["error"]["layer"] == 3 and "'c'" in data["error"]["message"]


# ---------------------------------------------------------------------- several outputs end to end
def test_multihead_headless_on_fake_data(fake_mnist_dir, tmp_path):
    metrics = tmp_path / "m.jsonl"
    result = run("--preset", "mnist-multihead", "--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "2",
                 "--batch-size", "32", "--metrics-out", str(metrics))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith('Training "mnist-multihead" (407,563 params) on 540 MNIST images, 60 for validation')
    epochs = [l for l in lines if l.startswith("Epoch")]
    assert len(epochs) == 2 and all(MULTIHEAD_LINE.match(l) for l in epochs), epochs
    assert TEST_LINE.match(lines[-1]), lines[-1]
    records = [json.loads(l) for l in metrics.read_text().splitlines()]
    assert [r["event"] for r in records] == ["start", "epoch", "epoch", "done"]
    keys = ["loss", "digit_loss", "digit_accuracy", "parity_loss", "parity_accuracy"]
    assert set(keys) | {f"val_{k}" for k in keys} <= records[1].keys()
    done = records[-1]
    assert {f"test_{k}" for k in keys} <= done.keys()
    assert done["test_loss"] == pytest.approx((done["test_digit_loss"] + done["test_parity_loss"]) / 2)
    assert done["test_digit_accuracy"] > 0.9 and done["test_parity_accuracy"] > 0.9  # the fake digits are easy


def test_loss_weights_make_a_weighted_mean(fake_mnist_dir, tmp_path):
    from nntui.preset.loader import builtin_presets
    text = builtin_presets()["mnist-multihead"].read_text().replace(
        "# loss_weights = { digit = 1.0, parity = 1.0 }", "loss_weights = { digit = 3.0, parity = 1.0 }")
    assert "loss_weights = { digit = 3.0" in text
    metrics = tmp_path / "m.jsonl"
    result = run("--preset", write(tmp_path, text), "--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "1",
                 "--limit", "200", "--metrics-out", str(metrics))
    assert result.exit_code == 0, result.output
    done = json.loads(metrics.read_text().splitlines()[-1])
    assert done["test_loss"] == pytest.approx(0.75 * done["test_digit_loss"] + 0.25 * done["test_parity_loss"])


# ---------------------------------------------------------------------- the real MNIST (a quick subset)
@pytest.mark.parametrize("name, floors", [
    ("mnist-multihead", {"test_digit_accuracy": 0.7, "test_parity_accuracy": 0.75}),  # seen: 0.80, 0.86
    ("mnist-two-branch", {"test_accuracy": 0.8}),  # seen: 0.88
])
def test_graph_presets_learn_real_mnist_from_a_subset(real_mnist, tmp_path, name, floors):
    metrics = tmp_path / "m.jsonl"
    result = run("--preset", name, "--headless", "--data-dir", str(real_mnist), "--limit", "3000", "--epochs", "1",
                 "--metrics-out", str(metrics))
    assert result.exit_code == 0, result.output
    done = json.loads(metrics.read_text().splitlines()[-1])
    assert done["event"] == "done" and done["reason"] == "completed"
    for key, floor in floors.items():
        assert done[key] >= floor, (key, done)


def test_inception_learns_real_mnist_from_a_subset(real_mnist):
    """Through the engine rather than the CLI, to test on 2,000 images only (the convolutions are the slow part)."""
    from nntui.preset import build_model, load_preset, make_trainer
    from nntui.preset.datasets import load_arrays, make_datasets

    preset = load_preset("mnist-inception").with_overrides(limit=3000, epochs=1)
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    train, _, test = make_datasets(preset, model, load_arrays(preset, real_mnist))
    events = list(trainer.fit(train, epochs=1, batch_size=preset.training.batch_size, test=test.subset(0, 2000)))
    assert events[-1].reason == "completed"
    assert events[-1].test_logs["accuracy"] >= 0.65, events[-1].test_logs  # seen: 0.78
