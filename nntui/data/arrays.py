"""What every loader returns: training and test arrays with integer class labels, and where they came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError


@dataclass(frozen=True)
class Arrays:
    """Samples ``x`` (uint8 pixels to be scaled to [0, 1], or float32 used as they are; one row per
    sample) and integer class labels ``y`` from 0, for training and test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    #: One name per class (None: the classes are called 0, 1, ...).
    class_names: tuple[str, ...] | None = None
    #: The data set's name for status lines: "MNIST", "spiral", "train.csv", ...
    title: str = ""

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The shape of one sample, without the batch axis: (28, 28), (2,), (784,), ..."""
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """len(class_names) if given, else the largest label + 1."""
        if self.class_names is not None:
            return len(self.class_names)
        top = [int(y.max()) for y in (self.y_train, self.y_test) if y.size]
        return max(top, default=0) + 1

    def names(self) -> tuple[str, ...]:
        """A name per class: class_names, else "0", "1", ..."""
        return self.class_names if self.class_names is not None else tuple(map(str, range(self.num_classes)))


def integer_labels(y: np.ndarray, field: str) -> np.ndarray:
    """Class labels as int64 (n,): integers (or integral floats) from 0; else a DataError naming ``field``."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(f"{field}: labels have shape {y.shape}; expected one integer class per sample (n,)")
    if y.dtype.kind == "b" or y.dtype.kind not in "iuf":
        raise DataError(f"{field}: labels are {y.dtype}; expected integer classes 0, 1, 2, ...")
    if y.dtype.kind == "f":
        bad = ~np.isfinite(y) | (y != np.floor(y))
        if bad.any():
            first = int(np.argmax(bad))
            raise DataError(f"{field}: label {y[first].item()!r} (sample {first}) is not an integer class 0, 1, 2, ...")
    if y.size and y.min() < 0:
        first = int(np.argmax(y < 0))
        raise DataError(f"{field}: label {y[first]} (sample {first}) is negative; classes are numbered from 0")
    return y.astype(np.int64)


def check_memory(path, need: int, memory_limit: int | None) -> None:
    """Refuse to read ``path`` when reading it takes more than ``memory_limit`` bytes (None: no limit known)."""
    if memory_limit is not None and need > memory_limit:
        raise DataError(f"{path}: reading it needs about {size_text(need)} of memory but only "
                        f"{size_text(memory_limit)} is available; use a smaller file")


def size_text(n: float) -> str:
    """Bytes in the unit that reads best: '1.2 GiB', '340 MiB', '12 KiB'."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f} {unit}" if unit == "GiB" else f"{n / (1 << shift):.0f} {unit}"
    return f"{int(n)} B"


def home(env: Mapping[str, str]) -> Path:
    """The home directory per env's HOME, else the user's."""
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def display(path: Path, env: Mapping[str, str]) -> str:
    """path with the home directory shown as ~ (for messages)."""
    base = str(home(env))
    text = str(path)
    if base not in ("", "/") and (text == base or text.startswith(base + os.sep)):
        return "~" + text[len(base):]
    return text


def one_line(text: str) -> str:
    """text on one line (the CLI prints messages as one line)."""
    return " ".join(text.split())
