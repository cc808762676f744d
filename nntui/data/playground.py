"""TensorFlow Playground's 2-D classification sets, with the formulas of its src/dataset.ts.

Playground labels its classes -1 (drawn orange) and +1 (blue); here they are 0 and 1. Each generator is
written as a function of its random draws (``u``: uniform in [0, 1), one row per point, the columns in
the order dataset.ts calls ``Math.random``; ``z``: standard normals), so that the formulas can be checked
at given draws; ``generate`` draws them with NumPy from a seed. The training and test sets are drawn
separately from the same distribution (Playground splits one draw in two), both shuffled.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .arrays import Arrays
from .errors import DataError

#: Playground's plane: both axes span [-6, 6].
PLANE = (-6.0, 6.0)
#: The classes as Playground draws them: label -1 orange, +1 blue.
CLASS_NAMES = ("orange", "blue")
MAX_NOISE = 0.5  # Playground's slider: 0 to 50 %
TWO_PI = 2.0 * np.pi


def uniform(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """dataset.ts's randUniform(a, b) for the draws u in [0, 1)."""
    return u * (b - a) + a


def halves(n: int) -> tuple[int, int]:
    """Points of the positive and the negative class for a set of n (the positive one gets the odd point)."""
    return n - n // 2, n // 2


def circles(u: np.ndarray, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """classifyCircleData: class 1 inside radius 2.5, class 0 in the ring 3.5..5; the label is taken at
    the point moved by the noise. u: (n, 4) = radius, angle, noise x, noise y."""
    radius = 5.0
    pos, _ = halves(len(u))
    inner = np.arange(len(u)) < pos
    r = np.where(inner, uniform(u[:, 0], 0.0, radius * 0.5), uniform(u[:, 0], radius * 0.7, radius))
    angle = uniform(u[:, 1], 0.0, TWO_PI)
    x, y = r * np.sin(angle), r * np.cos(angle)
    nx, ny = uniform(u[:, 2], -radius, radius) * noise, uniform(u[:, 3], -radius, radius) * noise
    label = np.hypot(x + nx, y + ny) < radius * 0.5
    return np.stack([x, y], axis=1), label.astype(np.uint8)


def xor(u: np.ndarray, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """classifyXORData: x and y uniform in [-5, 5], pushed 0.3 away from the axes; class 1 where
    x * y >= 0 (at the point moved by the noise). u: (n, 4) = x, y, noise x, noise y."""
    padding = 0.3
    x, y = uniform(u[:, 0], -5.0, 5.0), uniform(u[:, 1], -5.0, 5.0)
    x += np.where(x > 0, padding, -padding)
    y += np.where(y > 0, padding, -padding)
    nx, ny = uniform(u[:, 2], -5.0, 5.0) * noise, uniform(u[:, 3], -5.0, 5.0) * noise
    label = (x + nx) * (y + ny) >= 0
    return np.stack([x, y], axis=1), label.astype(np.uint8)


def gaussian(z: np.ndarray, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """classifyTwoGaussData: class 1 around (2, 2), class 0 around (-2, -2), with the variance
    0.5 + 7 * noise (noise 0..0.5 mapped linearly to 0.5..4). z: (n, 2) standard normals."""
    variance = 0.5 + (4.0 - 0.5) * noise / MAX_NOISE
    pos, _ = halves(len(z))
    label = (np.arange(len(z)) < pos).astype(np.uint8)
    centre = np.where(label[:, None] == 1, 2.0, -2.0)
    return centre + np.sqrt(variance) * z, label


def spiral(u: np.ndarray, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """classifySpiralData: two arms of 1.75 turns out to radius 5, class 0 turned by pi; point i of an
    arm at r = i / m * 5, t = 1.75 * i / m * 2 pi (+ pi), with m = n / 2, plus uniform(-1, 1) * noise
    on each axis. u: (n, 2) = noise x, noise y."""
    m = len(u) / 2
    pos, neg = halves(len(u))
    i = np.concatenate([np.arange(pos), np.arange(neg)]).astype(np.float64)
    label = (np.arange(len(u)) < pos).astype(np.uint8)
    r = i / m * 5.0
    t = 1.75 * i / m * TWO_PI + np.where(label == 1, 0.0, np.pi)
    x = r * np.sin(t) + uniform(u[:, 0], -1.0, 1.0) * noise
    y = r * np.cos(t) + uniform(u[:, 1], -1.0, 1.0) * noise
    return np.stack([x, y], axis=1), label


Formula = Callable[[np.ndarray, float], tuple[np.ndarray, np.ndarray]]
#: name -> (formula, its draws per point, whether they are normal rather than uniform)
GENERATORS: dict[str, tuple[Formula, int, bool]] = {
    "circles": (circles, 4, False),
    "xor": (xor, 4, False),
    "gaussian": (gaussian, 2, True),
    "spiral": (spiral, 2, False),
}


def draw(name: str, samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``samples`` shuffled points of ``name``: float32 (samples, 2) and uint8 labels 0/1."""
    formula, columns, normal = GENERATORS[name]
    values = rng.standard_normal((samples, columns)) if normal else rng.random((samples, columns))
    xy, label = formula(values, noise)
    order = rng.permutation(samples)
    return xy[order].astype(np.float32), label[order]


def generate(name: str, samples: int = 500, noise: float = 0.0, seed: int = 0,
             test_samples: int | None = None) -> Arrays:
    """Playground's set ``name`` (circles, xor, gaussian, spiral): ``samples`` training points and
    ``test_samples`` (default: as many) test points drawn separately, the same for the same seed."""
    if name not in GENERATORS:
        raise DataError(f"{name!r}: not one of Playground's sets ({', '.join(GENERATORS)})")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        raise DataError(f"samples: expected an integer of at least 2, got {samples!r}")
    if not 0.0 <= noise <= MAX_NOISE:
        raise DataError(f"noise: expected a number from 0 to {MAX_NOISE}, got {noise!r}")
    test_samples = samples if test_samples is None else test_samples
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    x_train, y_train = draw(name, samples, noise, np.random.default_rng(train_seed))
    x_test, y_test = draw(name, test_samples, noise, np.random.default_rng(test_seed))
    source = f"Playground's {name}: {samples} points, noise {noise:g}, seed {seed}"
    return Arrays(x_train, y_train, x_test, y_test, source=source, class_names=CLASS_NAMES, title=name)
