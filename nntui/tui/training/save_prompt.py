"""A small dialog that asks where to save (weights or metrics) and never overwrites a file silently."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class TrainingSavePrompt(ModalScreen[str | None]):
    """Asks for a path; dismisses with the path to write, or None. An existing file needs a second Enter."""

    CSS_PATH = "save_prompt.tcss"

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, default_path: str, suffix: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.default_path = default_path
        self.suffix = suffix
        self.hint = hint
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Label(self.title_text, id="save-title")
            yield Input(value=self.default_path, id="save-path")
            yield Static(self.hint or "Enter to save, Escape to cancel.", id="save-message")
            with Horizontal(id="save-buttons"):
                yield Button("Cancel", id="save-cancel")
                yield Button("Save", id="save-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _message(self, text: str, warning: bool = False) -> None:
        label = self.query_one("#save-message", Static)
        label.update(text)
        label.set_class(warning, "-warning")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._confirmed is not None:
            self._confirmed = None
            self._message(self.hint or "Enter to save, Escape to cancel.")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._try(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-ok":
            self._try(self.query_one(Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def resolve(self, value: str) -> tuple[Path | None, str]:
        """The path to write and an empty string, or None and why not."""
        value = value.strip()
        if not value:
            return None, "Give a file name."
        path = Path(value).expanduser()
        if path.is_dir():
            return None, f"{value} is a folder; give a file name."
        if not path.suffix:
            path = path.with_suffix(self.suffix)
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            return None, f"There is no folder {folder}."
        return path, ""

    def _try(self, value: str) -> None:
        path, problem = self.resolve(value)
        if path is None:
            self._message(problem, warning=True)
            return
        if path.exists() and self._confirmed != str(path):
            self._confirmed = str(path)
            self._message(f"{path} already exists. Press Enter again to replace it, or change the name.",
                          warning=True)
            return
        self.dismiss(str(path))
