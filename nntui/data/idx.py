"""Reader for the IDX format of the MNIST files (gzipped or raw)."""

from __future__ import annotations

import gzip
import math
import os
import zlib

import numpy as np

from .errors import DataError

IMAGES_MAGIC = 0x00000803  # uint8, 3 dims
LABELS_MAGIC = 0x00000801  # uint8, 1 dim

# Third magic byte -> big-endian element type.
_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_KNOWN_KINDS = {IMAGES_MAGIC: "an image file", LABELS_MAGIC: "a label file"}
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path: str | os.PathLike, *, expected_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (gzip detected by content) into a writable native-endian array."""
    data = _decompress(path, _read_bytes(path))
    if len(data) < 4:
        raise DataError(f"{path}: truncated: {len(data)} bytes is too short for an IDX header")
    magic = int.from_bytes(data[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        kind = _KNOWN_KINDS.get(expected_magic, "this file")
        raise DataError(f"{path}: wrong magic number {magic} (expected {expected_magic} for {kind})")
    dtype = _DTYPES.get(data[2])
    if data[0] != 0 or data[1] != 0 or dtype is None:
        raise DataError(f"{path}: not an IDX file (magic number 0x{magic:08X})")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: truncated: header needs {header} bytes for {ndim} dims, found {len(data)}")
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = math.prod(dims) * dtype.itemsize
    found = len(data) - header
    if found < expected:
        raise DataError(f"{path}: truncated: expected {expected} bytes of data, found {found}")
    if found > expected:
        raise DataError(
            f"{path}: {found - expected} unexpected trailing bytes "
            f"(expected {expected} bytes of data, found {found})"
        )
    array = np.frombuffer(data, dtype=dtype, count=math.prod(dims), offset=header)
    # astype copies: the result is writable (frombuffer over bytes is read-only) and native-endian.
    return array.astype(dtype.newbyteorder("="), copy=True).reshape(dims)


def _read_bytes(path: str | os.PathLike) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected an IDX file") from None
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror or e}") from None


def _decompress(path: str | os.PathLike, raw: bytes) -> bytes:
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise DataError(f"{path}: truncated gzip data (the file ends too early)") from None
    except (OSError, zlib.error) as e:  # gzip.BadGzipFile is an OSError: bad CRC, bad length, junk
        raise DataError(f"{path}: corrupt gzip data ({_one_line(e)})") from None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__
