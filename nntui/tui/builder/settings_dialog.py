"""The loss/optimizer/training panel as a dialog, for terminals too narrow for the side panel.

Each valid change shows at once (the panel applies it to the document), so the status line and the
totals follow; ctrl+s keeps the changes, Esc undoes every change made since the dialog opened.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalScroll
from textual.widgets import Button, Static

from ...preset.edit import content
from ..common.base import Dialog
from ..common.field_editor import FieldEditor
from .settings_panel import SettingsPanel


class TrainingSettingsScreen(Dialog[bool]):
    """Edit the loss, the optimizer and its settings, batch size, epochs, validation split; dismisses
    with whether the changes were kept."""

    CSS_PATH = ["../common/dialog.tcss", "settings_dialog.tcss"]
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close, undoing every change made in this dialog"),
        Binding("ctrl+s", "keep", "Keep", tooltip="Close, keeping the changes (u undoes them on the stack)"),
    ]

    _start: tuple | None = None  # (content, revision, checkpoint folder) when the dialog opened

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="settings"):
            yield SettingsPanel(id="training")
            yield Static("Each valid change shows at once. ctrl+s keeps them (u undoes them on the stack); "
                         "Esc undoes them all.", classes="note")
            with HorizontalGroup(classes="buttons"):
                yield Button("Keep (ctrl+s)", variant="primary", id="keep", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        doc = self.app.document
        self._start = (content(doc.preset), doc.revision, doc.checkpoint_dir)
        box = self.query_one("#settings")
        box.border_title = "Loss, optimizer, training"
        box.border_subtitle = "ctrl+s keeps · esc undoes these changes"
        self.query("#losses Select").first().focus()  # the loss (the data set is above it)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "keep":
            self.action_keep()
        else:
            self.action_cancel()

    def action_keep(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Undo what this dialog changed (at most as many steps as it made), then close."""
        for editor in self.query(FieldEditor).results(FieldEditor):
            editor.revert()  # what is typed but not applied goes too (leaving the field must not apply it)
        doc = self.app.document
        start, revision, checkpoint = self._start
        changed = False
        for _ in range(max(0, doc.revision - revision)):
            if content(doc.preset) == start or not doc.can_undo:
                break
            changed = doc.undo() or changed
        if doc.checkpoint_dir != checkpoint:
            doc.checkpoint_dir = checkpoint
            doc.revision += 1
            changed = True
        if changed:
            self.app.document_changed.publish(doc)
        self.dismiss(False)
