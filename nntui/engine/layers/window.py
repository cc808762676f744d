"""The geometry of 2-D window layers (convolution and pooling, NHWC, channels last) and their shared settings.

A 2-D window layer slides a ``kh x kw`` window over the height and width axes with strides
``(sh, sw)``. Keras's two padding modes decide the output size:

- ``"valid"``: no padding; ``out = floor((size - k) / s) + 1`` (rows or columns that no window
  reaches are dropped);
- ``"same"``: ``out = ceil(size / s)``; the input is padded by ``max((out - 1) * s + k - size, 0)``
  in total, the smaller half before and the larger half after (TensorFlow's rule).
"""

from __future__ import annotations

import numpy as np

from ..config import Field

PADDINGS = ("valid", "same")


def padding_field() -> Field:
    """The ``padding`` setting shared by convolution and pooling."""
    return Field("padding", "choice", "valid",
                 'valid: only whole windows (the output shrinks); same: zero-pad so that out = ceil(in / stride)',
                 choices=PADDINGS)


def output_length(size: int, k: int, s: int, padding: str) -> int:
    """Output length along one axis (0 when a valid window does not fit)."""
    if padding == "same":
        return -(-size // s)
    return max(0, (size - k) // s + 1)


def padding_amounts(size: int, k: int, s: int, padding: str) -> tuple[int, int]:
    """(before, after) padding along one axis, TensorFlow's rule for "same"; (0, 0) for "valid"."""
    if padding != "same":
        return 0, 0
    out = output_length(size, k, s, padding)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class Window:
    """The geometry of a 2-D window layer on one input shape: sizes, paddings and offset slices."""

    __slots__ = ("c", "h", "hp", "kh", "kw", "oh", "ow", "padded", "pb", "pl", "pr", "pt", "sh", "sw", "w", "wp")

    def __init__(self, input_shape, kernel: tuple[int, int], strides: tuple[int, int], padding: str):
        _, self.h, self.w, self.c = input_shape
        self.kh, self.kw = kernel
        self.sh, self.sw = strides
        self.oh = output_length(self.h, self.kh, self.sh, padding)
        self.ow = output_length(self.w, self.kw, self.sw, padding)
        self.pt, self.pb = padding_amounts(self.h, self.kh, self.sh, padding)
        self.pl, self.pr = padding_amounts(self.w, self.kw, self.sw, padding)
        self.hp = self.h + self.pt + self.pb
        self.wp = self.w + self.pl + self.pr
        self.padded = bool(self.pt or self.pb or self.pl or self.pr)

    @property
    def offsets(self):
        """Every kernel offset (i, j) in row-major order."""
        return [(i, j) for i in range(self.kh) for j in range(self.kw)]

    def window(self, xp, i: int, j: int):
        """The (n, oh, ow, c) view of the padded input ``xp`` seen by kernel offset (i, j)."""
        return xp[:, i:i + self.sh * (self.oh - 1) + 1:self.sh, j:j + self.sw * (self.ow - 1) + 1:self.sw, :]

    @property
    def overlapping(self) -> bool:
        """Whether two windows can share an input position (then backward must accumulate)."""
        return self.sh < self.kh or self.sw < self.kw

    @property
    def covered(self) -> tuple[int, int]:
        """How many padded rows and columns the windows reach (the rest is dropped by "valid")."""
        return self.sh * (self.oh - 1) + self.kh, self.sw * (self.ow - 1) + self.kw

    def interior(self, xp):
        """The unpadded part of a padded array."""
        return xp[:, self.pt:self.pt + self.h, self.pl:self.pl + self.w, :]

    def zero_uncovered(self, dxp) -> None:
        """Zero what the windows of a non-overlapping layer do not write (gaps, dropped rows/columns)."""
        if self.sh > self.kh or self.sw > self.kw:
            dxp.fill(0)
            return
        ch, cw = self.covered
        if ch < self.hp:
            dxp[:, ch:].fill(0)
        if cw < self.wp:
            dxp[:, :ch, cw:].fill(0)

    def pad_into(self, x, xp, fill) -> None:
        """Copy ``x`` into the middle of ``xp`` and set the border strips to ``fill``."""
        if self.pt:
            xp[:, :self.pt].fill(fill)
        if self.pb:
            xp[:, self.pt + self.h:].fill(fill)
        if self.pl:
            xp[:, self.pt:self.pt + self.h, :self.pl].fill(fill)
        if self.pr:
            xp[:, self.pt:self.pt + self.h, self.pl + self.w:].fill(fill)
        np.copyto(self.interior(xp), x)


# ---------------------------------------------------------------------- shape checks
def require_image(layer, input_shape) -> None:
    """Raise the layer's ShapeError unless the input is (batch, height, width, channels)."""
    if len(input_shape) == 4:
        return
    dims = input_shape[1:]
    if len(dims) == 2:
        h, w = dims
        fix = f"Use input_shape [{h}, {w}, 1] or insert Reshape(target_shape=({h}, {w}, 1)) first (one channel)."
    elif len(dims) == 1:
        side = round(dims[0] ** 0.5)
        if side > 1 and side * side == dims[0]:
            fix = (f"Insert Reshape(target_shape=({side}, {side}, 1)) first, or use input_shape "
                   f"[{side}, {side}, 1] if the data are {side}x{side} images.")
        else:
            fix = "Insert Reshape(target_shape=...) first."
    else:
        fix = "Insert Reshape(target_shape=(height, width, channels)) first."
    raise layer.shape_error("4-D input (batch, height, width, channels)", input_shape, fix)


def require_window_fits(layer, input_shape, kernel, padding: str, what: str, setting: str) -> None:
    """With "valid" padding a window larger than the input leaves an empty output: raise the ShapeError."""
    h, w = input_shape[1], input_shape[2]
    kh, kw = kernel
    if padding == "valid" and (h < kh or w < kw):
        raise layer.shape_error(
            f'height and width of at least {kh}x{kw} (its {what}) with padding="valid"', input_shape,
            f'The output would be empty. Use padding="same" or a smaller {setting}.')
