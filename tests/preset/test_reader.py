"""Reading a drawing with a model (nntui.preset.reader): the same numbers as Trainer.predict, per output."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from nntui.data.handwriting import Canvas, prepare
from nntui.preset import build_model, load_preset, loads, make_trainer
from nntui.preset.datasets import samples_as_input
from nntui.preset.reader import EMPTY, DigitReader, DrawingUnavailable

SHIPPED = ["mnist", "mnist-cnn", "mnist-lstm", "mnist-two-branch", "mnist-multihead", "mnist-inception"]


def trained(name: str, arrays=None):
    """A shipped preset's model and trainer: seeded weights, or one short epoch on real digits."""
    preset = load_preset(name)
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    if arrays is not None:
        from nntui.preset.datasets import make_datasets
        train, _, _ = make_datasets(preset.with_overrides(limit=3000), model, arrays)
        for _ in trainer.fit(train, epochs=1, batch_size=100):
            pass
    return preset, model, trainer


@functools.lru_cache(maxsize=1)
def load_once(folder):
    from nntui.data import load_mnist
    return load_mnist(folder)


@pytest.fixture
def mnist_arrays(real_mnist):
    return load_once(real_mnist)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_real_mnist_digit_put_on_the_canvas_reads_exactly_as_trainer_predict(name, mnist_arrays):
    """Put on the canvas as pixels (byte x float32(1/255)), an MNIST digit passes the preparation unchanged
    (its box is 20 pixels, its centre of mass at (14, 14)), so every output equals Trainer.predict's bit for bit."""
    preset, model, trainer = trained(name, mnist_arrays if name == "mnist" else None)
    reader = DigitReader(preset, model.get_weights())
    canvas = Canvas()
    for index in range(3):
        image = mnist_arrays.x_test[index]
        canvas.load_pixels(image)
        reading = reader.read(canvas.pixels)
        expected = trainer.predict(samples_as_input(image[None], preset.model.input_shape))
        assert len(reading.heads) == len(expected)
        for head, output in zip(reading.heads, expected):
            assert np.array_equal(head.raw, output[0]), (name, index, head.name)
    if name == "mnist":  # one epoch on 3,000 digits already reads these three
        assert [reader.read(load(canvas, image).pixels).digit.best for image in mnist_arrays.x_test[:3]] \
            == mnist_arrays.y_test[:3].tolist()


def load(canvas: Canvas, image) -> Canvas:
    canvas.load_pixels(image)
    return canvas


def test_an_empty_canvas_reads_nothing_and_says_so():
    preset, model, _ = trained("mnist")
    reading = DigitReader(preset, model.get_weights()).read(Canvas().pixels)
    assert reading.empty and reading.heads == () and reading.digit is None and reading.message == EMPTY


def test_the_reading_has_ten_probabilities_and_the_top_three():
    preset, model, _ = trained("mnist")
    canvas = Canvas()
    canvas.stroke((4, 14), (24, 14))
    reading = DigitReader(preset, model.get_weights()).read(canvas.pixels)
    digit = reading.digit
    assert digit.labels == tuple("0123456789") and digit.probabilities
    assert digit.scores.shape == (10,) and digit.scores.sum() == pytest.approx(1.0, abs=1e-5)
    top = digit.top(3)
    assert [label for label, _ in top] == [str(i) for i in np.argsort(-digit.scores, kind="stable")[:3]]
    assert top[0][1] >= top[1][1] >= top[2][1] and digit.best == int(top[0][0])
    assert reading.prepared is not None and reading.message.startswith("dense_1: ")


def test_each_head_of_a_multihead_model_is_read_in_its_own_terms():
    preset, model, trainer = trained("mnist-multihead")
    canvas = Canvas()
    canvas.stroke((4, 14), (24, 14))
    reading = DigitReader(preset, model.get_weights()).read(canvas.pixels)
    digit, parity = reading.heads
    assert (digit.name, digit.rule, parity.name, parity.rule) == ("digit", "digit", "parity", "parity")
    assert parity.labels == ("even", "odd") and parity.probabilities
    p = float(parity.raw[0])
    assert parity.scores.tolist() == pytest.approx([1 - p, p])
    assert parity.summary() in (f"odd ({p:.0%})", f"even ({1 - p:.0%})")
    assert reading.message == f"digit: {digit.summary()} · parity: {parity.summary()}"


def test_a_value_head_reads_the_digit_as_a_number():
    preset = loads('''
name = "value"
[model]
input_shape = [28, 28, 1]
[[model.layers]]
type = "Flatten"
[[model.layers]]
type = "Dense"
units = 1
[training]
loss = "mean_squared_error"
targets = { dense = "digit_value" }
''', "<test>")
    model = build_model(preset.model).build(seed=0)
    canvas = Canvas()
    canvas.stroke((4, 14), (24, 14))
    head = DigitReader(preset, model.get_weights()).read(canvas.pixels).heads[0]
    assert head.is_value and head.top() == [] and not head.probabilities
    assert head.value == pytest.approx(float(head.raw[0]) * 9) and head.summary() == f"about {head.value:.1f}"


def test_a_model_that_cannot_read_a_drawing_says_why():
    preset = load_preset("mnist")
    small = loads('''
name = "points"
[model]
input_shape = [2]
[[model.layers]]
type = "Dense"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
''', "<test>")
    with pytest.raises(DrawingUnavailable, match=r"this model's input \(None, 2\) holds 2 values"):
        DigitReader(small, {})
    with pytest.raises(DrawingUnavailable, match="The weights do not fit the model: layer 'dense'"):
        DigitReader(preset, {})


def test_the_reader_keeps_its_own_copy_of_the_weights():
    preset, model, _ = trained("mnist")
    reader = DigitReader(preset, model.get_weights())
    canvas = Canvas()
    canvas.stroke((4, 14), (24, 14))
    before = reader.read(canvas.pixels).digit.raw.copy()
    model.theta[:] = 0.0  # the model trains on (or is reset) elsewhere: the pad's reading is unchanged
    assert np.array_equal(reader.read(canvas.pixels).digit.raw, before)
    assert np.array_equal(reader.model_input(prepare(canvas.pixels)).shape, (1, 784))
