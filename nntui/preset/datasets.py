"""Loading a preset's data set and turning its arrays into the datasets its model trains on.

:func:`load_arrays` reads any of the data sets of ``[data]`` (MNIST and Fashion-MNIST from their
usual places, npz and CSV files refused before reading when they would not fit in memory,
Playground's points drawn from their seed); :func:`make_datasets` scales 8-bit pixels to [0, 1],
gives the samples the model's input shape and derives each output's targets from the labels.
"""

from __future__ import annotations

from math import prod

import numpy as np

from ..data.arrays import Arrays
from ..data.errors import DataError
from ..data.fashion_mnist import load_fashion_mnist
from ..data.mnist import load_mnist
from ..data.npz import load_npz
from ..data.playground import generate
from ..data.csv_file import load_csv
from ..engine.model import Model
from ..engine.training import Dataset
from .build import output_plans
from .data_source import DataSizes, data_file, data_sizes, input_shape_problem, sizes_of
from .data_spec import PLAYGROUND_SETS
from .errors import PresetError
from .memory import available_memory
from .preset import Preset
from .targets import encode

MNIST_TRAIN, MNIST_TEST = 60_000, 10_000  # images in the MNIST training and test sets


def samples_as_input(x: np.ndarray, input_shape) -> np.ndarray:
    """Samples (n, ...) as float32 with the model's input shape: uint8 pixels scaled to [0, 1], other
    numbers as they are."""
    n = x.shape[0]
    values = prod(x.shape[1:])
    if x.dtype == np.uint8:
        out = np.empty((n, values), np.float32)
        np.multiply(x.reshape(n, values), np.float32(1.0 / 255.0), out=out)
    else:
        out = np.ascontiguousarray(x, dtype=np.float32).reshape(n, values)
    return out.reshape(n, *input_shape)


def check_input_shape(preset: Preset, sizes: DataSizes | None = None) -> None:
    """The model's input shape must hold exactly one sample's values (PresetError naming model.input_shape)."""
    problem = input_shape_problem(preset, data_sizes(preset) if sizes is None else sizes, toml=True)
    if problem:
        raise PresetError(preset.source, "model.input_shape", problem)


def check_data(preset: Preset, sizes: DataSizes | None = None) -> DataSizes:
    """The data set's sizes, after checking that its files can be used and its samples fit the model's
    input (PresetError naming the field)."""
    sizes = data_sizes(preset) if sizes is None else sizes
    if sizes.problem:
        raise PresetError(preset.source, sizes.problem_field, sizes.problem)
    check_input_shape(preset, sizes)
    return sizes


def load_arrays(preset: Preset, data_dir=None, progress=None) -> Arrays:
    """The preset's data set: MNIST-format sets from ``data_dir`` and the usual places (any size), files
    from ``[data] path``, Playground's points drawn from ``[data] seed``."""
    d = preset.data
    check_data(preset)
    if d.dataset == "mnist":
        return load_mnist(data_dir, progress=progress, expected_counts=None)
    if d.dataset == "fashion_mnist":
        return load_fashion_mnist(data_dir, progress=progress, expected_counts=None)
    if d.dataset in PLAYGROUND_SETS:
        return generate(d.dataset, d.samples, d.noise, d.seed, d.test_samples)
    path = data_file(preset, d.path)
    test_path = data_file(preset, d.test_path) if d.test_path else None
    try:
        if d.dataset == "npz":
            return load_npz(path, memory_limit=available_memory())
        return load_csv(path, test_path, label_column=d.label_column, test_split=d.test_split,
                        memory_limit=available_memory())
    except DataError as exc:
        field = "data.test_path" if test_path is not None and str(exc).startswith(str(test_path)) else "data.path"
        raise PresetError(preset.source, field, str(exc)) from None


def make_datasets(preset: Preset, model: Model, arrays: Arrays) -> tuple[Dataset, Dataset | None, Dataset]:
    """(train, validation or None, test) per the preset's limit, validation_split and target rules."""
    sizes = sizes_of(arrays, preset.data.dataset)
    check_input_shape(preset, sizes)
    shape = preset.model.input_shape
    n = arrays.x_train.shape[0]
    if preset.data.limit is not None:
        n = min(n, preset.data.limit)
    n_val = int(n * preset.data.validation_split)
    n_train = n - n_val
    if n_train < 1:
        raise PresetError(preset.source, "data.validation_split",
                          f"leaves no training samples out of {n}")
    plans = output_plans(preset.training, model, preset.data.dataset, sizes.classes)
    report = model.infer_shapes()
    units = [s[-1] for s in report.output_shapes()]

    def dataset(x, labels):
        return Dataset(samples_as_input(x, shape), [encode(p.rule, p.loss, labels, u) for p, u in zip(plans, units)])

    x_all, y_all = arrays.x_train[:n], arrays.y_train[:n]
    train = dataset(x_all[:n_train], y_all[:n_train])
    val = dataset(x_all[n_train:], y_all[n_train:]) if n_val else None
    test = dataset(arrays.x_test, arrays.y_test)
    return train, val, test
