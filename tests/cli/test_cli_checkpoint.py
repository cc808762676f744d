"""Checkpoints, exact resume, signals during training and during a checkpoint write, weights, memory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from nntui.cli import cli
from nntui.preset.checkpoint import load_checkpoint

DROPOUT_PRESET = """
name = "drop"
[data]
validation_split = 0.1
[model]
input_shape = [28, 28]
[[model.layers]]
type = "Flatten"
[[model.layers]]
type = "Dense"
units = 32
activation = "relu"
[[model.layers]]
type = "Dropout"
rate = 0.3
[[model.layers]]
type = "Dense"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
optimizer = { type = "adam", learning_rate = 0.002 }
batch_size = 32
epochs = 3
seed = 4
"""


def invoke(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def epoch_records(path: Path) -> list[dict]:
    return [r for r in map(json.loads, path.read_text().splitlines()) if r["event"] == "epoch"]


def numbers(record: dict) -> dict:
    return {k: v for k, v in record.items() if "second" not in k}


def test_resume_gives_exactly_the_losses_of_an_unbroken_run(fake_mnist_dir, tmp_path, one_blas_thread):
    preset = tmp_path / "drop.toml"
    preset.write_text(DROPOUT_PRESET)
    common = ["--preset", preset, "--headless", "--data-dir", fake_mnist_dir]
    assert invoke(*common, "--metrics-out", tmp_path / "full.jsonl").exit_code == 0
    ckpt = tmp_path / "ckpt"
    assert invoke(*common, "--epochs", 1, "--checkpoint", ckpt).exit_code == 0
    checkpoint = load_checkpoint(ckpt)
    assert checkpoint.epoch == 1 and checkpoint.finished
    assert (ckpt / "preset.toml").read_text().startswith("#") and (ckpt / "metrics.jsonl").is_file()
    result = invoke("--resume", ckpt, "--epochs", 3, "--data-dir", fake_mnist_dir,
                    "--metrics-out", tmp_path / "rest.jsonl")
    assert result.exit_code == 0, result.output
    assert "resuming after epoch 1" in result.stdout
    full = [numbers(r) for r in epoch_records(tmp_path / "full.jsonl")]
    rest = [numbers(r) for r in epoch_records(tmp_path / "rest.jsonl")]
    assert [r["epoch"] for r in rest] == [2, 3]
    assert rest == full[1:]
    assert load_checkpoint(ckpt).epoch == 3
    assert len(epoch_records(ckpt / "metrics.jsonl")) == 3


def test_resume_of_a_finished_run_says_so(fake_mnist_dir, tmp_path):
    ckpt = tmp_path / "c"
    invoke("--headless", "--data-dir", fake_mnist_dir, "--epochs", 1, "--limit", 100, "--checkpoint", ckpt)
    result = invoke("--resume", ckpt, "--data-dir", fake_mnist_dir)
    assert result.exit_code == 0 and "already ended after epoch 1" in result.stdout


def test_resume_from_nothing_or_garbage_is_one_line(tmp_path):
    result = invoke("--resume", tmp_path)
    assert result.exit_code == 2 and "no checkpoint here" in result.stderr and result.stderr.count("\n") == 1
    (tmp_path / "checkpoint.npz").write_bytes(b"PK\x03\x04 not really a zip")
    result = invoke("--resume", tmp_path)
    assert result.exit_code == 2 and "not a readable checkpoint" in result.stderr


def start(args, extra_code="", env=None):
    code = textwrap.dedent(extra_code) + "\nfrom nntui.cli import main\nmain()\n"
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})))


def wait_for(proc, prefix):
    for line in proc.stdout:
        if line.startswith(prefix):
            return line
    raise AssertionError(f"never saw {prefix!r}: {proc.stderr.read()}")


def test_sigterm_and_sigint_during_training_leave_a_loadable_checkpoint(fake_mnist_dir, tmp_path):
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
        ckpt = tmp_path / f"c{code}"
        proc = start(["--headless", "--data-dir", fake_mnist_dir, "--epochs", 10000, "--batch-size", 8,
                      "--checkpoint", ckpt])
        wait_for(proc, "Epoch 3/")  # printed after epoch 2's checkpoint was written
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err
        assert "Traceback" not in err and "checkpoint" in err
        assert load_checkpoint(ckpt).epoch >= 2
        assert [p.name for p in ckpt.iterdir() if p.name.endswith(".tmp")] == []


def test_sigterm_during_a_checkpoint_write_keeps_the_previous_one(fake_mnist_dir, tmp_path):
    ckpt = tmp_path / "c"
    slow_second_write = """
        import sys, time
        import nntui.preset.checkpoint as c
        original, calls = c.atomic_write, []
        def slow(path, content):
            if path.name == "checkpoint.npz":
                calls.append(path)
                if len(calls) == 2:
                    def write_slowly(fh):
                        content(fh)
                        print("WRITING", flush=True)
                        time.sleep(30)
                    return original(path, write_slowly)
            return original(path, content)
        c.atomic_write = slow
    """
    proc = start(["--headless", "--data-dir", fake_mnist_dir, "--epochs", 5, "--checkpoint", ckpt],
                 slow_second_write)
    wait_for(proc, "WRITING")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "Traceback" not in err
    assert load_checkpoint(ckpt).epoch == 1
    assert sorted(p.name for p in ckpt.iterdir()) == ["checkpoint.npz", "metrics.jsonl", "preset.toml"]


def test_load_weights_that_do_not_fit_names_the_first_layer(fake_mnist_dir, tmp_path):
    weights = tmp_path / "w.npz"
    assert invoke("--headless", "--data-dir", fake_mnist_dir, "--epochs", 1, "--limit", 100,
                  "--save-weights", weights).exit_code == 0
    other = tmp_path / "other.toml"
    other.write_text(DROPOUT_PRESET)
    result = invoke("--preset", other, "--headless", "--data-dir", fake_mnist_dir, "--load-weights", weights)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "layer 'dense' (Dense)" in result.stderr and str(weights) in result.stderr
    result = invoke("--headless", "--data-dir", fake_mnist_dir, "--epochs", 1, "--limit", 100,
                    "--load-weights", weights)
    assert result.exit_code == 0


def test_a_run_that_would_not_fit_in_memory_is_refused(fake_mnist_dir, monkeypatch):
    monkeypatch.setenv("NNTUI_MEMORY_LIMIT", str(50 * 2**20))
    result = invoke("--headless", "--data-dir", fake_mnist_dir)
    assert result.exit_code == 2
    assert "needs about" in result.stderr and "available" in result.stderr and "MiB" in result.stderr


def test_early_stopping_ends_the_run_and_still_tests(fake_mnist_dir, tmp_path):
    preset = tmp_path / "es.toml"
    preset.write_text(DROPOUT_PRESET.replace(
        "seed = 4", 'seed = 4\nearly_stopping = { monitor = "val_loss", min_delta = 100.0, '
        "restore_best_weights = true }").replace("epochs = 3", "epochs = 20"))
    metrics = tmp_path / "m.jsonl"
    result = invoke("--preset", preset, "--headless", "--data-dir", fake_mnist_dir, "--metrics-out", metrics)
    assert result.exit_code == 0, result.output
    records = [json.loads(l) for l in metrics.read_text().splitlines()]
    assert [r["epoch"] for r in records if r["event"] == "epoch"] == [1, 2]
    assert records[-1]["reason"] == "early_stopping" and "test_accuracy" in records[-1]
    assert "restored the weights of epoch 1" in records[-1]["message"]
