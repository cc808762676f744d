"""Load saved weights (.npz) into the model being edited: the next run starts from them.

A file that does not fit the model is refused with one line naming the file and the first layer
that differs (the same WeightsError text as ``nntui --load-weights``); the dialog stays open.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.widgets import Input, Static

from ...preset.weights_file import WeightsError
from ..common.checked_input import CheckedInput
from ..common.path_dialog import PathDialog, as_typed
from ..common.start_state import weights_state


def default_weights_path(app) -> str:
    """What the training screen's 'w' proposes: <preset name>-weights.npz."""
    return f"{app.document.preset.name}-weights.npz"


class LoadWeightsScreen(PathDialog[str | None]):
    """Ask for a .npz file; load it into a fresh build of the current model; dismiss with the path."""

    CSS_PATH = ["../common/dialog.tcss", "load_weights.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Keep the current start weights")]
    ERROR_ID = "weights-error"

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="load-weights"):
            yield Static("Load weights into the model", classes="title")
            yield Static("A .npz saved by nntui (w on the training screen, or --save-weights). The next run "
                         f"starts from these weights. Relative paths are in {self.folder}.", classes="note",
                         markup=False)
            yield CheckedInput(default_weights_path(self.app), compact=True, id="weights-path")
            yield self.error_line()

    def on_mount(self) -> None:
        self.query_one("#load-weights").border_title = "Load weights"
        self.query_one("#load-weights").border_subtitle = "Enter loads · Esc cancels"
        path = self.query_one("#weights-path", Input)
        path.focus()
        path.cursor_position = len(path.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input
        text = event.value.strip()
        if not text:
            self.show_error("type the path of a .npz weights file", field)
            return
        path = self.path_of(text)
        doc = self.app.document
        try:
            state = weights_state(doc.snapshot(), path)
        except (WeightsError, ValueError) as exc:
            self.show_error(as_typed(str(exc), path, text), field)
            return
        except Exception as exc:  # a broken file must never take the app down
            self.show_error(f"{text}: could not load ({type(exc).__name__}: {exc})", field)
            return
        self.app.trained = state
        self.app.start_note = (f"starts from the weights in {text}", state)
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
