"""A 28x28 grey picture drawn square with half blocks: each cell shows two pixel rows ('▀' in the upper
pixel's grey on the lower pixel's grey), so the picture takes 28 columns by 14 rows.

:class:`Picture` shows an image (the prepared input beside the canvas); the canvas widget
(:mod:`.canvas`) draws with the same :func:`picture_line` and adds its brush cursor.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...data.handwriting import SIZE
from ..common.css import tcss

ROWS = SIZE // 2  # text rows of a picture
RGB = tuple[int, int, int]


@lru_cache(maxsize=4096)
def cell_style(top: RGB, bottom: RGB) -> Style:
    return Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))


def greys(values: np.ndarray) -> list[RGB]:
    """Ink values in [0, 1] as grey RGB triples: white ink on black paper, like MNIST."""
    levels = np.rint(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8).tolist()
    return [(v, v, v) for v in levels]


def picture_line(image: np.ndarray, y: int, marks: dict[tuple[int, int], RGB] | None = None) -> Strip:
    """Text row ``y`` of a 28x28 image: pixel rows 2y and 2y+1; ``marks`` recolour single pixels (row, column)."""
    top, bottom = greys(image[2 * y]), greys(image[2 * y + 1])
    for (r, c), rgb in (marks or {}).items():
        if r == 2 * y:
            top[c] = rgb
        elif r == 2 * y + 1:
            bottom[c] = rgb
    segments, run, style = [], 0, None
    for t, b in zip(top, bottom):
        s = cell_style(t, b)
        if s is style:
            run += 1
            continue
        if style is not None:
            segments.append(Segment("▀" * run, style))
        style, run = s, 1
    segments.append(Segment("▀" * run, style))
    return Strip(segments, SIZE)


class Picture(Widget):
    """A read-only 28x28 image in [0, 1] (``image``; None shows blank paper); ``marks`` colour single pixels."""

    DEFAULT_CSS = tcss(__file__)
    image: reactive[np.ndarray | None] = reactive(None, always_update=True)
    marks: reactive[dict[tuple[int, int], RGB]] = reactive(dict, always_update=True)

    def render_line(self, y: int) -> Strip:
        if y >= ROWS:
            return Strip.blank(self.size.width)
        image = self.image if self.image is not None else np.zeros((SIZE, SIZE), np.float32)
        return picture_line(image, y, self.marks)
