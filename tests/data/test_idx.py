"""Tests for the IDX reader."""

import gzip
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nntui.data.idx as idx_module
from nntui.data import DataError, read_idx

CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array, *, magic=None):
    """Header + big-endian payload of an IDX file holding array."""
    array = np.asarray(array)
    if magic is None:
        magic = CODES[array.dtype.type] << 8 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, data, *, gz):
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_round_trip_images_and_labels(tmp_path, gz):
    images = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    # the name says nothing: gzip is recognised by its magic bytes
    got_images = read_idx(write(tmp_path / "images", idx_bytes(images), gz=gz), expected_magic=2051)
    got_labels = read_idx(write(tmp_path / "labels.gz", idx_bytes(labels), gz=gz), expected_magic=2049)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.dtype == np.uint8 and got_images.flags.writeable


@settings(max_examples=40, deadline=None)
@given(
    dtype=st.sampled_from(list(CODES)),
    shape=st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple),
    gz=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_round_trip_any_type(tmp_path_factory, dtype, shape, gz, seed):
    rng = np.random.default_rng(seed)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = write(tmp_path_factory.mktemp("idx") / "f", idx_bytes(array), gz=gz)
    got = read_idx(path)
    assert got.shape == shape and got.dtype == np.dtype(dtype) and got.dtype.isnative
    np.testing.assert_array_equal(got, array)


def test_label_file_passed_as_images(tmp_path):
    path = write(tmp_path / "train-labels-idx1-ubyte.gz", idx_bytes(np.zeros(5, np.uint8)), gz=True)
    with pytest.raises(DataError) as e:
        read_idx(path, expected_magic=2051)
    assert str(e.value) == f"{path}: wrong magic number 2049 (expected 2051 for an image file)"


def test_not_idx(tmp_path):
    path = write(tmp_path / "f", b"hello world, not IDX", gz=False)
    with pytest.raises(DataError, match="not an IDX file"):
        read_idx(path)


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_payload(tmp_path, gz):
    data = idx_bytes(np.zeros((2, 28, 28), np.uint8))
    path = write(tmp_path / "f", data[:-10], gz=gz)
    with pytest.raises(DataError, match=r"truncated: expected 1568 bytes of data, found 1558"):
        read_idx(path)


def test_truncated_header(tmp_path):
    data = idx_bytes(np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match="truncated"):
        read_idx(write(tmp_path / "f", data[:9], gz=False))
    with pytest.raises(DataError, match="truncated"):
        read_idx(write(tmp_path / "g", b"", gz=False))


@pytest.mark.parametrize("gz", [True, False])
def test_trailing_bytes(tmp_path, gz):
    data = idx_bytes(np.zeros(4, np.uint8)) + b"junk"
    with pytest.raises(DataError, match="4 unexpected trailing bytes"):
        read_idx(write(tmp_path / "f", data, gz=gz))


def test_truncated_gzip(tmp_path):
    blob = gzip.compress(idx_bytes(np.arange(1000, dtype=np.uint8) % 10))
    path = tmp_path / "f.gz"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataError, match=f"{path}: truncated gzip"):
        read_idx(path)


def test_corrupted_gzip(tmp_path):
    blob = bytearray(gzip.compress(idx_bytes(np.zeros((3, 28, 28), np.uint8)), mtime=0))
    blob[-6] ^= 0xFF  # inside the CRC-32 trailer
    path = tmp_path / "f.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=f"{path}: corrupt gzip data"):
        read_idx(path)


def test_corrupted_deflate_stream(tmp_path):
    rng = np.random.default_rng(0)
    blob = bytearray(gzip.compress(idx_bytes(rng.integers(0, 255, 5000, dtype=np.uint8))))
    for i in range(20, 40):
        blob[i] ^= 0x5A
    path = tmp_path / "f.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=str(path)):
        read_idx(path)


def test_directory(tmp_path):
    with pytest.raises(DataError, match="is a directory"):
        read_idx(tmp_path)


def test_missing(tmp_path):
    with pytest.raises(DataError, match=f"{tmp_path / 'nope'}: no such file"):
        read_idx(tmp_path / "nope")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable(tmp_path):
    path = write(tmp_path / "f", idx_bytes(np.zeros(3, np.uint8)), gz=False)
    path.chmod(0)
    try:
        with pytest.raises(DataError, match="permission denied"):
            read_idx(path)
    finally:
        path.chmod(0o644)


def test_messages_are_one_line(tmp_path):
    blob = bytearray(gzip.compress(b"\0" * 100))
    blob[-6] ^= 0xFF
    path = tmp_path / "f.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError) as e:
        read_idx(path)
    assert "\n" not in str(e.value)


def test_permission_error_even_as_root(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(idx_module, "open", denied, raising=False)  # module global shadows the builtin
    with pytest.raises(DataError, match=f"{tmp_path / 'f'}: permission denied"):
        read_idx(tmp_path / "f")
