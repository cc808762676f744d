"""Keras code export: valid Python that builds, compiles and fits the same model."""

import ast

from preset_texts import TWO_HEADS

from nntui.preset import load_preset, loads
from nntui.preset.document import PresetDocument
from nntui.preset.keras_code import keras_code, layer_args, optimizer_call, py_value


def calls(code: str) -> list[str]:
    return [ast.unparse(node) for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call)]


def test_mnist_is_a_sequential_model():
    code = keras_code(load_preset("mnist"))
    ast.parse(code)
    assert "keras.Sequential([" in code
    assert "keras.Input(shape=(784,))," in code
    assert 'keras.layers.Dense(512, activation="relu", name="dense"),' in code
    assert 'keras.layers.Dense(10, activation="softmax", name="dense_1"),' in code
    assert "optimizer=keras.optimizers.RMSprop(learning_rate=0.001)," in code
    assert 'loss="categorical_crossentropy",' in code and 'metrics=["accuracy"],' in code
    assert "model.fit(x_train, y_train, batch_size=128, epochs=5, validation_split=0.1)" in code
    assert "keras.utils.to_categorical(y, 10)" in code
    assert "x_train.reshape(-1, 784)" in code


def test_only_non_default_settings_and_positional_first_required():
    assert layer_args("Dense", {"units": 8, "activation": "linear", "use_bias": False,
                                "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros"}) == \
        "8, use_bias=False"
    assert layer_args("Reshape", {"target_shape": (28, 28, 1)}) == "(28, 28, 1)"
    assert layer_args("Dropout", {"rate": 0.5}, "drop") == '0.5, name="drop"'
    assert layer_args("Flatten", {}) == ""
    assert optimizer_call("sgd", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": False}) == \
        "keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)"
    assert py_value((5,)) == "(5,)" and py_value('a"b') == '"a\\"b"'


def test_edited_document_shows_in_code():
    doc = PresetDocument(load_preset("mnist"))
    doc.insert_layer(1, "Dropout", {"rate": 0.25})
    doc.set_optimizer("adam", {"learning_rate": 0.002, "amsgrad": True})
    doc.set_loss("sparse_categorical_crossentropy")
    doc.set_training(batch_size=32, epochs=2, validation_split=0.0, limit=1000)
    code = keras_code(doc.preset)
    ast.parse(code)
    assert 'keras.layers.Dropout(0.25, name="dropout"),' in code
    assert "keras.optimizers.Adam(learning_rate=0.002, amsgrad=True)" in code
    assert "return y\n" in code  # sparse targets are the integer labels
    assert "model.fit(x_train, y_train, batch_size=32, epochs=2)" in code
    assert "x_train, y_train = x_train[:1000], y_train[:1000]" in code


def test_graph_uses_the_functional_api():
    code = keras_code(loads(TWO_HEADS))
    ast.parse(code)
    assert "keras.Sequential" not in code
    assert "inputs = keras.Input(shape=(28, 28, 1))" in code
    assert 'trunk = keras.layers.Dense(64, activation="relu", name="trunk")(flatten)' in code
    assert 'digit = keras.layers.Dense(10, activation="softmax", name="digit")(trunk)' in code
    assert 'outputs={"digit": digit, "parity": parity}' in code
    assert 'loss={"digit": "categorical_crossentropy", "parity": "binary_crossentropy"},' in code
    assert 'loss_weights={"digit": 1.0, "parity": 0.5},' in code
    assert '"parity": (y % 2).astype("float32").reshape(-1, 1),' in code


def test_invalid_graph_still_gives_code_with_a_note():
    preset = loads(TWO_HEADS)
    preset.model.layers[2].inputs = ["nowhere"]
    code = keras_code(preset)
    ast.parse(code)
    assert "# The graph is not valid yet" in code


def test_every_shipped_preset_gives_valid_python():
    from nntui.preset.loader import builtin_presets
    for name in builtin_presets():
        ast.parse(keras_code(load_preset(name)))
