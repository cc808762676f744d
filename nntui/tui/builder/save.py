"""Save the model as a preset TOML file (atomic write; asks before overwriting any file)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Input, Label, Static

from ...preset.document import PresetDocument
from ...preset.errors import PresetError
from ...preset.loader import loads
from ...preset.toml_writer import dumps, write_atomic
from ..common.checked_input import CheckedInput
from ..common.path_dialog import PathDialog, write_problem


def default_save_path(doc: PresetDocument, folder: Path) -> str:
    """Where Save proposes to write: the file being edited, or <name>.toml in the working folder."""
    if doc.path is not None and not doc.builtin:
        path = Path(doc.path)
        try:
            return str(path.resolve().relative_to(folder.resolve()))
        except ValueError:
            return str(path)
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in doc.preset.name).strip("-.") or "model"
    return f"{stem}.toml"


class SaveScreen(PathDialog[Path | None]):
    """Ask for a path, confirm an overwrite, write atomically; dismisses with the path written."""

    CSS_PATH = ["../common/dialog.tcss", "save.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving")]
    ERROR_ID = "save-error"

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="save"):
            yield Static("Save as a preset file", classes="title")
            yield Static(f"Relative paths are in {self.folder}. Open it again with "
                         "nntui --preset PATH or ctrl+o.", classes="note", markup=False)
            with HorizontalGroup(classes="row"):
                yield Label("name", classes="name")
                yield CheckedInput(self.app.document.preset.name, compact=True, id="name")
            with HorizontalGroup(classes="row"):
                yield Label("file", classes="name")
                yield CheckedInput(default_save_path(self.app.document, self.folder), compact=True, id="path")
            yield self.error_line()
            with HorizontalGroup(classes="buttons"):
                yield Button("Save (Enter)", variant="primary", id="do-save", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save").border_title = "Save"
        path = self.query_one("#path", Input)
        path.focus()
        path.cursor_position = len(path.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.request_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "do-save":
            self.request_save()
        else:
            self.action_cancel()

    def request_save(self) -> None:
        name_field = self.query_one("#name", Input)
        name = name_field.value.strip()
        if not name or len(name) > 100:
            self.show_error("give the preset a short name", name_field)
            return
        field = self.query_one("#path", Input)
        if not field.value.strip():
            self.show_error("type a file name, e.g. my-model.toml", field)
            return
        path = self.path_of(field.value, ".toml")
        problem = write_problem(path)
        if problem:
            self.show_error(problem, field)
            return
        self.confirm_overwrite(path, lambda: self.write(path))

    def write(self, path: Path) -> None:
        doc = self.app.document
        name = self.query_one("#name", Input).value.strip()
        if name != doc.preset.name:
            self.app.apply(lambda d: d.set_name(name))
        text = dumps(doc.preset)
        try:  # never write a file that nntui could not open again
            loads(text, str(path))
        except PresetError as exc:
            self.show_error(f"this model cannot be saved as it is: {exc.field}: {exc.reason}")
            return
        try:
            write_atomic(path, text)
        except OSError as exc:
            self.show_error(f"could not write {path}: {exc.strerror or exc}", self.query_one("#path", Input))
            return
        doc.mark_saved(path)
        self.app.document_changed.publish(doc)
        self.notify(f"Saved {path}", timeout=3)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
