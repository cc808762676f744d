"""The base of the Inside view's drawn widgets: draw once into a :class:`~.canvas.Canvas`, serve lines.

A subclass implements :meth:`CanvasWidget.draw`; the strips are kept until the widget's size or its
data change (its reactive attributes' watchers call :meth:`CanvasWidget.redraw`), so scrolling,
focus changes and the training screen's other repaints cost nothing here.
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widget import Widget

from .canvas import Canvas


class CanvasWidget(Widget):
    """A widget whose content is drawn on a canvas of its content size."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._strips: list[Strip] | None = None
        self._drawn_size: tuple[int, int] | None = None

    def redraw(self) -> None:
        """The data changed: draw again at the next paint."""
        self._strips = None
        self.refresh()

    def draw(self, canvas: Canvas) -> None:
        """Draw the widget's content (``canvas`` has the content size)."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        size = self.content_size
        key = (size.width, size.height)
        if self._strips is None or self._drawn_size != key:
            canvas = Canvas(size.width, size.height)
            self.draw(canvas)
            self._strips = canvas.strips(self.rich_style)
            self._drawn_size = key
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(size.width, self.rich_style)
