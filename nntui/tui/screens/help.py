"""Every key of the app, listed from the screens' own bindings (so the list never goes stale)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .base import Dialog

KEY_NAMES = {"question_mark": "?", "shift+up": "shift+↑", "shift+down": "shift+↓", "escape": "esc",
             "delete": "del", "insert": "ins", "up": "↑", "down": "↓"}

TABLE_KEYS = [
    ("↑ ↓ / pgup pgdn / home end", "Move the cursor in the stack (row 'in' is the input)"),
    ("enter / click a selected row", "Edit the row under the cursor"),
    ("tab / shift+tab", "Move between the stack and the side panel's settings (wide terminals)"),
    ("ctrl+p", "Command palette: every action by name (also clickable)"),
]
GRAPH_KEYS = [
    ("↑ ↓ / pgup pgdn / home end", "Move through the nodes in drawing order (the selection is the table's)"),
    ("← →", "Scroll sideways when the drawing is wider than the pane"),
    ("enter", "Edit the selected node (b, m, O, a, d ... act on it as on the table)"),
]
FORM_KEYS = [
    ("type", "A bad value is marked at once (✗ and the reason); nothing applies until it is valid"),
    ("→", "Accept the suggested completion (activations, initialisers, true/false)"),
    ("tab / shift+tab", "Next / previous setting"),
    ("enter", "Apply (when every setting is valid)"),
]


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


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, rows) for every screen."""
    from ..app import NntuiApp
    from .builder import BuilderScreen
    from .confirm import ConfirmScreen
    from .keras_code import KerasCodeScreen
    from .layer_form import LayerFormScreen
    from .palette import PaletteScreen
    return [
        ("Builder", binding_rows(BuilderScreen.BINDINGS) + TABLE_KEYS),
        ("Graph drawing (g)", GRAPH_KEYS),
        ("Everywhere", binding_rows(NntuiApp.BINDINGS)),
        ("Add-layer palette", [("type", "Filter by name or description")] + binding_rows(PaletteScreen.BINDINGS)
         + [("enter", "Add the highlighted layer")]),
        ("Layer form, input shape, training settings", FORM_KEYS + binding_rows(LayerFormScreen.BINDINGS)),
        ("Keras code", binding_rows(KerasCodeScreen.BINDINGS)),
        ("Questions", binding_rows(ConfirmScreen.BINDINGS)),
    ]


class HelpScreen(Dialog[None]):
    """The list of keys."""

    CSS_PATH = ["dialog.tcss", "help.tcss"]
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", tooltip="Close the help")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            for title, rows in help_sections():
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
