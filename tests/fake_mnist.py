"""A small, learnable fake MNIST written as the four gzip IDX files (for tests that need data files)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def idx_bytes(array: np.ndarray) -> bytes:
    """An uint8 array as IDX: magic 0x0800 | ndim, big-endian dims, payload."""
    header = (0x0800 | array.ndim).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def digits(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Images where digit d lights a 4x4 block at a position of its own, plus noise: easy to learn."""
    n = labels.shape[0]
    images = rng.integers(0, 60, (n, 28, 28), dtype=np.uint8)
    rows, cols = 2 + 6 * (labels // 4), 2 + 6 * (labels % 4)
    for dr in range(4):
        for dc in range(4):
            images[np.arange(n), rows + dr, cols + dc] = 255
    return images


def write_fake_mnist(folder: Path, n_train: int = 600, n_test: int = 200, seed: int = 0) -> dict:
    """Write the four files into ``folder``; return the arrays."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    y_train = rng.integers(0, 10, n_train).astype(np.uint8)
    y_test = rng.integers(0, 10, n_test).astype(np.uint8)
    arrays = [digits(y_train, rng), y_train, digits(y_test, rng), y_test]
    for name, array in zip(NAMES, arrays):
        (folder / name).write_bytes(gzip.compress(idx_bytes(array), compresslevel=1, mtime=0))
    return dict(zip(("x_train", "y_train", "x_test", "y_test"), arrays))
