"""The loss/optimizer/training panel as a dialog, for terminals too narrow for the side panel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from ..common.base import Dialog
from .settings_panel import SettingsPanel


class TrainingSettingsScreen(Dialog[None]):
    """Edit the loss, the optimizer and its settings, batch size, epochs, validation split."""

    CSS_PATH = ["../common/dialog.tcss", "settings_dialog.tcss"]
    BINDINGS = [Binding("escape", "close", "Close", tooltip="Back to the stack (changes are already applied)")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="settings"):
            yield SettingsPanel(id="training")
            yield Static("Each valid change applies at once (u undoes it on the stack). Esc closes.",
                         classes="note")

    def on_mount(self) -> None:
        self.query_one("#settings").border_title = "Loss, optimizer, training"
        self.query("#losses Select").first().focus()  # the loss (the data set is above it)

    def action_close(self) -> None:
        self.dismiss(None)
