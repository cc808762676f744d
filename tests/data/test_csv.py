"""CSV files: a header, the label first or named, numbers; bad files name the file, line and column."""

import numpy as np
import pytest

from nntui.data import DataError, load_csv


def write(path, text):
    path.write_text(text)
    return path


def kaggle(path, rng, n=30):
    """Kaggle's MNIST train.csv layout: label, pixel0 ... pixel783, integers."""
    labels = rng.integers(0, 10, n)
    pixels = rng.integers(0, 256, (n, 784))
    header = ",".join(["label"] + [f"pixel{i}" for i in range(784)])
    rows = "\n".join(",".join(map(str, [lab, *row])) for lab, row in zip(labels, pixels))
    path.write_text(header + "\n" + rows + "\n")
    return labels, pixels


def test_kaggle_train_csv_as_it_is(tmp_path):
    rng = np.random.default_rng(0)
    labels, pixels = kaggle(tmp_path / "train.csv", rng)
    data = load_csv(tmp_path / "train.csv", test_split=0.2)
    assert data.x_train.dtype == np.uint8 and data.x_train.shape == (24, 784) and data.x_test.shape == (6, 784)
    np.testing.assert_array_equal(np.concatenate([data.x_train, data.x_test]), pixels)
    np.testing.assert_array_equal(np.concatenate([data.y_train, data.y_test]), labels)
    assert data.title == "train.csv" and data.sample_shape == (784,)


def test_test_file_named_label_and_floats(tmp_path):
    write(tmp_path / "a.csv", "x,y,class\n0.5,-1,1\n2,3e2,0\n\n1,1,2\n")
    write(tmp_path / "b.csv", "x,y,class\n1.5,2,2\n")
    data = load_csv(tmp_path / "a.csv", tmp_path / "b.csv", label_column="class")
    assert data.x_train.dtype == np.float32
    np.testing.assert_array_equal(data.x_train, [[0.5, -1], [2, 300], [1, 1]])
    assert data.y_train.tolist() == [1, 0, 2] and data.y_test.tolist() == [2]
    np.testing.assert_array_equal(data.x_test, [[1.5, 2]])
    assert data.num_classes == 3 and data.names() == ("0", "1", "2")


def test_pixels_only_when_both_files_are_0_to_255(tmp_path):
    write(tmp_path / "a.csv", "label,p\n1,200\n")
    write(tmp_path / "b.csv", "label,p\n1,256\n")
    assert load_csv(tmp_path / "a.csv", tmp_path / "a.csv").x_train.dtype == np.uint8
    data = load_csv(tmp_path / "a.csv", tmp_path / "b.csv")
    assert data.x_train.dtype == np.float32 and data.x_test.tolist() == [[256.0]]


def test_quotes_crlf_and_bom(tmp_path):
    (tmp_path / "q.csv").write_bytes(b'\xef\xbb\xbf"label","a"\r\n"3","4"\r\n1,2\r\n')
    data = load_csv(tmp_path / "q.csv", tmp_path / "q.csv")
    assert data.y_train.tolist() == [3, 1] and data.x_train.tolist() == [[4], [2]]


@pytest.mark.parametrize("text, message", [
    ("label,a,b\n1,2,3\n0,4\n", "line 3, column 3: missing (the row has 2 columns, the header 3)"),
    ("label,a,b\n1,2,3\n0,4,5,6\n", "line 3, column 4: one too many (the row has 4 columns, the header 3)"),
    ("label,a,b\n1,2,3\n   \n", "line 3, column 2: missing (the row has 1 column, the header 3)"),
    ("label,a,b\n1,2\n0,4\n", "line 2, column 3: missing (the row has 2 columns, the header 3)"),
    ("label,a,b\n1,2,3\n0,x,5\n", "line 3, column 2 (a): 'x' is not a number"),
    ("label,a,b\n1,2.5,3\n\n0,4,abc\n", "line 4, column 3 (b): 'abc' is not a number"),
    ("label,a,b\n1,2.5,3\n0,nan,5\n", "line 3, column 2 (a): 'nan' is not a finite number"),
    ("label,a,b\n1,2,3\n-1,4,5\n", "line 3, column 1 (label): '-1' is not a class label (an integer from 0)"),
    ("label,a,b\n1,2,3\n1.5,4,5\n", "line 3, column 1 (label): '1.5' is not a class label (an integer from 0)"),
    ("label,a,b\n1,2,3\ncat,4,5\n", "line 3, column 1 (label): 'cat' is not a number"),
    ("1,2,3\n0,4,5\n", "line 1: the first row holds numbers; a CSV file for nntui starts with a header row"),
    ("", ": empty file; expected a header row"),
    ("label,a,b\n", ": no rows under the header"),
    ("label\n1\n", "line 1: one column; expected the label and at least one feature column"),
])
def test_bad_files_name_the_line_and_column(tmp_path, text, message):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(DataError) as e:
        load_csv(path, path)
    assert str(e.value).startswith(f"{path}{'' if message.startswith(':') else ', '}{message}".replace(", :", ":"))
    assert "\n" not in str(e.value)


def test_bad_label_column_and_test_file(tmp_path):
    a = write(tmp_path / "a.csv", "label,a,b\n1,2,3\n0,4,5\n")
    with pytest.raises(DataError, match=r"a.csv, line 1: no column named 'digit' for the label \(columns: label, a, b\)"):
        load_csv(a, a, label_column="digit")
    b = write(tmp_path / "b.csv", "label,a\n1,2\n")
    with pytest.raises(DataError, match=r"b.csv, line 1: 2 columns, but .*a.csv has 3"):
        load_csv(a, b)
    with pytest.raises(DataError, match=r"nope.csv: no such file"):
        load_csv(a, tmp_path / "nope.csv")
    with pytest.raises(DataError, match=r": is a directory, expected a CSV file"):
        load_csv(tmp_path)
    one = write(tmp_path / "one.csv", "label,a\n1,2\n")
    with pytest.raises(DataError, match=r"one.csv: 1 row cannot be split into training and test rows \(test_split 0.2\)"):
        load_csv(one, test_split=0.2)


def test_binary_junk(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"label,a\n\xff\xfe\x00garbage\n")
    with pytest.raises(DataError, match=r"junk.csv, line 2: not UTF-8 text; expected a CSV file"):
        load_csv(path, path)


def test_a_2_gb_file_is_refused_by_the_memory_check_before_parsing(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "w") as f:  # a sparse file: a real header and rows, then 2 GB of nothing
        f.write("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n")
        for _ in range(100):
            f.write("1," + ",".join(["128"] * 784) + "\n")
        f.truncate(2 << 30)
    with pytest.raises(DataError) as e:
        load_csv(path, path, memory_limit=1 << 30)
    assert str(e.value).startswith(f"{path}: reading it needs about ")
    assert str(e.value).endswith("of memory but only 1.0 GiB is available; use a smaller file")
