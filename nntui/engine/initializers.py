"""Weight initialisers with Keras's names and fan rules (kernels glorot_uniform, biases zeros)."""

from __future__ import annotations

from math import prod

import numpy as np


def compute_fans(shape) -> tuple[int, int]:
    """Keras's fan_in/fan_out: (in, out) for a matrix; times the receptive field for a kernel."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(rng, shape, dtype):
    """Uniform in [-limit, limit] with limit = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = compute_fans(shape)
    limit = np.sqrt(6.0 / max(1, fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(rng, shape, dtype):
    """Truncated-free normal with stddev sqrt(2 / fan_in) (an option for ReLU stacks)."""
    fan_in, _ = compute_fans(shape)
    return (rng.standard_normal(size=shape) * np.sqrt(2.0 / max(1, fan_in))).astype(dtype)


def orthogonal(rng, shape, dtype):
    """A (semi-)orthogonal matrix, Keras's default for recurrent kernels."""
    rows, cols = prod(shape[:-1]), shape[-1]
    a = rng.standard_normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q[:rows, :cols].reshape(shape).astype(dtype)


def zeros(rng, shape, dtype):
    """All zeros."""
    return np.zeros(shape, dtype)


def ones(rng, shape, dtype):
    """All ones."""
    return np.ones(shape, dtype)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "orthogonal": orthogonal,
    "zeros": zeros,
    "ones": ones,
}
