"""`nntui --headless`: Keras-like lines, metrics JSON lines, weights, data errors, Ctrl+C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
from click.testing import CliRunner

from nntui.cli import cli
from nntui.preset import build_model, load_preset
from nntui.preset.weights_file import load_weights

EPOCH_LINE = re.compile(r"^Epoch (\d+)/(\d+)  (\d+)/\3 ━{20} \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - "
                        r"accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$")


def test_headless_training_on_fake_data(fake_mnist_dir, tmp_path):
    metrics, weights = tmp_path / "m.jsonl", tmp_path / "w.npz"
    result = CliRunner().invoke(cli, ["--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "3",
                                      "--batch-size", "32", "--metrics-out", str(metrics),
                                      "--save-weights", str(weights)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith('Training "mnist" (407,050 params) on 540 MNIST images, 60 for validation')
    epochs = [l for l in lines if l.startswith("Epoch")]
    assert len(epochs) == 3 and all(EPOCH_LINE.match(l) for l in epochs), epochs
    assert re.match(r"^Test - loss: \d\.\d{4} - accuracy: (\d\.\d{4})$", lines[-2])
    records = [json.loads(l) for l in metrics.read_text().splitlines()]
    assert [r["event"] for r in records] == ["start", "epoch", "epoch", "epoch", "done"]
    assert {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"} <= records[1].keys()
    assert records[-1]["test_accuracy"] > 0.9  # the fake digits are easy
    assert not (tmp_path / "m.jsonl.partial").exists()
    model = build_model(load_preset("mnist").model).build(seed=99)
    load_weights(model, weights)
    assert np.isfinite(model.theta).all() and model.layers[0].weights["kernel"].std() > 0


def test_same_seed_same_losses(fake_mnist_dir, tmp_path):
    """Bit for bit with a fixed number of BLAS threads (the engine's own choice may change between runs,
    and with it the order of a product's sums, as in any BLAS: the README says so)."""
    def losses(seed):
        out = tmp_path / f"m{seed}.jsonl"
        CliRunner().invoke(cli, ["--headless", "--data-dir", str(fake_mnist_dir), "--epochs", "2", "--limit", "200",
                                 "--seed", str(seed), "--metrics-out", str(out), "--threads", "1"])
        return [r.get("loss") for r in map(json.loads, out.read_text().splitlines())]

    assert losses(1) == losses(1)
    assert losses(1) != losses(2)


def test_missing_data_dir_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--headless", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(tmp_path / "none") in result.stderr


def test_nothing_found_offline_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv("NNTUI_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("nntui.data.mnist.MIRRORS", ("http://127.0.0.1:9/",))
    import nntui.data.mnist as mnist

    original = mnist.load_mnist
    monkeypatch.setattr("nntui.preset.datasets.load_mnist",
                        lambda *a, **k: original(*a, **dict(k, mirrors=("http://127.0.0.1:9/",))))
    result = CliRunner().invoke(cli, ["--headless"])
    assert result.exit_code == 2
    assert "cache" in result.stderr and "--data-dir" in result.stderr and result.stderr.count("\n") == 1


def test_ctrl_c_stops_cleanly_and_keeps_metrics(fake_mnist_dir, tmp_path):
    metrics = tmp_path / "m.jsonl"
    metrics.write_text('{"event": "old"}\n')
    proc = subprocess.Popen([sys.executable, "-m", "nntui", "--headless", "--data-dir", str(fake_mnist_dir),
                             "--epochs", "10000", "--batch-size", "16", "--metrics-out", str(metrics)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    for line in proc.stdout:
        if line.startswith("Epoch 2/"):
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    records = [json.loads(l) for l in metrics.read_text().splitlines()]
    assert records[0]["event"] == "start" and records[1]["event"] == "epoch"
