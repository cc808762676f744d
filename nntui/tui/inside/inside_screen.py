"""The Inside view as a screen of its own, over a model that has weights and is not training.

The builder pushes it for the model it has (trained, loaded or freshly initialised, which is
instructive too): the test images are loaded in a thread worker, the weights copied once
(:meth:`~nntui.engine.probe.WeightSnapshot.of_model`), and the view shows them with the checks that
need no training step (dead units on a probe batch). Escape goes back.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static

from ...engine.model import Model
from ...engine.probe import Inspection, RunInspector, WeightSnapshot
from ...engine.training import Dataset
from ...preset.datasets import load_arrays, samples_as_input
from ...preset.preset import Preset
from ..common.base import Page
from .inside_view import InsideView
from .samples import InsideSamples, test_samples

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
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.preset, self.model, self.data_dir, self.arrays = preset, model, data_dir, arrays
        self.weights = weights  # what the weights are: 'fresh (seed 0)', 'trained 3 epochs', ...

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
            inspection = RunInspector(self.model, None, test.x[:PROBE_IMAGES]).inspect(snapshot)
        except Exception as exc:  # noqa: BLE001 - a missing data set is a line on the screen, not a crash
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Ready(samples, inspection))

    def on_inside_screen_ready(self, message: Ready) -> None:
        title = f'Inside "{self.preset.name}"' + (f" · {self.weights}" if self.weights else "")
        self.query_one("#inside-screen-title", Static).update(title)
        view = self.query_one(InsideView)
        view.set_model(self.model, message.samples)
        view.show_inspection(message.inspection)
        view.focus()

    def on_inside_screen_failed(self, message: Failed) -> None:
        self.query_one("#inside-screen-title", Static).update(f"✗ No test images: {message.text} (escape: back)")

    def action_back(self) -> None:
        self.dismiss(None)
