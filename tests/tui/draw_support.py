"""Helpers for the Draw pad's tests: digits as strokes, the keys that draw them, fixed weights."""

from __future__ import annotations

import numpy as np

from nntui.data.handwriting import Canvas, prepare
from nntui.preset import loads

# each digit as polylines of (row, column) points on the 28x28 canvas, about 18 pixels tall
STROKES = {
    0: [[(5, 14), (6, 10), (9, 8), (14, 7), (19, 8), (22, 10), (23, 14), (22, 18), (19, 20), (14, 21), (9, 20),
         (6, 18), (5, 14)]],
    1: [[(8, 11), (5, 14), (23, 14)]],
    2: [[(8, 9), (6, 11), (5, 14), (6, 17), (8, 19), (11, 19), (14, 16), (18, 12), (22, 9), (23, 9), (23, 20)]],
    3: [[(6, 9), (5, 13), (6, 17), (8, 19), (11, 18), (13, 15), (14, 13), (15, 17), (17, 19), (20, 19), (22, 17),
         (23, 13), (22, 9)]],
    4: [[(5, 15), (16, 8), (16, 20)], [(9, 17), (23, 17)]],
    5: [[(5, 19), (5, 10), (13, 9), (12, 13), (13, 17), (16, 19), (20, 18), (22, 15), (23, 12), (21, 9)]],
    6: [[(5, 17), (7, 13), (11, 10), (16, 8), (20, 9), (23, 13), (22, 17), (19, 19), (16, 18), (14, 14), (15, 10)]],
    7: [[(6, 8), (6, 20), (12, 17), (18, 14), (23, 12)]],
    8: [[(5, 14), (6, 11), (8, 10), (10, 11), (13, 14), (16, 17), (19, 19), (22, 17), (23, 14), (22, 11), (19, 10),
         (16, 11), (13, 14), (10, 17), (8, 18), (6, 17), (5, 14)]],
    9: [[(10, 19), (7, 17), (5, 14), (6, 11), (9, 10), (12, 11), (13, 14), (12, 18), (10, 19), (23, 17)]],
}
START = (14, 14)  # where the pad's brush starts
DIRECTIONS = {(-1, 0): "up", (1, 0): "down", (0, -1): "left", (0, 1): "right",
              (-1, -1): "home", (-1, 1): "pageup", (1, -1): "end", (1, 1): "pagedown"}


def steps(start, end) -> list[str]:
    """The brush keys from ``start`` to ``end`` along the straightest path of one-pixel steps."""
    (r0, c0), (r1, c1) = start, end
    n = max(abs(r1 - r0), abs(c1 - c0))
    points = [(r0 + round((r1 - r0) * i / n), c0 + round((c1 - c0) * i / n)) for i in range(n + 1)]
    return [DIRECTIONS[(b[0] - a[0], b[1] - a[1])] for a, b in zip(points, points[1:])]


def keys_for(polylines, start=START) -> list[str]:
    """The keys that draw ``polylines`` with the pen, starting with the brush at ``start`` and the pen up."""
    keys, at = [], start
    for line in polylines:
        keys += steps(at, line[0]) + ["space"]
        for a, b in zip(line, line[1:]):
            keys += steps(a, b)
        keys.append("space")
        at = line[-1]
    return keys


def drawn_canvas(digit: int) -> Canvas:
    canvas = Canvas()
    for line in STROKES[digit]:
        canvas.stroke(line[0])
        for a, b in zip(line, line[1:]):
            canvas.stroke(a, b)
    return canvas


TEMPLATE_PRESET = '''
name = "templates"
description = "one Dense layer: each digit's unit is a prepared template of it"
[model]
input_shape = [{shape}]
[[model.layers]]
type = "Dense"
units = 10
activation = "softmax"
[training]
loss = "categorical_crossentropy"
'''


def template_preset(shape: str = "784"):
    return loads(TEMPLATE_PRESET.format(shape=shape), "<templates>")


def glyph_templates() -> np.ndarray:
    """(10, 784) float32: the 5x7 font's digits (x3) put on the canvas as pixels and prepared like MNIST."""
    from test_training_support import GLYPHS

    canvas, rows = Canvas(), []
    for digit in range(10):
        image = np.zeros((28, 28), np.uint8)
        image[3:24, 6:21] = GLYPHS[digit] * 255
        canvas.load_pixels(image)
        rows.append(prepare(canvas.pixels).image.reshape(-1))
    return np.array(rows, np.float32)


def template_weights(sharpness: float = 0.1) -> dict[str, np.ndarray]:
    """Fixed weights for template_preset(): unit d scores how much the drawing looks like the font's digit d
    (sharpness x (x . t_d - |t_d|^2 / 2): the nearest template wins)."""
    t = glyph_templates()
    return {"dense/kernel": (sharpness * t.T).astype(np.float32),
            "dense/bias": (-0.5 * sharpness * (t * t).sum(axis=1)).astype(np.float32)}


MULTIHEAD_PRESET = '''
name = "templates-multihead"
description = "template scores, then a digit head and a parity head"
[model]
input_shape = [784]
outputs = ["digit", "parity"]
[[model.layers]]
type = "Dense"
name = "trunk"
units = 10
[[model.layers]]
type = "Dense"
name = "digit"
units = 10
activation = "softmax"
[[model.layers]]
type = "Dense"
name = "parity"
inputs = ["trunk"]
units = 1
activation = "sigmoid"
[training]
loss = { digit = "categorical_crossentropy", parity = "binary_crossentropy" }
targets = { digit = "digit", parity = "parity" }
'''


def multihead_preset():
    return loads(MULTIHEAD_PRESET, "<templates-multihead>")


def multihead_weights(sharpness: float = 0.1) -> dict[str, np.ndarray]:
    """The template scores as the trunk; the digit head passes them to a softmax; parity adds odd minus even."""
    base = template_weights(sharpness)
    odd = np.array([1.0 if d % 2 else -1.0 for d in range(10)], np.float32)[:, None]
    return {"trunk/kernel": base["dense/kernel"], "trunk/bias": base["dense/bias"],
            "digit/kernel": np.eye(10, dtype=np.float32), "digit/bias": np.zeros(10, np.float32),
            "parity/kernel": 0.5 * odd, "parity/bias": np.zeros(1, np.float32)}
