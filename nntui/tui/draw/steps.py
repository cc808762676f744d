"""How the drawing was prepared, step by step (shown when the terminal has the room): the ink's box on
the canvas, the box scaled to fit 20x20 with its centre of mass, and that centre moved to (14, 14)."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from ...data.handwriting import BOX, SIZE, Prepared
from ..common.css import tcss
from .picture import RGB, Picture

FRAME = (70, 110, 200)  # the box around the ink, the 20x20 box
MASS = (240, 80, 80)  # the centre of mass
EXPLAINED = (
    "MNIST's digits were made this way: each writer's digit scaled to fit a 20x20 box, keeping its "
    "shape, then placed by its centre of mass in the middle of 28x28. A network trained on them has "
    "only seen digits of that size and place: without these steps a digit drawn small, large or in a "
    "corner would look like nothing it knows."
)


def ring(top: int, left: int, height: int, width: int) -> list[tuple[int, int]]:
    """The pixels just outside a box (inside the field)."""
    r0, r1, c0, c1 = top - 1, top + height, left - 1, left + width
    cells = [(r, c) for r in (r0, r1) for c in range(c0, c1 + 1)]
    cells += [(r, c) for c in (c0, c1) for r in range(r0 + 1, r1)]
    return [(r, c) for r, c in cells if 0 <= r < SIZE and 0 <= c < SIZE]


def mark(points, rgb: RGB) -> dict[tuple[int, int], RGB]:
    return {p: rgb for p in points}


def nearest(point: tuple[float, float]) -> tuple[int, int]:
    return min(SIZE - 1, max(0, int(round(point[0])))), min(SIZE - 1, max(0, int(round(point[1]))))


class PreparationSteps(Horizontal):
    """Three pictures (box, scaled, centred) and a few words; ``show(pixels, prepared)`` updates them."""

    DEFAULT_CSS = tcss(__file__)

    def compose(self) -> ComposeResult:
        titles = ("1 · the ink's box", f"2 · scaled to fit {BOX}x{BOX}", "3 · centred by its mass")
        for i, title in enumerate(titles):
            with Vertical(classes="draw-step") as panel:
                panel.border_title = title
                yield Picture(id=f"draw-step-{i + 1}")
        yield Static(EXPLAINED, id="draw-steps-text")

    def show(self, pixels: np.ndarray | None, prepared: Prepared | None) -> None:
        boxed, scaled, centred = (self.query_one(f"#draw-step-{i}", Picture) for i in (1, 2, 3))
        if prepared is None or pixels is None:
            for picture in (boxed, scaled, centred):
                picture.image, picture.marks = None, {}
            return
        boxed.image, boxed.marks = pixels, mark(ring(*prepared.box), FRAME)
        h, w = prepared.size
        top, left = (SIZE - BOX) // 2, (SIZE - BOX) // 2
        image = np.zeros((SIZE, SIZE), np.float32)
        r, c = top + (BOX - h) // 2, left + (BOX - w) // 2
        image[r:r + h, c:c + w] = prepared.scaled
        cy, cx = (float(v) for v in np.asarray(prepared.centre) - np.asarray(prepared.offset))
        scaled.image = image
        scaled.marks = {**mark(ring(top, left, BOX, BOX), FRAME), nearest((cy + r, cx + c)): MASS}
        centred.image, centred.marks = prepared.image, {nearest(prepared.centre): MASS}
