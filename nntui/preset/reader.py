"""Reading a drawn digit: the prepared drawing through a model with trained weights, one reading per output.

:class:`DigitReader` owns its own copy of the model (built from the preset's model spec, the weights
copied in), so that it never shares buffers with a model that is training in another thread. A reading
is what each output says, in the terms of its target rule: ten digit probabilities, odd or even, 0-4
or 5-9, or a value (``digit_value``: the digit read as a number).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ..data.handwriting import Prepared, as_input, input_problem, prepare
from ..engine.model import Model
from .build import build_model, final_activation, full_check, output_plans
from .data_source import data_sizes
from .preset import Preset

CLASS_NAMES = {"digit": tuple("0123456789"), "parity": ("even", "odd"), "greater_than_4": ("0 to 4", "5 to 9")}
EMPTY = "The canvas is empty: draw a digit and the network will read it."


class DrawingUnavailable(ValueError):
    """Why this model cannot read a drawing (its input is not 784 values, its layers do not fit, ...)."""


@dataclass(frozen=True)
class HeadReading:
    """What one output of the model says about the drawing."""

    name: str  # the output layer
    rule: str  # its target rule: digit, parity, greater_than_4, digit_value
    labels: tuple[str, ...]  # one per class; () for a value
    scores: np.ndarray  # one per class, float32: probabilities when ``probabilities``, else the raw outputs
    probabilities: bool  # softmax or sigmoid outputs (a share of 1); False for e.g. a linear output trained with mse
    raw: np.ndarray  # the output row exactly as the model gave it

    @property
    def is_value(self) -> bool:
        return not self.labels

    @property
    def value(self) -> float:
        """A value output read back in digits (digit_value: output x 9)."""
        return float(self.raw[0]) * 9.0

    @property
    def best(self) -> int:
        """The index of the class read (0 for a value)."""
        return int(np.argmax(self.scores)) if self.labels else 0

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The k best classes and their scores, best first ([] for a value)."""
        if self.is_value:
            return []
        order = np.argsort(-self.scores, kind="stable")[:k]
        return [(self.labels[i], float(self.scores[i])) for i in order]

    def summary(self) -> str:
        """'7 (97%)', 'odd (88%)', 'about 6.3'."""
        if self.is_value:
            return f"about {self.value:.1f}"
        label, score = self.top(1)[0]
        return f"{label} ({score:.0%})" if self.probabilities else f"{label} (score {score:.2f})"


@dataclass(frozen=True)
class Reading:
    """The prepared drawing and what each output of the model reads in it (nothing for a blank canvas)."""

    prepared: Prepared | None
    heads: tuple[HeadReading, ...]

    @property
    def empty(self) -> bool:
        return self.prepared is None

    @property
    def message(self) -> str:
        """One line: what was read, or why nothing was."""
        if self.empty:
            return EMPTY
        return " · ".join(f"{h.name}: {h.summary()}" for h in self.heads)

    @property
    def digit(self) -> HeadReading | None:
        """The first output that reads the digit itself (ten classes), if any."""
        return next((h for h in self.heads if h.rule == "digit"), None)


class DigitReader:
    """Reads drawings with a copy of a model: ``DigitReader(preset, model.get_weights()).read(canvas.pixels)``.

    Raises :class:`DrawingUnavailable` (one line) when the model cannot read a drawing. ``read`` may be
    called from any thread (one reading at a time).
    """

    def __init__(self, preset: Preset, weights: dict[str, np.ndarray]) -> None:
        problem = input_problem(preset.model.input_shape)
        if problem is not None:
            raise DrawingUnavailable(problem)
        model = build_model(preset.model)
        report = full_check(preset, model)
        if not report.ok:
            raise DrawingUnavailable(f"The model does not fit together yet, so it cannot read a drawing: {report.error}")
        model.build(seed=0)
        try:
            model.set_weights(weights)
        except ValueError as exc:
            raise DrawingUnavailable(f"The weights do not fit the model: {exc}") from None
        self.preset = preset
        self.model: Model = model
        self.input_shape = tuple(preset.model.input_shape)
        names = data_sizes(preset).names() or ()  # the label's classes (MNIST: the digits)
        plans = output_plans(preset.training, model, preset.data.dataset)
        self._heads = [(p.name, p.rule.name, final_activation(model, p.name),
                        names if p.rule.name == "label" else CLASS_NAMES.get(p.rule.name, ())) for p in plans]
        self._lock = threading.Lock()

    def model_input(self, prepared: Prepared) -> np.ndarray:
        """The prepared drawing as the model takes it: a batch of one with the model's input shape."""
        return as_input(prepared.image, self.input_shape)

    def outputs(self, x: np.ndarray) -> list[np.ndarray]:
        """The model's outputs (inference mode) for a batch ``x``, as copies."""
        with self._lock:
            return [o.copy() for o in self.model.forward(x, training=False)]

    def read(self, pixels: np.ndarray) -> Reading:
        """Prepare the drawing the way MNIST was made, then read it with every output."""
        prepared = prepare(pixels)
        if prepared is None:
            return Reading(None, ())
        outputs = self.outputs(self.model_input(prepared))
        heads = tuple(self._head(name, rule, activation, out[0], labels)
                      for (name, rule, activation, labels), out in zip(self._heads, outputs))
        return Reading(prepared, heads)

    @staticmethod
    def _head(name: str, rule: str, activation: str | None, raw: np.ndarray, labels: tuple) -> HeadReading:
        probabilities = activation in ("softmax", "sigmoid")
        if labels and raw.shape[-1] == 1:  # one unit for two classes: the share of the second class
            p = np.float32(np.clip(raw[0], 0.0, 1.0))
            scores = np.array([np.float32(1.0) - p, p], np.float32)
        else:
            scores = raw.astype(np.float32, copy=True)
        return HeadReading(name, rule, labels, scores, probabilities, raw)
