"""The model drawn as a graph (see :mod:`nntui.tui.builder.graph_layout`), scrollable both ways, with a cursor.

The cursor is the builder's selection (a table row: 0 is the input, ``i + 1`` is layer ``i``); up
and down move it through the nodes in drawing order, Enter asks to edit the node. The widget keeps
no model state: :meth:`GraphView.show` draws a :class:`~nntui.tui.builder.view.StackView`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..common.css import tcss
from .graph_layout import GraphLine, graph_lines
from .view import StackView

ROLE_CLASSES = {
    "lane": "graph-view--lane", "node-ok": "graph-view--node", "node-input": "graph-view--input",
    "node-error": "graph-view--error", "node-unknown": "graph-view--unknown", "name": "graph-view--name",
    "type": "graph-view--type", "shape": "graph-view--shape", "output": "graph-view--output",
    "loose": "graph-view--loose", "error": "graph-view--error", "unknown": "graph-view--unknown",
}


KEEP_COLOUR = {"node-error", "node-unknown", "error", "unknown", "output", "loose"}


class GraphView(ScrollView, can_focus=True):
    """Draws the model top-down: lanes for parallel branches, joins at merges, one node per line."""

    DEFAULT_CSS = tcss(__file__)
    COMPONENT_CLASSES = {*ROLE_CLASSES.values(), "graph-view--cursor"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("home", "cursor(-100000)", "First", show=False),
        Binding("end", "cursor(100000)", "Last", show=False),
        Binding("enter", "select", "Edit", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to table row ``row``."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    class Selected(Message):
        """Enter (or a click on the selected node) on table row ``row``."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: list[GraphLine] = []
        self.row = 0
        self._strips: dict[tuple[int, bool], Strip] = {}

    # ------------------------------------------------------------------ content
    def show(self, view: StackView, row: int | None = None) -> None:
        """Draw ``view`` with the cursor on table row ``row`` (default: where it is)."""
        self.lines = graph_lines(view)
        self._strips.clear()
        if row is not None:
            self.row = row
        if self.row not in self.rows:
            self.row = self.rows[0] if self.rows else 0
        width = max((sum(len(t) for t, _ in line.segments) for line in self.lines), default=0)
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()
        self._scroll_to_cursor()

    @property
    def rows(self) -> list[int]:
        """The table rows of the nodes, in drawing order."""
        return [line.row for line in self.lines if line.row is not None]

    def line_of(self, row: int) -> int | None:
        """The drawing line of table row ``row``."""
        return next((y for y, line in enumerate(self.lines) if line.row == row), None)

    def text(self) -> str:
        """The drawing as plain text (tests)."""
        return "\n".join(line.text.rstrip() for line in self.lines)

    # ------------------------------------------------------------------ cursor
    def move_to(self, row: int, *, announce: bool = False) -> None:
        """Put the cursor on table row ``row``."""
        if row == self.row or row not in self.rows:
            return
        self.row = row
        self._strips.clear()
        self.refresh()
        self._scroll_to_cursor()
        if announce:
            self.post_message(self.Highlighted(row))

    def _scroll_to_cursor(self) -> None:
        y = self.line_of(self.row)
        if y is not None and self.is_mounted:
            # the node's line and the line below it (its edges) in view; keep the left edge
            self.scroll_to_region(Region(0, y, 1, 2 if y + 1 < len(self.lines) else 1), animate=False,
                                  force=True, immediate=True)

    def action_cursor(self, delta: int) -> None:
        rows = self.rows
        if not rows:
            return
        k = rows.index(self.row) if self.row in rows else 0
        self.move_to(rows[max(0, min(len(rows) - 1, k + delta))], announce=True)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self.row))

    def on_click(self, event: events.Click) -> None:
        y = event.y + self.scroll_offset.y
        if 0 <= y < len(self.lines):
            row = self.lines[y].row
            if row is None:
                return
            if row == self.row and event.chain >= 2:
                self.post_message(self.Selected(row))
            else:
                self.move_to(row, announce=True)

    # ------------------------------------------------------------------ drawing
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _style(self, role: str) -> Style:
        name = ROLE_CLASSES.get(role)
        return self.get_component_rich_style(name, partial=True) if name else Style()

    def _strip(self, y: int) -> Strip:
        line = self.lines[y]
        selected = line.row is not None and line.row == self.row
        key = (y, selected)
        strip = self._strips.get(key)
        if strip is None:
            base = self.rich_style
            cursor = self.get_component_rich_style("graph-view--cursor", partial=True) if selected else None
            segments = []
            for text, role in line.segments:
                if not text:
                    continue
                style = base + self._style(role)
                if cursor is not None:  # the cursor's colours, except where colour carries meaning
                    style = style + (Style(bgcolor=cursor.bgcolor) if role in KEEP_COLOUR else cursor)
                segments.append(Segment(text, style))
            strip = Strip(segments)
            self._strips[key] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        y += scroll_y
        width = self.size.width
        if not 0 <= y < len(self.lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strip(y)
        line = self.lines[y]
        selected = line.row is not None and line.row == self.row
        pad = (self.rich_style + self.get_component_rich_style("graph-view--cursor", partial=True) if selected
               else self.rich_style)
        return strip.crop_extend(scroll_x, scroll_x + width, pad).apply_offsets(scroll_x, y)
