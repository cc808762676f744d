"""Tests for locating, downloading and loading MNIST (on tiny fake sets)."""

import functools
import gzip
import hashlib
import http.server
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from nntui.data import FILES, DataError, MnistArrays, cache_dir, keras_cache_path, load_mnist

SMALL = (12, 5)  # train, test sizes of the fake sets


def idx(array):
    magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


def fake_arrays(seed, n_train=SMALL[0], n_test=SMALL[1]):
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_fake(directory, seed=0, *, gz=True, **sizes):
    """Write a fake MNIST (four IDX files) into directory; return its arrays."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = fake_arrays(seed, **sizes)
    for key, name in FILES.items():
        data = idx(arrays[key])
        if gz:
            (directory / name).write_bytes(gzip.compress(data, mtime=0))
        else:
            (directory / name.removesuffix(".gz")).write_bytes(data)
    return arrays


def assert_same(mnist, arrays):
    assert isinstance(mnist, MnistArrays)
    np.testing.assert_array_equal(mnist.x_train, arrays["train_images"])
    np.testing.assert_array_equal(mnist.y_train, arrays["train_labels"])
    np.testing.assert_array_equal(mnist.x_test, arrays["test_images"])
    np.testing.assert_array_equal(mnist.y_test, arrays["test_labels"])


def write_npz(path, arrays, **override):
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = {"x_train": "train_images", "y_train": "train_labels", "x_test": "test_images", "y_test": "test_labels"}
    np.savez(path, **{k: arrays[v] for k, v in keys.items()} | override)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A clean environment: HOME in tmp_path, no XDG/KERAS/NNTUI variables."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CACHE_HOME", "KERAS_HOME", "NNTUI_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return {"HOME": str(home)}


def load(env, data_dir=None, **kw):
    kw.setdefault("download", False)
    return load_mnist(data_dir, env=env, expected_counts=SMALL, **kw)


# --- locations -----------------------------------------------------------------------------


def test_cache_dir_and_keras_path(env, tmp_path):
    home = Path(env["HOME"])
    assert cache_dir(env) == home / ".cache/nntui/mnist"
    assert cache_dir() == home / ".cache/nntui/mnist"  # os.environ, monkeypatched
    assert cache_dir(env | {"XDG_CACHE_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg/nntui/mnist"
    assert cache_dir(env | {"XDG_CACHE_HOME": "relative/dir"}) == home / ".cache/nntui/mnist"
    assert cache_dir(env | {"XDG_CACHE_HOME": ""}) == home / ".cache/nntui/mnist"
    assert keras_cache_path(env) == home / ".keras/datasets/mnist.npz"
    assert keras_cache_path(env | {"KERAS_HOME": str(tmp_path / "k")}) == tmp_path / "k/datasets/mnist.npz"


def test_explicit_dir_gz_and_unpacked(env, tmp_path):
    arrays = write_fake(tmp_path / "gz", 1)
    mnist = load(env, tmp_path / "gz")
    assert_same(mnist, arrays)
    assert mnist.source == str(tmp_path / "gz")
    arrays = write_fake(tmp_path / "raw", 2, gz=False)
    assert_same(load(env, str(tmp_path / "raw")), arrays)


def test_gz_preferred_over_unpacked(env, tmp_path):
    write_fake(tmp_path / "d", 1, gz=False)
    arrays = write_fake(tmp_path / "d", 2, gz=True)
    assert_same(load(env, tmp_path / "d"), arrays)


def test_lookup_order(env, tmp_path):
    explicit, from_env = write_fake(tmp_path / "explicit", 1), write_fake(tmp_path / "envdir", 2)
    cached = write_fake(cache_dir(env), 3)
    write_npz(keras_cache_path(env), fake_arrays(4))
    with_env = env | {"NNTUI_DATA_DIR": str(tmp_path / "envdir")}
    assert_same(load(with_env, tmp_path / "explicit"), explicit)
    assert_same(load(with_env), from_env)
    assert_same(load(env), cached)
    assert load(env).source == "~/.cache/nntui/mnist"


def test_keras_npz_when_only_it_exists(env):
    arrays = fake_arrays(4)
    write_npz(keras_cache_path(env), arrays)
    mnist = load(env)
    assert_same(mnist, arrays)
    assert mnist.source == "~/.keras/datasets/mnist.npz"
    assert mnist.y_train.dtype == np.uint8


@pytest.mark.parametrize(
    "override, message",
    [
        ({"x_train": np.zeros((12, 28, 27), np.uint8)}, r"mnist.npz\[x_train\]: images are uint8 \(12, 28, 27\)"),
        ({"y_test": np.zeros(4, np.uint8)}, r"mnist.npz\[y_test\]: 4 labels but 5 images"),
        ({"y_train": np.full(12, 10, np.int64)}, r"mnist.npz\[y_train\]: label 10 out of range 0..9"),
    ],
)
def test_keras_npz_invalid(env, override, message):
    write_npz(keras_cache_path(env), fake_arrays(4), **override)
    with pytest.raises(DataError, match=message):
        load(env)


def test_keras_npz_garbage(env):
    path = keras_cache_path(env)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match=f"{path}: not a readable .npz file"):
        load(env)
    np.savez(path, images=np.zeros(3))
    with pytest.raises(DataError, match="missing arrays: x_train, y_train, x_test, y_test"):
        load(env)


def test_explicit_dir_missing_files_does_not_fall_through(env, tmp_path):
    write_fake(cache_dir(env), 3)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=f"{tmp_path / 'empty'}: MNIST files missing: train-images"):
        load(env, tmp_path / "empty")
    with pytest.raises(DataError, match=f"{tmp_path / 'nope'}: no such directory"):
        load(env, tmp_path / "nope")


def test_env_dir_must_work_and_is_relative_to_cwd(env, tmp_path, monkeypatch):
    write_fake(cache_dir(env), 3)
    with pytest.raises(DataError, match=r"NNTUI_DATA_DIR=missing/dir"):
        load(env | {"NNTUI_DATA_DIR": "missing/dir"})
    arrays = write_fake(tmp_path / "work/data", 5)
    monkeypatch.chdir(tmp_path / "work")
    assert_same(load(env | {"NNTUI_DATA_DIR": "data"}), arrays)
    assert_same(load(env | {"NNTUI_DATA_DIR": ""}), fake_arrays(3))  # empty means unset


# --- validation ----------------------------------------------------------------------------


def test_label_count_mismatch(env, tmp_path):
    write_fake(tmp_path, 1)
    labels = np.zeros(11, np.uint8)
    (tmp_path / FILES["train_labels"]).write_bytes(gzip.compress(idx(labels)))
    with pytest.raises(DataError) as e:
        load(env, tmp_path)
    assert str(e.value) == (
        f"{tmp_path / 'train-labels-idx1-ubyte.gz'}: 11 labels but 12 images in train-images-idx3-ubyte.gz"
    )


def test_real_counts_are_the_default(env, tmp_path):
    write_fake(tmp_path, 1)
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte.gz: 12 images, expected 60000"):
        load_mnist(tmp_path, env=env, download=False)
    assert len(load_mnist(tmp_path, env=env, download=False, expected_counts=None).x_test) == 5


def test_swapped_files_bad_labels_bad_size(env, tmp_path):
    write_fake(tmp_path, 1)
    images, labels = tmp_path / FILES["test_images"], tmp_path / FILES["test_labels"]
    images.write_bytes(labels.read_bytes())
    with pytest.raises(DataError, match=f"{images}: wrong magic number 2049 .expected 2051"):
        load(env, tmp_path)
    images.write_bytes(gzip.compress(idx(np.zeros((5, 28, 20), np.uint8))))
    with pytest.raises(DataError, match="images are uint8 .5, 28, 20., expected uint8 .N, 28, 28."):
        load(env, tmp_path)
    images.write_bytes(gzip.compress(idx(np.zeros((5, 28, 28), np.uint8))))
    labels.write_bytes(gzip.compress(idx(np.array([1, 2, 3, 42, 0], np.uint8))))
    with pytest.raises(DataError, match=f"{labels}: label 42 out of range 0..9"):
        load(env, tmp_path)


def test_corrupt_cache_says_delete_it(env):
    cache = cache_dir(env)
    write_fake(cache, 3)
    path = cache / FILES["train_images"]
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=f"{path}: truncated gzip.*delete {cache} to download"):
        load(env)


# --- download ------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path):
    """Serve a fake MNIST over HTTP on 127.0.0.1; yields (url, arrays, checksums, requested paths)."""
    root = tmp_path / "served"
    arrays = write_fake(root, 7)
    sums = {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in FILES.values()}
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/mnist/", arrays, sums, requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def served(server, tmp_path):
    """Put the fake files under /mnist/ of the server, like the real mirrors."""
    (tmp_path / "served/mnist").mkdir()
    for name in FILES.values():
        os.replace(tmp_path / "served" / name, tmp_path / "served/mnist" / name)
    return server


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


def test_download_then_cached(env, served):
    url, arrays, sums, requests = served
    calls = []
    mnist = load(env, download=True, mirrors=(url,), checksums=sums, progress=lambda *a: calls.append(a))
    assert_same(mnist, arrays)
    assert mnist.source == f"downloaded from {url}"
    assert sorted(p.name for p in cache_dir(env).iterdir()) == sorted(FILES.values())
    assert {c[0] for c in calls} == set(FILES.values())
    size = (cache_dir(env) / FILES["test_labels"]).stat().st_size
    assert ("t10k-labels-idx1-ubyte.gz", size, size) in calls
    assert len(requests) == 4
    assert_same(load(env, download=True, mirrors=(url,), checksums=sums), arrays)
    assert len(requests) == 4  # nothing downloaded the second time


@pytest.mark.parametrize("bad_mirror", ["404", "closed"])
def test_failing_mirror_then_working_one(env, served, bad_mirror):
    url, arrays, sums, requests = served
    bad = url.replace("/mnist/", "/nothing-here/") if bad_mirror == "404" else closed_port_url()
    assert_same(load(env, download=True, mirrors=(bad, url), checksums=sums), arrays)


def test_only_missing_files_are_downloaded(env, served):
    url, arrays, sums, requests = served
    cache = cache_dir(env)
    write_fake(cache, 7)
    for key in ("train_images", "test_labels"):
        (cache / FILES[key]).unlink()
    assert_same(load(env, download=True, mirrors=(url,), checksums=sums), arrays)
    assert sorted(requests) == sorted(f"/mnist/{FILES[k]}" for k in ("train_images", "test_labels"))


def test_checksum_mismatch_leaves_nothing(env, served):
    url, arrays, sums, requests = served
    wrong = sums | {FILES["train_images"]: "0" * 64}
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz: 127.0.0.1:[0-9]+: sha256 mismatch"):
        load(env, download=True, mirrors=(url,), checksums=wrong)
    assert list(cache_dir(env).iterdir()) == []


def test_interrupt_leaves_no_temp_file(env, served):
    url, arrays, sums, requests = served

    def progress(name, done, total):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load(env, download=True, mirrors=(url,), checksums=sums, progress=progress)
    assert list(cache_dir(env).iterdir()) == []


def test_offline_message(env):
    started = time.monotonic()
    with pytest.raises(DataError) as e:
        load(env, download=True, mirrors=(closed_port_url(),))
    message = str(e.value)
    assert time.monotonic() - started < 5
    assert "\n" not in message
    assert message.startswith(
        "MNIST not found (looked in: ~/.cache/nntui/mnist, ~/.keras/datasets/mnist.npz) and the download failed ("
    )
    assert message.endswith(
        "Put the four files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
        "t10k-labels-idx1-ubyte.gz into ~/.cache/nntui/mnist or pass --data-dir DIR."
    )
    assert "Connection refused" in message


def test_not_found_without_download(env):
    with pytest.raises(DataError) as e:
        load(env, download=False)
    assert str(e.value).startswith(
        "MNIST not found (looked in: ~/.cache/nntui/mnist, ~/.keras/datasets/mnist.npz). Put the four files"
    )
    assert not cache_dir(env).exists()


# --- the real thing ------------------------------------------------------------------------


def real_data_dir():
    value = os.environ.get("NNTUI_DATA_DIR")
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute() and not path.is_dir():
        path = Path(__file__).resolve().parents[2] / path  # CI's path is relative to the repo root
    return path if all((path / name).is_file() for name in FILES.values()) else None


@pytest.mark.skipif(real_data_dir() is None, reason="NNTUI_DATA_DIR does not point at the real MNIST files")
def test_real_mnist():
    mnist = load_mnist(real_data_dir(), download=False)
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.shape == (10000, 28, 28)
    assert mnist.y_train.shape == (60000,) and mnist.y_test.shape == (10000,)
    assert {a.dtype for a in (mnist.x_train, mnist.y_train, mnist.x_test, mnist.y_test)} == {np.dtype(np.uint8)}
    assert mnist.y_train.max() == 9 and mnist.y_test.min() == 0
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(mnist.y_test).tolist()[:2] == [980, 1135]
