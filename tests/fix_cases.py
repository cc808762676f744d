"""One preset per kind of misfit the engine reports with a fix (imported as ``fix_cases``).

Each case: an id, the preset text, the misfit kind, a text the first fix's title starts with, and
texts that no fix may carry (the fix that would teach the wrong lesson).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def layer(type_name: str, **settings) -> str:
    """One [[model.layers]] table."""
    lines = ["[[model.layers]]", f'type = "{type_name}"']
    for key, value in settings.items():
        if isinstance(value, str):
            value = f'"{value}"'
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "]"
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def preset(input_shape, *layers: str, loss="categorical_crossentropy", targets: str = "", outputs=None) -> str:
    """A whole preset text."""
    model = f"[model]\ninput_shape = {list(input_shape)}\n" + (f"outputs = {outputs}\n" if outputs else "")
    training = f'[training]\nloss = "{loss}"\n' + (f"targets = {{ {targets} }}\n" if targets else "")
    return 'name = "case"\n' + model + "".join(layers) + training


SOFTMAX10 = layer("Dense", units=10, activation="softmax")
HEAD = layer("Flatten") + SOFTMAX10


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    kind: str
    first: str
    never: tuple[str, ...] = field(default=())


def branches(a: str, b: str, merge: str, after: str = HEAD, **merge_settings) -> str:
    """Two branches 'a' and 'b' from the (28, 28, 1) input, joined by ``merge``."""
    return preset((28, 28, 1), a, b, layer(merge, inputs=["a", "b"], **merge_settings), after)


CONV_A = layer("Conv2D", name="a", inputs=["input"], filters=16, kernel_size=3)

CASES = [
    Case("conv2d-on-784-vector", preset((784,), layer("Conv2D", filters=8, kernel_size=3), HEAD), "layer",
         "Insert Reshape(target_shape=(28, 28, 1)) above conv2d"),
    Case("conv2d-on-28x28", preset((28, 28), layer("Conv2D", filters=8, kernel_size=3), HEAD), "layer",
         "Insert Reshape(target_shape=(28, 28, 1))"),
    Case("conv2d-after-flatten-dense", preset((28, 28, 1), layer("Flatten"), layer("Dense", units=64),
                                              layer("Conv2D", filters=8, kernel_size=3), HEAD), "layer",
         "Move conv2d above flatten", never=("input shape to (8, 8, 1)",)),
    Case("conv2d-after-dense-not-square", preset((28, 28, 1), layer("Flatten"), layer("Dense", units=50),
                                                 layer("Conv2D", filters=8, kernel_size=3), HEAD), "layer",
         "Move conv2d above flatten", never=("Reshape",)),
    Case("conv2d-on-5d", preset((28, 28, 1), layer("Reshape", target_shape=[28, 28, 1, 1]),
                                layer("Conv2D", filters=8, kernel_size=3), HEAD), "layer",
         "Insert Reshape(target_shape=(28, 28, 1)) above conv2d"),
    Case("pooling-on-vector", preset((784,), layer("GlobalAveragePooling2D"), SOFTMAX10), "layer",
         "Insert Reshape(target_shape=(28, 28, 1))"),
    Case("kernel-larger-than-image", preset((28, 28, 1), *[layer("MaxPooling2D", pool_size=3)] * 3,
                                            layer("Conv2D", filters=8, kernel_size=5), HEAD), "layer",
         "Set padding='same' on conv2d"),
    Case("pool-larger-than-image", preset((28, 28, 1), layer("MaxPooling2D", pool_size=8),
                                          layer("MaxPooling2D", pool_size=4), HEAD), "layer",
         "Set padding='same' on max_pooling2d_1"),
    Case("reshape-size-mismatch", preset((784,), layer("Dense", units=512),
                                         layer("Reshape", target_shape=[28, 28, 1]), HEAD), "layer",
         "Move reshape above dense"),
    Case("reshape-infer-not-divisible", preset((784,), layer("Reshape", target_shape=[-1, 5]), HEAD), "layer",
         "Use target_shape=(28, 28) on reshape"),
    Case("lstm-on-784-vector", preset((784,), layer("LSTM", units=16), SOFTMAX10), "layer",
         "Insert Reshape(target_shape=(28, 28)) above lstm"),
    Case("lstm-on-image", preset((28, 28, 1), layer("SimpleRNN", units=16), SOFTMAX10), "layer",
         "Insert Reshape(target_shape=(28, 28)) above simple_rnn"),
    Case("lstm-after-flatten", preset((28, 28), layer("Flatten"), layer("Dense", units=50), layer("LSTM", units=8),
                                      SOFTMAX10), "layer", "Move lstm above flatten"),
    Case("add-channels-differ", branches(CONV_A, layer("Conv2D", name="b", inputs=["input"], filters=8,
                                                       kernel_size=3), "Add"), "merge",
         "Add Conv2D(16, 1) to the second branch (after b)"),
    Case("add-units-differ", preset((784,), layer("Dense", name="a", inputs=["input"], units=64),
                                    layer("Dense", name="b", inputs=["input"], units=32),
                                    layer("Add", inputs=["a", "b"]), SOFTMAX10), "merge",
         "Add Dense(64) to the second branch (after b)"),
    Case("multiply-vector-and-image", branches(layer("Flatten", name="f", inputs=["input"]) +
                                               layer("Dense", name="a", units=64),
                                               layer("Conv2D", name="b", inputs=["input"], filters=16, kernel_size=3),
                                               "Multiply", after=SOFTMAX10), "merge",
         "Add Flatten() then Dense(64) to the second branch"),
    Case("add-sizes-differ", branches(CONV_A, layer("Conv2D", name="b", inputs=["input"], filters=16,
                                                    kernel_size=5), "Add"), "merge",
         "Set padding='same' on a, b, in every branch"),
    Case("concatenate-ranks-differ", branches(layer("Flatten", name="f", inputs=["input"]) +
                                              layer("Dense", name="a", units=64),
                                              layer("Conv2D", name="b", inputs=["input"], filters=16, kernel_size=3),
                                              "Concatenate", after=SOFTMAX10), "merge",
         "Add Flatten() to the second branch of concatenate"),
    Case("concatenate-sizes-differ", branches(CONV_A, layer("Conv2D", name="b", inputs=["input"], filters=16,
                                                            kernel_size=5), "Concatenate"), "merge",
         "Set padding='same' on a, b, in every branch"),
    Case("concatenate-bad-axis", preset((784,), layer("Dense", name="a", inputs=["input"], units=64),
                                        layer("Dense", name="b", inputs=["input"], units=32),
                                        layer("Concatenate", inputs=["a", "b"], axis=3), SOFTMAX10), "merge",
         "Set axis=-1 on concatenate"),
    Case("loss-units", preset((784,), layer("Dense", units=64), layer("Dense", units=1, activation="softmax")), "loss",
         "Change dense_1 to Dense(10, activation='softmax')"),
    Case("loss-activation", preset((784,), layer("Dense", units=64), layer("Dense", units=10, activation="relu"),
                                   loss="sparse_categorical_crossentropy"), "loss",
         "Set activation='softmax' on dense_1"),
    Case("binary-on-softmax", preset((784,), layer("Dense", units=10, activation="softmax"),
                                     loss="binary_crossentropy"), "loss",
         "Set activation='sigmoid' on dense"),
    Case("binary-not-sigmoid", preset((784,), layer("Dense", units=1), loss="binary_crossentropy",
                                      targets='dense = "parity"'), "loss",
         "Set activation='sigmoid' on dense"),
    Case("output-extra-axes", preset((28, 28, 1), layer("Conv2D", filters=8, kernel_size=3), layer("Dense", units=64),
                                     SOFTMAX10), "loss",
         "Add Flatten() above dense, the first Dense that receives an image"),
    Case("value-target-class-loss", preset((784,), layer("Dense", units=1), targets='dense = "digit_value"'), "loss",
         "Use the loss mean_squared_error"),
    Case("regression-units", preset((784,), layer("Dense", units=10), loss="mean_squared_error",
                                    targets='dense = "digit_value"'), "loss", "Change dense to Dense(1)"),
    Case("input-holds-other-size", preset((32, 32), layer("Flatten"), SOFTMAX10), "input",
         "Change the input shape to (28, 28)"),
]
"""Every kind of misfit that the engine (layers, merges, losses) or the document reports with a fix."""

NO_FIX = preset((28, 28, 1), layer("Flatten"), layer("Dense", units=50), layer("LSTM", units=8), SOFTMAX10)
"""An LSTM after Flatten and Dense(50) on images: nothing nntui can fix for you (50 values are not rows)."""
