"""Where to save the trained weights or the metrics: a path dialog that never overwrites a file silently."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Input, Static

from ..common.checked_input import CheckedInput
from ..common.path_dialog import PathDialog, write_problem


class TrainingSavePrompt(PathDialog[str | None]):
    """Asks for a path; dismisses with the path to write, or None. An existing file is replaced only after
    a yes to "Overwrite NAME?" (the common question of :meth:`PathDialog.confirm_overwrite`)."""

    CSS_PATH = ["../common/dialog.tcss", "save_prompt.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    ERROR_ID = "save-message"

    def __init__(self, title: str, default_path: str, suffix: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.default_path = default_path
        self.suffix = suffix
        self.hint = hint

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="save-dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(f"{self.hint or 'Enter to save, Escape to cancel.'} Relative paths are in {self.folder}.",
                         classes="note", markup=False)
            yield CheckedInput(self.default_path, compact=True, id="save-path")
            yield self.error_line()
            with HorizontalGroup(classes="buttons"):
                yield Button("Save (Enter)", variant="primary", id="save-ok", compact=True)
                yield Button("Cancel (Esc)", id="save-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save-dialog").border_title = "Save"
        field = self.query_one("#save-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._try(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save-ok":
            self._try(self.query_one("#save-path", Input).value)
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def resolve(self, value: str) -> tuple[Path | None, str]:
        """The path to write and an empty string, or None and why not."""
        if not value.strip():
            return None, "give a file name"
        path = self.path_of(value, self.suffix)
        problem = write_problem(path)
        return (None, problem) if problem else (path, "")

    def _try(self, value: str) -> None:
        path, problem = self.resolve(value)
        field = self.query_one("#save-path", Input)
        if path is None:
            self.show_error(problem, field)
            return
        self.confirm_overwrite(path, lambda: self.dismiss(str(path)))
