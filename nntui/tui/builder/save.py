"""Save the model as a preset TOML file (atomic write; asks before overwriting any file)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Input, Label, Static

from ...preset.errors import PresetError
from ...preset.loader import loads
from ...preset.toml_writer import dumps, write_atomic
from ..common.base import Dialog
from ..common.confirm import ConfirmScreen
from ..common.field_editor import FieldInput


def default_save_path(app) -> str:
    """Where Save proposes to write: the file being edited, or <name>.toml in the working folder."""
    doc = app.document
    if doc.path is not None and not doc.builtin:
        path = Path(doc.path)
        try:
            return str(path.resolve().relative_to(app.cwd.resolve()))
        except ValueError:
            return str(path)
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in doc.preset.name).strip("-.") or "model"
    return f"{stem}.toml"


def resolve_target(app, text: str) -> Path:
    """The file a typed path names (relative to the working folder; .toml added when missing)."""
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        path = app.cwd / path
    if path.suffix == "":
        path = path.with_suffix(".toml")
    return path


class SaveScreen(Dialog[Path | None]):
    """Ask for a path, confirm an overwrite, write atomically; dismisses with the path written."""

    CSS_PATH = ["../common/dialog.tcss", "save.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving")]

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="save"):
            yield Static("Save as a preset file", classes="title")
            yield Static(f"Relative paths are in {self.app.cwd}. Open it again with "
                         "nntui --preset PATH or ctrl+o.", classes="note", markup=False)
            with HorizontalGroup(classes="row"):
                yield Label("name", classes="name")
                yield FieldInput(self.app.document.preset.name, compact=True, id="name")
            with HorizontalGroup(classes="row"):
                yield Label("file", classes="name")
                yield FieldInput(default_save_path(self.app), compact=True, id="path")
            yield Static("", id="save-error", classes="error", markup=False)
            with HorizontalGroup(classes="buttons"):
                yield Button("Save (Enter)", variant="primary", id="do-save", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save").border_title = "Save"
        path = self.query_one("#path", Input)
        path.focus()
        path.cursor_position = len(path.value)
        self.query_one("#save-error").display = False

    def show_error(self, text: str) -> None:
        error = self.query_one("#save-error", Static)
        error.update(f"✗ {text}")
        error.display = True

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
        name = self.query_one("#name", Input).value.strip()
        if not name or len(name) > 100:
            self.show_error("give the preset a short name")
            return
        text = self.query_one("#path", Input).value
        if not text.strip():
            self.show_error("type a file name, e.g. my-model.toml")
            return
        path = resolve_target(self.app, text)
        if path.is_dir():
            self.show_error(f"{path} is a folder; add a file name")
            return
        if not path.parent.is_dir():
            self.show_error(f"the folder {path.parent} does not exist")
            return
        if path.exists():
            def answer(yes: bool | None) -> None:
                if yes:
                    self.write(path)
            self.app.push_screen(ConfirmScreen(f"Overwrite {path.name}?", f"{path} already exists.",
                                               yes="Overwrite", no="Cancel"), answer)
            return
        self.write(path)

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
            self.show_error(f"could not write {path}: {exc.strerror or exc}")
            return
        doc.mark_saved(path)
        self.app.document_changed.publish(doc)
        self.notify(f"Saved {path}", timeout=3)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
