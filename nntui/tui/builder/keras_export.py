"""Export to Keras from the app: ``DIR/model.py`` and ``DIR/weights.npz``, as ``--export-keras DIR`` writes.

The Keras code view's ``e`` opens it. The weights are those the next run would start from: the model
trained so far (or loaded from a file or a checkpoint) when it is still the model being edited, else a
fresh initialisation (the dialog says which). The folder is checked before anything is written
(:func:`nntui.preset.outputs.check_output_folder`): a folder that cannot be written is a marked field,
and a folder that already holds ``model.py`` is replaced only after a yes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Input, Static

from ...engine.model import Model
from ...preset.build import build_model
from ...preset.keras_export import MODEL_FILE, WEIGHTS_FILE, export_keras
from ...preset.outputs import OutputError, check_output_folder
from ...preset.preset import Preset
from ...preset.weights_file import WeightsError
from ..common.checked_input import CheckedInput
from ..common.path_dialog import PathDialog, as_typed


@dataclass(frozen=True)
class ExportSource:
    """The model whose weights go out, and how the dialog names them."""

    model: Model
    about: str


def export_source(app, preset: Preset) -> ExportSource:
    """The weights the next run would start from (the app's trained model when it still fits), else fresh."""
    state = getattr(app, "trained", None)
    if state is not None and state.matches(preset):
        note = app.start_weights_note()
        return ExportSource(state.model, note.removeprefix("continues from ").removeprefix("starts from ")
                            if note else "the model's initial weights")
    return ExportSource(build_model(preset.model).build(seed=preset.training.seed), "fresh initial weights: train first for trained ones")


def default_export_folder(preset: Preset) -> str:
    return f"{preset.name}-keras"


class ExportKerasScreen(PathDialog[Path | None]):
    """Ask for a folder; write the Keras module and the weights there; dismiss with the folder."""

    CSS_PATH = ["../common/dialog.tcss", "keras_export.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without writing")]
    ERROR_ID = "export-error"

    def __init__(self, preset: Preset, source: ExportSource):
        super().__init__()
        self.preset = preset
        self.source = source

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="export"):
            yield Static("Export to Keras", classes="title")
            yield Static(f"Writes {MODEL_FILE} (build_model() returns the compiled Keras model) and "
                         f"{WEIGHTS_FILE} ({self.source.about}) into a folder; it is created if need be. "
                         f"Relative paths are in {self.folder}.", classes="note", markup=False)
            yield CheckedInput(default_export_folder(self.preset), compact=True, id="export-path")
            yield self.error_line()
            with HorizontalGroup(classes="buttons"):
                yield Button("Export (Enter)", variant="primary", id="do-export", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export").border_title = "Export"
        path = self.query_one("#export-path", Input)
        path.focus()
        path.cursor_position = len(path.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.request_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "do-export":
            self.request_export()
        else:
            self.action_cancel()

    def request_export(self) -> None:
        field = self.query_one("#export-path", Input)
        text = field.value.strip()
        if not text:
            self.show_error("type a folder to write model.py and weights.npz in", field)
            return
        folder = self.path_of(text)
        try:  # refused before anything is written
            check_output_folder(folder, create=False)
        except OutputError as exc:
            self.show_error(as_typed(str(exc), folder, text), field)
            return
        self.confirm_overwrite(folder / MODEL_FILE, lambda: self.write(folder, text))

    def write(self, folder: Path, typed: str) -> None:
        try:
            code, weights = export_keras(self.preset, self.source.model, folder)
        except (OutputError, WeightsError, OSError) as exc:
            self.show_error(as_typed(str(exc), folder, typed), self.query_one("#export-path", Input))
            return
        self.notify(f"Wrote {code} and {weights.name}", timeout=4)
        self.dismiss(folder)

    def action_cancel(self) -> None:
        self.dismiss(None)
