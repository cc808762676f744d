"""MNIST data: IDX reading and locating/downloading/loading the digits (stdlib + numpy only)."""

from .errors import DataError
from .idx import read_idx
from .mnist import (
    FILES,
    MIRRORS,
    SHA256,
    MnistArrays,
    cache_dir,
    keras_cache_path,
    load_mnist,
)

__all__ = [
    "DataError",
    "FILES",
    "MIRRORS",
    "MnistArrays",
    "SHA256",
    "cache_dir",
    "keras_cache_path",
    "load_mnist",
    "read_idx",
]
