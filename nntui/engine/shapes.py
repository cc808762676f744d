"""Shape tuples in Keras notation (batch axis None) and the ShapeError that explains a misfit."""

from __future__ import annotations

from math import prod

Shape = tuple  # e.g. (None, 28, 28, 1); element 0 is the batch axis (None)


class ShapeError(ValueError):
    """A layer cannot accept the shape it receives.

    The message says what the layer needs, what it received and how to fix it, e.g.
    ``Conv2D needs 4-D input (batch, height, width, channels); it received (None, 512).
    Insert Reshape(target_shape=...) first.``
    """

    def __init__(self, message: str, *, layer: str | None = None, fix: str | None = None):
        self.reason = message
        self.fix = fix
        self.layer = layer
        super().__init__(message if not fix else f"{message} {fix}")


def format_shape(shape) -> str:
    """Render a shape the way Keras prints it: ``(None, 28, 28, 1)``, ``(None, 10)``."""
    parts = ["None" if d is None else str(d) for d in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def batch_shape(input_shape) -> Shape:
    """Prepend the batch axis: ``(784,)`` -> ``(None, 784)``."""
    return (None, *tuple(input_shape))


def sample_size(shape) -> int:
    """Number of values per sample (the product of all axes but the batch axis)."""
    return int(prod(shape[1:]))


def rank_name(rank: int) -> str:
    """Human text for a rank including the batch axis: 2 -> '2-D'."""
    return f"{rank}-D"
