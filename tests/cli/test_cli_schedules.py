"""Learning-rate schedules and changes by hand, end to end: headless runs, metrics, progress lines and
exact resumes from checkpoints."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from nntui.cli import cli
from nntui.engine.events import BatchEnded, EpochEnded, LearningRateChanged
from nntui.preset import loads
from nntui.preset.checkpoint import load_checkpoint, save_checkpoint
from nntui.preset.datasets import load_arrays
from nntui.preset.records import event_record
from nntui.preset.run import prepare_run

COSINE = """
name = "cosine"
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
optimizer = { type = "adam", learning_rate = 0.01 }
learning_rate_schedule = { type = "CosineDecay", decay_steps = 57, alpha = 0.1 }
batch_size = 32
epochs = 3
seed = 2
"""
STEPS = 19  # 600 fake training images in batches of 32


def invoke(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def records(path: Path, event: str) -> list[dict]:
    return [r for r in map(json.loads, path.read_text().splitlines()) if r["event"] == event]


def cosine(step: int) -> float:
    return 0.01 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(step, 57) / 57)) + 0.1)


def test_a_cosine_decay_preset_trains_headless_and_its_metrics_show_the_decaying_rate(fake_mnist_dir, tmp_path):
    preset = tmp_path / "cosine.toml"
    preset.write_text(COSINE)
    result = invoke("--preset", preset, "--headless", "--data-dir", fake_mnist_dir, "--metrics-out",
                    tmp_path / "m.jsonl")
    assert result.exit_code == 0, result.output
    epochs = records(tmp_path / "m.jsonl", "epoch")
    assert [r["learning_rate"] for r in epochs] == pytest.approx([cosine(STEPS), cosine(2 * STEPS), 0.001])
    start = records(tmp_path / "m.jsonl", "start")[0]
    assert start["learning_rate"] == 0.01 and start["learning_rate_schedule"] == "CosineDecay"
    lines = [line for line in result.stdout.splitlines() if line.startswith("Epoch")]
    assert lines[0].endswith(f" - learning_rate: {cosine(STEPS):.4f}")
    assert lines[2].endswith(" - learning_rate: 1.0000e-03")  # Keras's notation below 1e-3


def test_a_run_without_a_schedule_prints_no_rate(fake_mnist_dir, tmp_path):
    preset = tmp_path / "fixed.toml"
    preset.write_text(COSINE.replace('learning_rate_schedule = { type = "CosineDecay", decay_steps = 57, '
                                     'alpha = 0.1 }\n', "").replace("epochs = 3", "epochs = 1"))
    result = invoke("--preset", preset, "--headless", "--data-dir", fake_mnist_dir, "--metrics-out",
                    tmp_path / "m.jsonl")
    assert result.exit_code == 0 and "learning_rate" not in result.stdout
    assert records(tmp_path / "m.jsonl", "epoch")[0]["learning_rate"] == 0.01


def test_a_resumed_schedule_continues_exactly(fake_mnist_dir, tmp_path, one_blas_thread):
    preset = tmp_path / "cosine.toml"
    preset.write_text(COSINE)
    common = ["--preset", preset, "--headless", "--data-dir", fake_mnist_dir]
    assert invoke(*common, "--metrics-out", tmp_path / "full.jsonl").exit_code == 0
    assert invoke(*common, "--epochs", 1, "--checkpoint", tmp_path / "ckpt").exit_code == 0
    assert "[training.learning_rate_schedule]" in (tmp_path / "ckpt" / "preset.toml").read_text()
    result = invoke("--resume", tmp_path / "ckpt", "--epochs", 3, "--data-dir", fake_mnist_dir,
                    "--metrics-out", tmp_path / "rest.jsonl")
    assert result.exit_code == 0, result.output

    def numbers(r):
        return {k: v for k, v in r.items() if "second" not in k}
    full = [numbers(r) for r in records(tmp_path / "full.jsonl", "epoch")]
    rest = [numbers(r) for r in records(tmp_path / "rest.jsonl", "epoch")]
    assert rest == full[1:]


@pytest.mark.parametrize(("table", "field"), [
    ('{ type = "Cosine", decay_steps = 10 }', "training.learning_rate_schedule.type"),
    ('{ type = "CosineDecay", decay_step = 10 }', "training.learning_rate_schedule.decay_step"),
    ('{ type = "ExponentialDecay", decay_steps = -1, decay_rate = 0.5 }', "training.learning_rate_schedule.decay_steps"),
    ('{ type = "PiecewiseConstantDecay", boundaries = [1, 2], values = [0.1] }',
     "training.learning_rate_schedule.values"),
])
def test_a_bad_schedule_exits_2_with_one_line(tmp_path, table, field):
    preset = tmp_path / "bad.toml"
    preset.write_text(COSINE.replace('{ type = "CosineDecay", decay_steps = 57, alpha = 0.1 }', table))
    result = CliRunner().invoke(cli, ["--preset", str(preset), "--headless"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and f"bad.toml: {field}: " in result.stderr


# ---------------------------------------------------------------------------------------- changes by hand
def train(preset, arrays, epochs, *, double_at=None, checkpoint=None, resume=None):
    """Run ``preset`` to epoch ``epochs`` through the one run setup, doubling the rate after batch
    ``double_at`` = (epoch, step); checkpoint after each epoch into ``checkpoint``. The records."""
    setup = prepare_run(preset, checkpoint=load_checkpoint(resume) if resume else None)
    run = setup.fit(setup.datasets(arrays), epochs)
    out = []
    for event in run:
        record = event_record(event)
        if record is not None:
            out.append({k: v for k, v in record.items() if "second" not in k})
        if isinstance(event, BatchEnded) and (event.epoch, event.step) == double_at:
            run.scale_learning_rate(2.0)
        if isinstance(event, EpochEnded) and checkpoint is not None:
            save_checkpoint(checkpoint, preset, setup.trainer, run, event.epoch, finished=event.final)
    return out, run


def test_a_change_by_hand_is_resumed_exactly_from_a_checkpoint(fake_mnist_dir, tmp_path, one_blas_thread):
    preset = loads(COSINE)
    arrays = load_arrays(preset, fake_mnist_dir)
    full, run = train(preset, arrays, 3, double_at=(1, 5))
    changes = [r for r in full if r["event"] == "learning_rate"]
    assert changes == [{"event": "learning_rate", "epoch": 1, "step": 5, "global_step": 5, "factor": 2.0,
                        "scale": 2.0, "learning_rate": pytest.approx(2 * cosine(5))}]
    epochs = [r for r in full if r["event"] == "epoch"]
    assert [r["learning_rate"] for r in epochs] == pytest.approx([2 * cosine(STEPS), 2 * cosine(2 * STEPS), 0.002])
    folder = tmp_path / "ckpt"
    train(preset, arrays, 1, double_at=(1, 5), checkpoint=folder)
    checkpoint = load_checkpoint(folder)
    assert checkpoint.meta["learning_rate"]["scale"] == 2.0 and len(checkpoint.learning_rate_changes) == 1
    rest, resumed = train(checkpoint.preset, arrays, 3, resume=folder)
    assert [r for r in rest if r["event"] == "epoch"] == epochs[1:]
    assert resumed.learning_rate_changes == run.learning_rate_changes  # the history carries the change on
    assert resumed.trainer.optimizer.lr_scale == 2.0


def test_a_change_by_hand_is_in_the_metrics_file_of_a_checkpoint(fake_mnist_dir, tmp_path):
    """The learning_rate record goes wherever the run's records go (a checkpoint's metrics.jsonl too)."""
    preset = loads(COSINE.replace("epochs = 3", "epochs = 1"))
    arrays = load_arrays(preset, fake_mnist_dir)
    setup = prepare_run(preset)
    run = setup.fit(setup.datasets(arrays), 1)
    lines = []
    for event in run:
        if isinstance(event, BatchEnded) and event.step == 2:
            run.scale_learning_rate(0.5)
        record = event_record(event)
        if record is not None and record["event"] != "start":
            lines.append(json.dumps(record) + "\n")
        if isinstance(event, LearningRateChanged):
            assert event.scale == 0.5
        if isinstance(event, EpochEnded):
            save_checkpoint(tmp_path / "c", preset, setup.trainer, run, 1, finished=True, metrics_lines=lines)
    kinds = [json.loads(line)["event"] for line in (tmp_path / "c" / "metrics.jsonl").read_text().splitlines()]
    assert kinds == ["learning_rate", "epoch"]
