"""Samples from CSV files: a header row, the class label in one column, every other column a number.

Kaggle's MNIST ``train.csv`` (label, pixel0 ... pixel783) works as it is. Parsing is NumPy's C reader
(``np.loadtxt``); only when it fails, or the numbers break a rule, a slower pass over the lines finds the
first bad line and column for the message. A file whose features are all integers 0 to 255 is read as
8-bit pixels (uint8, to be scaled to [0, 1] like MNIST); any other is float32, used as it is.
"""

from __future__ import annotations

import csv
import os
import warnings
from math import ceil

import numpy as np

from .arrays import Arrays, check_memory, one_line
from .errors import DataError

_SAMPLE = 1 << 20  # bytes read to estimate the rows of a large file
_BYTES_PER_CELL = 8  # the int32 or float32 parse, then the float32 copy a model trains on


def load_csv(path: str | os.PathLike, test_path: str | os.PathLike | None = None, *,
             label_column: str | None = None, test_split: float = 0.2,
             memory_limit: int | None = None) -> Arrays:
    """Training samples from ``path`` and test samples from ``test_path`` (same columns); without a
    test file the last ``test_split`` of path's rows are the test set. ``label_column`` names the label's
    column (default: the first). Refused before parsing when the data needs more than ``memory_limit``."""
    files = [_Table.read(path, label_column, memory_limit)]
    if test_path is not None:
        test = _Table.read(test_path, label_column, memory_limit)
        if len(test.names) != len(files[0].names):
            raise DataError(f"{test_path}, line 1: {len(test.names)} columns, but {path} has {len(files[0].names)}")
        files.append(test)
    pixels = all(t.is_pixels() for t in files)
    xs = [t.features(np.uint8 if pixels else np.float32) for t in files]
    ys = [t.labels() for t in files]
    if test_path is None:
        n = len(ys[0])
        n_test = ceil(n * test_split)
        if not 0 < n_test < n:
            raise DataError(f"{path}: {n} row{'s' * (n != 1)} cannot be split into training and test rows "
                            f"(test_split {test_split:g}); give a test file")
        xs, ys = [xs[0][:n - n_test], xs[0][n - n_test:]], [ys[0][:n - n_test], ys[0][n - n_test:]]
    source = str(path) if test_path is None else f"{path}, {test_path}"
    return Arrays(xs[0], ys[0], xs[1], ys[1], source=source, title=os.path.basename(path))


class _Table:
    """One parsed file: the header's names, the numbers (int32 when every cell is an integer, else
    float32), and which column is the label."""

    def __init__(self, path, names: list[str], label: int, values: np.ndarray):
        self.path, self.names, self.label, self.values = path, names, label, values

    @classmethod
    def read(cls, path, label_column: str | None, memory_limit: int | None) -> _Table:
        names, header_bytes = read_header(path)
        label = _label_index(path, names, label_column)
        if len(names) < 2:
            raise DataError(f"{path}, line 1: one column; expected the label and at least one feature column")
        size = os.path.getsize(path)
        check_memory(path, estimate_rows(path, header_bytes, size) * len(names) * _BYTES_PER_CELL, memory_limit)
        values = _parse(path, names, label)
        if values.shape[0] == 0:
            raise DataError(f"{path}: no rows under the header; expected one row per sample")
        if values.shape[1] != len(names):
            cols = values.shape[1]
            raise _locate(path, names, label) or DataError(
                f"{path}, line 2: {cols} column{'s' * (cols != 1)}, but the header names {len(names)}")
        table = cls(path, names, label, values)
        table.check()
        return table

    def check(self) -> None:
        """Labels integers from 0 and every number finite, else the first bad cell's line and column."""
        y = self.values[:, self.label]
        bad = y < 0
        if self.values.dtype.kind == "f":
            bad |= ~np.isfinite(y) | (y != np.floor(y))
            bad_rows = bad | ~np.isfinite(self.values).all(axis=1)
        else:
            bad_rows = bad
        if bad_rows.any():
            raise _locate(self.path, self.names, self.label) or DataError(
                f"{self.path}: row {int(np.argmax(bad_rows)) + 1} under the header has a bad label or number")

    def is_pixels(self) -> bool:
        """Whether every feature is an integer 0..255 (read as uint8 pixels)."""
        if self.values.dtype.kind != "i":
            return False
        features = self.feature_view()
        return all(part.size == 0 or (part.min() >= 0 and part.max() <= 255) for part in features)

    def feature_view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.values[:, :self.label], self.values[:, self.label + 1:]

    def features(self, dtype) -> np.ndarray:
        """Every column but the label, as ``dtype``."""
        left, right = self.feature_view()
        out = np.empty((self.values.shape[0], self.values.shape[1] - 1), dtype)
        out[:, :left.shape[1]] = left
        out[:, left.shape[1]:] = right
        return out

    def labels(self) -> np.ndarray:
        return self.values[:, self.label].astype(np.int64)


def read_header(path) -> tuple[list[str], int]:
    """The header's column names and its length in bytes."""
    try:
        with open(path, "rb") as f:
            first = f.readline()
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a CSV file") from None
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}, line 1: not text; expected a CSV file with a header row") from None
    if not text.strip():
        raise DataError(f"{path}: {'empty file' if not first else 'line 1 is empty'}; "
                        "expected a header row of column names, then one row per sample")
    names = [n.strip() for n in next(csv.reader([text]))]
    if all(_is_number(n) for n in names):
        raise DataError(f"{path}, line 1: the first row holds numbers; a CSV file for nntui starts with a "
                        "header row (column names, the label first or named by label_column)")
    return names, len(first)


def _label_index(path, names: list[str], label_column: str | None) -> int:
    if label_column is None:
        return 0
    if label_column in names:
        return names.index(label_column)
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    raise DataError(f"{path}, line 1: no column named {label_column!r} for the label (columns: {shown})")


def estimate_rows(path, header_bytes: int, size: int) -> int:
    """Rows of the file judged by the lines in its first megabyte (every row when it is smaller)."""
    with open(path, "rb") as f:
        f.seek(header_bytes)
        sample = f.read(_SAMPLE)
    if len(sample) + header_bytes >= size:
        return sample.count(b"\n") + (not sample.endswith(b"\n"))
    lines = sample.count(b"\n")
    if lines == 0:  # not one row in a megabyte: count cells of two bytes ("0,")
        return (size - header_bytes) // 2
    return ceil((size - header_bytes) / (sample.rindex(b"\n") + 1) * lines)


def _parse(path, names: list[str], label: int) -> np.ndarray:
    """All rows as int32 if every cell is an integer, else float32; a DataError naming the bad cell."""
    for dtype in (np.int32, np.float32):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "input contained no data": checked by the caller
                return np.loadtxt(path, delimiter=",", skiprows=1, dtype=dtype, ndmin=2, comments=None,
                                  quotechar='"', encoding="utf-8")
        except MemoryError:
            raise DataError(f"{path}: not enough memory to read it") from None
        except (ValueError, OverflowError) as e:
            reason = one_line(str(e))
            if dtype is np.int32 and reason.startswith("could not convert"):
                continue  # a cell that is not an int32: try floats
            raise _locate(path, names, label) or DataError(f"{path}: not a CSV file of numbers ({reason})") from None
    raise AssertionError("unreachable")


def _locate(path, names: list[str], label: int) -> DataError | None:
    """The first ragged row, non-number, infinite number or bad label, as a DataError naming its line
    and column (None when every line looks right)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader, None)
            for row in reader:
                if not row:
                    continue  # blank lines are skipped, as np.loadtxt does
                where = f"{path}, line {reader.line_num}"
                if len(row) != len(names):
                    column = min(len(row), len(names)) + 1
                    what = "missing" if len(row) < len(names) else "one too many"
                    return DataError(f"{where}, column {column}: {what} (the row has {len(row)} "
                                     f"column{'s' * (len(row) != 1)}, the header {len(names)})")
                if _row_is_fine(row, label):
                    continue
                for j, cell in enumerate(row):
                    at = f"{where}, column {j + 1} ({names[j]})"
                    if not _is_number(cell):
                        return DataError(f"{at}: {cell.strip()!r} is not a number")
                    value = float(cell)
                    if not np.isfinite(value):
                        return DataError(f"{at}: {cell.strip()!r} is not a finite number")
                    if j == label and (value < 0 or value != np.floor(value)):
                        return DataError(f"{at}: {cell.strip()!r} is not a class label (an integer from 0)")
    except UnicodeDecodeError:
        return DataError(f"{path}, line {_first_undecodable_line(path)}: not UTF-8 text; expected a CSV file")
    except csv.Error as e:
        return DataError(f"{path}: not a CSV file ({one_line(str(e))})")
    return None


def _first_undecodable_line(path) -> int:
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _row_is_fine(row: list[str], label: int) -> bool:
    """Every cell a finite number, the label an integer from 0 (one C conversion for the whole row)."""
    try:
        values = np.asarray(row, dtype=np.float64)
    except ValueError:
        return False
    return bool(np.isfinite(values).all() and values[label] >= 0 and values[label] == np.floor(values[label])
                and not any("_" in cell for cell in row))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return "_" not in text
