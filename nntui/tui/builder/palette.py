"""The add-layer palette: every layer type the engine has, with its one-line description.

Type to filter (name or description), Up/Down to choose, Enter to add, Escape to cancel. The list
comes from ``LAYER_TYPES`` grouped by each class's ``family``, so new layer types appear here by
being registered.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.layers import LAYER_TYPES
from ..common.base import Dialog
from ..common.field_editor import FieldInput
from ..common.safe_lists import SafeOptionList

FAMILY_ORDER = ("core", "conv", "pooling", "normalization", "recurrent", "merge")


def layer_choices(query: str = "", family: str | None = None) -> list[str]:
    """Layer type names matching ``query``: name prefix first, then name or description containing it.

    ``family`` keeps only that family's types (e.g. ``merge``).
    """
    q = query.strip().lower()
    names = [n for n in LAYER_TYPES if family is None or LAYER_TYPES[n].family == family]
    families = {n: LAYER_TYPES[n].family for n in names}

    def family_rank(n: str) -> int:
        f = families[n]
        return FAMILY_ORDER.index(f) if f in FAMILY_ORDER else len(FAMILY_ORDER)
    ordered = sorted(names, key=lambda n: (family_rank(n), names.index(n)))
    if not q:
        return ordered
    prefix = [n for n in ordered if n.lower().startswith(q)]
    inside = [n for n in ordered if n not in prefix and q in n.lower()]
    described = [n for n in ordered if n not in prefix and n not in inside
                 and q in LAYER_TYPES[n].description.lower()]
    return prefix + inside + described


class PaletteScreen(Dialog[str | None]):
    """Choose a layer type; dismisses with its name (or None)."""

    CSS_PATH = ["../common/dialog.tcss", "palette.tcss"]
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the palette without adding"),
        Binding("down", "cursor(1)", "Next", show=False, priority=True),
        Binding("up", "cursor(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(self, *, family: str | None = None, title: str = "Add a layer") -> None:
        super().__init__()
        self.family = family
        self.heading = title

    def compose(self) -> ComposeResult:
        with VerticalGroup(classes="dialog", id="palette"):
            yield Static(self.heading, classes="title", markup=False)
            yield FieldInput(placeholder="type to filter, e.g. dense, conv, pool", compact=True, id="filter")
            yield SafeOptionList(id="choices")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def _fill(self, query: str) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        names = layer_choices(query, self.family)
        width = max((len(n) for n in LAYER_TYPES), default=8)
        last_family = None
        for name in names:
            cls = LAYER_TYPES[name]
            if not query and cls.family != last_family:
                choices.add_option(Option(Text(cls.family, style="bold dim"), disabled=True))
                last_family = cls.family
            label = Table.grid(padding=(0, 2), expand=True)
            label.add_column(width=width, no_wrap=True, style="bold")
            label.add_column(ratio=1)
            label.add_row(name, cls.description)
            choices.add_option(Option(label, id=name))
        if names:
            first = next(i for i in range(choices.option_count) if not choices.get_option_at_index(i).disabled)
            choices.highlighted = first
        matches = f"{len(names)} match{'es' if len(names) != 1 else ''} · " if query else ""
        self.query_one("#palette").border_subtitle = f"{matches}↑↓ choose · Enter add · Esc cancel"

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is not None:
            option = choices.get_option_at_index(choices.highlighted)
            if not option.disabled:
                self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cursor(self, delta: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if delta > 0:
            choices.action_cursor_down()
        else:
            choices.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
