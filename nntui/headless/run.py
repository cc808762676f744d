"""Headless training: the CLI's consumer of the engine's training generator.

It checks every output path first (:func:`check_run_outputs`: before the model, the data or a
batch), prints Keras-like progress, writes metrics and checkpoints as the events arrive, turns
Ctrl+C and SIGTERM into a clean stop that keeps everything already written, and at the end saves
the weights and exports the Keras module (:func:`write_outputs`; :func:`export` does the export
alone, without training).
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..engine.events import EpochEnded, RunEnded
from ..engine.probe import RunInspector
from ..preset.checkpoint import FILE as CHECKPOINT_FILE
from ..preset.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from ..preset.data_source import sample_noun
from ..preset.datasets import load_arrays
from ..preset.errors import RunError
from ..preset.format import download_size
from ..preset.keras_export import MODEL_FILE, WEIGHTS_FILE, export_keras
from ..preset.outputs import check_outputs
from ..preset.preset import Preset
from ..preset.records import checkpoint_lines, event_record, interrupted_record, layers_record
from ..preset.run import RunSetup, prepare_run
from ..preset.thread_setting import ThreadSetting
from ..preset.weights_file import save_weights
from .metrics_file import MetricsWriter
from .progress import ProgressReporter

EXIT_NON_FINITE = 1
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
CHECKPOINT_FILES = (CHECKPOINT_FILE, "preset.toml", "metrics.jsonl")  # what --checkpoint DIR holds


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
    export_keras: str | None = None
    inspect: bool = False
    threads: ThreadSetting | None = None  # --threads / NNTUI_THREADS (None: NNTUI_THREADS or the engine)


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


def check_run_outputs(opts: Options) -> None:
    """Refuse at once (OutputError, one line naming the option and the path) an output of this run that
    cannot be written: before the model is built, the data loaded or a batch trained."""
    check_outputs(
        files=[("--metrics-out", opts.metrics_out), ("--save-weights", opts.save_weights)],
        folders=[("--checkpoint", opts.checkpoint, CHECKPOINT_FILES),
                 ("--export-keras", opts.export_keras, (MODEL_FILE, WEIGHTS_FILE))],
        in_place=["--metrics-out"])


def write_outputs(setup: RunSetup, opts: Options, out: TextIO) -> None:
    """The outputs written once the weights are final: ``--save-weights`` and ``--export-keras``."""
    if opts.save_weights:
        save_weights(setup.model, opts.save_weights)
        out.write(f"Saved weights to {opts.save_weights}\n")
    if opts.export_keras:
        code, weights = export_keras(setup.preset, setup.model, opts.export_keras)
        out.write(f"Wrote the Keras model to {code} and {weights} (python {code} trains it further)\n")


def export(preset: Preset, opts: Options, out: TextIO | None = None) -> int:
    """``--export-keras`` without training: the preset's fresh weights (its seed), or ``--load-weights``."""
    out = out or sys.stdout
    check_run_outputs(opts)
    setup = prepare_run(preset, weights=opts.load_weights)
    write_outputs(setup, opts, out)
    return 0


def train(preset: Preset, opts: Options, out: TextIO | None = None, err: TextIO | None = None,
          checkpoint: Checkpoint | None = None) -> int:
    """Train ``preset`` headless, printing to ``out``/``err`` (default: the current stdout/stderr); the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    check_run_outputs(opts)
    setup = prepare_run(preset, memory=True, weights=opts.load_weights, checkpoint=checkpoint, threads=opts.threads)
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
              f"{val_text}, {len(data.test):,} for test (data: {arrays.source}){resumed}; {setup.threads.describe()}\n")
    live = out.isatty()
    reporter = ProgressReporter(out, live=live, color=live)
    writer = MetricsWriter(opts.metrics_out) if opts.metrics_out else None
    run = setup.fit(data, preset.training.epochs)
    inspector = RunInspector(setup.model, setup.trainer.optimizer, data.test.x) if opts.inspect else None
    final, done = None, None  # the last event handled; the last epoch the run finished
    try:
        with sigterm_as_interrupt():
            for event in run:
                if isinstance(event, EpochEnded):
                    done = event
                if writer is not None:  # on disk before the line that reports it
                    writer.write(event)
                reporter.handle(event)
                metrics_lines += checkpoint_lines([event_record(event)])
                if inspector is not None:
                    inspect_event(inspector, event, writer, out)
                if isinstance(event, EpochEnded) and opts.checkpoint:
                    save_checkpoint(opts.checkpoint, preset, setup.trainer, run, event.epoch, finished=event.final,
                                    metrics_lines=metrics_lines)
                final = event
    except KeyboardInterrupt as exc:
        run.close()
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        if writer is not None:
            if done is not None and writer.last_epoch < done.epoch:  # stopped between the epoch and its line
                writer.write(done)
            writer.write_record(interrupted_record(what, done.epoch if done else setup.initial_epoch))
            writer.close()
        out.write("\n")
        kept = "; the last checkpoint and the metrics written so far are kept" if (opts.checkpoint or writer) else ""
        err.write(f"nntui: {what}{kept}\n")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    finally:
        if writer is not None:
            writer.close()
    write_outputs(setup, opts, out)
    if isinstance(final, RunEnded) and final.reason == "non_finite":
        return EXIT_NON_FINITE
    return 0


def inspect_event(inspector: RunInspector, event, writer: MetricsWriter | None, out: TextIO) -> None:
    """``--inspect``: after each epoch the layers' record (metrics file) and each new health warning, once,
    in a line of its own."""
    inspection = inspector.on_event(event)
    if inspection is None:
        return
    if writer is not None:
        writer.write_record(layers_record(inspection.epoch, [s.record() for s in inspection.stats]))
    for note in inspection.new_warnings:
        out.write(f"warning: {note.line}\n")
    out.flush()


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
