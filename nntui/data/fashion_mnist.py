"""Fashion-MNIST (Zalando's article images): MNIST's format and sizes, ten kinds of clothing."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .download import Progress
from .mnist import EXPECTED_COUNTS, IdxSet, MnistArrays, load_idx_set

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
#: The MD5 checksums the Fashion-MNIST project publishes (github.com/zalandoresearch/fashion-mnist, README).
MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
MIRRORS = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # Keras's copy
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # the project's own
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
FASHION_MNIST = IdxSet("Fashion-MNIST", "fashion_mnist", MD5, "md5", MIRRORS, "fashion-mnist", CLASS_NAMES)


def load_fashion_mnist(data_dir: str | os.PathLike | None = None, *, download: bool = True,
                       progress: Progress | None = None, mirrors: tuple[str, ...] = MIRRORS,
                       checksums: Mapping[str, str] = MD5, env: Mapping[str, str] | None = None,
                       expected_counts: tuple[int, int] | None = EXPECTED_COUNTS) -> MnistArrays:
    """Fashion-MNIST from <data_dir>/fashion_mnist, $NNTUI_DATA_DIR/fashion_mnist, ~/.cache/nntui/fashion_mnist,
    Keras's ~/.keras/datasets/fashion-mnist/, or downloaded (MD5-checked) into the cache."""
    return load_idx_set(FASHION_MNIST, data_dir, download=download, progress=progress, mirrors=mirrors,
                        checksums=checksums, env=env, expected_counts=expected_counts)
