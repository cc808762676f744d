"""im2col and col2im over a window layer's geometry (see window.py), and BLAS column sums.

``im2col`` gathers every window of a batch into the rows of a matrix so that a convolution is one
matrix product; it is written as ``kh * kw`` strided slice copies (one per kernel offset), never a
loop over pixels or samples. ``col2im`` is its adjoint (the slice copies become slice additions).
"""

from __future__ import annotations

import numpy as np

from .window import Window


def im2col(g: Window, xp, cols) -> None:
    """cols[n, oh, ow, i, j, c] = xp[n, i + sh*oh, j + sw*ow, c]: one strided copy per kernel offset.

    ``cols`` reshaped to (n*oh*ow, kh*kw*c) times the kernel reshaped to (kh*kw*c, filters) is the
    convolution, already in NHWC order.
    """
    for i, j in g.offsets:
        np.copyto(cols[:, :, :, i, j, :], g.window(xp, i, j))


def col2im(g: Window, dcols, dxp) -> None:
    """The adjoint of :func:`im2col`: dxp = sum over offsets of the window gradients (overwrites dxp)."""
    if g.overlapping:
        dxp.fill(0)
        for i, j in g.offsets:
            view = g.window(dxp, i, j)
            np.add(view, dcols[:, :, :, i, j, :], out=view)
        return
    # windows do not overlap: each position is written by at most one offset
    g.zero_uncovered(dxp)
    for i, j in g.offsets:
        np.copyto(g.window(dxp, i, j), dcols[:, :, :, i, j, :])


# ---------------------------------------------------------------------- reductions
_ONES: dict = {}


def ones(m: int, dtype) -> np.ndarray:
    """A read-only vector of ``m`` ones (a view of a shared array that grows as needed)."""
    dtype = np.dtype(dtype)
    buf = _ONES.get(dtype)
    if buf is None or buf.shape[0] < m:
        buf = np.ones(max(m, 1024), dtype)
        buf.flags.writeable = False
        _ONES[dtype] = buf
    return buf[:m]


def column_sums(a2, out) -> np.ndarray:
    """``out[j] = sum_i a2[i, j]`` as one BLAS matrix-vector product (several times faster than
    ``np.sum(a2, axis=0)`` on a tall, narrow float32 matrix such as a bias gradient)."""
    return np.matmul(ones(a2.shape[0], a2.dtype), a2, out=out)
