"""The decision boundary widget: the plane in the colours of the model's p(class 1), the points on top.

Give it a :class:`BoundaryFrame` (``widget.frame = ...``): a probability grid at any resolution (it is
resampled to the cells) and the points with their labels and, to mark the misclassified, the model's
classes. The plane keeps Playground's square aspect: one text cell is two square half-block pixels.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ..common.css import tcss
from .plane import BLUE, BOUNDARY, NO_POINT, ORANGE, BoundaryFrame, plane_colours, point_cells, resample

#: The glyph of a point by label * 2 + misclassified.
GLYPHS = {0: "◆", 1: "✕", 2: "●", 3: "✕"}
HALF = "▀"


def _pack(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.int64)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _rgb(c) -> Color:
    return Color.from_rgb(int(c[0]), int(c[1]), int(c[2]))


class DecisionBoundary(Widget):
    """Playground's main picture: p(class 1) over the plane, the boundary, the points, a legend line."""

    DEFAULT_CSS = tcss(__file__)
    frame: reactive[BoundaryFrame | None] = reactive(None, layout=False)

    def __init__(self, class_names: tuple[str, str] = ("orange", "blue"), *, note: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.class_names = class_names
        self.note = note  # shown in the legend line: "epoch 3", "test set", ...
        self._strips: list[Strip] | None = None
        self._styles: dict[tuple, Style] = {}

    def watch_frame(self) -> None:
        self._strips = None
        self.refresh()

    def on_resize(self) -> None:
        self._strips = None

    def plane_size(self) -> tuple[int, int]:
        """(columns, rows) of text cells the square plane takes in the current size."""
        width, height = self.size
        rows = max(height - 1, 1)
        cols = min(width, 2 * rows)
        return max(cols, 1), max(min(rows, (cols + 1) // 2), 1)

    def render_line(self, y: int) -> Strip:
        if self._strips is None or len(self._strips) != self.size.height:
            self._strips = self._render_strips()
        return self._strips[y] if y < len(self._strips) else Strip.blank(self.size.width)

    # --- drawing ----------------------------------------------------------------------------------

    def _render_strips(self) -> list[Strip]:
        width, height = self.size
        if width < 4 or height < 2:
            return [Strip.blank(width) for _ in range(height)]
        cols, rows = self.plane_size()
        pad = (width - cols) // 2
        frame = self.frame
        if frame is None:
            lines = [Strip.blank(width) for _ in range(height)]
            message = "waiting for the first prediction"
            lines[min(rows // 2, height - 1)] = Strip([Segment(message[:width].center(width), Style(dim=True))], width)
            return lines
        shades, edge = plane_colours(resample(frame.probability, 2 * rows, cols))
        drawn = np.where(edge, _pack(np.array(BOUNDARY)), _pack(shades))
        cells = point_cells(frame, cols, rows)
        # a point's cell shows the mean of its two shades (no boundary) behind the glyph
        behind = _pack((shades[0::2].astype(np.int64) + shades[1::2]) // 2)
        top = np.where(cells != NO_POINT, behind, drawn[0::2])
        bottom = np.where(cells != NO_POINT, behind, drawn[1::2])
        lines = []
        for r in range(rows):
            segments = [Segment(" " * pad)] if pad else []
            segments += self._plane_line(top[r], bottom[r], cells[r])
            segments.append(Segment(" " * (width - pad - cols)))
            lines.append(Strip(segments, width))
        lines.append(Strip(self._legend(frame, width)).adjust_cell_length(width))
        lines += [Strip.blank(width) for _ in range(height - len(lines))]
        return lines

    def _plane_line(self, top: np.ndarray, bottom: np.ndarray, points: np.ndarray) -> list[Segment]:
        """One text row as runs of equal cells: half blocks of two pixels, or a point's glyph."""
        segments: list[Segment] = []
        run, length = None, 0
        for key in zip(top.tolist(), bottom.tolist(), points.tolist()):
            if key == run:
                length += 1
                continue
            if run is not None:
                segments.append(self._segment(run, length))
            run, length = key, 1
        if run is not None:
            segments.append(self._segment(run, length))
        return segments

    def _segment(self, key: tuple[int, int, int], length: int) -> Segment:
        t, b, point = key
        glyph = GLYPHS[point] if point != NO_POINT else " " if t == b else HALF
        return Segment(glyph * length, self._style(t, b, point))

    def _style(self, top: int, bottom: int, point: int) -> Style:
        key = (top, bottom, point)
        style = self._styles.get(key)
        if style is None:
            t = ((top >> 16) & 255, (top >> 8) & 255, top & 255)
            b = ((bottom >> 16) & 255, (bottom >> 8) & 255, bottom & 255)
            if point == NO_POINT:
                style = Style(color=_rgb(t), bgcolor=_rgb(b))
            else:  # the point in its class's full colour
                style = Style(color=_rgb(BLUE if point >= 2 else ORANGE), bgcolor=_rgb(b), bold=True)
            self._styles[key] = style
        return style

    def _legend(self, frame: BoundaryFrame, width: int) -> list[Segment]:
        zero, one = self.class_names
        parts = [Segment("● ", Style(color=_rgb(BLUE), bold=True)), Segment(f"{one}  "),
                 Segment("◆ ", Style(color=_rgb(ORANGE), bold=True)), Segment(f"{zero}  ")]
        if frame.predicted is not None:
            wrong = int(frame.wrong.sum())
            parts += [Segment("✕ ", Style(bold=True)), Segment(f"misclassified {wrong} of {len(frame.labels)}")]
        if self.note:
            parts.append(Segment(f"  {self.note}", Style(dim=True)))
        used = sum(s.cell_length for s in parts)
        return ([Segment(" " * ((width - used) // 2))] if used < width else []) + parts
