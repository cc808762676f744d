"""Edit the model's input shape (one sample, without the batch axis)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Static

from ...preset.data_source import shape_suggestion
from ...preset.edit_fields import INPUT_SHAPE_FIELD
from ..common.base import Dialog
from ..common.field_editor import FieldEditor


class InputShapeScreen(Dialog[tuple | None]):
    """Dismisses with the new shape (a tuple) or None."""

    CSS_PATH = ["../common/dialog.tcss", "input_shape.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Keep the input shape")]

    def __init__(self, shape: tuple):
        super().__init__()
        self.shape = tuple(shape)

    def note(self) -> str:
        """What the data set's samples fit (MNIST: which shape suits which layers)."""
        document = getattr(self.app, "document", None)
        sizes = document.check().sizes if document is not None else None
        if sizes is None or sizes.dataset in ("mnist", "fashion_mnist"):
            title = sizes.title if sizes is not None else "MNIST"
            return (f"{title} images have 784 values: (784,) for Dense layers, (28, 28, 1) for Conv2D, "
                    "(28, 28) for LSTM (28 steps of 28 values).")
        if sizes.values is None:
            return f"The shape of {sizes.title}'s samples is not known yet."
        return f"{sizes.title} samples have {sizes.values:,} values: {shape_suggestion(sizes)}."

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="input-shape"):
            yield Static("Input shape", classes="title")
            yield Static("The shape of one sample without the batch axis, e.g. 784 or 28, 28, 1. " + self.note(),
                         classes="note")
            yield FieldEditor(INPUT_SHAPE_FIELD, self.shape, label="input_shape", id="shape")
            with HorizontalGroup(classes="buttons"):
                yield Button("Apply (Enter)", variant="primary", id="apply", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#shape", FieldEditor).input.focus()

    def on_field_editor_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.query_one("#apply", Button).disabled = not event.valid

    def on_field_editor_committed(self, event: FieldEditor.Committed) -> None:
        event.stop()
        if event.submitted:
            self.dismiss(tuple(event.value))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        editor = self.query_one("#shape", FieldEditor)
        if event.button.id == "apply" and editor.valid:
            self.dismiss(tuple(editor.value))
        elif event.button.id == "cancel":
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
