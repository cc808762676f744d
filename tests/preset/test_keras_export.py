"""The way out to Keras: model.py + weights.npz; the Keras model predicts what nntui predicts.

The comparison with Keras runs where Keras is installed (any backend); CI does not need it.
"""

from __future__ import annotations

import ast
import importlib.util

import numpy as np
import pytest

from nntui.preset import build_model, load_preset, loads
from nntui.preset.keras_export import export_keras
from nntui.preset.loader import builtin_presets
from nntui.preset.outputs import OutputError

# every layer type and setting that differs from Keras's defaults, in one graph
EVERY_LAYER = """
name = "every-layer"
[model]
input_shape = [28, 28, 1]
outputs = ["digit", "seq_out"]
[[model.layers]]
type = "Conv2D"
name = "conv"
filters = 4
kernel_size = 3
strides = 2
padding = "same"
activation = "relu"
[[model.layers]]
type = "BatchNormalization"
name = "bn"
[[model.layers]]
type = "MaxPooling2D"
name = "pool"
pool_size = 2
padding = "same"
[[model.layers]]
type = "Conv2D"
name = "gate"
inputs = ["bn"]
filters = 1
kernel_size = 1
activation = "sigmoid"
[[model.layers]]
type = "Multiply"
name = "gated"
inputs = ["bn", "gate"]
[[model.layers]]
type = "AveragePooling2D"
name = "avg"
pool_size = 2
[[model.layers]]
type = "Maximum"
name = "most"
inputs = ["pool", "avg"]
[[model.layers]]
type = "Subtract"
name = "diff"
inputs = ["pool", "avg"]
[[model.layers]]
type = "Concatenate"
name = "cat"
inputs = ["most", "diff"]
[[model.layers]]
type = "GlobalAveragePooling2D"
name = "gap"
[[model.layers]]
type = "Dropout"
name = "drop"
rate = 0.3
[[model.layers]]
type = "Dense"
name = "wide"
units = 12
activation = "gelu"
[[model.layers]]
type = "Flatten"
name = "flat"
inputs = ["gated"]
[[model.layers]]
type = "Dense"
name = "proj"
units = 12
activation = "leaky_relu"
[[model.layers]]
type = "Add"
name = "sum"
inputs = ["wide", "proj"]
[[model.layers]]
type = "Average"
name = "mean"
inputs = ["sum", "wide"]
[[model.layers]]
type = "Minimum"
name = "least"
inputs = ["mean", "proj"]
[[model.layers]]
type = "Activation"
name = "act"
activation = "elu"
[[model.layers]]
type = "Dense"
name = "digit"
units = 10
activation = "softmax"
[[model.layers]]
type = "Reshape"
name = "seq"
inputs = ["sum"]
target_shape = [4, 3]
[[model.layers]]
type = "SimpleRNN"
name = "rnn"
units = 5
return_sequences = true
[[model.layers]]
type = "LSTM"
name = "lstm"
units = 6
[[model.layers]]
type = "Dense"
name = "seq_out"
units = 1
activation = "sigmoid"
[training]
loss = { digit = "categorical_crossentropy", seq_out = "binary_crossentropy" }
targets = { digit = "digit", seq_out = "parity" }
"""


def randomised(model, seed=0):
    """The model with every weight random (BatchNormalization's moving statistics included)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for key, value in model.get_weights().items():
        w = rng.normal(0, 0.3, size=value.shape).astype(np.float32)
        weights[key] = np.abs(w) + 0.5 if key.endswith("moving_variance") else w
    model.set_weights(weights)
    return model


def import_file(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_export_writes_the_code_and_the_weights(tmp_path):
    preset = load_preset("mnist")
    model = build_model(preset.model).build(seed=0)
    code, weights = export_keras(preset, model, tmp_path / "out")
    assert code.name == "model.py" and weights.name == "weights.npz"
    with np.load(weights) as saved:
        assert sorted(saved.files) == sorted(model.get_weights())
        np.testing.assert_array_equal(saved["dense/kernel"], model.get_weights()["dense/kernel"])
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


@pytest.mark.parametrize("name", builtin_presets())
def test_model_py_has_no_side_effects_at_import(name, tmp_path):
    """At the top: imports, constants and definitions; loading data and training only under __main__."""
    code = export_keras(load_preset(name), build_model(load_preset(name).model).build(seed=0), tmp_path)[0]
    tree = ast.parse(code.read_text())
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "Import", "ImportFrom", "Assign", "FunctionDef", "If"}, kinds
    (main,) = [node for node in tree.body if isinstance(node, ast.If)]
    assert ast.unparse(main.test) == "__name__ == '__main__'"
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert functions[:2] == ["build_model", "targets"] and functions[-1] == "load_data"  # helpers (draw, ...) between
    assert "fit(" in ast.unparse(main) and "fit(" not in "".join(
        ast.unparse(n) for n in tree.body if isinstance(n, ast.FunctionDef))


def test_a_folder_that_cannot_be_made_is_refused_before_anything_is_written(tmp_path):
    preset = load_preset("mnist")
    model = build_model(preset.model).build(seed=0)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"file: is a file, not a folder"):
        export_keras(preset, model, tmp_path / "file")
    with pytest.raises(OutputError, match=r"does not exist"):
        export_keras(preset, model, tmp_path / "no" / "such")
    assert not (tmp_path / "no").exists()


PRESETS = [(name, load_preset(name)) for name in builtin_presets()] + [("every-layer", loads(EVERY_LAYER))]


@pytest.mark.parametrize(("name", "preset"), PRESETS, ids=[n for n, _ in PRESETS])
def test_the_keras_model_predicts_what_nntui_predicts(name, preset, tmp_path):
    keras = pytest.importorskip("keras", reason="Keras is not installed (pip install keras and a backend)")
    model = randomised(build_model(preset.model).build(seed=0))
    code, _ = export_keras(preset, model, tmp_path)
    module = import_file(code, f"exported_{name.replace('-', '_')}")
    km = module.build_model()
    x = np.random.default_rng(1).uniform(0, 1, size=(16, *preset.model.input_shape)).astype(np.float32)
    ours = model.forward(x, training=False)
    theirs = km.predict(x, verbose=0)
    if isinstance(theirs, dict):
        theirs = [theirs[o] for o in model.outputs]
    elif not isinstance(theirs, (list, tuple)):
        theirs = [theirs]
    for out, a, b in zip(model.outputs, ours, theirs):
        np.testing.assert_allclose(np.asarray(keras.ops.convert_to_numpy(b)), a, rtol=2e-4, atol=2e-5,
                                   err_msg=f"{name}: output {out}")
