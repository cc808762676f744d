"""npz files in Keras's mnist.npz layout: x_train, y_train, x_test, y_test."""

import io
import zipfile

import numpy as np
import pytest

from nntui.data import DataError, load_npz


def save(path, **arrays):
    base = {"x_train": np.zeros((4, 3, 3), np.uint8), "y_train": np.array([0, 1, 2, 1]),
            "x_test": np.ones((2, 3, 3), np.uint8), "y_test": np.array([2, 0], np.uint8)}
    np.savez(path, **{k: v for k, v in (base | arrays).items() if v is not None})
    return path


def test_uint8_kept_floats_as_they_are(tmp_path):
    data = load_npz(save(tmp_path / "d.npz"))
    assert data.x_train.dtype == np.uint8 and data.sample_shape == (3, 3)
    assert data.y_train.dtype == np.int64 and data.y_train.tolist() == [0, 1, 2, 1]
    assert data.num_classes == 3 and data.title == "d.npz"
    x = np.linspace(-2, 2, 8, dtype=np.float64).reshape(4, 2)
    data = load_npz(save(tmp_path / "f.npz", x_train=x, x_test=x[:2], y_test=np.array([[1.0], [0.0]])))
    assert data.x_train.dtype == np.float32 and data.x_train.tolist() == x.astype(np.float32).tolist()
    assert data.y_test.tolist() == [1, 0]


def test_compressed_npz(tmp_path):
    path = tmp_path / "c.npz"
    np.savez_compressed(path, x_train=np.zeros((3, 2), np.float32), y_train=np.arange(3), x_test=np.zeros((1, 2)),
                        y_test=np.array([0]))
    assert load_npz(path).x_test.dtype == np.float32


@pytest.mark.parametrize("arrays, message", [
    ({"y_test": None}, r"d.npz: missing arrays: y_test \(an npz for nntui holds x_train, y_train, x_test and y_test"),
    ({"x_train": None, "y_train": None}, r"d.npz: missing arrays: x_train, y_train "),
    ({"y_train": np.array([0, 1, -1, 1])}, r"d.npz\[y_train\]: label -1 \(sample 2\) is negative; classes are numbered"),
    ({"y_train": np.array([0, 1, 0.5, 1])}, r"d.npz\[y_train\]: label 0.5 \(sample 2\) is not an integer class"),
    ({"y_test": np.array(["a", "b"])}, r"d.npz\[y_test\]: labels are <U1; expected integer classes"),
    ({"y_test": np.zeros((2, 2), int)}, r"d.npz\[y_test\]: labels have shape \(2, 2\); expected one integer class"),
    ({"y_test": np.array([1, 2, 0])}, r"d.npz\[y_test\]: 3 labels but 2 samples in x_test"),
    ({"x_test": np.zeros((2, 3, 4), np.uint8)}, r"d.npz\[x_test\]: samples of shape \(3, 4\), but x_train's are \(3, 3\)"),
    ({"x_train": np.arange(4.0)}, r"d.npz\[x_train\]: shape \(4,\); expected one sample per row"),
    ({"x_train": np.full((4, 2), np.nan)}, r"d.npz\[x_train\]: sample 0 holds NaN or infinity"),
])
def test_bad_arrays_name_the_key(tmp_path, arrays, message):
    with pytest.raises(DataError, match=message):
        load_npz(save(tmp_path / "d.npz", **arrays))


def test_not_an_npz(tmp_path):
    path = tmp_path / "j.npz"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DataError, match=r"j.npz: not a readable .npz file"):
        load_npz(path)
    with pytest.raises(DataError, match=r"none.npz: no such file"):
        load_npz(tmp_path / "none.npz")
    with pytest.raises(DataError, match=r"is a directory, expected an .npz file"):
        load_npz(tmp_path)


def test_a_2_gb_npz_is_refused_from_its_headers(tmp_path):
    """The headers say 600,000 float32 images of 28x28 (1.9 GB): refused before any data is read."""
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for key, shape, dtype in (("x_train", (600000, 28, 28), "<f4"), ("y_train", (600000,), "<i8"),
                                  ("x_test", (10, 28, 28), "<f4"), ("y_test", (10,), "<i8")):
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(header, {"descr": dtype, "fortran_order": False, "shape": shape})
            zf.writestr(f"{key}.npy", header.getvalue())  # the header only: the data is not there
    with pytest.raises(DataError, match=r"huge.npz: reading it needs about 3.5 GiB of memory but only 1.0 GiB"):
        load_npz(path, memory_limit=1 << 30)
