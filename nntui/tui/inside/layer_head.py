"""The chosen layer's one-line head: name, type and settings, shape, weights; the parts to switch to."""

from __future__ import annotations

from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .entries import LayerEntry
from .styles import ACCENT, DIM, KEY, TEXT, TITLE


class LayerHead(CanvasWidget):
    """'conv2d · Conv2D 32 × 3×3 relu · (None, 26, 26, 32) · 320 weights', and at the right in the
    compact layout 'v output · weights · pictures' with the part shown highlighted."""

    DEFAULT_CSS = tcss(__file__)

    entry: reactive[LayerEntry | None] = reactive(None)
    panes: reactive[tuple[str, ...]] = reactive(())
    pane: reactive[str | None] = reactive(None)  # None: every part is shown (the wide layout)

    def watch_entry(self) -> None:
        self.redraw()

    def watch_panes(self) -> None:
        self.redraw()

    def watch_pane(self) -> None:
        self.redraw()

    def draw(self, canvas: Canvas) -> None:
        e = self.entry
        if e is None:
            return
        right = []
        if self.pane is not None and len(self.panes) > 1:
            right = [("v ", KEY)]
            for i, p in enumerate(self.panes):
                right.append((p + " ", ACCENT if p == self.pane else DIM))
                if i < len(self.panes) - 1:
                    right.append(("· ", DIM))
        room = canvas.width - sum(len(t) for t, _ in right) - (1 if right else 0)
        left = [(e.name + " ", TITLE), ("· " + e.type + (f" {e.settings}" if e.settings else "") + " ", TEXT),
                ("· (" + ", ".join("None" if d is None else str(d) for d in e.shape) + ") ", DIM)]
        if e.has_weights:
            left.append((f"· {e.slot.size:,} weights ", DIM))
        elif e.index is not None:
            left.append(("· no weights ", DIM))
        if self.pane is None and e.description:
            left.append(("  " + e.description, DIM))
        canvas.spans(0, 0, left, max(1, room))
        if right:
            canvas.spans(canvas.width - sum(len(t) for t, _ in right), 0, right)
