"""A text field whose entry is checked on Enter: a refused entry stays marked until its text changes.

The path dialogs (:mod:`~nntui.tui.common.path_dialog`) use it for every field they check: the mark is
Textual's own ``-invalid`` state, set by a validator that fails for exactly the refused text.
"""

from __future__ import annotations

from textual.validation import ValidationResult, Validator

from .css import tcss
from .field_editor import FieldInput


class Refused(Validator):
    """Fails for the one text the dialog refused (with the dialog's reason); every other text passes."""

    def __init__(self) -> None:
        super().__init__()
        self.text: str | None = None
        self.reason = ""

    def validate(self, value: str) -> ValidationResult:
        if value == self.text:
            return self.failure(self.reason, value)
        return self.success()


class CheckedInput(FieldInput):
    """A field whose entry the dialog checks on Enter; a refused entry stays marked until the text changes."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, value: str = "", **kwargs) -> None:
        self.refused = Refused()
        super().__init__(value, validators=[self.refused], **kwargs)

    def refuse(self, reason: str | None) -> None:
        """Mark the current text as refused for ``reason`` (Textual's ``-invalid``); None takes the mark away."""
        self.refused.text = None if reason is None else self.value
        self.refused.reason = reason or ""
        self.validate(self.value)
