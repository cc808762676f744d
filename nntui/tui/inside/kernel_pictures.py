"""A Conv2D's kernels as tiny signed pictures: kernel #k made feature map #k.

Blue weights are negative, orange positive, each kernel scaled to its own largest weight; a kernel
that reads several channels is drawn as its mean over them (the number of inputs is said). The
channels follow the feature maps' page, so that each kernel sits under the same number as its map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import scaled_size, signed_picture
from .styles import DIM, TITLE


@dataclass(frozen=True, eq=False)
class KernelData:
    """A kernel (kh, kw, in_channels, filters) and the filters to show (``first`` .. ``stop`` - 1)."""

    kernel: np.ndarray
    first: int = 0
    stop: int = 16


class KernelPictures(CanvasWidget):
    """Tiles of kernels, enlarged so that a 3×3 kernel is 6 columns wide."""

    DEFAULT_CSS = tcss(__file__)

    data: reactive[KernelData | None] = reactive(None)

    def watch_data(self) -> None:
        self.redraw()

    def draw(self, canvas: Canvas) -> None:
        d = self.data
        if d is None:
            return
        kh, kw, cin, cout = d.kernel.shape
        shown = range(d.first, min(d.stop, cout))
        over = f", mean over {cin} inputs" if cin > 1 else ""
        canvas.spans(0, 0, [("kernels ", TITLE), (f"#{shown.start}–#{shown.stop - 1} ({kh}×{kw}{over})", DIM)])
        for scale in (3, 2, 1):  # the largest at which every shown kernel fits
            cols, rows = scaled_size(kh, kw, scale)
            tile = max(cols, 3) + 2
            per_row = max(1, (canvas.width + 2) // tile)
            room_rows = max(1, (canvas.height - 1) // (rows + 1))
            if cols <= 12 and per_row * room_rows >= len(shown):
                break
        mean = d.kernel.mean(axis=2) if cin > 1 else d.kernel[:, :, 0, :]
        for k, f in enumerate(list(shown)[: per_row * room_rows]):
            x, y = (k % per_row) * tile, 1 + (k // per_row) * (rows + 1)
            canvas.block(x, y, signed_picture(np.asarray(mean[:, :, f]), scale=scale))
            canvas.text(x, y + rows, f"#{f}", DIM, tile - 1)
        if per_row * room_rows < len(shown):
            canvas.text(canvas.width - 10, canvas.height - 1, f"+{len(shown) - per_row * room_rows} more", DIM)
