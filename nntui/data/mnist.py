"""Locate, download, verify, cache and load the MNIST digits."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError
from .idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx

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
EXPECTED_COUNTS = (60000, 10000)  # (train, test) sizes of the real MNIST
_TIMEOUT = 30.0  # seconds per socket operation
_CHUNK = 1 << 16
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")

Progress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class MnistArrays:
    """The four MNIST arrays (uint8) and a human-readable note of where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/nntui/mnist (if absolute), else ~/.cache/nntui/mnist."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else _home(env) / ".cache"
    return base / "nntui" / "mnist"


def keras_cache_path(env: Mapping[str, str] | None = None) -> Path:
    """Where Keras keeps its MNIST copy: $KERAS_HOME/datasets/mnist.npz or ~/.keras/datasets/mnist.npz."""
    env = os.environ if env is None else env
    keras_home = env.get("KERAS_HOME", "")
    base = Path(keras_home).expanduser() if keras_home else _home(env) / ".keras"
    return base / "datasets" / "mnist.npz"


def load_mnist(
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    progress: Progress | None = None,
    mirrors: tuple[str, ...] = MIRRORS,
    checksums: Mapping[str, str] = SHA256,
    env: Mapping[str, str] | None = None,
    expected_counts: tuple[int, int] | None = EXPECTED_COUNTS,
) -> MnistArrays:
    """Load MNIST from data_dir, $NNTUI_DATA_DIR, the cache, Keras's npz, or download it into the cache.

    An explicit data_dir or NNTUI_DATA_DIR must work (no fall-through). Images and labels must
    agree in count, images be 28x28 and labels 0..9; expected_counts=(train, test) additionally
    pins the sizes (None: any size, for small test sets).
    """
    env = os.environ if env is None else env
    if data_dir is not None:
        return _load_dir(Path(data_dir).expanduser(), expected_counts, env, "")
    if env.get("NNTUI_DATA_DIR"):
        value = env["NNTUI_DATA_DIR"]
        return _load_dir(Path(value).expanduser(), expected_counts, env, f" (NNTUI_DATA_DIR={value})")

    cache, keras = cache_dir(env), keras_cache_path(env)
    if _find_files(cache)[1] == []:
        return _load_cache(cache, expected_counts, env, _display(cache, env))
    if keras.is_file():
        return _load_npz(keras, expected_counts, env)
    looked = f"looked in: {_display(cache, env)}, {_display(keras, env)}"
    how = f"Put the four files {', '.join(FILES.values())} into {_display(cache, env)} or pass --data-dir DIR."
    if not download:
        raise DataError(_one_line(f"MNIST not found ({looked}). {how}"))
    try:
        used = _download_missing(cache, mirrors, checksums, progress)
    except _DownloadFailed as e:
        raise DataError(_one_line(f"MNIST not found ({looked}) and the download failed ({e}). {how}")) from None
    return _load_cache(cache, expected_counts, env, f"downloaded from {', '.join(used)}")


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


def _load_dir(directory: Path, expected_counts, env, origin: str) -> MnistArrays:
    directory = Path(os.path.abspath(directory))  # messages show absolute paths
    if not directory.is_dir():
        problem = "not a directory" if directory.exists() else "no such directory"
        raise DataError(f"{directory}{origin}: {problem}")
    files, missing = _find_files(directory)
    if missing:
        raise DataError(
            f"{directory}{origin}: MNIST files missing: {', '.join(missing)} "
            "(expected the four files gzipped, or unpacked without .gz)"
        )
    x_train = read_idx(files["train_images"], expected_magic=IMAGES_MAGIC)
    y_train = read_idx(files["train_labels"], expected_magic=LABELS_MAGIC)
    x_test = read_idx(files["test_images"], expected_magic=IMAGES_MAGIC)
    y_test = read_idx(files["test_labels"], expected_magic=LABELS_MAGIC)
    train, test = expected_counts or (None, None)
    _check_split(x_train, y_train, files["train_images"], files["train_labels"], train)
    _check_split(x_test, y_test, files["test_images"], files["test_labels"], test)
    return MnistArrays(x_train, y_train, x_test, y_test, source=_display(directory, env))


def _load_cache(cache: Path, expected_counts, env, source: str) -> MnistArrays:
    # No sha256 here: the gzip CRC and the exact-length checks catch corruption, and users
    # are told to drop their own (possibly re-gzipped or unpacked) files into this directory.
    try:
        arrays = _load_dir(cache, expected_counts, env, "")
    except DataError as e:
        raise DataError(f"{e} (in the download cache: delete {cache} to download MNIST again)") from None
    return MnistArrays(arrays.x_train, arrays.y_train, arrays.x_test, arrays.y_test, source)


def _load_npz(path: Path, expected_counts, env) -> MnistArrays:
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in _NPZ_KEYS if k not in npz.files]
            if missing:
                raise DataError(f"{path}: not a Keras MNIST file (missing arrays: {', '.join(missing)})")
            x_train, y_train, x_test, y_test = (npz[k] for k in _NPZ_KEYS)
    except DataError:
        raise
    except Exception as e:  # np.load raises many types (BadZipFile, ValueError, OSError, ...) on junk
        raise DataError(f"{path}: not a readable .npz file ({_one_line(str(e))})") from None
    train, test = expected_counts or (None, None)
    _check_split(x_train, y_train, f"{path}[x_train]", f"{path}[y_train]", train)
    _check_split(x_test, y_test, f"{path}[x_test]", f"{path}[y_test]", test)
    return MnistArrays(
        x_train, y_train.astype(np.uint8), x_test, y_test.astype(np.uint8), source=_display(path, env)
    )


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


# --- download ------------------------------------------------------------------------------


class _DownloadFailed(Exception):
    """Every mirror failed for one file; str() is a short one-line reason."""


class _BadDownload(Exception):
    """The body arrived but is wrong (short or checksum mismatch)."""


def _download_missing(cache: Path, mirrors, checksums, progress) -> list[str]:
    """Download the files the cache lacks; return the mirrors that were used."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _DownloadFailed(f"cannot create {cache}: {e.strerror or e}") from None
    used: list[str] = []
    for name in _find_files(cache)[1]:
        mirror = _download_file(name, cache, mirrors, checksums[name], progress)
        if mirror not in used:
            used.append(mirror)
    return used


def _download_file(name: str, cache: Path, mirrors, sha256: str, progress) -> str:
    reasons = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        try:
            _fetch(url, cache / name, sha256, progress)
            return mirror
        except (OSError, ValueError, http.client.HTTPException, _BadDownload) as e:
            reasons.append(f"{urllib.parse.urlsplit(url).netloc or url}: {_reason(e)}")
    raise _DownloadFailed(f"{name}: " + ("; ".join(reasons) or "no mirrors given"))


def _fetch(url: str, dest: Path, sha256: str, progress) -> None:
    """Stream url into a temp file beside dest, verify, fsync, then atomically rename to dest."""
    request = urllib.request.Request(url, headers={"User-Agent": "nntui"})
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
                length = response.headers.get("Content-Length", "")
                total = int(length) if length.isdigit() else None
                digest, done = hashlib.sha256(), 0
                if progress:
                    progress(dest.name, 0, total)
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(dest.name, done, total)
            if total is not None and done != total:
                raise _BadDownload(f"connection closed after {done} of {total} bytes")
            if digest.hexdigest() != sha256:
                raise _BadDownload("sha256 mismatch")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:  # including KeyboardInterrupt: never leave a temp file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(dest.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable; not possible on every platform, so best effort.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(e: BaseException) -> str:
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code}"
    if isinstance(e, urllib.error.URLError):
        e = e.reason if isinstance(e.reason, BaseException) else e
    if isinstance(e, TimeoutError):
        return "timed out"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return _one_line(str(e)) or type(e).__name__


# --- helpers -------------------------------------------------------------------------------


def _home(env: Mapping[str, str]) -> Path:
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def _display(path: Path, env: Mapping[str, str]) -> str:
    """path with the home directory shown as ~ (for messages)."""
    home = str(_home(env))
    text = str(path)
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())  # the CLI prints messages as one line
