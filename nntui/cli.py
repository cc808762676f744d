"""The ``nntui`` command: the app by default, ``--headless`` training, ``--summary`` of a preset."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .data import DataError
from .engine.shapes import ShapeError
from .headless.metrics_file import MetricsWriter
from .headless.progress import ProgressReporter
from .headless.summary import summary_json, summary_text
from .spec import PresetError, build_model, builtin_presets, full_check, load_preset, make_trainer
from .spec.datasets import load_arrays, make_datasets
from .spec.weights_file import WeightsError, save_weights

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A one-line problem with what the user gave us (exit code 2)."""


class OneLineErrors(click.Command):
    """A click command whose usage errors are one line (``nntui: ...``) with exit code 2, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            click.echo(f"nntui: {exc.format_message()}", err=True)
            code = exc.exit_code
        except click.exceptions.Abort:
            click.echo("nntui: interrupted", err=True)
            code = EXIT_INTERRUPTED
        sys.exit(code or 0)


def model_error_line(preset, report) -> str:
    """'<file>: model.layers[i] (name): <ShapeError text>' for the first layer that does not fit."""
    i = report.error_index
    if i is None:
        return f"{preset.source}: model: {report.error}"
    return f"{preset.source}: model.layers[{i}] ({report.rows[i].name}): {report.error}"


def download_progress(stream):
    """A progress callback for MNIST downloads that redraws one line on ``stream``."""
    live = stream.isatty()

    def progress(filename: str, done: int, total: int | None) -> None:
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        if live:
            stream.write(f"\rDownloading {filename}  {size}   ")
            if total and done >= total:
                stream.write("\n")
            stream.flush()
        elif total and done >= total:
            stream.write(f"Downloaded {filename} ({size})\n")

    return progress


@click.command(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--preset", "-p", "preset_ref", default="mnist", show_default=True, metavar="NAME|PATH",
              help="A shipped preset by name or a preset .toml file.")
@click.option("--headless", is_flag=True, help="Train in the terminal without the app, printing Keras-like lines.")
@click.option("--summary", is_flag=True, help="Print the model summary and exit (exit 2 if the shapes do not fit).")
@click.option("--json", "as_json", is_flag=True, help="With --summary: print JSON instead of the table.")
@click.option("--epochs", type=click.IntRange(1, 10_000), help="Override the preset's epochs.")
@click.option("--batch-size", type=click.IntRange(1, 65_536), help="Override the preset's batch size.")
@click.option("--learning-rate", type=click.FloatRange(0, 10, min_open=True), help="Override the learning rate.")
@click.option("--limit", type=click.IntRange(1), help="Use only the first N training samples.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Override the preset's seed.")
@click.option("--data-dir", type=click.Path(), help="Folder with the four MNIST files (else NNTUI_DATA_DIR, "
              "the cache, Keras's cache, or a download).")
@click.option("--metrics-out", type=click.Path(dir_okay=False), help="Write metrics as JSON lines to this file.")
@click.option("--save-weights", type=click.Path(dir_okay=False), help="Save the trained weights (.npz).")
@click.option("--list-presets", is_flag=True, help="List the shipped presets and exit.")
@click.version_option(__version__, prog_name="nntui")
def cli(preset_ref, headless, summary, as_json, epochs, batch_size, learning_rate, limit, seed, data_dir,
        metrics_out, save_weights, list_presets):
    """Build and train neural networks in the terminal.

    Without options, opens the app on the builder with the mnist preset.
    """
    try:
        if list_presets:
            return print_presets()
        preset = load_preset(preset_ref).with_overrides(
            epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, limit=limit, seed=seed)
        if summary:
            return print_summary(preset, as_json)
        if not headless:
            return open_app(preset, data_dir)
        return train_headless(preset, data_dir, metrics_out, save_weights)
    except (PresetError, DataError, WeightsError, UserError) as exc:
        click.echo(str(exc), err=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        click.echo("nntui: interrupted", err=True)
        return EXIT_INTERRUPTED


def print_presets() -> int:
    """One line per shipped preset: name and description."""
    for name, path in builtin_presets().items():
        try:
            description = load_preset(str(path)).description
        except PresetError as exc:
            description = f"(broken: {exc})"
        click.echo(f"{name:<20} {description}")
    return 0


def print_summary(preset, as_json: bool) -> int:
    """The summary table or JSON; exit code 2 when the model does not fit."""
    model = build_model(preset.model)
    report = full_check(preset, model)
    if as_json:
        click.echo(json.dumps(summary_json(model, report, name=preset.name), indent=2))
    else:
        encoding = (getattr(sys.stdout, "encoding", None) or "").lower()
        click.echo(summary_text(model, report, title=preset.name, ascii_only="utf" not in encoding))
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    if report.error is not None:
        if not as_json:
            click.echo(model_error_line(preset, report), err=True)
        return EXIT_BAD_INPUT
    return 0


def open_app(preset, data_dir) -> int:
    """Start the Textual app on the builder screen."""
    from .tui.app import run_app  # imported here: headless runs never load textual

    return run_app(preset, data_dir=data_dir)


def train_headless(preset, data_dir, metrics_out, weights_out) -> int:
    """Train the preset, printing Keras-like progress; returns the exit code."""
    model = build_model(preset.model)
    report = full_check(preset, model)
    if report.error is not None:
        raise UserError(model_error_line(preset, report))
    arrays = load_arrays(preset, data_dir, progress=download_progress(sys.stderr))
    trainer = make_trainer(preset, model)
    train, val, test = make_datasets(preset, model, arrays)
    out = sys.stdout
    val_text = f", {len(val):,} for validation" if val is not None else ""
    click.echo(f'Training "{preset.name}" ({report.total_params:,} params) on {len(train):,} MNIST images'
               f"{val_text}, {len(test):,} for test (data: {arrays.source})")
    reporter = ProgressReporter(out, live=out.isatty(), color=out.isatty())
    writer = MetricsWriter(metrics_out) if metrics_out else None
    t = preset.training
    run = trainer.fit(train, epochs=t.epochs, batch_size=t.batch_size, validation=val, test=test)
    final = None
    try:
        for event in run:
            reporter.handle(event)
            if writer is not None:
                writer.write(event)
            final = event
    except KeyboardInterrupt:
        run.close()
        if writer is not None:
            writer.close()
        out.write("\n")
        click.echo("nntui: interrupted; metrics written so far are kept" if writer else "nntui: interrupted",
                   err=True)
        return EXIT_INTERRUPTED
    if writer is not None:
        writer.close()
    if weights_out:
        save_weights(model, weights_out)
        click.echo(f"Saved weights to {weights_out}")
    if final is not None and final.reason == "non_finite":
        return 1
    return 0


def main() -> None:
    """Console-script entry point."""
    cli()


__all__ = ["cli", "main", "ShapeError"]
