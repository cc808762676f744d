"""Saving and loading a model's weights as .npz (Keras-style names: 'dense/kernel'), atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..engine.model import Model
from .atomic import atomic_write
from .npz_file import read_npz


class WeightsError(ValueError):
    """A weights file cannot be written or does not fit the model; one line naming the file."""


def save_weights(model: Model, path) -> None:
    """Write every weight (trainable or not) to ``path`` as an uncompressed .npz."""
    weights = model.get_weights()
    try:
        atomic_write(Path(path), lambda fh: np.savez(fh, **weights))
    except OSError as exc:
        raise WeightsError(f"{path}: cannot write weights ({exc.strerror or exc})") from None


def load_weights(model: Model, path) -> None:
    """Load weights saved by :func:`save_weights`; WeightsError names the file and the first misfit."""
    weights = read_npz(path, WeightsError, "no such file", "not a readable .npz weights file")
    try:
        model.set_weights(weights)
    except ValueError as exc:
        raise WeightsError(f"{path}: {exc}") from None
