"""The line above the Inside view: which sample is shown, its true class and what the network says."""

from __future__ import annotations

from dataclasses import dataclass

from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .styles import ACCENT, BAD, DIM, GOOD, KEY, TEXT, TITLE, VALUE


@dataclass(frozen=True)
class SampleInfo:
    """The chosen sample: its position, true and predicted class names, the confidence, a note."""

    index: int
    total: int
    true_name: str = ""
    predicted_name: str = ""
    confidence: float | None = None
    source: str = "test"
    note: str = ""

    @property
    def correct(self) -> bool:
        return self.true_name == self.predicted_name


class SampleBar(CanvasWidget):
    """'◀ test image 1,234 of 10,000 ▶  true 7  predicted 7 98.1% ✓ right' and the keys that choose."""

    DEFAULT_CSS = tcss(__file__)

    info: reactive[SampleInfo | None] = reactive(None)
    compact: reactive[bool] = reactive(False)

    def watch_info(self) -> None:
        self.redraw()

    def watch_compact(self) -> None:
        self.redraw()

    def draw(self, canvas: Canvas) -> None:
        info = self.info
        if info is None:
            canvas.text(0, 0, "No samples to show yet.", DIM)
            return
        if self.compact:
            parts = [("◀ ", KEY), (f"#{info.index:,}", TITLE), (f"/{info.total:,}", DIM), (" ▶ ", KEY)]
        else:
            parts = [("◀ ", KEY), (f"{info.source} image ", TEXT), (f"#{info.index:,}", TITLE),
                     (f" of {info.total:,}", DIM), (" ▶  ", KEY)]
        if info.true_name:
            parts += [("true ", DIM), (info.true_name, TITLE), ("  ", None)]
        if info.predicted_name:
            conf = f" {100 * info.confidence:.1f}%" if info.confidence is not None else ""
            parts += [("pred " if self.compact else "predicted ", DIM), (info.predicted_name, VALUE), (conf, TEXT)]
            if info.true_name:
                parts += [("  ✓ right", GOOD) if info.correct else ("  ✗ wrong", BAD)]
        x = canvas.spans(0, 0, parts)
        right = info.note or ("" if self.compact else "m next wrong · 0-9 next of a digit · ↑↓ layer")
        if right and x + 2 + len(right) <= canvas.width:
            canvas.text(canvas.width - len(right), 0, right, ACCENT if info.note else DIM)
