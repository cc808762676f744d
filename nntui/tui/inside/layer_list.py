"""The network's layers in graph order, the chosen one highlighted, a health mark beside each."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .entries import LayerEntry
from .styles import BAD, DIM, SELECTED, TEXT, TITLE


class LayerList(CanvasWidget):
    """Rows 'conv2d   26×26×32 ✗'; ``selected`` is a position in ``entries``; a click selects."""

    DEFAULT_CSS = tcss(__file__)

    entries: reactive[tuple[LayerEntry, ...]] = reactive(())
    selected: reactive[int] = reactive(0)
    marks: reactive[tuple[str, ...]] = reactive(())  # names of layers a health warning is about

    class Selected(Message):
        """A row was clicked."""

        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def watch_entries(self) -> None:
        self.redraw()

    def watch_selected(self) -> None:
        self.redraw()

    def watch_marks(self) -> None:
        self.redraw()

    def _top(self, height: int) -> int:
        """The first row shown: the selected row stays in view."""
        n = len(self.entries)
        if n <= height:
            return 0
        return min(max(0, self.selected - height // 2), n - height)

    def draw(self, canvas: Canvas) -> None:
        entries = self.entries
        top = self._top(canvas.height)
        width = canvas.width
        shape_w = min(10, max((len(e.shape_text) for e in entries), default=0)) if width >= 24 else 0
        for row, entry in enumerate(entries[top: top + canvas.height]):
            chosen = entry.position == self.selected
            mark = "✗" if entry.name in self.marks else " "
            name_w = max(1, width - shape_w - (5 if shape_w else 4))
            base = SELECTED if chosen else None
            canvas.text(0, row, " " * width, base)
            canvas.text(0, row, "▸" if chosen else " ", base or DIM)
            x = canvas.text(2, row, entry.name + " ", base or (TITLE if entry.has_weights else TEXT), name_w)
            if entry.index is not None and shape_w:
                canvas.text(x, row, entry.type, base or DIM, name_w + 2 - x)
            if shape_w:
                shape = entry.shape_text[-shape_w:]
                canvas.text(width - shape_w - 2, row, shape.rjust(shape_w), base or DIM)
            canvas.text(width - 1, row, mark, base or BAD)
        if top > 0:
            canvas.text(width - 1, 0, "↑", DIM)
        if top + canvas.height < len(entries):
            canvas.text(width - 1, canvas.height - 1, "↓", DIM)

    def on_click(self, event: events.Click) -> None:
        position = self._top(self.content_size.height) + event.y
        if 0 <= position < len(self.entries):
            self.post_message(self.Selected(position))
