"""Headless training: the CLI's consumer of the engine's training generator.

It prints Keras-like progress, writes metrics and checkpoints as the events arrive, and turns
Ctrl+C and SIGTERM into a clean stop that keeps everything already written.
"""

from __future__ import annotations

import json
import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..engine.early_stopping import EarlyStopping
from ..engine.events import EpochEnded, RunEnded
from ..preset import build_model, full_check, make_trainer
from ..preset.checkpoint import Checkpoint, load_checkpoint, restore_checkpoint, save_checkpoint
from ..preset.datasets import check_input_shape, load_arrays, make_datasets
from ..preset.memory import available_memory, estimate, refusal
from ..preset.preset import Preset
from ..preset.weights_file import load_weights, save_weights
from .metrics_file import MetricsWriter, event_record
from .progress import ProgressReporter

EXIT_NON_FINITE = 1
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
MNIST_TRAIN, MNIST_TEST = 60_000, 10_000


class HeadlessError(Exception):
    """A one-line problem with the run's input (exit code 2)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that it stops the run like Ctrl+C."""


@dataclass
class Options:
    """What the command line asked for besides the preset."""

    data_dir: str | None = None
    metrics_out: str | None = None
    save_weights: str | None = None
    load_weights: str | None = None
    checkpoint: str | None = None
    resume: str | None = None


def model_error_line(preset: Preset, report) -> str:
    """'<file>: model.layers[i] (name): <reason>' for the first layer that does not fit."""
    i = report.error_index
    if i is None:
        field = getattr(report.error, "field", None)
        return f"{preset.source}: {'model.' + field if field else 'model'}: {report.error}"
    return f"{preset.source}: model.layers[{i}] ({report.rows[i].name}): {report.error}"


@contextmanager
def sigterm_as_interrupt():
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread."""
    def handler(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def download_progress(stream: TextIO):
    """A progress callback for MNIST downloads that redraws one line on ``stream``."""
    live = stream.isatty()

    def progress(filename: str, done: int, total: int | None) -> None:
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        if live:
            stream.write(f"\rDownloading {filename}  {size}   " + ("\n" if total and done >= total else ""))
            stream.flush()
        elif total and done >= total:
            stream.write(f"Downloaded {filename} ({size})\n")

    return progress


def prepare(preset: Preset):
    """Build and check the model and refuse runs that cannot fit in memory; returns (model, report)."""
    model = build_model(preset.model)
    report = full_check(preset, model)
    if report.error is not None:
        raise HeadlessError(model_error_line(preset, report))
    check_input_shape(preset)
    train = min(preset.data.limit or MNIST_TRAIN, MNIST_TRAIN)
    reason = refusal(estimate(preset, model, train + MNIST_TEST), available_memory())
    if reason:
        raise HeadlessError(f"{preset.source}: {reason}")
    return model, report


def train(preset: Preset, opts: Options, out: TextIO | None = None, err: TextIO | None = None,
          checkpoint: Checkpoint | None = None) -> int:
    """Train ``preset`` headless, printing to ``out``/``err`` (default: the current stdout/stderr); the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    model, report = prepare(preset)
    arrays = load_arrays(preset, opts.data_dir, progress=download_progress(err))
    trainer = make_trainer(preset, model)
    if opts.load_weights:
        load_weights(model, opts.load_weights)
    t = preset.training
    early = EarlyStopping(**t.early_stopping) if t.early_stopping else None
    initial_epoch, history, metrics_lines = 0, None, []
    if checkpoint is not None:
        initial_epoch = restore_checkpoint(checkpoint, trainer, early)
        history = checkpoint.meta["history"]
        previous = Path(opts.resume) / "metrics.jsonl"
        if previous.is_file():
            metrics_lines = previous.read_text(encoding="utf-8").splitlines(keepends=True)
    train_set, val, test = make_datasets(preset, model, arrays)
    val_text = f", {len(val):,} for validation" if val is not None else ""
    resumed = f", resuming after epoch {initial_epoch}" if checkpoint is not None else ""
    out.write(f'Training "{preset.name}" ({report.total_params:,} params) on {len(train_set):,} MNIST images'
              f"{val_text}, {len(test):,} for test (data: {arrays.source}){resumed}\n")
    live = out.isatty()
    reporter = ProgressReporter(out, live=live, color=live)
    writer = MetricsWriter(opts.metrics_out) if opts.metrics_out else None
    run = trainer.fit(train_set, epochs=t.epochs, batch_size=t.batch_size, validation=val, test=test,
                      initial_epoch=initial_epoch, early_stopping=early, history=history)
    final = None
    try:
        with sigterm_as_interrupt():
            for event in run:
                reporter.handle(event)
                if writer is not None:
                    writer.write(event)
                record = event_record(event)
                if record is not None and record["event"] != "start":
                    metrics_lines.append(json.dumps(record) + "\n")
                if isinstance(event, EpochEnded) and opts.checkpoint:
                    save_checkpoint(opts.checkpoint, preset, trainer, run, event.epoch, finished=event.final,
                                    metrics_lines=metrics_lines)
                final = event
    except KeyboardInterrupt as exc:
        run.close()
        if writer is not None:
            writer.close()
        out.write("\n")
        kept = "; the last checkpoint and the metrics written so far are kept" if (opts.checkpoint or writer) else ""
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        err.write(f"nntui: {what}{kept}\n")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    if writer is not None:
        writer.close()
    if opts.save_weights:
        save_weights(model, opts.save_weights)
        out.write(f"Saved weights to {opts.save_weights}\n")
    if isinstance(final, RunEnded) and final.reason == "non_finite":
        return EXIT_NON_FINITE
    return 0


def resume(folder: str, overrides: dict, opts: Options, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Continue the run checkpointed in ``folder`` (checkpointing there again unless told otherwise)."""
    out = out or sys.stdout
    checkpoint = load_checkpoint(folder)
    preset = checkpoint.preset.with_overrides(**overrides)
    if checkpoint.finished and preset.training.epochs <= checkpoint.epoch:
        out.write(f"The run in {folder} already ended after epoch {checkpoint.epoch}; "
                  f"pass --epochs N (N > {checkpoint.epoch}) to train further.\n")
        return 0
    if preset.training.epochs <= checkpoint.epoch:
        raise HeadlessError(f"{folder}: the checkpoint is at epoch {checkpoint.epoch}; --epochs must be larger")
    opts.checkpoint = opts.checkpoint or folder
    return train(preset, opts, out, err, checkpoint=checkpoint)
