"""The data floor (stdlib + numpy only): MNIST and Fashion-MNIST (IDX files: locate, download, verify,
cache), npz and CSV files, and TensorFlow Playground's 2-D sets."""

from .arrays import Arrays
from .csv_file import load_csv
from .errors import DataError
from .fashion_mnist import FASHION_MNIST, load_fashion_mnist
from .idx import read_idx
from .mnist import (
    FILES,
    MIRRORS,
    MNIST,
    SHA256,
    IdxSet,
    MnistArrays,
    cache_dir,
    keras_cache_path,
    load_idx_set,
    load_mnist,
)
from .npz import load_npz
from .playground import PLANE, generate

__all__ = [
    "Arrays",
    "DataError",
    "FASHION_MNIST",
    "FILES",
    "IdxSet",
    "MIRRORS",
    "MNIST",
    "MnistArrays",
    "PLANE",
    "SHA256",
    "cache_dir",
    "generate",
    "keras_cache_path",
    "load_csv",
    "load_fashion_mnist",
    "load_idx_set",
    "load_mnist",
    "load_npz",
    "read_idx",
]
