"""The chosen sample as a grey picture (half blocks), with its number and label under it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import grey_picture, scaled_size
from .styles import DIM, TITLE


@dataclass(frozen=True, eq=False)
class PictureData:
    """A 2-D grey picture and the caption under it."""

    image: np.ndarray
    caption: str = ""


class InputPicture(CanvasWidget):
    """The sample, as large as fits (28x28 pixels: 28 columns x 14 rows, or half that)."""

    DEFAULT_CSS = tcss(__file__)

    picture: reactive[PictureData | None] = reactive(None)

    def watch_picture(self) -> None:
        self.redraw()

    def draw(self, canvas: Canvas) -> None:
        data = self.picture
        if data is None:
            canvas.text(0, 0, "(no picture)", DIM)
            return
        h, w = data.image.shape
        room = canvas.height - (1 if data.caption else 0)
        scale = next((s for s in (2, 1, 0.5, 1 / 3, 0.25) if scaled_size(h, w, s)[0] <= canvas.width
                      and scaled_size(h, w, s)[1] <= room), 0.25)
        cols, rows = scaled_size(h, w, scale)
        x = max(0, (canvas.width - cols) // 2)
        canvas.block(x, 0, grey_picture(data.image, 0.0, max(float(np.max(data.image)), 1e-6), scale))
        if data.caption:
            canvas.text(max(0, (canvas.width - len(data.caption)) // 2), rows, data.caption, TITLE)
