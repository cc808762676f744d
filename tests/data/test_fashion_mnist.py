"""Fashion-MNIST: MNIST's format, located and downloaded by the same machinery (tiny fake sets)."""

import functools
import gzip
import hashlib
import http.server
import threading

import pytest
from test_mnist import SMALL, assert_same, closed_port_url, env, fake_arrays, idx, write_fake  # noqa: F401 (env: fixture)

from nntui.data import FILES, DataError, cache_dir, keras_cache_path, load_fashion_mnist, load_mnist
from nntui.data.fashion_mnist import CLASS_NAMES, MD5


def load(env, data_dir=None, **kw):
    kw.setdefault("download", False)
    return load_fashion_mnist(data_dir, env=env, expected_counts=SMALL, **kw)


def test_class_names_and_checksums():
    assert CLASS_NAMES[0] == "T-shirt/top" and CLASS_NAMES[9] == "Ankle boot" and len(CLASS_NAMES) == 10
    assert set(MD5) == set(FILES.values()) and all(len(h) == 32 for h in MD5.values())


def test_in_a_fashion_mnist_folder_beside_the_mnist_files(env, tmp_path):
    mnist, fashion = write_fake(tmp_path / "data", 1), write_fake(tmp_path / "data/fashion_mnist", 2)
    data = load(env, tmp_path / "data")
    assert_same(data, fashion)
    assert data.class_names == CLASS_NAMES and data.title == "Fashion-MNIST" and data.num_classes == 10
    assert_same(load(env | {"NNTUI_DATA_DIR": str(tmp_path / "data")}), fashion)
    assert_same(load(env, tmp_path / "data/fashion_mnist"), fashion)  # --data-dir may be that folder
    m = load_mnist(tmp_path / "data", env=env, download=False, expected_counts=SMALL)
    assert_same(m, mnist)  # MNIST's files stay where they were
    assert m.class_names == tuple("0123456789") and m.title == "MNIST"


def test_a_data_dir_for_mnist_only_falls_through_to_the_cache(env, tmp_path):
    write_fake(tmp_path / "mnist-only", 1)
    cached = write_fake(cache_dir(env, "fashion_mnist"), 3)
    data = load(env | {"NNTUI_DATA_DIR": str(tmp_path / "mnist-only")}, tmp_path / "mnist-only")
    assert_same(data, cached)
    assert data.source == "~/.cache/nntui/fashion_mnist"
    with pytest.raises(DataError, match=f"{tmp_path / 'nope'}: no such directory"):
        load(env, tmp_path / "nope")


def test_a_broken_fashion_folder_does_not_fall_through(env, tmp_path):
    write_fake(cache_dir(env, "fashion_mnist"), 3)
    (tmp_path / "d/fashion_mnist").mkdir(parents=True)
    with pytest.raises(DataError, match=r"d/fashion_mnist: Fashion-MNIST files missing: train-images"):
        load(env, tmp_path / "d")


def test_keras_folder(env):
    folder = keras_cache_path(env, "fashion-mnist")
    arrays = write_fake(folder, 4)
    assert folder == keras_cache_path(env).parent / "fashion-mnist"
    data = load(env)
    assert_same(data, arrays)
    assert data.source == "~/.keras/datasets/fashion-mnist"


@pytest.fixture
def served(tmp_path):
    """A fake Fashion-MNIST over HTTP on 127.0.0.1 with its MD5s; yields (url, arrays, md5s, requests)."""
    root = tmp_path / "served"
    arrays = write_fake(root / "fashion", 7)
    sums = {name: hashlib.md5((root / "fashion" / name).read_bytes()).hexdigest() for name in FILES.values()}
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/fashion/", arrays, sums, requests
    httpd.shutdown()
    httpd.server_close()


def test_download_checks_md5_and_caches(env, served):
    url, arrays, sums, requests = served
    data = load(env, download=True, mirrors=(closed_port_url(), url), checksums=sums)
    assert_same(data, arrays)
    assert data.source == f"downloaded from {url}"
    assert sorted(p.name for p in cache_dir(env, "fashion_mnist").iterdir()) == sorted(FILES.values())
    assert not cache_dir(env).exists()  # MNIST's cache is untouched
    assert_same(load(env, download=True, mirrors=(url,), checksums=sums), arrays)
    assert len(requests) == 4


def test_md5_mismatch_leaves_nothing(env, served):
    url, arrays, sums, requests = served
    wrong = sums | {FILES["test_labels"]: "0" * 32}
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz: 127.0.0.1:[0-9]+: md5 mismatch"):
        load(env, download=True, mirrors=(url,), checksums=wrong)
    assert not (cache_dir(env, "fashion_mnist") / FILES["test_labels"]).exists()


def test_offline_message(env, tmp_path):
    write_fake(tmp_path / "mnist-only", 1)
    with pytest.raises(DataError) as e:
        load(env | {"NNTUI_DATA_DIR": str(tmp_path / "mnist-only")}, download=True, mirrors=(closed_port_url(),))
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith(
        f"Fashion-MNIST not found (looked in: {tmp_path / 'mnist-only/fashion_mnist'}, ~/.cache/nntui/fashion_mnist, "
        "~/.keras/datasets/fashion-mnist) and the download failed (")
    assert message.endswith("into ~/.cache/nntui/fashion_mnist or pass --data-dir DIR (with them in DIR/fashion_mnist).")
    assert "Connection refused" in message


def test_labels_are_checked(env, tmp_path):
    write_fake(tmp_path / "fashion_mnist", 1)
    labels = fake_arrays(1)["train_labels"]
    labels[3] = 12
    (tmp_path / "fashion_mnist" / FILES["train_labels"]).write_bytes(gzip.compress(idx(labels)))
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: label 12 out of range 0..9"):
        load(env, tmp_path)
