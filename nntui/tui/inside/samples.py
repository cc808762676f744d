"""The samples the Inside view picks from, and how it picks: by step, by digit, the next misclassified one.

The view judges one output of the model (the first that classifies, e.g. the digit): its true class
per sample comes with the samples; the predicted one is asked of the engine's probe with the
weights the view shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...engine.model import Model
from ...engine.probe import Probe
from ...engine.training import Dataset
from ...preset.build import output_plans
from ...preset.preset import Preset

SEARCH_LIMIT = 1024  # samples one press of "next misclassified" looks through
SEARCH_BATCHES = (16, 32, 64, 128)  # growing: a wrong image is usually among the next few dozen


@dataclass(frozen=True, eq=False)
class InsideSamples:
    """Model inputs ``x`` (as the model reads them), pictures to draw, digit labels and the judged output.

    ``images``: (n, h, w) grey pictures of the samples (None: drawn from ``x`` when it is an image);
    ``classes``: the true class of each sample for ``output`` (the model output the view judges),
    named by ``class_names``. ``others``: the other classifying outputs, (name, classes, class names)
    each, so that their probabilities are named and their true class marked too.
    """

    x: np.ndarray
    digits: np.ndarray
    output: str | None
    classes: np.ndarray
    class_names: tuple[str, ...]
    images: np.ndarray | None = None
    source: str = "test"
    others: tuple = ()
    drawn: int = 0  # the first ``drawn`` samples are the user's drawings (true class -1: unknown)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def target(self, output: str) -> tuple[np.ndarray, tuple[str, ...]] | None:
        """(true classes, class names) of a classifying output, or None."""
        if output == self.output:
            return self.classes, self.class_names
        return next(((c, n) for name, c, n in self.others if name == output), None)

    def source_of(self, i: int) -> str:
        """Where the i-th sample comes from: 'drawn' (the user's) or ``source``."""
        return "drawn" if i < self.drawn else self.source

    def picture(self, i: int) -> np.ndarray | None:
        """The i-th sample as a 2-D grey picture (None when the input is not an image)."""
        if self.images is not None:
            return np.asarray(self.images[i], np.float32)
        return image_of(self.x[i])


def test_samples(preset: Preset, model: Model, arrays, test: Dataset) -> InsideSamples:
    """The test images of a run, judged on the model's first output that has classes (the digit)."""
    digits = np.asarray(arrays.y_test)
    plans = output_plans(preset.training, model, preset.data.dataset, arrays.num_classes)
    judged = [p for p in plans if p.rule.classes]
    if not judged:
        return InsideSamples(test.x, digits, None, digits.astype(np.int64), tuple(str(d) for d in range(10)),
                             arrays.x_test)
    plan = judged[0]

    def names(p):  # the label's classes by the data set's names (Fashion-MNIST's T-shirt/top, ...)
        return arrays.names() if p.rule.name == "label" else p.rule.class_names
    others = tuple((p.name, p.rule.classes_of(digits), names(p)) for p in judged[1:])
    return InsideSamples(test.x, digits, plan.name, plan.rule.classes_of(digits), names(plan),
                         arrays.x_test, others=others)


def with_drawing(samples: InsideSamples, x: np.ndarray, image: np.ndarray) -> InsideSamples:
    """``samples`` with the user's drawing in front: ``x`` as the model reads it (a batch of one), ``image``
    the prepared 28x28 picture in [0, 1]; its true class is unknown (-1)."""
    n = len(samples)
    pictures = samples.images if samples.images is not None else np.zeros((n, *image.shape), np.float32)
    unknown = np.array([-1], np.int64)
    others = tuple((name, np.concatenate([unknown, np.asarray(c, np.int64)]), names) for name, c, names in samples.others)
    return replace(samples, x=np.concatenate([np.asarray(x, samples.x.dtype), samples.x]),
                   digits=np.concatenate([unknown, np.asarray(samples.digits, np.int64)]),
                   classes=np.concatenate([unknown, np.asarray(samples.classes, np.int64)]),
                   images=np.concatenate([np.asarray(image, np.float32)[None] * 255.0, np.asarray(pictures, np.float32)]),
                   others=others, drawn=samples.drawn + 1)


def image_of(sample: np.ndarray) -> np.ndarray | None:
    """A (h, w) picture of one sample shaped (h, w), (h, w, 1) or (h*w,) with h = w; else None."""
    a = np.asarray(sample)
    if a.ndim == 3 and a.shape[-1] == 1:
        return a[..., 0]
    if a.ndim == 2:
        return a
    if a.ndim == 1:
        side = int(round(a.size ** 0.5))
        if side > 1 and side * side == a.size:
            return a.reshape(side, side)
    return None


def classes_of(output: np.ndarray) -> np.ndarray:
    """Predicted classes of an output: argmax of several units, or a 0.5 threshold of one."""
    out = np.asarray(output).reshape(output.shape[0], -1)
    return out.argmax(axis=1) if out.shape[1] > 1 else (out[:, 0] > 0.5).astype(np.int64)


def next_of_digit(samples: InsideSamples, start: int, digit: int) -> int | None:
    """The next sample after ``start`` (wrapping around) whose digit label is ``digit``."""
    n = len(samples)
    if n == 0:
        return None
    order = (start + 1 + np.arange(n)) % n
    hits = np.flatnonzero(np.asarray(samples.digits)[order] == digit)
    return int(order[hits[0]]) if hits.size else None


def next_misclassified(probe: Probe, samples: InsideSamples, start: int,
                       limit: int = SEARCH_LIMIT) -> tuple[int | None, int]:
    """The next sample after ``start`` (wrapping) that the probe's weights get wrong; (index, samples looked at)."""
    n = len(samples)
    if samples.output is None:
        return None, 0
    looked, rounds = 0, 0
    pos = start + 1
    while looked < min(limit, n):
        take = min(SEARCH_BATCHES[min(rounds, len(SEARCH_BATCHES) - 1)], min(limit, n) - looked)
        rounds += 1
        rows = (pos + np.arange(take)) % n
        predicted = classes_of(probe.predict(samples.x[rows])[samples.output])
        wrong = np.flatnonzero(predicted != np.asarray(samples.classes)[rows])
        if wrong.size:
            return int(rows[wrong[0]]), looked + int(wrong[0]) + 1
        looked += take
        pos += take
    return None, looked
