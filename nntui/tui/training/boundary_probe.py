"""The decision boundary of a run on 2-D samples, taken by the training worker between two batches.

:class:`BoundaryProbe` belongs to the worker thread: between two ``next()`` calls of the training
generator (when no batch is half done) it runs the model on a grid over the plane and on the training
points and hands the screen a :class:`~nntui.tui.boundary.plane.BoundaryFrame` of new arrays, which the
training thread never writes again. It takes a frame at most every :data:`INTERVAL` seconds (twice a
second; every snapshot after an epoch's end asks, so an epoch longer than that always gets one), and
always when asked to (a pause, the end of the run). A frame costs a forward pass over
``RESOLUTION**2`` points: about a millisecond for Playground's small networks.
"""

from __future__ import annotations

from math import prod

import numpy as np

from ...preset.data_spec import PLAYGROUND_SETS
from ..boundary.plane import (
    EXTENT,
    BoundaryFrame,
    Extent,
    class_one_probability,
    grid_points,
)

INTERVAL = 0.5  # seconds: at most two frames a second while training
RESOLUTION = 100  # Playground's density: a 100 x 100 grid over the plane
MAX_POINTS = 2000  # training points drawn (the first ones; Playground draws 250)


def data_extent(points: np.ndarray) -> Extent:
    """A square around the points with a margin (Playground's sets: its plane, -6 to 6)."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2 * 1.1, 1e-6)
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))


class BoundaryProbe:
    """p(class 1) on the plane and the model's class of each training point, for output ``index``."""

    def __init__(self, trainer, index: int, points: np.ndarray, labels: np.ndarray, input_shape,
                 extent: Extent = EXTENT) -> None:
        self.trainer, self.index, self.extent = trainer, index, extent
        self.input_shape = tuple(input_shape)
        self.points = np.ascontiguousarray(points[:MAX_POINTS], np.float32).reshape(-1, 2)
        self.labels = np.asarray(labels[:MAX_POINTS]).astype(np.int64)
        self.grid = grid_points(RESOLUTION, RESOLUTION, extent).reshape(-1, *self.input_shape)
        self.frame: BoundaryFrame | None = None
        self._due = 0.0

    @classmethod
    def for_run(cls, setup, data) -> BoundaryProbe | None:
        """A probe when the model reads 2 values and an output tells 2 classes apart, else None."""
        shape = tuple(setup.preset.model.input_shape)
        classes = data.sizes.classes if data.sizes is not None else None
        if prod(shape) != 2 or classes != 2:
            return None
        index = next((i for i, p in enumerate(setup.plans) if p.rule.name in ("label", "digit")), None)
        if index is None:
            return None
        n = len(data.train)
        points = data.train.x.reshape(n, 2)
        extent = EXTENT if setup.preset.data.dataset in PLAYGROUND_SETS else data_extent(points)
        return cls(setup.trainer, index, points, data.arrays.y_train[:n], shape, extent)

    def _predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.trainer.predict(x, batch_size=4096)[self.index])

    def _classes(self, points: np.ndarray) -> np.ndarray:
        out = self._predict(points.reshape(-1, *self.input_shape)).reshape(len(points), -1)
        return (out[:, 0] > 0.5).astype(np.int64) if out.shape[1] == 1 else out.argmax(axis=1)

    def _probability(self) -> np.ndarray:
        out = self._predict(self.grid).reshape(len(self.grid), -1)
        return class_one_probability(out).astype(np.float32).reshape(RESOLUTION, RESOLUTION)

    def take(self, now: float, force: bool = False) -> BoundaryFrame | None:
        """A new frame when one is due (or ``force``), else the last one. Call between batches only."""
        if force or now >= self._due:
            self.frame = BoundaryFrame(self._probability(), self.points, self.labels, self._classes(self.points),
                                       self.extent)
            self._due = now + INTERVAL
        return self.frame

    def test_frame(self, x_test: np.ndarray, y_test: np.ndarray, predicted: np.ndarray) -> BoundaryFrame:
        """The plane of the final weights under the test points, the misclassified ones marked."""
        n = len(x_test)
        return BoundaryFrame(self._probability(), np.asarray(x_test, np.float32).reshape(n, 2),
                             np.asarray(y_test).astype(np.int64), np.asarray(predicted).reshape(n).astype(np.int64),
                             self.extent)


__all__ = ["BoundaryProbe", "INTERVAL", "RESOLUTION", "data_extent"]
