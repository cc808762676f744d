"""The [data] table beyond MNIST: its keys per data set, the data set's sizes in the checks, loading any
set for a run, the targets of class labels, the memory check, and the document's data edits."""

from __future__ import annotations

import gzip
import sys
import types

import numpy as np
import pytest
from fake_mnist import idx_bytes

from nntui.engine.events import RunEnded
from nntui.preset import PresetError, build_model, full_check, load_preset, loads
from nntui.preset import data_source
from nntui.preset.data_source import data_sizes
from nntui.preset.datasets import load_arrays
from nntui.preset.document import PresetDocument
from nntui.preset.errors import RunError
from nntui.preset.keras_code import keras_code
from nntui.preset.run import prepare_run
from nntui.preset.toml_writer import dumps

HEAD = 'name = "t"\n[data]\n'
DENSE = ('[model]\ninput_shape = [{n}]\n[[model.layers]]\ntype = "Dense"\nunits = 8\nactivation = "relu"\n'
         '[[model.layers]]\ntype = "Dense"\nunits = {units}\nactivation = "{act}"\n')
TRAIN = '[training]\nloss = "{loss}"\noptimizer = {{ type = "adam", learning_rate = 0.01 }}\nbatch_size = 16\nepochs = {epochs}\n'


def preset_text(data: str, n: int = 2, units: int = 1, act: str = "sigmoid", loss: str = "binary_crossentropy",
                epochs: int = 2, extra: str = "") -> str:
    return HEAD + data + "\n" + DENSE.format(n=n, units=units, act=act) + TRAIN.format(loss=loss, epochs=epochs) + extra


def error_of(text: str, path=None) -> str:
    with pytest.raises(PresetError) as info:
        loads(text, "x.toml", path)
    return str(info.value)


def fit(preset, arrays=None):
    setup = prepare_run(preset, memory=True)
    data = setup.datasets(arrays if arrays is not None else load_arrays(preset))
    ended = [e for e in setup.fit(data, preset.training.epochs) if isinstance(e, RunEnded)][0]
    return setup, data, ended


def write_csv(path, x, y, header=None):
    header = header or ",".join(["label"] + [f"f{i}" for i in range(x.shape[1])])
    rows = np.concatenate([y[:, None].astype(x.dtype), x], axis=1)
    np.savetxt(path, rows, fmt="%d" if x.dtype.kind in "iu" else "%.6f", delimiter=",", header=header, comments="")


# --- the format ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "message"), [
    ('dataset = "moons"', "x.toml: data.dataset: expected one of 'mnist', 'fashion_mnist', 'npz', 'csv', "
                          "'circles', 'xor', 'gaussian', 'spiral', got 'moons'"),
    ('dataset = "mnist"\nsamples = 100', "x.toml: data.samples: only for Playground's sets (circles, xor, gaussian, "
                                         "spiral); dataset 'mnist' takes: validation_split, limit"),
    ('dataset = "spiral"\npath = "a.csv"', "x.toml: data.path: only for npz and csv; dataset 'spiral' takes: "
                                           "validation_split, limit, samples, test_samples, noise, seed"),
    ('dataset = "csv"', "x.toml: data.path: missing: dataset 'csv' reads a file (path = 'data/train.csv')"),
    ('dataset = "npz"\npath = ""', "x.toml: data.path: expected a non-empty text, got ''"),
    ('dataset = "csv"\npath = "a.csv"\ntest_path = "b.csv"\ntest_split = 0.1',
     "x.toml: data.test_split: not used when data.test_path is given"),
    ('dataset = "spiral"\nnoise = 0.7', "x.toml: data.noise: expected a number in [0, 0.5], got 0.7"),
    ('dataset = "xor"\nsamples = 1', "x.toml: data.samples: expected a positive integer at most 1000000, got 1"),
    ('dataset = "xor"\nsede = 1', "x.toml: data.sede: unknown key (allowed here: dataset, validation_split, limit"),
])
def test_data_keys_are_validated_per_data_set(data, message):
    assert error_of(preset_text(data)).startswith(message)


def test_the_digit_rules_are_for_mnist_only():
    text = preset_text('dataset = "xor"', extra='targets = { dense_1 = "parity" }\n')
    assert error_of(text) == ("x.toml: training.targets.dense_1: 'parity' is a rule for MNIST's digits; dataset "
                              "'xor' has classes, not digits: use 'label' (the sample's class)")
    loads(preset_text('dataset = "xor"', extra='targets = { dense_1 = "label" }\n'))
    loads(preset_text("", n=784, units=10, act="softmax", loss="categorical_crossentropy",
                      extra='targets = { dense_1 = "label" }\n'))  # on MNIST the label is the digit


def test_data_settings_round_trip_and_only_the_sets_own_keys_are_written():
    p = loads(preset_text('dataset = "spiral"\nsamples = 300\nnoise = 0.25\nseed = 7'))
    text = dumps(p)
    assert 'dataset = "spiral"\nsamples = 300\nnoise = 0.25\nseed = 7\n' in text and "test_split" not in text
    assert loads(text).data == p.data


# --- sizes, checks -------------------------------------------------------------------------------------


def test_sizes_of_the_built_in_sets():
    assert data_sizes(load_preset("mnist")).summary() == "MNIST: 28x28, 10 classes"
    fashion = data_sizes(load_preset("fashion-mnist"))
    assert fashion.class_names[0] == "T-shirt/top" and fashion.class_names[-1] == "Ankle boot"
    spiral = data_sizes(load_preset("playground-spiral"))
    assert (spiral.summary(), spiral.train, spiral.test, spiral.class_names) == (
        "spiral: 2 values, 2 classes", 500, 500, ("orange", "blue"))


def test_the_loss_check_uses_the_data_sets_classes():
    text = preset_text('dataset = "spiral"', units=10, act="softmax", loss="categorical_crossentropy")
    preset = loads(text, "x.toml")
    report = full_check(preset, build_model(preset.model))
    assert "2 units for 2 classes" in str(report.error) and report.error_index == 1
    with pytest.raises(RunError, match=r"x.toml: model.layers\[1\] \(dense_1\): categorical_crossentropy needs one "
                                       r"output per class \(2 units for 2 classes\)"):
        prepare_run(preset)
    two = loads(preset_text('dataset = "spiral"', units=2, act="softmax", loss="sparse_categorical_crossentropy"))
    assert full_check(two, build_model(two.model)).ok


def test_samples_that_do_not_fit_the_input_shape_name_the_field():
    with pytest.raises(PresetError, match=r"x.toml: model.input_shape: spiral samples have 2 values "
                                          r"but \[784\] holds 784; use \[2\]"):
        prepare_run(loads(preset_text('dataset = "spiral"', n=784), "x.toml"), memory=True)
    doc = PresetDocument(loads(preset_text('dataset = "spiral"', n=784)))
    assert doc.check().input_error.startswith("spiral samples have 2 values") and not doc.check().ready


def test_npz_and_csv_sizes_come_from_the_files(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype(np.float32), rng.integers(0, 3, 40)
    np.savez(tmp_path / "d.npz", x_train=x[:30], y_train=y[:30], x_test=x[30:], y_test=y[30:])
    write_csv(tmp_path / "d.csv", x, y)
    npz = loads(preset_text('dataset = "npz"\npath = "d.npz"', n=3, units=3, act="softmax",
                            loss="categorical_crossentropy"), "x.toml", tmp_path / "x.toml")
    csv = loads(preset_text('dataset = "csv"\npath = "d.csv"', n=3, units=3, act="softmax",
                            loss="categorical_crossentropy"), "x.toml", tmp_path / "x.toml")
    assert data_sizes(npz).summary() == "d.npz: 3 values, 3 classes" and (data_sizes(npz).train, data_sizes(npz).test) == (30, 10)
    assert data_sizes(csv).summary() == "d.csv: 3 values, 3 classes" and (data_sizes(csv).train, data_sizes(csv).test) == (32, 8)
    for preset in (npz, csv):
        setup, data, ended = fit(preset)
        assert data.sizes.classes == 3 and data.train.x.shape == (32 if preset is csv else 30, 3)
        assert ended.test_logs["accuracy"] >= 0.0


def test_a_missing_file_names_the_field_and_the_builder_says_so(tmp_path):
    preset = loads(preset_text('dataset = "csv"\npath = "nope.csv"'), "x.toml", tmp_path / "x.toml")
    with pytest.raises(PresetError, match=rf"x.toml: data.path: {tmp_path}/nope.csv: no such file"):
        prepare_run(preset, memory=True)
    check = PresetDocument(preset).check()
    assert check.data_error == f"data.path: {tmp_path}/nope.csv: no such file" and not check.ready


def test_a_bad_csv_cell_names_the_file_line_and_column(tmp_path):
    (tmp_path / "d.csv").write_text("label,a,b\n0,1,2\n1,x,3\n" + "0,1,1\n" * 5)
    preset = loads(preset_text('dataset = "csv"\npath = "d.csv"'), "x.toml", tmp_path / "x.toml")
    with pytest.raises(PresetError, match=r"x.toml: data.path: .*d.csv, line 3, column 2 \(a\): 'x' is not a number"):
        prepare_run(preset, memory=True)


def test_the_classes_of_a_large_csv_are_checked_when_it_is_loaded(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 255, (50, 4)), rng.integers(0, 5, 50)
    write_csv(tmp_path / "big.csv", x, y)
    monkeypatch.setattr(data_source, "CSV_READ_LIMIT", 100)
    preset = loads(preset_text('dataset = "csv"\npath = "big.csv"', n=4, units=3, act="softmax",
                               loss="categorical_crossentropy"), "x.toml", tmp_path / "x.toml")
    sizes = data_sizes(preset)
    assert sizes.classes is None and sizes.sample_shape == (4,) and sizes.summary() == "big.csv: 4 values, ? classes"
    setup = prepare_run(preset, memory=True)  # not known yet: not refused yet
    with pytest.raises(RunError, match=r"needs one output per class \(5 units for 5 classes\)"):
        setup.datasets(load_arrays(preset))


def test_the_memory_check_covers_files_and_playground(tmp_path, monkeypatch):
    write_csv(tmp_path / "d.csv", np.zeros((2000, 50), np.int64), np.zeros(2000, np.int64))
    preset = loads(preset_text('dataset = "csv"\npath = "d.csv"', n=50), "x.toml", tmp_path / "x.toml")
    monkeypatch.setenv("NNTUI_MEMORY_LIMIT", "200000")
    with pytest.raises(RunError, match=r"x.toml: this run needs about .* but only 0 MiB is available"):
        prepare_run(preset, memory=True)
    monkeypatch.setattr(data_source, "CSV_READ_LIMIT", 100)  # the reader refuses it too, naming the file
    with pytest.raises(PresetError, match=r"x.toml: data.path: .*d.csv: reading it needs about"):
        load_arrays(preset)
    big = loads(preset_text('dataset = "spiral"\nsamples = 1000000'), "y.toml")
    monkeypatch.setenv("NNTUI_MEMORY_LIMIT", "20000000")
    with pytest.raises(RunError, match=r"y.toml: this run needs about"):
        prepare_run(big, memory=True)


# --- runs ----------------------------------------------------------------------------------------------


def test_a_playground_run_learns_with_the_label_as_target():
    preset = loads(preset_text('dataset = "circles"\nsamples = 200', units=2, act="softmax",
                               loss="sparse_categorical_crossentropy", epochs=10))
    setup, data, ended = fit(preset)
    assert setup.plans[0].rule.name == "label" and setup.plans[0].rule.classes == 2
    assert data.train.targets[0].dtype.kind == "i" and set(np.unique(data.train.targets[0])) == {0, 1}
    assert ended.test_logs["accuracy"] > 0.9


def test_fashion_mnist_is_found_in_its_folder_beside_mnist(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "fashion_mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name, n, images in (("train", 60, True), ("train", 60, False), ("t10k", 20, True), ("t10k", 20, False)):
        array = rng.integers(0, 256, (n, 28, 28)) if images else rng.integers(0, 10, n)
        kind = "images-idx3" if images else "labels-idx1"
        (folder / f"{name}-{kind}-ubyte.gz").write_bytes(gzip.compress(idx_bytes(array.astype(np.uint8))))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NNTUI_DATA_DIR", raising=False)
    preset = load_preset("fashion-mnist").with_overrides(epochs=1)
    arrays = load_arrays(preset, tmp_path / "data")
    assert arrays.title == "Fashion-MNIST" and arrays.x_train.shape == (60, 28, 28)
    assert fit(preset, arrays)[1].sizes.names()[9] == "Ankle boot"


def test_keras_code_draws_the_same_playground_points():
    keras = types.ModuleType("keras")
    keras.utils = types.SimpleNamespace(to_categorical=lambda y, n: np.eye(n)[y])
    saved = sys.modules.get("keras")
    sys.modules["keras"] = keras
    try:
        for name in ("playground-spiral", "playground-circles"):
            preset = load_preset(name)
            module = {"__name__": "exported", "__file__": "/nowhere/model.py"}
            exec(keras_code(preset), module)
            (x_train, y_train), (x_test, y_test) = module["load_data"]()
            arrays = load_arrays(preset)
            np.testing.assert_array_equal(x_train, arrays.x_train)
            np.testing.assert_array_equal(y_test[:, 0], arrays.y_test)
    finally:
        if saved is None:
            del sys.modules["keras"]
        else:
            sys.modules["keras"] = saved


# --- the document --------------------------------------------------------------------------------------


def test_switching_the_data_set_in_the_document():
    doc = PresetDocument(load_preset("mnist-multihead"))
    assert doc.preset.training.targets == {"digit": "digit", "parity": "parity"}
    assert doc.set_dataset("spiral")
    p = doc.preset
    assert p.data.dataset == "spiral" and p.model.input_shape == (2,) and p.training.targets is None
    assert p.data.validation_split == 0.0 or p.data.validation_split == load_preset("mnist-multihead").data.validation_split
    assert "2 units for 2 classes" in str(doc.check().report.error)
    assert doc.set_data(noise=0.3, samples=200) and (p := doc.preset).data.noise == 0.3 and p.data.samples == 200
    with pytest.raises(Exception, match="only for npz and csv"):
        doc.set_data(path="a.csv")
    with pytest.raises(Exception, match="'parity' is a rule for MNIST's digits"):
        doc.set_target("parity", "parity")
    assert doc.set_dataset("fashion_mnist") and doc.preset.model.input_shape == (784,)
    assert doc.undo() and doc.undo() and doc.undo() and doc.preset.data.dataset == "mnist"
    assert doc.preset.training.targets == {"digit": "digit", "parity": "parity"}


def test_choosing_a_csv_file_gives_the_input_its_shape(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "d.csv", np.ones((10, 5), np.int64), np.arange(10) % 2)
    doc = PresetDocument(load_preset("mnist"))
    doc.set_dataset("csv")
    assert doc.check().data_error.startswith("data.path: no file yet")
    doc.set_data(path="d.csv")
    assert doc.preset.model.input_shape == (5,) and doc.check().sizes.classes == 2
    assert "2 units for 2 classes" in str(doc.check().report.error)
