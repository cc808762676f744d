"""Arrays from an .npz file in Keras's mnist.npz layout: x_train, y_train, x_test, y_test."""

from __future__ import annotations

import os
import zipfile
from math import prod

import numpy as np

from .arrays import Arrays, check_memory, integer_labels, one_line
from .errors import DataError

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
_LAYOUT = "an npz for nntui holds x_train, y_train, x_test and y_test, like Keras's mnist.npz"


def npz_shapes(path: str | os.PathLike) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """(shape, dtype) of every array in an .npz, read from the headers only (nothing is loaded)."""
    _check_file(path)
    shapes = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if not member.endswith(".npy"):
                    continue
                with zf.open(member) as fp:
                    version = np.lib.format.read_magic(fp)
                    read = np.lib.format.read_array_header_1_0 if version == (1, 0) \
                        else np.lib.format.read_array_header_2_0
                    shape, _, dtype = read(fp)
                shapes[member.removesuffix(".npy")] = (tuple(shape), np.dtype(dtype))
    except Exception as e:  # BadZipFile, ValueError of a bad header, OSError, ...
        raise DataError(f"{path}: not a readable .npz file ({one_line(str(e)) or type(e).__name__})") from None
    return shapes


def read_npz(path: str | os.PathLike, keys=NPZ_KEYS) -> dict[str, np.ndarray]:
    """The arrays ``keys`` of an .npz (no pickles); a missing one is named in the DataError."""
    _check_file(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in keys if k not in npz.files]
            if missing:
                raise DataError(f"{path}: missing arrays: {', '.join(missing)} ({_LAYOUT})")
            return {k: npz[k] for k in keys}
    except DataError:
        raise
    except MemoryError:
        raise DataError(f"{path}: not enough memory to read it") from None
    except Exception as e:  # np.load raises many types (BadZipFile, ValueError, OSError, ...) on junk
        raise DataError(f"{path}: not a readable .npz file ({one_line(str(e)) or type(e).__name__})") from None


def load_npz(path: str | os.PathLike, *, memory_limit: int | None = None) -> Arrays:
    """x_train, y_train, x_test, y_test from ``path``: uint8 samples kept (to be scaled to [0, 1]), other
    numbers as float32 as they are; labels integers from 0. Refused before reading when the arrays and
    their float32 copy need more than ``memory_limit`` bytes."""
    shapes = npz_shapes(path)
    missing = [k for k in NPZ_KEYS if k not in shapes]
    if missing:
        raise DataError(f"{path}: missing arrays: {', '.join(missing)} ({_LAYOUT})")
    raw = sum(prod(shapes[k][0]) * shapes[k][1].itemsize for k in NPZ_KEYS)
    check_memory(path, raw + 4 * sum(prod(shapes[k][0]) for k in ("x_train", "x_test")), memory_limit)
    arrays = read_npz(path)
    x_train, x_test = (_samples(arrays[k], f"{path}[{k}]") for k in ("x_train", "x_test"))
    if x_train.shape[1:] != x_test.shape[1:]:
        raise DataError(f"{path}[x_test]: samples of shape {x_test.shape[1:]}, but x_train's are {x_train.shape[1:]}")
    if x_train.dtype != x_test.dtype:  # one uint8, one not: both as numbers, unscaled
        x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
    ys = []
    for split, x in (("train", x_train), ("test", x_test)):
        y = integer_labels(arrays[f"y_{split}"], f"{path}[y_{split}]")
        if len(y) != len(x):
            raise DataError(f"{path}[y_{split}]: {len(y)} labels but {len(x)} samples in x_{split}")
        ys.append(y)
    if len(x_train) == 0:
        raise DataError(f"{path}[x_train]: no samples")
    return Arrays(x_train, ys[0], x_test, ys[1], source=str(path), title=os.path.basename(path))


def _samples(x: np.ndarray, field: str) -> np.ndarray:
    if x.ndim < 2:
        raise DataError(f"{field}: shape {x.shape}; expected one sample per row (n, ...), e.g. (n, 28, 28)")
    if x.dtype == np.uint8:
        return x
    if x.dtype.kind not in "biuf":
        raise DataError(f"{field}: samples are {x.dtype}; expected numbers (uint8 pixels or floats)")
    x = x.astype(np.float32, copy=False)
    finite = np.isfinite(x).reshape(len(x), -1).all(axis=1)
    if not finite.all():
        raise DataError(f"{field}: sample {int(np.argmin(finite))} holds NaN or infinity")
    return x


def _check_file(path) -> None:
    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory, expected an .npz file")
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise DataError(f"{path}: permission denied")
