"""The Inside view as a screen of its own, over a model that has weights and is not training.

The builder pushes it for the model it has (trained, loaded or freshly initialised, which is
instructive too): the test images are loaded in a thread worker, the weights copied once
(:meth:`~nntui.engine.probe.WeightSnapshot.of_model`), and the view shows them with the checks that
need no training step (dead units on a probe batch). Escape goes back. ``drawn``: a prepared 28x28
drawing (the Draw pad's), shown first, before the test images.
"""

from __future__ import annotations

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static

from ...data.handwriting import as_input
from ...engine.model import Model
from ...engine.probe import Inspection, RunInspector, WeightSnapshot
from ...engine.training import Dataset
from ...preset.datasets import load_arrays, samples_as_input
from ...preset.preset import Preset
from ..common.base import Page
from .help_keys import INSIDE_KEYS, WHAT_IT_SHOWS
from .inside_view import InsideView
from .samples import InsideSamples, test_samples, with_drawing

PROBE_IMAGES = 256


class InsideScreen(Page):
    """Inside ``model`` (built, with its weights), on the test images of ``preset``'s data."""

    CSS_PATH = "inside_screen.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    class Ready(Message):
        """The test images and the first inspection are there."""

        def __init__(self, samples: InsideSamples, inspection: Inspection) -> None:
            super().__init__()
            self.samples, self.inspection = samples, inspection

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, preset: Preset, model: Model, *, data_dir=None, arrays=None, weights: str = "",
                 drawn: np.ndarray | None = None, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.preset, self.model, self.data_dir, self.arrays = preset, model, data_dir, arrays
        self.weights = weights  # what the weights are: 'fresh (seed 0)', 'trained 3 epochs', ...
        self.drawn = drawn

    def compose(self) -> ComposeResult:
        yield Static(id="inside-screen-title")
        yield InsideView()
        yield Footer()

    def on_mount(self) -> None:
        title = f'Inside "{self.preset.name}"' + (f" · {self.weights}" if self.weights else "")
        self.query_one("#inside-screen-title", Static).update(title + " · loading the test images…")
        self._load(WeightSnapshot.of_model(self.model))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, snapshot: WeightSnapshot) -> None:
        try:
            arrays = self.arrays if self.arrays is not None else load_arrays(self.preset, self.data_dir)
            test = Dataset(samples_as_input(arrays.x_test, self.preset.model.input_shape), [])
            samples = test_samples(self.preset, self.model, arrays, test)
            if self.drawn is not None:
                samples = with_drawing(samples, as_input(self.drawn, self.preset.model.input_shape), self.drawn)
            inspection = RunInspector(self.model, None, test.x[:PROBE_IMAGES]).inspect(snapshot)
        except Exception as exc:  # noqa: BLE001 - a missing data set is a line on the screen, not a crash
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Ready(samples, inspection))

    def on_inside_screen_ready(self, message: Ready) -> None:
        title = f'Inside "{self.preset.name}"' + (f" · {self.weights}" if self.weights else "")
        if self.drawn is not None:
            title += " · your drawing first, then the test images (→)"
        self.query_one("#inside-screen-title", Static).update(title)
        view = self.query_one(InsideView)
        view.set_model(self.model, message.samples)
        view.show_inspection(message.inspection)
        view.focus()

    def on_inside_screen_failed(self, message: Failed) -> None:
        self.query_one("#inside-screen-title", Static).update(f"✗ No test images: {message.text} (escape: back)")

    def action_back(self) -> None:
        self.dismiss(None)

    def help_sections(self) -> list:
        """What ? lists here (the app adds the keys of everywhere): the view's keys, what it shows, escape."""
        return [("Inside", INSIDE_KEYS + [("escape", "Back")]), ("What it shows", WHAT_IT_SHOWS)]
