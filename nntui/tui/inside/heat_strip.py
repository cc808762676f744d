"""A vector output (Dense, LSTM, merges, Flatten) as a strip of heat-coloured units, the strongest named.

Units run left to right, then on in rows; a unit that is exactly zero (a relu unit that did not
fire) is a dim dot, so "off" reads as a symbol and not only as a dark colour. Non-negative outputs
use the heat colours (dark to bright yellow); signed ones (tanh, linear) blue for negative and
orange for positive. When the units do not fit one per cell, two share a cell (half blocks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import cell_style, heat_colour, signed_colour
from .styles import DIM, TEXT, TITLE, VALUE, num

STRONGEST = 5
MAX_ROWS = 8  # rows of units before two units share a cell
OFF = ("·", cell_style((70, 70, 86), None))


@dataclass(frozen=True, eq=False)
class VectorData:
    """One sample's vector output; ``key`` names the layer."""

    values: np.ndarray
    key: str = ""


def strip_columns(n: int, width: int) -> int:
    """Units per row: all when they fit, else the largest power of two that fits."""
    if n <= width:
        return n
    cols = 1
    while cols * 2 <= width:
        cols *= 2
    return cols


class HeatStrip(CanvasWidget):
    """The units of one vector, the strongest few named."""

    DEFAULT_CSS = tcss(__file__)

    vector: reactive[VectorData | None] = reactive(None)

    _unit_count = -1

    def watch_vector(self, vector: VectorData | None) -> None:
        n = -1 if vector is None else int(np.asarray(vector.values).size)
        if n != self._unit_count:  # height: auto follows the number of units
            self._unit_count = n
            self.refresh(layout=True)
        self.redraw()

    def get_content_height(self, container, viewport, width: int) -> int:
        data = self.vector
        if data is None:
            return 2
        n = int(np.asarray(data.values).size)
        grid = -(-n // max(1, strip_columns(n, width)))
        return 2 + (grid if grid <= MAX_ROWS else min(MAX_ROWS, -(-grid // 2)))

    def draw(self, canvas: Canvas) -> None:
        data = self.vector
        if data is None or canvas.height < 2:
            return
        v = np.asarray(data.values, np.float32).ravel()
        n = v.size
        signed = bool((v < 0).any())
        limit = float(np.abs(v).max()) if n else 0.0
        active = int(np.count_nonzero(v > 0))
        order = np.argsort(-np.abs(v) if signed else -v)[:STRONGEST]
        head = [(f"{n:,} units", TITLE)]
        if not signed:
            head += [(f" · {active:,} fired ({100 * active / max(n, 1):.0f}%)", TEXT)]
        head += [(" · strongest ", DIM)]
        for i in order.tolist():
            head += [(f"#{i} ", DIM), (num(v[i], 3) + "  ", VALUE)]
        canvas.spans(0, 0, head)
        legend = [("scale: ", DIM), ("-" + num(limit, 2) if signed else "0", TEXT), (" ", None)]
        for k in range(9):
            t = k / 8
            colour = signed_colour(2 * t - 1) if signed else heat_colour(t)
            legend.append(("█", cell_style(colour, None)))
        legend += [(" " + num(limit, 2), TEXT), ("   · = 0", DIM)]
        rows = canvas.height - 2
        cols = strip_columns(n, canvas.width)
        grid_rows = -(-n // max(cols, 1))
        half = grid_rows > min(rows, MAX_ROWS)
        drawn = self._grid(canvas, v, cols, rows, limit, signed, half)
        y = 1 + (min(rows, -(-grid_rows // 2)) if half else min(rows, grid_rows))
        if drawn < n:
            legend.append((f"   +{n - drawn:,} units not shown", DIM))
        canvas.spans(0, y, legend)

    def _colour(self, x: float, limit: float, signed: bool):
        if limit <= 0:
            return None
        return signed_colour(x / limit) if signed else heat_colour(x / limit)

    def _grid(self, canvas, v, cols, rows, limit, signed, half) -> int:
        n = v.size
        per_text_row = cols * (2 if half else 1)
        drawn = min(n, per_text_row * rows)
        values = v[:drawn].tolist()
        for k in range(0, drawn, per_text_row):
            y = 1 + k // per_text_row
            line = []
            for c in range(cols):
                top_i = k + c
                if top_i >= drawn:
                    break
                top = values[top_i]
                if not half:
                    line.append(OFF if top == 0 else ("█", cell_style(self._colour(top, limit, signed), None)))
                    continue
                bottom_i = top_i + cols
                bottom = values[bottom_i] if bottom_i < drawn else None
                fg = self._colour(top, limit, signed)
                bg = self._colour(bottom, limit, signed) if bottom is not None else None
                line.append(("▀", cell_style(fg, bg)))
            canvas.block(0, y, [line])
        return drawn
