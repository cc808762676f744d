"""The Inside view on its own (tests, snapshots, trying it by hand), training live in a thread if asked.

``python -m nntui.tui.inside.harness --preset mnist-cnn`` trains the preset and shows the view;
space pauses and resumes, q quits. Tests build the app around a model trained beforehand
(:func:`prepare`, then ``InsideHarnessApp(model, samples, inspection)``).
"""

from __future__ import annotations

import threading

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer

from ...engine.events import RunEnded
from ...engine.model import Model
from ...engine.probe import Inspection, RunInspector
from ...preset import build_model, load_preset, make_trainer
from ...preset.datasets import load_arrays, make_datasets
from ...preset.preset import Preset
from .inside_view import InsideView
from .samples import InsideSamples, test_samples

REFRESH = 0.5  # seconds between two live inspections (the view refreshes at most twice a second)


class InspectionReady(Message):
    """A new inspection, taken between batches, and the inspector's history up to it."""

    def __init__(self, inspection: Inspection, history: list) -> None:
        super().__init__()
        self.inspection = inspection
        self.history = history


def prepare(preset: Preset, arrays):
    """(model, trainer, datasets (train, val, test), the test samples) for ``preset`` on ``arrays``."""
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    train, val, test = make_datasets(preset, model, arrays)
    return model, trainer, (train, val, test), test_samples(preset, model, arrays, test)


class InsideHarnessApp(App):
    """The view around ``model`` and ``samples``; with ``trainer`` and ``datasets`` it trains live."""

    BINDINGS = [Binding("q", "quit", "Quit"), Binding("space", "pause", "Pause/resume")]

    def __init__(self, model: Model, samples: InsideSamples, inspection: Inspection | None = None, *,
                 history: list | None = None, trainer=None, datasets=None, epochs: int = 1, batch_size: int = 32,
                 interval: float = REFRESH, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model, self.samples, self.inspection, self.history = model, samples, inspection, history
        self.trainer, self.datasets = trainer, datasets
        self.epochs, self.batch_size, self.interval = epochs, batch_size, interval
        self.running = threading.Event()
        self.running.set()
        self.closing = False
        self.inspections = 0

    def compose(self) -> ComposeResult:
        yield InsideView()
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(InsideView)
        view.set_model(self.model, self.samples)
        if self.inspection is not None:
            view.show_inspection(self.inspection, self.history)
        view.focus()
        if self.trainer is not None:
            self._train()

    def on_unmount(self) -> None:
        self.closing = True
        self.running.set()

    def action_pause(self) -> None:
        if self.running.is_set():
            self.running.clear()
        else:
            self.running.set()

    def on_inspection_ready(self, message: InspectionReady) -> None:
        self.inspections += 1
        self.query_one(InsideView).show_inspection(message.inspection, message.history)

    @work(thread=True, exclusive=True)
    def _train(self) -> None:
        train, val, test = self.datasets
        inspector = RunInspector(self.model, self.trainer.optimizer, test.x[:256], refresh=self.interval)
        run = self.trainer.fit(train, epochs=self.epochs, batch_size=self.batch_size, validation=val)
        for event in run:
            if self.closing:
                run.close()
                return
            found = inspector.on_event(event)
            if found is not None:
                self.post_message(InspectionReady(found, list(inspector.history)))
            if isinstance(event, RunEnded):
                return
            if not self.running.is_set():
                self.post_message(InspectionReady(inspector.inspect(live=True), list(inspector.history)))
                while not self.running.is_set():
                    self.running.wait(0.1)


def main(argv=None) -> None:
    """``python -m nntui.tui.inside.harness [--preset mnist] [--data-dir DIR] [--epochs N] [--limit N]
    [--learning-rate LR]``."""
    import argparse

    parser = argparse.ArgumentParser(description="The Inside view on its own, training live.")
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--data-dir")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--learning-rate", type=float)
    args = parser.parse_args(argv)
    preset = load_preset(args.preset).with_overrides(epochs=args.epochs, limit=args.limit,
                                                     learning_rate=args.learning_rate)
    model, trainer, datasets, samples = prepare(preset, load_arrays(preset, args.data_dir))
    InsideHarnessApp(model, samples, trainer=trainer, datasets=datasets, epochs=preset.training.epochs,
                     batch_size=preset.training.batch_size).run()


if __name__ == "__main__":
    main()
