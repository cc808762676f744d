"""The plane's arithmetic (NumPy only): grid points, colours of the predicted probability, points to cells.

Colours are TensorFlow Playground's (src/heatmap.ts): orange #f59322 for class 0, grey #e8eaeb at
p = 0.5, blue #0877bd for class 1, in 30 shades, laid at alpha 160/255 over white as on its page; the
training points in the full colours. Each text cell shows two square pixels (a half block).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Extent = tuple[float, float, float, float]  # x min, x max, y min, y max
EXTENT: Extent = (-6.0, 6.0, -6.0, 6.0)  # Playground's plane
ORANGE, GREY, BLUE = (245, 147, 34), (232, 234, 235), (8, 119, 189)
BOUNDARY = (150, 150, 150)
NUM_SHADES = 30
ALPHA = 160 / 255


@dataclass(frozen=True, eq=False)  # compared by identity: each frame is news
class BoundaryFrame:
    """What the picture shows: p(class 1) on a grid over ``extent`` (row 0 at the top, y max), and points."""

    probability: np.ndarray  # (rows, cols) float in [0, 1]
    points: np.ndarray  # (n, 2) x, y
    labels: np.ndarray  # (n,) 0 or 1
    predicted: np.ndarray | None = None  # (n,) the model's class per point; None: not marked
    extent: Extent = EXTENT

    @property
    def wrong(self) -> np.ndarray:
        """Whether each point is misclassified (all False when no predictions are given)."""
        if self.predicted is None:
            return np.zeros(len(self.labels), bool)
        return np.asarray(self.predicted) != np.asarray(self.labels)


def grid_points(cols: int, rows: int, extent: Extent = EXTENT) -> np.ndarray:
    """The centres of a rows x cols pixel grid over extent as float32 (rows * cols, 2), row by row from the top."""
    x0, x1, y0, y1 = extent
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def probability_grid(predict: Callable[[np.ndarray], np.ndarray], cols: int, rows: int,
                     extent: Extent = EXTENT) -> np.ndarray:
    """predict (points -> p(class 1)) on the grid, as (rows, cols) float32."""
    return np.asarray(predict(grid_points(cols, rows, extent)), np.float32).reshape(rows, cols)


def class_one_probability(outputs: np.ndarray) -> np.ndarray:
    """p(class 1) from a classifier's output: one sigmoid unit, or the second of two (softmax) units."""
    outputs = np.asarray(outputs)
    return outputs[:, 0] if outputs.shape[1] == 1 else outputs[:, 1]


def resample(probability: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """The grid at another size, nearest neighbour."""
    r = (np.arange(rows) * probability.shape[0]) // rows
    c = (np.arange(cols) * probability.shape[1]) // cols
    return probability[np.ix_(r, c)]


def plane_colours(probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 (rows, cols, 3) Playground's shades of p, and the boundary: bool (rows, cols), the pixels
    where the class changes to the right or below."""
    p = np.clip(np.nan_to_num(probability, nan=0.5), 0.0, 1.0)
    shade = np.minimum((p * (NUM_SHADES + 1)).astype(int), NUM_SHADES) / NUM_SHADES  # d3's quantize
    low, mid, high = (np.array(c, float) for c in (ORANGE, GREY, BLUE))
    t = np.minimum(shade * 2, 1.0)[..., None]
    u = np.maximum(shade * 2 - 1, 0.0)[..., None]
    rgb = np.where(shade[..., None] <= 0.5, low + (mid - low) * t, mid + (high - mid) * u)
    rgb = 255 + (rgb - 255) * ALPHA  # over Playground's white page
    side = p >= 0.5
    edge = np.zeros_like(side)
    edge[:, :-1] |= side[:, :-1] != side[:, 1:]
    edge[:-1, :] |= side[:-1, :] != side[1:, :]
    return np.rint(rgb).astype(np.uint8), edge


NO_POINT = -1


def point_cells(frame: BoundaryFrame, cols: int, rows: int) -> np.ndarray:
    """int8 (rows, cols): for each cell of a text grid over the frame's extent, the point it shows as
    label * 2 + misclassified (0, 1, 2, 3), or NO_POINT. A misclassified point wins its cell, else the
    last point in it; points outside the extent are left out, as Playground does."""
    x0, x1, y0, y1 = frame.extent
    xy = np.asarray(frame.points, float).reshape(-1, 2)
    inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    c = np.clip(((xy[:, 0] - x0) / (x1 - x0) * cols).astype(int), 0, cols - 1)
    r = np.clip(((y1 - xy[:, 1]) / (y1 - y0) * rows).astype(int), 0, rows - 1)
    wrong = frame.wrong
    code = np.asarray(frame.labels).astype(np.int8) * 2 + wrong
    keep = np.flatnonzero(inside)
    keep = keep[np.argsort(wrong[keep], kind="stable")]  # the misclassified last: their writes win
    flat = (r * cols + c)[keep][::-1]
    ids, first = np.unique(flat, return_index=True)  # the first in reverse: the last point of each cell
    cells = np.full(rows * cols, NO_POINT, np.int8)
    cells[ids] = code[keep[::-1][first]]
    return cells.reshape(rows, cols)
