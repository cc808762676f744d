"""A yes/no question (overwrite a file, discard unsaved changes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Button, Static

from .base import Dialog


class ConfirmScreen(Dialog[bool]):
    """Ask a question; dismisses with True (yes) or False (no, escape)."""

    CSS_PATH = ["dialog.tcss", "confirm.tcss"]
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="Answer yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Answer no"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No"):
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="confirm"):
            yield Static(self.question, classes="title", markup=False)
            if self.detail:
                yield Static(self.detail, classes="note", markup=False)
            with HorizontalGroup(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes", compact=True)
                yield Button(f"{self.no} (n)", variant="primary", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(bool(yes))
