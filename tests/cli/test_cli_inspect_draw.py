"""``--inspect`` (a layers record per epoch, each health warning printed once) and ``--draw``'s
error paths (one line, exit 2), through click's CliRunner."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from nntui import cli as cli_module
from nntui.cli import cli
from nntui.preset import build_model, load_preset
from nntui.preset.weights_file import save_weights


def invoke(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_inspect_writes_a_layers_record_after_each_epoch(fake_mnist_dir, tmp_path):
    metrics = tmp_path / "m.jsonl"
    result = invoke("--headless", "--inspect", "--data-dir", fake_mnist_dir, "--epochs", 2, "--limit", 300,
                    "--metrics-out", metrics)
    assert result.exit_code == 0, result.output
    rows = records(metrics)
    events = [r["event"] for r in rows]
    assert events == ["start", "epoch", "layers", "epoch", "layers", "done"]
    layers = [r for r in rows if r["event"] == "layers"]
    assert [r["epoch"] for r in layers] == [1, 2]
    names = [layer["name"] for layer in layers[0]["layers"]]
    assert names == ["dense", "dense_1"] or len(names) >= 2
    first = layers[0]["layers"][0]
    assert set(first) == {"name", "weight_mean", "weight_std", "grad_norm", "update_ratio", "dead_fraction"}
    assert first["grad_norm"] > 0 and 0 < first["update_ratio"] < 1 and 0 <= first["dead_fraction"] <= 1


def test_inspect_prints_each_health_warning_once_on_a_line_of_its_own(fake_mnist_dir, tmp_path):
    result = invoke("--headless", "--inspect", "--data-dir", fake_mnist_dir, "--epochs", 3, "--limit", 300,
                    "--learning-rate", 0.5)
    assert result.exit_code in (0, 1), result.output
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    assert warnings, result.stdout
    assert len(warnings) == len(set(warnings))
    assert any("learning rate" in w for w in warnings)


def test_inspect_needs_headless():
    result = invoke("--inspect")
    assert result.exit_code == 2 and "--inspect goes with --headless" in result.stderr


def test_draw_error_paths_are_one_line_exit_2(tmp_path):
    result = invoke("--draw")
    assert result.exit_code == 2 and "--draw needs --load-weights" in result.stderr
    result = invoke("--draw", "--headless", "--load-weights", tmp_path / "w.npz")
    assert result.exit_code == 2 and "does not go with --headless" in result.stderr
    result = invoke("--draw", "--load-weights", tmp_path / "missing.npz")
    assert result.exit_code == 2 and "missing.npz" in result.stderr and result.stderr.count("\n") == 1
    other = build_model(load_preset("mnist-cnn").model).build(seed=0)
    save_weights(other, tmp_path / "cnn.npz")
    result = invoke("--preset", "mnist", "--draw", "--load-weights", tmp_path / "cnn.npz")
    assert result.exit_code == 2 and "cnn.npz" in result.stderr and result.stderr.count("\n") == 1


def test_draw_with_weights_that_fit_opens_the_app_with_the_pad(tmp_path, monkeypatch):
    model = build_model(load_preset("mnist").model).build(seed=0)
    save_weights(model, tmp_path / "w.npz")
    opened = {}
    monkeypatch.setattr(cli_module, "open_app", lambda preset, data_dir, threads=None, draw_weights=None:
                        opened.update(preset=preset.name, draw=draw_weights) or 0)
    result = invoke("--preset", "mnist", "--draw", "--load-weights", tmp_path / "w.npz")
    assert result.exit_code == 0, result.output
    assert opened == {"preset": "mnist", "draw": str(tmp_path / "w.npz")}
    assert np.isfinite(model.theta).all()
