"""The help dialog: every key of a screen, listed from its own bindings (so the list never goes stale).

The app gathers the sections (title and (keys, what) rows per section: the builder's, its dialogs', the
app-wide keys) and shows them in :class:`HelpScreen`.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .base import Dialog

KEY_NAMES = {"question_mark": "?", "shift+up": "shift+↑", "shift+down": "shift+↓", "escape": "esc",
             "delete": "del", "insert": "ins", "up": "↑", "down": "↓", "full_stop": ".",
             "plus": "+", "minus": "-"}

def key_text(binding: Binding) -> str:
    """'a / ins' for 'a,insert'."""
    keys = [k.strip() for k in binding.key.split(",")]
    return " / ".join(KEY_NAMES.get(k, k) for k in keys)


def binding_rows(bindings) -> list[tuple[str, str]]:
    """(keys, what it does) per binding."""
    rows = []
    for b in bindings:
        if isinstance(b, tuple):
            b = Binding(*b)
        rows.append((key_text(b), b.tooltip or b.description))
    return rows


Sections = list[tuple[str, list[tuple[str, str]]]]


class HelpScreen(Dialog[None]):
    """The list of keys: ``sections`` are (title, [(keys, what it does), ...])."""

    CSS_PATH = ["dialog.tcss", "help.tcss"]
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", tooltip="Close the help")]

    def __init__(self, sections: Sections) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            for title, rows in self.sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", min_width=10, max_width=16)
                table.add_column(ratio=1)
                for keys, what in rows:
                    table.add_row(keys, what)
                yield Static(Text(title, style="bold underline"), classes="section")
                yield Static(table)

    def on_mount(self) -> None:
        box = self.query_one("#help")
        box.border_title = "Keys"
        box.border_subtitle = "esc closes"
        box.focus()

    def action_close(self) -> None:
        self.dismiss(None)
