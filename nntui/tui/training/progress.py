"""A one-line progress bar for the training screen: cheap to redraw, never changes the layout."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from ..common.css import tcss

DONE = Style(color="#5fb3ff", bold=True)
TODO = Style(color="#3a3f55")
FINISHED = Style(color="#7ee787", bold=True)


class TrainingProgressBar(Widget):
    """'━━━━━━━━━━━╸━━━━━━━━  59%': the bar fills the width; ``update(done, total)`` redraws only on change."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.done = 0.0
        self.total = 1.0

    def update(self, done: float | None = None, total: float | None = None) -> None:
        """Set the progress (and the total); a refresh only when a drawn cell would change."""
        old = self._key()
        if total is not None:
            self.total = max(float(total), 1e-9)
        if done is not None:
            self.done = min(max(float(done), 0.0), self.total)
        if self._key() != old:
            self.refresh()

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def _key(self):
        width = max(1, self.size.width - 5)
        return int(self.fraction * width * 2), int(self.fraction * 100)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        bar = max(1, width - 5)
        f = self.fraction
        full, half = divmod(int(f * bar * 2), 2)
        style = base + (FINISHED if f >= 1.0 else DONE)
        segments = [Segment("━" * full, style)]
        if half and full < bar:
            segments.append(Segment("╸", style))
            full += 1
        segments.append(Segment("━" * (bar - full), base + TODO))
        segments.append(Segment(f"{int(f * 100):4d}%", base + Style(bold=f >= 1.0)))
        return Strip(segments, width).crop(0, width)
