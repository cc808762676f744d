"""The real MNIST written as CSV (Kaggle's layout) and npz (Keras's) loads as the same arrays as the IDX files."""

import numpy as np

from nntui.data import load_csv, load_mnist, load_npz

N_TRAIN, N_TEST = 2000, 500


def test_real_mnist_as_csv_and_npz(real_mnist, tmp_path):
    mnist = load_mnist(real_mnist, download=False)
    x_train, y_train = mnist.x_train[:N_TRAIN], mnist.y_train[:N_TRAIN]
    x_test, y_test = mnist.x_test[:N_TEST], mnist.y_test[:N_TEST]
    header = ",".join(["label"] + [f"pixel{i}" for i in range(784)])
    for name, x, y in (("train.csv", x_train, y_train), ("test.csv", x_test, y_test)):
        rows = np.concatenate([y[:, None], x.reshape(len(x), 784)], axis=1)
        np.savetxt(tmp_path / name, rows, fmt="%d", delimiter=",", header=header, comments="")
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)

    csv = load_csv(tmp_path / "train.csv", tmp_path / "test.csv")
    npz = load_npz(tmp_path / "mnist.npz")
    assert csv.x_train.dtype == np.uint8 and npz.x_train.dtype == np.uint8
    np.testing.assert_array_equal(csv.x_train, x_train.reshape(N_TRAIN, 784))
    np.testing.assert_array_equal(csv.x_test, x_test.reshape(N_TEST, 784))
    np.testing.assert_array_equal(npz.x_train, x_train)
    for data in (csv, npz):
        np.testing.assert_array_equal(data.y_train, y_train)
        np.testing.assert_array_equal(data.y_test, y_test)
        assert data.num_classes == 10
