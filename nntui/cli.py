"""The ``nntui`` command: the app by default, ``--headless`` training, ``--summary`` of a preset, ``serve``."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .preset import builtin_presets, load_preset
from .preset.errors import PresetError, RunError
from .preset.thread_setting import choose_threads

# Only what every command needs is imported here: the app's start-up does not wait for the headless
# runner, the data loader, checkpoints or the summary (each is imported where it is used).
EXIT_BAD_INPUT = 2


def user_errors() -> tuple[type[Exception], ...]:
    """The errors that are the user's input (one line, exit code 2); evaluated only when one is raised."""
    from .data.errors import DataError
    from .preset.checkpoint import CheckpointError
    from .preset.weights_file import WeightsError

    return (PresetError, DataError, WeightsError, CheckpointError, RunError)


def exit_interrupted() -> int:
    from .headless.run import EXIT_INTERRUPTED

    return EXIT_INTERRUPTED


class OneLineErrors(click.Group):
    """A click command whose usage errors are one line (``nntui: ...``) with exit code 2, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            click.echo(f"nntui: {exc.format_message()}", err=True)
            code = exc.exit_code
        except click.exceptions.Abort:
            click.echo("nntui: interrupted", err=True)
            code = exit_interrupted()
        sys.exit(code or 0)


@click.group(cls=OneLineErrors, invoke_without_command=True, subcommand_metavar="[serve [OPTIONS]]",
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--preset", "-p", "preset_ref", default="mnist", show_default=True, metavar="NAME|PATH",
              help="A shipped preset by name or a preset .toml file.")
@click.option("--headless", "headless_mode", is_flag=True, help="Train in the terminal without the app, printing Keras-like lines.")
@click.option("--summary", is_flag=True, help="Print the model summary and exit (exit 2 if the shapes do not fit).")
@click.option("--json", "as_json", is_flag=True, help="With --summary: print JSON instead of the table.")
@click.option("--epochs", type=click.IntRange(1, 10_000), help="Override the preset's epochs.")
@click.option("--batch-size", type=click.IntRange(1, 65_536), help="Override the preset's batch size.")
@click.option("--learning-rate", type=click.FloatRange(0, 10, min_open=True), help="Override the learning rate.")
@click.option("--limit", type=click.IntRange(1), help="Use only the first N training samples.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Override the preset's seed.")
@click.option("--data-dir", type=click.Path(), help="Folder with the four MNIST files, Fashion-MNIST's in "
              "its fashion_mnist subfolder or the folder itself (else NNTUI_DATA_DIR, the cache, Keras's cache, "
              "or a download).")
@click.option("--metrics-out", type=click.Path(dir_okay=False), help="Write metrics as JSON lines to this file.")
@click.option("--save-weights", type=click.Path(dir_okay=False), help="Save the trained weights (.npz).")
@click.option("--load-weights", type=click.Path(dir_okay=False), help="Start from weights saved earlier (.npz).")
@click.option("--checkpoint", type=click.Path(file_okay=False), metavar="DIR",
              help="Write a checkpoint (weights, optimizer state, preset, metrics) to DIR after each epoch.")
@click.option("--export-keras", type=click.Path(file_okay=False), metavar="DIR",
              help="Write DIR/model.py (the Keras code) and DIR/weights.npz: the preset's fresh weights, "
              "--load-weights, or with --headless the trained ones.")
@click.option("--resume", type=click.Path(file_okay=False), metavar="DIR",
              help="Continue the run checkpointed in DIR exactly where it stopped.")
@click.option("--inspect", is_flag=True, help="With --headless: add each layer's statistics to the metrics file "
              "after every epoch and print each health warning once.")
@click.option("--draw", is_flag=True, help="With --load-weights: open the Draw pad at once (draw a digit, watch the "
              "network read it).")
@click.option("--threads", type=click.IntRange(1), metavar="N",
              help="BLAS threads for training (else NNTUI_THREADS; else the engine chooses them per layer "
              "and drops to one while the cores are busy).")
@click.option("--list-presets", is_flag=True, help="List the shipped presets and exit.")
@click.version_option(__version__, prog_name="nntui")
def cli(preset_ref, headless_mode, summary, as_json, epochs, batch_size, learning_rate, limit, seed, data_dir,
        metrics_out, save_weights, load_weights, checkpoint, export_keras, resume, inspect, draw, threads,
        list_presets):
    """Build and train neural networks in the terminal.

    Without options, opens the app on the builder with the mnist preset.
    """
    if click.get_current_context().invoked_subcommand:
        return refuse_options_before_subcommand()
    overrides = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, limit=limit, seed=seed)
    try:
        if list_presets:
            return print_presets()
        if resume:
            headless, opts = headless_runner(data_dir, metrics_out, save_weights, load_weights, checkpoint, resume,
                                             export_keras, threads)
            return headless.resume(resume, overrides, opts)
        preset = load_preset(preset_ref).with_overrides(**overrides)
        if summary:
            if export_keras:
                raise click.UsageError("--export-keras does not go with --summary (it exports, or with --headless "
                                       "trains and then exports)")
            return print_summary(preset, as_json)
        check_modes(headless_mode, inspect, draw, load_weights)
        if draw:
            check_weights(preset, load_weights)
        if not headless_mode and not export_keras:  # a bad NNTUI_THREADS stops here
            return open_app(preset, data_dir, choose_threads(threads), draw_weights=load_weights if draw else None)
        headless, opts = headless_runner(data_dir, metrics_out, save_weights, load_weights, checkpoint, resume,
                                         export_keras, threads, inspect)
        if not headless_mode:
            return headless.export(preset, opts)
        return headless.train(preset, opts)
    except user_errors() as exc:
        click.echo(str(exc), err=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        click.echo("nntui: interrupted", err=True)
        return exit_interrupted()


def headless_runner(data_dir, metrics_out, save_weights, load_weights, checkpoint, resume, export_keras, threads,
                    inspect=False):
    """The headless runner (imported here: the app does not need it) and its options; a bad
    NNTUI_THREADS is a RunError now, before anything runs."""
    from .headless import run as headless

    opts = headless.Options(data_dir, metrics_out, save_weights, load_weights, checkpoint, resume, export_keras,
                            inspect, threads=choose_threads(threads))
    return headless, opts


@cli.command(name="serve", short_help="Serve the app to web browsers (one app per tab).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens it to every network (read the README first).")
@click.option("--port", type=click.IntRange(0, 65_535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--preset", "-p", "preset_ref", default="mnist", show_default=True, metavar="NAME|PATH",
              help="The preset each browser's app opens on.")
def serve_command(host, port, preset_ref):
    """Serve the app to web browsers: each tab runs its own nntui on this machine."""
    from .serve import ServeError, serve  # imported here: only serving needs the web server

    try:
        load_preset(preset_ref)  # a bad preset fails now, not in every browser
        choose_threads()  # ... and so does a bad NNTUI_THREADS, which every browser's app inherits
        return serve(preset_ref, host, port)
    except (PresetError, RunError, ServeError) as exc:
        click.echo(str(exc), err=True)
        return EXIT_BAD_INPUT


def refuse_options_before_subcommand() -> None:
    """`nntui --preset X serve` would drop --preset silently: say where the options go instead."""
    ctx = click.get_current_context()
    given = [max(param.opts, key=len) for param in ctx.command.params
             if ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE]
    if given:
        raise click.UsageError(f"{', '.join(given)} before '{ctx.invoked_subcommand}': "
                               f"put options after it (nntui {ctx.invoked_subcommand} --help)")


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
    from .headless.summary import summary_json, summary_text
    from .preset import build_model, full_check
    from .preset.run import model_error_line

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


def check_modes(headless_mode: bool, inspect: bool, draw: bool, load_weights: str | None) -> None:
    """--inspect belongs to --headless; --draw to the app, with --load-weights."""
    if inspect and not headless_mode:
        raise click.UsageError("--inspect goes with --headless (in the app, the training screen's Inside tab: i)")
    if draw and headless_mode:
        raise click.UsageError("--draw opens the app's Draw pad: it does not go with --headless")
    if draw and not load_weights:
        raise click.UsageError("--draw needs --load-weights FILE (the weights the pad reads with)")


def check_weights(preset, path: str) -> None:
    """Refuse now (WeightsError, one line) a weights file that is missing or does not fit the model."""
    from .preset.run import prepare_run

    prepare_run(preset, weights=path)


def open_app(preset, data_dir, threads=None, draw_weights: str | None = None) -> int:
    """Start the Textual app on the builder screen (its runs use ``threads``, a ThreadSetting; the Draw pad
    over it for ``draw_weights``)."""
    from .tui.app import run_app  # imported here: headless runs never load textual

    return run_app(preset, data_dir=data_dir, threads=threads, draw_weights=draw_weights)


def main() -> None:
    """Console-script entry point."""
    cli()
