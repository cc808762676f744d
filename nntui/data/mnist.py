"""Locate, download, verify, cache and load MNIST, and any set in its format (Fashion-MNIST): IdxSet."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .arrays import Arrays, display, home, one_line
from .download import DownloadFailed, Progress, download_missing
from .errors import DataError
from .idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx
from .npz import NPZ_KEYS, read_npz

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
)
EXPECTED_COUNTS = (60000, 10000)  # (train, test) sizes of the real MNIST and Fashion-MNIST
DIGITS = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class IdxSet:
    """A data set in MNIST's format: four IDX files of 28x28 uint8 images and labels 0..9."""

    title: str  # for messages: "MNIST", "Fashion-MNIST"
    folder: str  # the cache's folder (~/.cache/nntui/<folder>); for sets other than MNIST also the
    #              folder of --data-dir and NNTUI_DATA_DIR that holds them, beside the MNIST files
    checksums: Mapping[str, str]  # file name -> hex digest of the download
    hash_name: str  # "sha256", "md5"
    mirrors: tuple[str, ...]
    keras: str  # under ~/.keras/datasets/: a Keras npz ("mnist.npz") or a folder of the four files
    class_names: tuple[str, ...]

    @property
    def in_subfolder(self) -> bool:
        """Whether --data-dir and NNTUI_DATA_DIR hold this set in a folder of its own (all but MNIST)."""
        return self.folder != "mnist"


MNIST = IdxSet("MNIST", "mnist", SHA256, "sha256", MIRRORS, "mnist.npz", DIGITS)


@dataclass(frozen=True)
class MnistArrays(Arrays):
    """The four arrays of an MNIST-format set: uint8 images (n, 28, 28), uint8 labels 0..9."""

    class_names: tuple[str, ...] | None = DIGITS
    title: str = "MNIST"


def cache_dir(env: Mapping[str, str] | None = None, folder: str = "mnist") -> Path:
    """$XDG_CACHE_HOME/nntui/<folder> (if absolute), else ~/.cache/nntui/<folder>."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home(env) / ".cache"
    return base / "nntui" / folder


def keras_cache_path(env: Mapping[str, str] | None = None, name: str = "mnist.npz") -> Path:
    """Where Keras keeps a data set: $KERAS_HOME/datasets/<name> or ~/.keras/datasets/<name>."""
    env = os.environ if env is None else env
    keras_home = env.get("KERAS_HOME", "")
    base = Path(keras_home).expanduser() if keras_home else home(env) / ".keras"
    return base / "datasets" / name


def load_mnist(data_dir: str | os.PathLike | None = None, *, download: bool = True,
               progress: Progress | None = None, mirrors: tuple[str, ...] = MIRRORS,
               checksums: Mapping[str, str] = SHA256, env: Mapping[str, str] | None = None,
               expected_counts: tuple[int, int] | None = EXPECTED_COUNTS) -> MnistArrays:
    """Load MNIST from data_dir, $NNTUI_DATA_DIR, the cache, Keras's npz, or download it into the cache.

    An explicit data_dir or NNTUI_DATA_DIR must work (no fall-through). Images and labels must
    agree in count, images be 28x28 and labels 0..9; expected_counts=(train, test) additionally
    pins the sizes (None: any size, for small test sets).
    """
    return load_idx_set(MNIST, data_dir, download=download, progress=progress, mirrors=mirrors,
                        checksums=checksums, env=env, expected_counts=expected_counts)


def load_idx_set(spec: IdxSet, data_dir: str | os.PathLike | None = None, *, download: bool = True,
                 progress: Progress | None = None, mirrors: tuple[str, ...] | None = None,
                 checksums: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
                 expected_counts: tuple[int, int] | None = EXPECTED_COUNTS) -> MnistArrays:
    """Load ``spec``'s set from data_dir, $NNTUI_DATA_DIR, the cache, Keras's copy, or download it.

    MNIST's files are in data_dir (or NNTUI_DATA_DIR) itself, and such a directory must hold them;
    another set's are in its folder there (``<data_dir>/fashion_mnist``, or data_dir is that folder), and
    when there is no such folder the search goes on (the directory may be there for MNIST only).
    """
    env = os.environ if env is None else env
    looked = []
    for value, origin in ((data_dir, ""), (env.get("NNTUI_DATA_DIR") or None, " (NNTUI_DATA_DIR={})")):
        if value is None:
            continue
        directory = Path(os.path.abspath(Path(value).expanduser()))  # messages show absolute paths
        origin = origin.format(value)
        if not spec.in_subfolder:
            return _load_dir(spec, directory, expected_counts, env, origin)
        if not directory.is_dir():
            problem = "not a directory" if directory.exists() else "no such directory"
            raise DataError(f"{directory}{origin}: {problem}")
        if directory.name in (spec.folder, spec.keras):  # --data-dir ~/data/fashion_mnist
            return _load_dir(spec, directory, expected_counts, env, origin)
        if (directory / spec.folder).is_dir():
            return _load_dir(spec, directory / spec.folder, expected_counts, env, origin)
        looked.append(display(directory / spec.folder, env))

    cache, keras = cache_dir(env, spec.folder), keras_cache_path(env, spec.keras)
    if _find_files(cache)[1] == []:
        return _load_cache(spec, cache, expected_counts, env, display(cache, env))
    if keras.is_file():
        return _load_npz(spec, keras, expected_counts, env)
    if keras.is_dir() and _find_files(keras)[1] == []:
        return _load_dir(spec, keras, expected_counts, env, "")
    looked = ", ".join(looked + [display(cache, env), display(keras, env)])
    how = (f"Put the four files {', '.join(FILES.values())} into {display(cache, env)} or pass --data-dir DIR"
           + (f" (with them in DIR/{spec.folder})." if spec.in_subfolder else "."))
    if not download:
        raise DataError(one_line(f"{spec.title} not found (looked in: {looked}). {how}"))
    try:
        used = download_missing(cache, _find_files(cache)[1], mirrors or spec.mirrors,
                                checksums or spec.checksums, spec.hash_name, progress)
    except DownloadFailed as e:
        raise DataError(one_line(f"{spec.title} not found (looked in: {looked}) and the download failed ({e}). "
                                 f"{how}")) from None
    return _load_cache(spec, cache, expected_counts, env, f"downloaded from {', '.join(used)}")


# --- local files ---------------------------------------------------------------------------


def _find_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """The file per key (gzip preferred over the unpacked name) and the names that are missing."""
    found, missing = {}, []
    for key, name in FILES.items():
        gz, raw = directory / name, directory / name.removesuffix(".gz")
        if gz.is_file():
            found[key] = gz
        elif raw.is_file():
            found[key] = raw
        else:
            missing.append(name)
    return found, missing


def _load_dir(spec: IdxSet, directory: Path, expected_counts, env, origin: str) -> MnistArrays:
    if not directory.is_dir():
        problem = "not a directory" if directory.exists() else "no such directory"
        raise DataError(f"{directory}{origin}: {problem}")
    files, missing = _find_files(directory)
    if missing:
        raise DataError(
            f"{directory}{origin}: {spec.title} files missing: {', '.join(missing)} "
            "(expected the four files gzipped, or unpacked without .gz)"
        )
    x_train = read_idx(files["train_images"], expected_magic=IMAGES_MAGIC)
    y_train = read_idx(files["train_labels"], expected_magic=LABELS_MAGIC)
    x_test = read_idx(files["test_images"], expected_magic=IMAGES_MAGIC)
    y_test = read_idx(files["test_labels"], expected_magic=LABELS_MAGIC)
    train, test = expected_counts or (None, None)
    _check_split(x_train, y_train, files["train_images"], files["train_labels"], train)
    _check_split(x_test, y_test, files["test_images"], files["test_labels"], test)
    return MnistArrays(x_train, y_train, x_test, y_test, display(directory, env), spec.class_names, spec.title)


def _load_cache(spec: IdxSet, cache: Path, expected_counts, env, source: str) -> MnistArrays:
    # No checksum here: the gzip CRC and the exact-length checks catch corruption, and users
    # are told to drop their own (possibly re-gzipped or unpacked) files into this directory.
    try:
        arrays = _load_dir(spec, cache, expected_counts, env, "")
    except DataError as e:
        raise DataError(f"{e} (in the download cache: delete {cache} to download {spec.title} again)") from None
    return MnistArrays(arrays.x_train, arrays.y_train, arrays.x_test, arrays.y_test, source,
                       spec.class_names, spec.title)


def _load_npz(spec: IdxSet, path: Path, expected_counts, env) -> MnistArrays:
    x_train, y_train, x_test, y_test = read_npz(path, NPZ_KEYS).values()
    train, test = expected_counts or (None, None)
    _check_split(x_train, y_train, f"{path}[x_train]", f"{path}[y_train]", train)
    _check_split(x_test, y_test, f"{path}[x_test]", f"{path}[y_test]", test)
    return MnistArrays(x_train, y_train.astype(np.uint8), x_test, y_test.astype(np.uint8),
                       display(path, env), spec.class_names, spec.title)


def _check_split(x: np.ndarray, y: np.ndarray, x_name, y_name, expected: int | None) -> None:
    """Images uint8 (N, 28, 28), labels integer (N,) in 0..9, and N == expected if given."""
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
        raise DataError(f"{x_name}: images are {x.dtype} {x.shape}, expected uint8 (N, 28, 28)")
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise DataError(f"{y_name}: labels are {y.dtype} {y.shape}, expected integers (N,)")
    if len(y) != len(x):
        raise DataError(f"{y_name}: {len(y)} labels but {len(x)} images in {Path(str(x_name)).name}")
    if expected is not None and len(x) != expected:
        raise DataError(f"{x_name}: {len(x)} images, expected {expected}")
    if len(y) and (y.min() < 0 or y.max() > 9):
        bad = y.max() if y.max() > 9 else y.min()
        raise DataError(f"{y_name}: label {bad} out of range 0..9")
