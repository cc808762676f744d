"""Turning the loaded MNIST arrays into the datasets a preset's model trains on."""

from __future__ import annotations

from math import prod

import numpy as np

from ..data.mnist import MnistArrays, load_mnist
from ..engine.model import Model
from ..engine.training import Dataset
from .build import output_plans
from .errors import PresetError
from .preset import Preset
from .targets import encode

PIXELS = 28 * 28
MNIST_TRAIN, MNIST_TEST = 60_000, 10_000  # images in the MNIST training and test sets


def images_as_input(images: np.ndarray, input_shape) -> np.ndarray:
    """uint8 images (n, 28, 28) as float32 in [0, 1] with the model's input shape."""
    out = np.empty((images.shape[0], PIXELS), np.float32)
    np.multiply(images.reshape(images.shape[0], PIXELS), np.float32(1.0 / 255.0), out=out)
    return out.reshape(images.shape[0], *input_shape)


def check_input_shape(preset: Preset) -> None:
    """MNIST images have 784 values: the model's input shape must hold exactly that many."""
    shape = preset.model.input_shape
    if prod(shape) != PIXELS:
        shown = "[" + ", ".join(map(str, shape)) + "]"
        raise PresetError(preset.source, "model.input_shape",
                          f"MNIST images have 784 values (28x28) but {shown} holds {prod(shape)}; "
                          "use [784], [28, 28] or [28, 28, 1]")


def load_arrays(preset: Preset, data_dir=None, progress=None) -> MnistArrays:
    """The preset's dataset from the usual places (any size: MNIST-format sets other than the 60k/10k work)."""
    check_input_shape(preset)
    return load_mnist(data_dir, progress=progress, expected_counts=None)


def make_datasets(preset: Preset, model: Model, arrays: MnistArrays) -> tuple[Dataset, Dataset | None, Dataset]:
    """(train, validation or None, test) per the preset's limit, validation_split and target rules."""
    check_input_shape(preset)
    shape = preset.model.input_shape
    n = arrays.x_train.shape[0]
    if preset.data.limit is not None:
        n = min(n, preset.data.limit)
    n_val = int(n * preset.data.validation_split)
    n_train = n - n_val
    if n_train < 1:
        raise PresetError(preset.source, "data.validation_split",
                          f"leaves no training samples out of {n}")
    plans = output_plans(preset.training, model)
    report = model.infer_shapes()
    units = [s[-1] for s in report.output_shapes()]

    def dataset(images, labels):
        x = images_as_input(images, shape)
        return Dataset(x, [encode(p.rule, p.loss, labels, u) for p, u in zip(plans, units)])

    x_all, y_all = arrays.x_train[:n], arrays.y_train[:n]
    train = dataset(x_all[:n_train], y_all[:n_train])
    val = dataset(x_all[n_train:], y_all[n_train:]) if n_val else None
    test = dataset(arrays.x_test, arrays.y_test)
    return train, val, test
