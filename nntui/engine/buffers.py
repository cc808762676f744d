"""Reusable scratch arrays so that the hot path allocates nothing after the first batch."""

from __future__ import annotations

import numpy as np


class Buffers:
    """Named arrays that grow to the largest batch seen and are handed out as views."""

    __slots__ = ("_arrays",)

    def __init__(self):
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, key: str, shape: tuple, dtype) -> np.ndarray:
        """An uninitialised array of ``shape`` (a view of a kept buffer when one fits)."""
        buf = self._arrays.get(key)
        if buf is None or buf.shape[1:] != shape[1:] or buf.shape[0] < shape[0] or buf.dtype != dtype:
            buf = np.empty(shape, dtype)
            self._arrays[key] = buf
            return buf
        return buf if buf.shape[0] == shape[0] else buf[: shape[0]]

    def zeros(self, key: str, shape: tuple, dtype) -> np.ndarray:
        """Like :meth:`get`, filled with zeros."""
        buf = self.get(key, shape, dtype)
        buf.fill(0)
        return buf

    def clear(self) -> None:
        """Drop every buffer (after a change of shapes or to free memory)."""
        self._arrays.clear()

    def nbytes(self) -> int:
        """Bytes held."""
        return sum(a.nbytes for a in self._arrays.values())
