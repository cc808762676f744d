"""`nntui --summary` and `--summary --json`, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nntui.cli import cli

BAD_SHAPE = """
name = "bad"
[model]
input_shape = [784]
[[model.layers]]
type = "Dense"
units = 64
[[model.layers]]
type = "Reshape"
target_shape = [7, 7]
[[model.layers]]
type = "Dense"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
"""


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_summary_table_matches_keras():
    result = run("--preset", "mnist", "--summary")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "│ dense (Dense)                   │ (None, 512)            │       401,920 │" in out
    assert "│ dense_1 (Dense)                 │ (None, 10)             │         5,130 │" in out
    assert " Total params: 407,050 (1.55 MB)" in out
    assert " Trainable params: 407,050 (1.55 MB)" in out
    assert " Non-trainable params: 0 (0.00 B)" in out


def test_summary_json():
    result = run("--summary", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total_params"] == 407050 and data["trainable_params"] == 407050
    assert [(l["name"], l["type"], l["output_shape"], l["params"], l["inputs"]) for l in data["layers"]] == [
        ("dense", "Dense", [None, 512], 401920, ["input"]), ("dense_1", "Dense", [None, 10], 5130, ["dense"])]


def test_summary_of_a_model_that_does_not_fit(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD_SHAPE)
    result = run("--preset", str(path), "--summary")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"{path}: model.layers[1] (reshape): ")
    assert "(None, 64)" in line and "(None, 7, 7)" in line
    assert "?" in result.stdout  # rows after the bad layer cannot be sized
    data = json.loads(run("--preset", str(path), "--summary", "--json").stdout)
    assert data["error"]["kind"] == "shape"
    assert data["error"]["layer"] == 1 and "Reshape" in data["error"]["message"]
    # the same rows as the table: the misfit and the layers after it have no shape or parameters ('?')
    assert [(l["name"], l["output_shape"], l["params"]) for l in data["layers"]] == [
        ("dense", [None, 64], 50240), ("reshape", None, None), ("dense_1", None, None)]
    assert run("--preset", str(path), "--summary", "--json").exit_code == 2


@pytest.mark.parametrize("text, expected", [
    ("[model]\ninput_shape = [784]\n[[model.layers]]\ntype = 'Dense'\nunits = -3\n[training]\nloss = 'mse'\n",
     "model.layers[0].units: expected a positive integer, got -3"),
    ("[model]\ninput_shape = [784]\n[[model.layers]]\ntype = 'Dance'\n[training]\nloss = 'mse'\n",
     "model.layers[0].type: unknown layer type 'Dance'"),
    ("[model]\ninput_shape = [784]\n[[model.layers]]\ntype = 'Dense'\nunits = 2\nsize = 1\n[training]\nloss = 'mse'\n",
     "model.layers[0].size: unknown setting for Dense"),
    ("[model]\ninput_shape = [784]\n[training]\nloss = 'nll'\n", "training.loss: unknown loss 'nll'"),
    ("[model]\ninput_shape = [784]\n[training]\nloss = 'mse'\noptimizer = 'lbfgs'\n",
     "training.optimizer.type: unknown optimizer 'lbfgs'"),
    ("[model\ninput_shape = [784]\n", "TOML syntax error"),
])
def test_bad_preset_exits_2_with_one_line(tmp_path, text, expected):
    path = tmp_path / "x.toml"
    path.write_text(text)
    for extra in (["--summary"], ["--headless"]):
        result = run("--preset", str(path), *extra)
        assert result.exit_code == 2
        assert result.stderr == f"{path}: {expected}" + result.stderr.split(expected, 1)[1]
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.output


def test_missing_file_and_unknown_preset():
    result = run("--preset", "no/such/file.toml", "--summary")
    assert (result.exit_code, result.stderr) == (2, "no/such/file.toml: no such file\n")
    result = run("--preset", "nonesuch", "--headless")
    assert result.exit_code == 2 and "unknown preset" in result.stderr and "mnist" in result.stderr


def test_bad_option_value_is_one_line():
    result = run("--epochs", "-3", "--headless")
    assert result.exit_code == 2
    assert result.stderr.startswith("nntui: ") and result.stderr.count("\n") == 1
    assert "--epochs" in result.stderr


def test_list_presets():
    result = run("--list-presets")
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and names == sorted(names)
    assert {"mnist", "fashion-mnist", "playground-spiral", "playground-xor", "playground-circles"} <= set(names)


LOSS_MISFIT = """
name = "loss-misfit"
[model]
input_shape = [784]
[[model.layers]]
type = "Dense"
units = 64
activation = "relu"
[[model.layers]]
type = "Dense"
units = 5
activation = "softmax"
[training]
loss = "categorical_crossentropy"
"""


def table_rows(text: str) -> list[tuple[str, str, str]]:
    """(name (Type), shape, params) of each layer row of a summary table (the input_layer row left out)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("│ "):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if not cells[0].startswith("input_layer "):
                rows.append(tuple(cells[:3]))
    return rows


def json_rows(data: dict) -> list[tuple[str, str, str]]:
    """The same triples from the JSON, '?' where a value is null."""
    def shape(s):
        return "?" if s is None else "(" + ", ".join("None" if d is None else str(d) for d in s) + ")"

    return [(f"{l['name']} ({l['type']})", shape(l["output_shape"]),
             "?" if l["params"] is None else f"{l['params']:,}") for l in data["layers"]]


def test_a_loss_that_does_not_fit_lists_every_layer(tmp_path):
    path = tmp_path / "loss.toml"
    path.write_text(LOSS_MISFIT)
    result = run("--preset", str(path), "--summary", "--json")
    assert result.exit_code == 2 and result.stderr == ""
    data = json.loads(result.stdout)
    assert [(l["name"], l["output_shape"], l["params"]) for l in data["layers"]] == [
        ("dense", [None, 64], 50240), ("dense_1", [None, 5], 325)]
    assert data["total_params"] == 50565
    error = data["error"]
    assert set(error) == {"kind", "output", "message"}
    assert error["kind"] == "loss" and error["output"] == "dense_1"
    assert "categorical_crossentropy" in error["message"] and "(None, 5)" in error["message"]
    text = run("--preset", str(path), "--summary")
    assert text.exit_code == 2
    assert text.stderr.strip().startswith(f"{path}: model.layers[1] (dense_1): categorical_crossentropy")
    assert table_rows(text.stdout) == json_rows(data)


def test_a_target_that_does_not_fit_one_head_of_two(tmp_path):
    from nntui.preset.loader import builtin_presets
    text = builtin_presets()["mnist-multihead"].read_text()
    text = text.replace('parity = "binary_crossentropy"', 'parity = "categorical_crossentropy"')
    assert 'parity = "categorical_crossentropy"' in text
    path = tmp_path / "heads.toml"
    path.write_text(text)
    data = json.loads(run("--preset", str(path), "--summary", "--json").stdout)
    assert data["error"]["kind"] == "loss" and data["error"]["output"] == "parity"
    assert [l["name"] for l in data["layers"]] == ["trunk", "digit", "parity"]
    assert all(l["output_shape"] is not None for l in data["layers"])


@pytest.mark.parametrize("source", ["mnist", "mnist-cnn", "mnist-two-branch", "mnist-inception",
                                    "bad-shape", "loss-misfit"])
def test_text_and_json_show_the_same_rows(tmp_path, source):
    if source in ("bad-shape", "loss-misfit"):
        path = tmp_path / f"{source}.toml"
        path.write_text(BAD_SHAPE if source == "bad-shape" else LOSS_MISFIT)
        source = str(path)
    text = run("--preset", source, "--summary")
    data = json.loads(run("--preset", source, "--summary", "--json").stdout)
    assert table_rows(text.stdout) == json_rows(data)
    assert len(data["layers"]) == len(table_rows(text.stdout)) > 0
