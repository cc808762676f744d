"""Save the model as a preset TOML file: straight to the open file (ctrl+s), or to a path asked for.

:func:`save_preset` writes (the target checked first with the one output check, the text verified to
load again, an atomic write); :class:`SaveScreen` asks for the name, the description and the file
(the first save, a shipped preset, "save as"), asks before replacing an existing file and shows a
refused entry on its field.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Input, Label, Static

from ...preset.document import PresetDocument
from ...preset.errors import PresetError
from ...preset.loader import loads
from ...preset.outputs import OutputError, check_output_file
from ...preset.toml_writer import dumps, write_atomic
from ..common.checked_input import CheckedInput
from ..common.path_dialog import PathDialog, write_problem


def file_stem(name: str) -> str:
    """A file name for a preset's name: 'my net' -> 'my-net'."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-.") or "model"


def default_save_path(doc: PresetDocument, folder: Path) -> str:
    """Where Save proposes to write: the file being edited, or <name>.toml in the working folder."""
    if doc.path is not None and not doc.builtin:
        path = Path(doc.path)
        try:
            return str(path.resolve().relative_to(folder.resolve()))
        except ValueError:
            return str(path)
    return f"{file_stem(doc.preset.name)}.toml"


def save_preset(app, path: Path) -> str | None:
    """Write the app's document to ``path``; None when saved, else why not (nothing is written then)."""
    doc = app.document
    try:
        check_output_file(path)
    except OutputError as exc:
        return str(exc)
    text = dumps(doc.preset)
    try:  # never write a file that nntui could not open again
        loads(text, str(path))
    except PresetError as exc:
        return f"this model cannot be saved as it is: {exc.field}: {exc.reason}"
    try:
        write_atomic(path, text)
    except OSError as exc:
        return f"could not write {path}: {exc.strerror or exc}"
    doc.mark_saved(path)
    app.document_changed.publish(doc)
    return None


class SaveScreen(PathDialog[Path | None]):
    """Ask for the name, description and path, confirm an overwrite, write; dismisses with the path written.

    ``error``: why saving to the open file failed (shown on the file field at once).
    """

    CSS_PATH = ["../common/dialog.tcss", "save.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving")]
    ERROR_ID = "save-error"

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error
        self._proposed = ""  # the file proposed from the name (it follows the name until edited)

    def compose(self) -> ComposeResult:
        preset = self.app.document.preset
        self._proposed = default_save_path(self.app.document, self.folder)
        with VerticalGroup(classes="dialog", id="save"):
            yield Static("Save as a preset file", classes="title")
            yield Static(f"Relative paths are in {self.folder}. Open it again with "
                         "nntui --preset PATH or ctrl+o.", classes="note", markup=False)
            with HorizontalGroup(classes="row"):
                yield Label("name", classes="name")
                yield CheckedInput(preset.name, compact=True, id="name")
            with HorizontalGroup(classes="row"):
                yield Label("about", classes="name")
                yield CheckedInput(preset.description, compact=True, id="description",
                                   placeholder="one line: what this model is (optional)")
            with HorizontalGroup(classes="row"):
                yield Label("file", classes="name")
                yield CheckedInput(self._proposed, compact=True, id="path")
            yield self.error_line()
            with HorizontalGroup(classes="buttons"):
                yield Button("Save (Enter)", variant="primary", id="do-save", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save").border_title = "Save"
        fields = [self.query_one(f"#{name}", Input) for name in ("name", "description", "path")]
        first = next((f for f in fields if not f.value.strip()), fields[-1])  # the first empty field
        first.focus()
        first.cursor_position = len(first.value)
        if self.error:
            self.show_error(self.error, fields[-1])

    def on_input_changed(self, event: Input.Changed) -> None:
        doc = self.app.document
        if event.input.id != "name" or (doc.path is not None and not doc.builtin):
            return
        path = self.query_one("#path", Input)
        if path.value == self._proposed:  # not edited: the proposed file follows the name
            self._proposed = f"{file_stem(event.value.strip())}.toml"
            path.value = self._proposed

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
        about = self.query_one("#description", Input).value.strip()
        if name != doc.preset.name:
            self.app.apply(lambda d: d.set_name(name))
        if about != doc.preset.description:
            self.app.apply(lambda d: d.set_description(about))
        problem = save_preset(self.app, path)
        if problem:
            self.show_error(problem, self.query_one("#path", Input))
            return
        self.notify(f"Saved {path}", timeout=3)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
