"""Losses with Keras's names and reduction (mean over the batch and any inner axes).

Each loss turns predictions and targets into the one scalar to minimise and its gradient.
When the output layer's activation is the loss's natural one (softmax for categorical
cross-entropies, sigmoid for binary cross-entropy) the two are fused: the gradient with
respect to the pre-activation is simply ``(p - y) / m``, which is exact and stable.
"""

from __future__ import annotations

import numpy as np

from .buffers import Buffers
from .shapes import ShapeError, format_shape

EPSILON = 1e-7  # Keras's backend epsilon, used to clip probabilities


class Loss:
    """Base class. ``target`` names the target layout: 'onehot', 'integer', 'binary' or 'value'."""

    name = ""
    description = ""
    fused_activation: str | None = None
    target = "value"

    def __init__(self):
        self.buffers = Buffers()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @staticmethod
    def rows(y_pred) -> int:
        """How many per-sample (or per-position) losses the mean is taken over."""
        return max(1, y_pred.size // y_pred.shape[-1])

    def value(self, y_pred, y_true) -> float:
        """The mean loss."""
        raise NotImplementedError

    def gradient(self, y_pred, y_true, out, fused: bool = False):
        """dL/d(y_pred), or dL/dz through the fused activation when ``fused``; written into ``out``."""
        raise NotImplementedError

    def can_fuse(self, activation_name: str | None) -> bool:
        """Whether the output activation and this loss may be differentiated together."""
        return self.fused_activation is not None and activation_name == self.fused_activation

    def target_shape(self, output_shape, num_classes: int):
        """The shape of the targets this loss compares with ``output_shape``."""
        return tuple(output_shape)

    def check_output(self, output_shape, activation_name: str | None, num_classes: int | None = None) -> None:
        """Raise a ShapeError when this loss cannot score an output of this shape and activation."""


def _clip(p, out):
    """out = p clipped to [EPSILON, 1 - EPSILON] (two ufunc calls: np.clip's Python wrapper costs more
    than the work on a batch of class probabilities)."""
    np.maximum(p, EPSILON, out=out)
    return np.minimum(out, 1.0 - EPSILON, out=out)


def _log_clipped(p, out):
    _clip(p, out)
    return np.log(out, out=out)


class _ClassCrossentropy(Loss):
    """Shared checks for the two categorical cross-entropies."""

    fused_activation = "softmax"

    def check_output(self, output_shape, activation_name, num_classes=None):
        units = output_shape[-1]
        if num_classes is not None and units != num_classes:
            raise ShapeError(
                f"{self.name} needs one output per class ({num_classes} units for {num_classes} classes); "
                f"the last layer gives {format_shape(output_shape)}.",
                fix=f"End the model with Dense({num_classes}, activation='softmax').")
        if activation_name != "softmax":
            raise ShapeError(
                f"{self.name} needs class probabilities from a softmax; the last layer's activation is "
                f"{activation_name or 'linear'!r}.", fix="Set activation='softmax' on the last layer.")


class CategoricalCrossentropy(_ClassCrossentropy):
    """-sum(y * log p) over the classes, for one-hot targets."""

    name = "categorical_crossentropy"
    description = "one-of-K classes, one-hot targets (softmax output)"
    target = "onehot"

    def value(self, y_pred, y_true):
        t = self.buffers.get("log", y_pred.shape, y_pred.dtype)
        _log_clipped(y_pred, t)
        t *= y_true
        return float(-t.sum(dtype=np.float64) / self.rows(y_pred))

    def gradient(self, y_pred, y_true, out, fused=False):
        m = self.rows(y_pred)
        if fused:
            np.subtract(y_pred, y_true, out=out)
        else:
            _clip(y_pred, out)
            np.divide(y_true, out, out=out)
            np.negative(out, out=out)
        out *= out.dtype.type(1.0 / m)
        return out

    def target_shape(self, output_shape, num_classes):
        return (*output_shape[:-1], num_classes)


class SparseCategoricalCrossentropy(_ClassCrossentropy):
    """Categorical cross-entropy with integer class targets."""

    name = "sparse_categorical_crossentropy"
    description = "one-of-K classes, integer targets (softmax output)"
    target = "integer"

    def _picked(self, y_pred, y_true):
        k = y_pred.shape[-1]
        flat = y_pred.reshape(-1, k)
        idx = y_true.reshape(-1)
        return flat, idx, flat[np.arange(flat.shape[0]), idx]

    def value(self, y_pred, y_true):
        _, _, picked = self._picked(y_pred, y_true)
        return float(-np.log(np.clip(picked, EPSILON, 1.0 - EPSILON)).mean(dtype=np.float64))

    def gradient(self, y_pred, y_true, out, fused=False):
        k = y_pred.shape[-1]
        flat_out = out.reshape(-1, k)
        idx = y_true.reshape(-1)
        rows = np.arange(flat_out.shape[0])
        inv_m = out.dtype.type(1.0 / flat_out.shape[0])
        if fused:
            np.multiply(y_pred.reshape(-1, k), inv_m, out=flat_out)
            flat_out[rows, idx] -= inv_m
        else:
            picked = np.clip(y_pred.reshape(-1, k)[rows, idx], EPSILON, 1.0 - EPSILON)
            flat_out.fill(0)
            flat_out[rows, idx] = -inv_m / picked
        return out

    def target_shape(self, output_shape, num_classes):
        return tuple(output_shape[:-1])


class BinaryCrossentropy(Loss):
    """-mean(y log p + (1 - y) log(1 - p)) for 0/1 targets, one per output unit."""

    name = "binary_crossentropy"
    description = "yes/no per output unit, 0/1 targets (sigmoid output)"
    fused_activation = "sigmoid"
    target = "binary"

    def value(self, y_pred, y_true):
        p = self.buffers.get("p", y_pred.shape, y_pred.dtype)
        _clip(y_pred, p)
        total = np.dot(np.log(p).ravel(), y_true.ravel().astype(p.dtype, copy=False))
        np.subtract(1.0, p, out=p)
        total += np.dot(np.log(p).ravel(), (1.0 - y_true).ravel().astype(p.dtype, copy=False))
        return float(-total / y_pred.size)

    def gradient(self, y_pred, y_true, out, fused=False):
        if fused:
            np.subtract(y_pred, y_true, out=out)
        else:
            p = self.buffers.get("p", y_pred.shape, y_pred.dtype)
            _clip(y_pred, p)
            np.subtract(p, y_true, out=out)
            out /= p
            np.subtract(1.0, p, out=p)
            out /= p
        out *= out.dtype.type(1.0 / y_pred.size)
        return out

    def check_output(self, output_shape, activation_name, num_classes=None):
        if activation_name == "softmax" and output_shape[-1] > 1:
            raise ShapeError(
                f"binary_crossentropy scores each output unit as an independent yes/no, but the last layer "
                f"gives {output_shape[-1]} softmax probabilities that compete (they sum to 1).",
                fix="Use categorical_crossentropy for one-of-K classes, or a sigmoid output for yes/no targets.")
        if activation_name != "sigmoid":
            raise ShapeError(
                f"binary_crossentropy needs probabilities in (0, 1) from a sigmoid; the last layer's "
                f"activation is {activation_name or 'linear'!r}.", fix="Set activation='sigmoid' on the last layer.")


class MeanSquaredError(Loss):
    """mean((p - y)^2)."""

    name = "mean_squared_error"
    description = "squared distance to the target values (regression)"

    def value(self, y_pred, y_true):
        d = self.buffers.get("d", y_pred.shape, y_pred.dtype)
        np.subtract(y_pred, y_true, out=d)
        flat = d.ravel()
        return float(np.dot(flat, flat) / y_pred.size)

    def gradient(self, y_pred, y_true, out, fused=False):
        np.subtract(y_pred, y_true, out=out)
        out *= out.dtype.type(2.0 / y_pred.size)
        return out


class MeanAbsoluteError(Loss):
    """mean(|p - y|)."""

    name = "mean_absolute_error"
    description = "absolute distance to the target values (robust regression)"

    def value(self, y_pred, y_true):
        d = self.buffers.get("d", y_pred.shape, y_pred.dtype)
        np.subtract(y_pred, y_true, out=d)
        return float(np.abs(d, out=d).sum(dtype=np.float64) / y_pred.size)

    def gradient(self, y_pred, y_true, out, fused=False):
        np.subtract(y_pred, y_true, out=out)
        np.sign(out, out=out)
        out *= out.dtype.type(1.0 / y_pred.size)
        return out


LOSSES = {cls.name: cls for cls in (CategoricalCrossentropy, SparseCategoricalCrossentropy,
                                    BinaryCrossentropy, MeanSquaredError, MeanAbsoluteError)}
ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


def get_loss(name: str) -> Loss:
    """A loss object by Keras name (``mse`` and ``mae`` accepted); KeyError if unknown."""
    return LOSSES[ALIASES.get(name, name)]()
