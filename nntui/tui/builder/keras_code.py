"""The model as Keras code, ready to copy."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TextArea

from ..common.base import Page


class KerasCodeScreen(Page):
    """Shows the Python that builds, compiles and fits the same model with Keras."""

    CSS_PATH = "keras_code.tcss"
    BINDINGS = [
        Binding("c,ctrl+c", "copy", "Copy", tooltip="Copy the code to the clipboard"),
        Binding("e", "export", "Export", tooltip="Write model.py and the weights (weights.npz) into a folder"),
        Binding("escape,q,k", "close", "Back", tooltip="Back to the builder"),
        Binding("end", "end", "End", show=False, priority=True, tooltip="Go to the end of the code"),
        Binding("home", "home", "Top", show=False, priority=True, tooltip="Go to the start of the code"),
    ]

    def __init__(self, code: str, name: str = "", export: Callable[[], Screen] | None = None):
        super().__init__()
        self.code = code
        self.preset_name = name
        #: makes the export dialog (None: this view cannot export)
        self.export = export

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        area = TextArea(self.code, read_only=True, show_line_numbers=True, soft_wrap=False, id="code")
        area.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield area
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"{self.preset_name} as Keras code"
        area = self.query_one("#code", TextArea)
        area.border_title = "Keras 3 · c copies it all" + (" · e exports code and weights" if self.export else "")
        area.focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.code)
        lines = self.code.count("\n")
        self.notify(f"Copied {lines} lines of Keras code to the clipboard.", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.export is not None if action == "export" else True

    def action_export(self) -> None:
        if self.export is not None:
            self.app.push_screen(self.export())

    def action_end(self) -> None:
        area = self.query_one("#code", TextArea)
        area.move_cursor(area.document.end, center=False)
        area.scroll_end(animate=False)

    def action_home(self) -> None:
        area = self.query_one("#code", TextArea)
        area.move_cursor((0, 0))
        area.scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss()
