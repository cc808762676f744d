"""What a preset's data set is before it is loaded: where its files are and its sizes.

:func:`data_sizes` says, cheaply, what the builder's checks and the run setup need to know about the
data: the shape of one sample, the number of classes, their names, and how many samples there are.
MNIST's and Playground's sizes are known; an npz file's come from its headers and its label arrays;
a CSV file's sample shape from its header, its classes from its labels when the file is small (a
larger one is read when the run starts, and checked then). Files are read again only when they change.

Relative ``path`` and ``test_path`` are read from the preset file's folder (a preset without a file,
or a shipped one: the current folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from math import ceil, prod
from pathlib import Path

from ..data.arrays import Arrays, integer_labels
from ..data.csv_file import estimate_rows, load_csv, read_header
from ..data.errors import DataError
from ..data.fashion_mnist import CLASS_NAMES as FASHION_NAMES
from ..data.mnist import DIGITS, EXPECTED_COUNTS
from ..data.npz import NPZ_KEYS, npz_shapes, read_npz
from ..data.playground import CLASS_NAMES as PLAYGROUND_NAMES
from .data_spec import PLAYGROUND_SETS, TITLES, DataSpec
from .loader import builtin_dirs
from .preset import Preset

#: CSV files up to this size are read whole to count their classes while editing (Kaggle's 73 MB
#: train.csv takes 3 s: it is read when the run starts).
CSV_READ_LIMIT = 4 << 20
_CACHE_SIZE = 16
_cache: dict[tuple, DataSizes] = {}


@dataclass(frozen=True)
class DataSizes:
    """A data set's sizes; None where they are not known (yet). ``problem`` says why a file cannot be
    used, ``problem_field`` which [data] key names it."""

    dataset: str
    title: str
    sample_shape: tuple[int, ...] | None
    classes: int | None
    class_names: tuple[str, ...] | None = None
    train: int | None = None
    test: int | None = None
    problem: str | None = None
    problem_field: str = "data.path"

    @property
    def values(self) -> int | None:
        """Numbers in one sample (784 for MNIST), None when unknown."""
        return prod(self.sample_shape) if self.sample_shape is not None else None

    def shape_text(self) -> str:
        """One sample's shape for people: '28x28', '2 values', '784 values', '?'."""
        if self.sample_shape is None:
            return "?"
        if len(self.sample_shape) == 1:
            n = self.sample_shape[0]
            return f"{n:,} value{'s' * (n != 1)}"
        return "x".join(map(str, self.sample_shape))

    def summary(self) -> str:
        """'MNIST: 28x28, 10 classes', 'spiral: 2 values, 2 classes', 'train.csv: 784 values, ? classes'."""
        classes = "?" if self.classes is None else f"{self.classes}"
        return f"{self.title}: {self.shape_text()}, {classes} class{'es' * (self.classes != 1)}"

    def names(self) -> tuple[str, ...] | None:
        """A name per class (class_names, else '0', '1', ...), None when the classes are unknown."""
        if self.class_names is not None:
            return self.class_names
        return None if self.classes is None else tuple(map(str, range(self.classes)))


def base_dir(preset: Preset) -> Path:
    """Where relative data paths start: the preset file's folder, else (no file, or a shipped preset) the
    current folder."""
    if preset.path is None or Path(preset.path).parent in builtin_dirs():
        return Path.cwd()
    return Path(preset.path).parent


def data_file(preset: Preset, value: str) -> Path:
    """A [data] path as a file: ``~`` expanded, relative to :func:`base_dir`."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir(preset) / path


def data_sizes(preset: Preset) -> DataSizes:
    """The preset's data set's sizes, as far as they are known without loading it."""
    d = preset.data
    if d.dataset == "mnist":
        return DataSizes("mnist", "MNIST", (28, 28), 10, DIGITS, *EXPECTED_COUNTS)
    if d.dataset == "fashion_mnist":
        return DataSizes("fashion_mnist", "Fashion-MNIST", (28, 28), 10, FASHION_NAMES, *EXPECTED_COUNTS)
    if d.dataset in PLAYGROUND_SETS:
        test = d.test_samples if d.test_samples is not None else d.samples
        return DataSizes(d.dataset, d.dataset, (2,), 2, PLAYGROUND_NAMES, d.samples, test)
    if d.path is None:
        return DataSizes(d.dataset, TITLES[d.dataset], None, None,
                         problem=f"no file yet: dataset {d.dataset!r} reads the file named by data.path")
    paths = [data_file(preset, d.path)] + ([data_file(preset, d.test_path)] if d.test_path else [])
    key = (d.dataset, d.label_column, d.test_split, *((str(p), *_stat(p)) for p in paths))
    if key not in _cache:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = _npz_sizes(paths[0]) if d.dataset == "npz" else _csv_sizes(d, paths)
    return _cache[key]


def sizes_of(arrays: Arrays, dataset: str) -> DataSizes:
    """The sizes of loaded arrays."""
    return DataSizes(dataset, arrays.title or TITLES.get(dataset, dataset), arrays.sample_shape, arrays.num_classes,
                     arrays.class_names, len(arrays.x_train), len(arrays.x_test))


def input_shape_problem(preset: Preset, sizes: DataSizes, *, toml: bool = False) -> str | None:
    """Why the model's input shape cannot take the data set's samples (None when it can, or when
    the samples' shape is not known); shapes as tuples, or as TOML lists with ``toml``."""
    shape = tuple(preset.model.input_shape)
    if sizes.values is None or prod(shape) == sizes.values:
        return None
    what = f"{sizes.values:,} values" + (f" ({sizes.shape_text()})" if len(sizes.sample_shape or ()) > 1 else "")
    return (f"{sizes.title} samples have {what} but "
            f"{'' if toml else 'the input shape '}{shape_text(shape, toml)} holds {prod(shape):,}; "
            f"use {shape_suggestion(sizes, toml=toml)}")


def shape_text(shape: tuple[int, ...], toml: bool = False) -> str:
    """(784,) or, with ``toml``, [784]."""
    inner = ", ".join(map(str, shape))
    return f"[{inner}]" if toml else f"({inner}{',' if len(shape) == 1 else ''})"


def shape_suggestion(sizes: DataSizes, *, toml: bool = False) -> str:
    """Input shapes that take the samples: '(784,), (28, 28) or (28, 28, 1)', '(2,)'."""
    flat = shape_text((sizes.values,), toml)
    if sizes.sample_shape is None or len(sizes.sample_shape) == 1:
        return flat
    sample = shape_text(sizes.sample_shape, toml)
    if len(sizes.sample_shape) == 2:
        return f"{flat}, {sample} or {shape_text((*sizes.sample_shape, 1), toml)}"
    return f"{flat} or {sample}"


def natural_shape(sizes: DataSizes) -> tuple[int, ...] | None:
    """The input shape a new model on this data set starts from: flat values (Dense layers read them)."""
    return None if sizes.values is None else (sizes.values,)


def sample_noun(sizes: DataSizes, count: int) -> str:
    """'54,000 MNIST images', '500 spiral points', '33,600 train.csv samples'."""
    if sizes.dataset in ("mnist", "fashion_mnist"):
        return f"{count:,} {sizes.title} images"
    return f"{count:,} {sizes.title} {'points' if sizes.dataset in PLAYGROUND_SETS else 'samples'}"


# ---------------------------------------------------------------------------------------- files
def _stat(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (None, None)
    return (st.st_mtime_ns, st.st_size)


def _npz_sizes(path: Path) -> DataSizes:
    title = path.name
    try:
        shapes = npz_shapes(path)
        missing = [k for k in NPZ_KEYS if k not in shapes]
        if missing:
            raise DataError(f"{path}: missing arrays: {', '.join(missing)} (an npz for nntui holds x_train, "
                            "y_train, x_test and y_test, like Keras's mnist.npz)")
        x_shape = shapes["x_train"][0]
        if len(x_shape) < 2:
            raise DataError(f"{path}[x_train]: shape {x_shape}; expected one sample per row (n, ...)")
        labels = read_npz(path, ("y_train", "y_test"))
        top = [int(integer_labels(y, f"{path}[{k}]").max()) for k, y in labels.items() if y.size]
    except DataError as exc:
        return DataSizes("npz", title, None, None, problem=str(exc))
    return DataSizes("npz", title, tuple(x_shape[1:]), max(top, default=0) + 1, None, x_shape[0],
                     shapes["x_test"][0][0] if shapes["x_test"][0] else 0)


def _csv_sizes(d: DataSpec, paths: list[Path]) -> DataSizes:
    title = paths[0].name
    field = "data.path"
    try:
        names, header_bytes = read_header(paths[0])
        rows = estimate_rows(paths[0], header_bytes, os.path.getsize(paths[0]))
        if len(paths) > 1:
            field = "data.test_path"
            test_names, test_header = read_header(paths[1])
            if len(test_names) != len(names):
                raise DataError(f"{paths[1]}, line 1: {len(test_names)} columns, but {paths[0]} has {len(names)}")
            test_rows = estimate_rows(paths[1], test_header, os.path.getsize(paths[1]))
            field = "data.path"
        else:
            test_rows = ceil(rows * d.test_split)
            rows -= test_rows
        if d.label_column is not None and d.label_column not in names:
            field = "data.label_column"
            raise DataError(f"{paths[0]}, line 1: no column named {d.label_column!r} for the label")
        if sum(os.path.getsize(p) for p in paths) > CSV_READ_LIMIT:
            return DataSizes("csv", title, (len(names) - 1,), None, None, rows, test_rows)
        field = "data.path"
        arrays = load_csv(*paths, label_column=d.label_column, test_split=d.test_split)
    except DataError as exc:
        if field == "data.path" and len(paths) > 1 and str(exc).startswith(str(paths[1])):
            field = "data.test_path"
        return DataSizes("csv", title, None, None, problem=str(exc), problem_field=field)
    return sizes_of(arrays, "csv")


__all__ = ["CSV_READ_LIMIT", "DataSizes", "base_dir", "data_file", "data_sizes", "input_shape_problem",
           "natural_shape", "sample_noun", "shape_suggestion", "shape_text", "sizes_of"]
