"""What a Dense layer's units look for: each chosen unit's weights over the input pixels, as a picture.

For a Dense layer that reads the image's pixels directly (the mnist preset's first layer), unit j's
784 weights ``kernel[:, j]`` form a 28×28 picture: orange where a bright pixel makes the unit fire,
blue where it holds it back. The units shown are the ones this sample excites most, strongest
first; :meth:`UnitPictures.turn` pages on to the next strongest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import scaled_size, signed_picture
from .styles import DIM, KEY, TEXT, TITLE, VALUE, num


@dataclass(frozen=True, eq=False)
class UnitData:
    """The kernel (pixels, units), the picture shape, and this sample's activation of each unit."""

    kernel: np.ndarray
    image: tuple[int, int]
    activations: np.ndarray
    key: str = ""


class UnitPictures(CanvasWidget):
    """A row (or two) of unit pictures, strongest first; ``page`` moves down the ranking."""

    DEFAULT_CSS = tcss(__file__)

    data: reactive[UnitData | None] = reactive(None)
    page: reactive[int] = reactive(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.per_page = 4
        self._key = ""

    def watch_data(self, data: UnitData | None) -> None:
        if data is not None and data.key != self._key:
            self._key = data.key
            self.page = 0
        self.redraw()

    def watch_page(self) -> None:
        self.redraw()

    @property
    def pages(self) -> int:
        n = 0 if self.data is None else self.data.activations.size
        return max(1, -(-n // max(1, self.per_page)))

    def turn(self, delta: int) -> None:
        """The next (or previous) strongest units."""
        if self.pages > 1:
            self.page = (self.page + delta) % self.pages

    def draw(self, canvas: Canvas) -> None:
        d = self.data
        if d is None or canvas.height < 3:
            return
        h, w = d.image
        scale = 1 if scaled_size(h, w, 1)[1] + 2 <= canvas.height else 0.5
        cols, rows = scaled_size(h, w, scale)
        tile = cols + 2
        per_row = max(1, (canvas.width + 2) // tile)
        n_rows = max(1, (canvas.height - 1) // (rows + 1))
        self.per_page = per_row * n_rows
        ranking = np.argsort(-d.activations, kind="stable")
        first = min(self.page, self.pages - 1) * self.per_page
        units = ranking[first: first + self.per_page].tolist()
        head = [("units' weights ", TITLE), (f"as {h}×{w} pictures, ", TEXT),
                ("this sample's strongest first " if first == 0 else f"the next strongest (from the {first + 1}th) ", DIM)]
        if self.pages > 1:
            head += [("· ", DIM), ("[ ]", KEY), (" more ", DIM)]
        head += [("· orange + blue −", DIM)]
        canvas.spans(0, 0, head)
        for k, u in enumerate(units):
            x, y = (k % per_row) * tile, 1 + (k // per_row) * (rows + 1)
            canvas.block(x, y, signed_picture(d.kernel[:, u].reshape(h, w), scale=scale))
            canvas.spans(x, y + rows, [(f"unit #{u} ", DIM), (num(d.activations[u], 3), VALUE)], tile - 1)
