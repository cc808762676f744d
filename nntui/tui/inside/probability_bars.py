"""The output's probabilities: one bar per class, the top three labelled, the true class marked.

Marks are words and symbols, colour only repeats them: '◀ true' beside the true class, '1st',
'2nd', '3rd' with the percentages of the top three, and ✓ or ✗ whether the top one is the true one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.style import Style
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import hbar
from .styles import BAD, DIM, GOOD, TEXT, TITLE, VALUE

BAR = Style(color="#5fb3ff")
TOP = Style(color="#ffd479")
TRUE = Style(color="#7ee787")
RANKS = ("1st", "2nd", "3rd")


@dataclass(frozen=True, eq=False)
class ProbabilityData:
    """Class probabilities of one sample, the class names and the true class (None: unknown)."""

    probabilities: np.ndarray
    names: tuple[str, ...]
    true_class: int | None = None


def class_probabilities(output: np.ndarray) -> np.ndarray:
    """Probabilities per class from a softmax output, or [1 - p, p] from a single sigmoid unit."""
    p = np.asarray(output, np.float64).ravel()
    return np.array([1.0 - p[0], p[0]]) if p.size == 1 else p


class ProbabilityBars(CanvasWidget):
    """One row per class: name, bar, and for the top three the rank and percentage."""

    DEFAULT_CSS = tcss(__file__)

    data: reactive[ProbabilityData | None] = reactive(None)

    _class_count = -1

    def watch_data(self, data: ProbabilityData | None) -> None:
        k = -1 if data is None else len(data.names)
        if k != self._class_count:  # height: auto follows the number of classes
            self._class_count = k
            self.refresh(layout=True)
        self.redraw()

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + (len(self.data.names) if self.data is not None else 0)

    def draw(self, canvas: Canvas) -> None:
        d = self.data
        if d is None:
            return
        p = d.probabilities
        k = p.size
        top = np.argsort(-p)[:3].tolist()
        right = top[0] == d.true_class if d.true_class is not None else None
        head = [("output probabilities", TITLE)]
        if right is not None:
            head += [("  ✓ the top one is the true class", GOOD) if right else ("  ✗ the top one is not the true class", BAD)]
        canvas.spans(0, 0, head)
        name_w = max(len(n) for n in d.names) if d.names else 1
        extra = 18  # ' 99.9% 1st ◀ true'
        bar_w = max(4, min(40, canvas.width - name_w - extra - 2))
        rows = min(k, canvas.height - 1)
        for c in range(rows):
            y = 1 + c
            is_true = c == d.true_class
            style = TRUE if is_true else (TOP if c == top[0] else BAR)
            x = canvas.text(0, y, d.names[c].rjust(name_w) + " ", TITLE if c in top or is_true else TEXT)
            x = canvas.text(x, y, hbar(float(p[c]), bar_w), style)
            if c in top:
                rank = top.index(c)
                x = canvas.spans(x, y, [(f" {100 * p[c]:5.1f}% ", VALUE if rank == 0 else TEXT), (RANKS[rank], DIM)])
            elif is_true:
                x = canvas.text(x, y, f" {100 * p[c]:5.1f}%    ", TEXT)
            if is_true:
                canvas.text(x + 1, y, "◀ true", GOOD if c == top[0] else BAD)
