"""The one path dialog: Save, Load weights, Open and the training screen's save prompt are built on it.

- A typed path is resolved one way (:meth:`PathDialog.path_of`): ``~`` expanded, a relative path taken
  in the app's working folder (``app.cwd``: where nntui was started; an app without one, the process's),
  the dialog's suffix added to a name that has none; a folder is refused with the reason
  (:func:`write_problem`), never written beside.
- A refused entry is shown one way (:meth:`PathDialog.show_error`): its field is marked invalid (the
  :class:`CheckedInput` refuses exactly that text) and the dialog's error line says why, ``✗ reason``.
  Both go away as soon as the field's text changes.
- An existing file is replaced one way (:meth:`PathDialog.confirm_overwrite`): only after a yes to
  "Overwrite NAME?".
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, ClassVar

from textual import on
from textual.widgets import Input, Static

from ...preset.outputs import OutputError, check_output_file
from .base import Dialog, ResultType
from .checked_input import CheckedInput
from .confirm import ConfirmScreen
from .field_editor import ERROR_MARK


def working_folder(app) -> Path:
    """Where relative paths start: the app's ``cwd`` (nntui's app has one), else the process's folder."""
    cwd = getattr(app, "cwd", None)
    return Path(cwd) if cwd is not None else Path.cwd()


def write_problem(path: Path) -> str | None:
    """Why no file can be written at ``path`` (None: it can be): the one output check
    (:func:`~nntui.preset.outputs.check_output_file`: a folder, a missing folder, no permission)."""
    try:
        check_output_file(path)
    except OutputError as exc:
        return str(exc)
    return None


def as_typed(message: str, path: Path | str, typed: str) -> str:
    """``message`` naming the path as the user typed it rather than resolved."""
    return message.replace(str(path), typed, 1)


class PathDialog(Dialog[ResultType]):
    """A dialog with path fields (:class:`CheckedInput`) and one error line (``yield self.error_line()``)."""

    #: the id of the error line (each dialog names its own)
    ERROR_ID: ClassVar[str] = "path-error"

    _error_field: CheckedInput | None = None

    @property
    def folder(self) -> Path:
        """The folder relative paths are in."""
        return working_folder(self.app)

    def path_of(self, text: str, suffix: str = "") -> Path:
        """The path ``text`` names: ``~`` expanded, relative to :attr:`folder`, ``suffix`` added to a name
        without one (not to a folder's: that stays a folder, for :func:`write_problem` to refuse)."""
        path = Path(text.strip()).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        if suffix and path.suffix == "" and not path.is_dir():
            path = path.with_suffix(suffix)
        return path

    # ------------------------------------------------------------------ errors
    def error_line(self) -> Static:
        """The line that says why an entry was refused (hidden until then)."""
        line = Static("", id=self.ERROR_ID, classes="error", markup=False)
        line.display = False
        return line

    def show_error(self, text: str, field: Input | None = None) -> None:
        """Say why on the error line; mark ``field`` (the entry it refused) until its text changes."""
        if self._error_field is not None and self._error_field is not field:
            self._error_field.refuse(None)  # one error at a time: an older mark on another field goes
        self._error_field = field if isinstance(field, CheckedInput) else None
        if self._error_field is not None:
            self._error_field.refuse(text)
        line = self.query_one(f"#{self.ERROR_ID}", Static)
        line.update(f"{ERROR_MARK} {text}")
        line.display = True

    @on(Input.Changed)
    def _entry_changed(self, event: Input.Changed) -> None:
        if event.input is self._error_field and event.input.is_valid:
            self._error_field = None
            self.query_one(f"#{self.ERROR_ID}", Static).display = False

    # ------------------------------------------------------------------ overwriting
    def confirm_overwrite(self, path: Path, then: Callable[[], None]) -> None:
        """Call ``then`` now when nothing is at ``path``; when a file is there, only after the user says yes."""
        if not path.exists():
            then()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                then()
        self.app.push_screen(ConfirmScreen(f"Overwrite {path.name}?", f"{path} already exists.",
                                           yes="Overwrite", no="Cancel"), answer)
