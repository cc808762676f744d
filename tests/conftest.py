"""Shared fixtures: a fake MNIST folder, the real one when NNTUI_DATA_DIR points at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fake_mnist import write_fake_mnist

REPO = Path(__file__).resolve().parents[1]

#: The per-core cache the convolutions' chunks are sized for in every test (the machine's own L2 would
#: change the chunks, with them the order of the weight gradients' sums, and so a shade in a snapshot
#: of feature maps from one machine to the next). Tests of the chunking set chunk_bytes themselves.
TEST_CACHE_BYTES = 256 * 1024


@pytest.fixture(autouse=True, scope="session")
def same_chunks_on_every_machine():
    from nntui.engine.layers import conv

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv, "core_cache_bytes", lambda: TEST_CACHE_BYTES)
        yield


@pytest.fixture(scope="session")
def fake_mnist_dir(tmp_path_factory) -> Path:
    """A folder with a small learnable fake MNIST (600 train, 200 test)."""
    folder = tmp_path_factory.mktemp("fake-mnist")
    write_fake_mnist(folder)
    return folder


def real_mnist_dir() -> Path | None:
    """The real MNIST folder from NNTUI_DATA_DIR (relative to the cwd or the repo), or None."""
    value = os.environ.get("NNTUI_DATA_DIR")
    if not value:
        return None
    for base in (Path.cwd(), REPO):
        folder = (base / value).resolve()
        if (folder / "train-images-idx3-ubyte.gz").is_file() or (folder / "train-images-idx3-ubyte").is_file():
            return folder
    return None


@pytest.fixture
def real_mnist() -> Path:
    """The real MNIST folder; skips the test when NNTUI_DATA_DIR is not set to it."""
    folder = real_mnist_dir()
    if folder is None:
        pytest.skip("NNTUI_DATA_DIR does not point at the real MNIST")
    return folder


@pytest.fixture
def one_blas_thread(monkeypatch) -> None:
    """NNTUI_THREADS=1 for a test that compares two runs bit for bit: the engine's own choice of
    threads follows the machine's load, which may change between the runs, and with it the order
    of a product's sums (the README: same seed, same losses, with --threads 1)."""
    monkeypatch.setenv("NNTUI_THREADS", "1")


@pytest.fixture(autouse=True)
def one_blas_thread_in_snapshots(request) -> None:
    """Snapshot tests train with one BLAS thread: the numbers they show must not depend on the
    threads the engine would choose for the machine's load at that moment."""
    if request.node.module.__name__.endswith("snapshots"):
        request.getfixturevalue("one_blas_thread")
