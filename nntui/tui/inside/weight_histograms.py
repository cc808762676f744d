"""A layer's weights and last gradients as two histograms, with mean, spread and the update ratio.

TensorBoard draws a histogram per step; in a terminal the last one is drawn and the history is
a sparkline of the update ratio ||Δw|| / ||w|| over the recent snapshots (one per refresh),
with the verdict in words: usual (about 1e-4 to 1e-2), or high / low and what that suggests.
The histograms themselves come from the engine (:func:`nntui.engine.probe.histogram`), with as
many bins as the widget has columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.style import Style
from textual.reactive import reactive

from ...engine.probe import Histogram, LayerStats, histogram
from ...engine.probe.health import UPDATE_HIGH, UPDATE_LOW
from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import column_chart, sparkline
from .styles import BAD, DIM, GOOD, TEXT, TITLE, VALUE, num

WEIGHT_BARS = Style(color="#5fb3ff")
GRADIENT_BARS = Style(color="#ff9f5f")
GAP = 3
USUAL_LOW, USUAL_HIGH = 1e-4, 1e-2


@dataclass(frozen=True, eq=False)
class WeightData:
    """What the panel shows for one layer (arrays are read-only views of a snapshot)."""

    key: str
    weight_name: str
    shape: tuple
    weights: np.ndarray
    gradients: np.ndarray | None
    stats: LayerStats
    ratios: tuple = ()  # update ratios of the recent snapshots, oldest first
    start_std: float | None = None
    grad_history: tuple = ()  # gradients per weight of the recent snapshots, oldest first


def bins_for(values: int, width: int) -> int:
    """As many bins as columns, but not many more than twice the square root of the values (a kernel
    of 72 weights gets 15 bins, two columns each, rather than 31 mostly empty ones)."""
    target = max(1.0, min(width, max(8.0, 2 * values ** 0.5)))
    return max(1, width // max(1, round(width / target)))


class WeightHistograms(CanvasWidget):
    """Weights | gradients histograms, their statistics, and the update-ratio line."""

    DEFAULT_CSS = tcss(__file__)

    data: reactive[WeightData | None] = reactive(None)

    def watch_data(self) -> None:
        self.redraw()

    def draw(self, canvas: Canvas) -> None:
        d = self.data
        if d is None:
            return
        col_w = max(12, (canvas.width - GAP) // 2)
        chart_h = max(2, canvas.height - 5)
        shape = "×".join(str(s) for s in d.shape)
        s = d.stats
        spread = [[("mean ", DIM), (num(s.weight_mean), TEXT), ("  std ", DIM), (num(s.weight_std), VALUE)]]
        if d.start_std is not None:
            spread.append([("std at the start ", DIM), (num(d.start_std), TEXT)])
        self._column(canvas, 0, col_w, chart_h, [("weights ", TITLE), (f"{d.weight_name} {shape}", DIM)],
                     histogram(d.weights, bins_for(d.weights.size, col_w)), WEIGHT_BARS, spread)
        x2 = col_w + GAP
        if d.gradients is None:
            canvas.text(x2, 0, "gradients", TITLE)
            for k, line in enumerate(("none yet:", "they appear after", "a training step")):
                canvas.text(x2, 2 + k, line, DIM, col_w)
        else:
            norm = [[("norm ", DIM), (num(s.grad_norm), TEXT)], [("per weight ", DIM), (num(s.grad_rms), VALUE)]]
            if len(d.grad_history) > 1:
                norm[1].append((" " + sparkline(d.grad_history, 12, log=True), TEXT))
            self._column(canvas, x2, col_w, chart_h, [("gradients ", TITLE), ("last step", DIM)],
                         histogram(d.gradients, bins_for(d.gradients.size, col_w), symmetric=True), GRADIENT_BARS, norm)
        self._update_line(canvas, canvas.height - 1, d)

    def _column(self, canvas, x, width, chart_h, title, hist: Histogram, style, stats) -> None:
        """Title, chart, axis, then the statistics: one line if they fit, else a line each."""
        canvas.spans(x, 0, title, width)
        joined = [part for i, line in enumerate(stats) for part in ([("  ", None)] if i else []) + line]
        lines = [joined] if sum(len(t) for t, _ in joined) <= width else stats
        chart_h -= len(lines) - 1
        k = max(1, width // hist.counts.size)  # columns per bin
        for r, row in enumerate(column_chart(hist.counts, chart_h)):
            canvas.block(x, 1 + r, [[(ch, style if ch != " " else None) for ch in row for _ in range(k)]])
        y = 1 + chart_h
        drawn = k * hist.counts.size
        lo, hi = num(hist.low, 2), num(hist.high, 2)
        canvas.text(x, y, lo, DIM)
        canvas.text(x + max(len(lo) + 1, drawn - len(hi)), y, hi, DIM)
        if hist.low < 0 < hist.high:
            z = int((0 - hist.low) / (hist.high - hist.low) * (drawn - 1))
            if len(lo) < z < drawn - len(hi) - 1:
                canvas.text(x + z, y, "0", DIM)
        for k, line in enumerate(lines):
            canvas.spans(x, y + 1 + k, line, width)

    def _update_line(self, canvas, y, d: WeightData) -> None:
        r = d.stats.update_ratio
        parts = [("update ", TITLE), ("||Δw||/||w|| ", DIM)]
        if r is None:
            parts.append(("not measured yet: needs a training step", DIM))
        else:
            parts += [(num(r, 2), VALUE), (" ", None), (sparkline(d.ratios, 16, log=True), TEXT), ("  ", None)]
            if r > UPDATE_HIGH:
                parts.append(("✗ far above 1e-2: the learning rate may be too high", BAD))
            elif r < UPDATE_LOW:
                parts.append(("✗ far below 1e-4: the learning rate may be too low", BAD))
            elif r > USUAL_HIGH:
                parts.append(("· a little above the usual 1e-4 to 1e-2", TEXT))
            elif r < USUAL_LOW:
                parts.append(("· a little below the usual 1e-4 to 1e-2", TEXT))
            else:
                parts.append(("✓ usual (1e-4 to 1e-2)", GOOD))
        canvas.spans(0, y, parts)
