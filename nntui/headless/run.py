"""Headless training: the CLI's consumer of the engine's training generator.

It prints Keras-like progress, writes metrics and checkpoints as the events arrive, and turns
Ctrl+C and SIGTERM into a clean stop that keeps everything already written.
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..engine.events import EpochEnded, RunEnded
from ..preset.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from ..preset.data_source import sample_noun
from ..preset.datasets import load_arrays
from ..preset.errors import RunError
from ..preset.format import download_size
from ..preset.preset import Preset
from ..preset.records import checkpoint_lines, event_record
from ..preset.run import prepare_run
from ..preset.weights_file import save_weights
from .metrics_file import MetricsWriter
from .progress import ProgressReporter

EXIT_NON_FINITE = 1
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


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
    """A progress callback for downloads (MNIST, Fashion-MNIST) that redraws one line on ``stream``."""
    live = stream.isatty()

    def progress(filename: str, done: int, total: int | None) -> None:
        size = download_size(done, total)
        if live:
            stream.write(f"\rDownloading {filename}  {size}   " + ("\n" if total and done >= total else ""))
            stream.flush()
        elif total and done >= total:
            stream.write(f"Downloaded {filename} ({size})\n")

    return progress


def train(preset: Preset, opts: Options, out: TextIO | None = None, err: TextIO | None = None,
          checkpoint: Checkpoint | None = None) -> int:
    """Train ``preset`` headless, printing to ``out``/``err`` (default: the current stdout/stderr); the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    setup = prepare_run(preset, memory=True, weights=opts.load_weights, checkpoint=checkpoint)
    metrics_lines = []
    if checkpoint is not None:
        previous = Path(opts.resume) / "metrics.jsonl"
        if previous.is_file():
            metrics_lines = previous.read_text(encoding="utf-8").splitlines(keepends=True)
    arrays = load_arrays(preset, opts.data_dir, progress=download_progress(err))
    data = setup.datasets(arrays)
    val_text = f", {len(data.val):,} for validation" if data.val is not None else ""
    resumed = f", resuming after epoch {setup.initial_epoch}" if checkpoint is not None else ""
    samples = sample_noun(data.sizes, len(data.train))
    out.write(f'Training "{preset.name}" ({setup.report.total_params:,} params) on {samples}'
              f"{val_text}, {len(data.test):,} for test (data: {arrays.source}){resumed}\n")
    live = out.isatty()
    reporter = ProgressReporter(out, live=live, color=live)
    writer = MetricsWriter(opts.metrics_out) if opts.metrics_out else None
    run = setup.fit(data, preset.training.epochs)
    final = None
    try:
        with sigterm_as_interrupt():
            for event in run:
                reporter.handle(event)
                if writer is not None:
                    writer.write(event)
                metrics_lines += checkpoint_lines([event_record(event)])
                if isinstance(event, EpochEnded) and opts.checkpoint:
                    save_checkpoint(opts.checkpoint, preset, setup.trainer, run, event.epoch, finished=event.final,
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
        save_weights(setup.model, opts.save_weights)
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
        raise RunError(f"{folder}: the checkpoint is at epoch {checkpoint.epoch}; --epochs must be larger")
    opts.checkpoint = opts.checkpoint or folder
    return train(preset, opts, out, err, checkpoint=checkpoint)
