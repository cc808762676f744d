"""Accuracy in its three forms, chosen as Keras 3 chooses for ``metrics=["accuracy"]``."""

from __future__ import annotations

import numpy as np


def categorical_correct(y_pred, y_true) -> int:
    """How many rows have their largest prediction at the one-hot target's class."""
    return int(np.count_nonzero(y_pred.argmax(axis=-1) == y_true.argmax(axis=-1)))


def sparse_categorical_correct(y_pred, y_true) -> int:
    """How many rows have their largest prediction at the integer target."""
    return int(np.count_nonzero(y_pred.argmax(axis=-1) == y_true))


def binary_correct(y_pred, y_true, threshold: float = 0.5) -> int:
    """How many values fall on the same side of ``threshold`` as their 0/1 target."""
    return int(np.count_nonzero((y_pred > threshold) == (y_true > threshold)))


class Accuracy:
    """Counts correct predictions of one kind; ``count(y_pred, y_true)`` returns (correct, total)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._fn = {"categorical": categorical_correct, "sparse": sparse_categorical_correct,
                    "binary": binary_correct}[kind]

    def __repr__(self) -> str:
        return f"Accuracy({self.kind!r})"

    def count(self, y_pred, y_true) -> tuple[int, int]:
        """(number correct, number scored) for one batch."""
        total = y_pred.size if self.kind == "binary" else y_pred.size // y_pred.shape[-1]
        return self._fn(y_pred, y_true), total


def accuracy_for(target: str, output_units: int) -> Accuracy:
    """The accuracy Keras 3 picks: binary for one unit, sparse for integer targets, else categorical."""
    if output_units == 1:
        return Accuracy("binary")
    if target == "integer":
        return Accuracy("sparse")
    return Accuracy("categorical")
