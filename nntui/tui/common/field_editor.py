"""One setting in a form: its name, an input validated as the user types, and a hint or the error.

The input is checked with the setting's :class:`~nntui.engine.config.Field` (``parse_text``) or a
given parser; a bad value is marked at once (red and ``✗``) with the reason. Forms read
:attr:`FieldEditor.valid` / :attr:`FieldEditor.value`; panels that apply settings one at a time
listen for :class:`FieldEditor.Committed` (Enter, or leaving a changed, valid field).
"""

from __future__ import annotations

from typing import Any, Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ...engine.config import ConfigError, Field
from .css import tcss

MISSING = object()
ERROR_MARK = "✗"


class FieldValidator(Validator):
    """A Textual validator that runs a Field parser and reports ConfigError.reason."""

    def __init__(self, parse: Callable[[str], Any]):
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value)
        except ConfigError as exc:
            return self.failure(exc.reason, value)
        return self.success()


def field_text(f: Field, value: Any) -> str:
    """The text a field's input starts with."""
    if value is MISSING:
        return ""
    if value is None:
        return ""
    return f.format(value)


def field_hint(f: Field) -> str:
    """'number of output units: a positive integer'."""
    need = f.expectation()
    if f.allow_none:
        need += " (empty: none)"
    return f"{f.doc}: {need}" if f.doc else need


class FieldInput(Input):
    """The app's text input (cursor blink follows the app's setting, for steady screenshots).

    Enter takes the completion shown in grey (as → does) when what is typed is not valid by itself:
    ``soft`` in an activation becomes ``softmax``, ``relu`` stays ``relu``.
    """

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            self.cursor_blink = False

    async def action_submit(self) -> None:
        typed = self.value
        if self.suggester is not None and typed and self.cursor_at_end and self.selection.is_empty:
            check = self.validate(typed)
            if check is not None and not check.is_valid:
                suggestion = self._suggestion or await self.suggester.get_suggestion(
                    typed if self.suggester.case_sensitive else typed.casefold())
                if suggestion and len(suggestion) > len(typed):
                    self.value = suggestion
                    self.cursor_position = len(suggestion)
        await super().action_submit()


class FieldEditor(Widget):
    """Label, validated input and a message line for one :class:`Field`."""

    DEFAULT_CSS = tcss(__file__)

    class Changed(Message):
        """The text changed; ``valid`` says whether it parses (then ``value`` holds the result)."""

        def __init__(self, editor: "FieldEditor", valid: bool, value: Any, reason: str | None):
            super().__init__()
            self.editor, self.valid, self.value, self.reason = editor, valid, value, reason

        @property
        def control(self) -> "FieldEditor":
            return self.editor

    class Committed(Message):
        """The user confirmed a valid value (Enter, or left the changed field)."""

        def __init__(self, editor: "FieldEditor", value: Any, submitted: bool):
            super().__init__()
            self.editor, self.value, self.submitted = editor, value, submitted

        @property
        def control(self) -> "FieldEditor":
            return self.editor

    def __init__(self, field: Field, value: Any = MISSING, *, parse: Callable[[str], Any] | None = None,
                 label: str | None = None, hint: str | None = None, text: str | None = None,
                 show_hint: bool = True, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.field = field
        self.parse = parse or field.parse_text
        self.label = label or field.name
        self.hint = hint if hint is not None else field_hint(field)
        self.show_hint = show_hint
        self._text = text if text is not None else field_text(field, value)
        self._committed_text = self._text
        self.touched = False
        self.valid, self.value, self.reason = self._evaluate(self._text)

    def _evaluate(self, text: str) -> tuple[bool, Any, str | None]:
        try:
            return True, self.parse(text), None
        except ConfigError as exc:
            return False, None, exc.reason

    def compose(self) -> ComposeResult:
        suggestions = None
        if self.field.kind == "choice":
            suggestions = [str(c) for c in self.field.choices]
        elif self.field.kind == "bool":
            suggestions = ["true", "false"]
        with HorizontalGroup(classes="row"):
            yield Label(self.label, classes="name")
            yield FieldInput(self._text, placeholder=self.field.expectation() if self.field.required else "",
                             compact=True, validators=[FieldValidator(self.parse)],
                             validate_on=["changed", "submitted", "blur"],
                             suggester=SuggestFromList(suggestions, case_sensitive=False) if suggestions else None,
                             tooltip=self.hint, id="input")
        yield Static("", classes="message", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def input(self) -> Input:
        """The text input."""
        return self.query_one("#input", Input)

    @property
    def text(self) -> str:
        """What is typed."""
        return self.input.value if self.is_mounted else self._text

    def _show(self) -> None:
        message = self.query_one(".message", Static)
        empty_required = not self.text.strip() and self.field.required and not self.touched
        if self.valid:
            text, classes = (self.hint, "message -hint") if self.show_hint else ("", "message -empty")
        elif empty_required:
            text, classes = f"required: {self.field.doc or self.field.expectation()}", "message -required"
        else:
            text, classes = f"{ERROR_MARK} {self.reason}", "message -error"
        message.update(text)
        message.set_classes(classes)
        self.set_class(not self.valid and not empty_required, "-invalid")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.remove_class("-focused")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.touched = True
        self.valid, self.value, self.reason = self._evaluate(event.value)
        self._show()
        self.post_message(self.Changed(self, self.valid, self.value, self.reason))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.valid, self.value, self.reason = self._evaluate(event.value)
        self.touched = True
        self._show()
        if self.valid:
            self._committed_text = event.value
            self.post_message(self.Committed(self, self.value, submitted=True))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        if self.valid and event.value != self._committed_text:
            self._committed_text = event.value
            self.post_message(self.Committed(self, self.value, submitted=False))

    def set_value(self, value: Any) -> None:
        """Show ``value`` (from the document) without posting Changed; leaves a field being edited alone."""
        text = field_text(self.field, value)
        if not self.is_mounted:
            self._text = self._committed_text = text
            self.valid, self.value, self.reason = self._evaluate(text)
            return
        if self.input.has_focus and self.text != self._committed_text:
            return  # the user is typing here
        if text != self.input.value:
            with self.input.prevent(Input.Changed):
                self.input.value = text
        self._committed_text = text
        self.touched = False
        self.valid, self.value, self.reason = self._evaluate(text)
        self._show()

    def revert(self) -> None:
        """Drop what is typed but not committed: the field shows its last committed value again."""
        if self.is_mounted and self.text != self._committed_text:
            with self.input.prevent(Input.Changed):
                self.input.value = self._committed_text
            self.touched = False
            self.valid, self.value, self.reason = self._evaluate(self._committed_text)
            self._show()

    def show_errors(self) -> None:
        """Mark an empty required field as an error too (after a failed Apply)."""
        self.touched = True
        self._show()
