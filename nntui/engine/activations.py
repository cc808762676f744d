"""Element-wise activations with Keras's names and defaults, computed in place where possible.

Each activation has ``forward(z, out)`` and ``backward(dy, z, a, out)``; ``out`` may alias ``z``
(forward) or ``dy`` (backward). ``keeps_input`` says whether backward needs ``z`` itself or can
work from the output ``a`` alone (then the layer may overwrite ``z`` with ``a``).
"""

from __future__ import annotations

import numpy as np

from .buffers import Buffers

SQRT_HALF = np.sqrt(0.5)
INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


class Activation:
    """Base class: identity."""

    name = "linear"
    description = "identity: a(z) = z"
    keeps_input = False

    def __init__(self):
        self.buffers = Buffers()

    def forward(self, z, out):
        """a = f(z), written into ``out``."""
        if out is not z:
            np.copyto(out, z)
        return out

    def backward(self, dy, z, a, out):
        """dL/dz = dL/da * f'(z), written into ``out``."""
        if out is not dy:
            np.copyto(out, dy)
        return out


class Linear(Activation):
    """a(z) = z."""


class ReLU(Activation):
    """a(z) = max(z, 0)."""

    name = "relu"
    description = "max(z, 0): the default for hidden layers"

    def forward(self, z, out):
        return np.maximum(z, 0, out=out)

    def backward(self, dy, z, a, out):
        mask = self.buffers.get("mask", a.shape, np.bool_)
        np.greater(a, 0, out=mask)
        return np.multiply(dy, mask, out=out)


class Sigmoid(Activation):
    """a(z) = 1 / (1 + exp(-z))."""

    name = "sigmoid"
    description = "1/(1+e^-z) in (0, 1): binary outputs"

    def forward(self, z, out):
        np.negative(z, out=out)
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def backward(self, dy, z, a, out):
        t = self.buffers.get("t", a.shape, a.dtype)
        np.subtract(1, a, out=t)
        t *= a
        return np.multiply(dy, t, out=out)


class Tanh(Activation):
    """a(z) = tanh(z)."""

    name = "tanh"
    description = "tanh(z) in (-1, 1)"

    def forward(self, z, out):
        return np.tanh(z, out=out)

    def backward(self, dy, z, a, out):
        t = self.buffers.get("t", a.shape, a.dtype)
        np.multiply(a, a, out=t)
        np.subtract(1, t, out=t)
        return np.multiply(dy, t, out=out)


class Softmax(Activation):
    """Normalised exponentials over the last axis: a probability distribution."""

    name = "softmax"
    description = "exp(z)/sum(exp(z)) over the last axis: class probabilities"

    def forward(self, z, out):
        if not (z.flags.c_contiguous and out.flags.c_contiguous):
            m = self.buffers.get("m_keep", z.shape[:-1] + (1,), z.dtype)
            np.max(z, axis=-1, keepdims=True, out=m)
            np.subtract(z, m, out=out)
            np.exp(out, out=out)
            np.sum(out, axis=-1, keepdims=True, out=m)
            return np.divide(out, m, out=out)
        # NumPy reduces a short last axis (a few classes) row by row, slowly: the row maxima come
        # from a transposed copy (one vectorised pass per class) and the row sums from a product
        # with a vector of ones (several times faster each on a batch of 10-class rows)
        k = z.shape[-1]
        z2, out2 = z.reshape(-1, k), out.reshape(-1, k)
        rows = z2.shape[0]
        zt = self.buffers.get("zt", (k, rows), z.dtype)
        np.copyto(zt, z2.T)
        m = self.buffers.get("m", (rows,), z.dtype)
        np.max(zt, axis=0, out=m)
        np.subtract(z2, m[:, None], out=out2)
        np.exp(out2, out=out2)
        np.matmul(out2, self._ones(k, z.dtype), out=m)
        np.divide(out2, m[:, None], out=out2)
        return out

    def _ones(self, k, dtype):
        ones = self.buffers.get("ones", (k,), dtype)
        ones.fill(1)
        return ones

    def backward(self, dy, z, a, out):
        s = self.buffers.get("s", a.shape[:-1] + (1,), a.dtype)
        t = self.buffers.get("t", a.shape, a.dtype)
        np.multiply(dy, a, out=t)
        np.sum(t, axis=-1, keepdims=True, out=s)
        np.subtract(dy, s, out=out)
        return np.multiply(out, a, out=out)


class LeakyReLU(Activation):
    """a(z) = z for z > 0, else negative_slope * z (Keras default slope 0.2)."""

    name = "leaky_relu"
    description = "z if z > 0 else 0.2 z: ReLU that never dies"
    negative_slope = 0.2

    def forward(self, z, out):
        t = self.buffers.get("t", z.shape, z.dtype)
        np.multiply(z, self.negative_slope, out=t)
        return np.maximum(z, t, out=out)

    def backward(self, dy, z, a, out):
        negative = self.buffers.get("mask", a.shape, np.bool_)
        np.less_equal(a, 0, out=negative)
        t = self.buffers.get("t", a.shape, a.dtype)
        np.multiply(dy, self.negative_slope, out=t)
        if out is not dy:
            np.copyto(out, dy)
        np.copyto(out, t, where=negative)
        return out


class ELU(Activation):
    """a(z) = z for z > 0, else alpha * (exp(z) - 1) with alpha = 1."""

    name = "elu"
    description = "z if z > 0 else e^z - 1: smooth, negative values allowed"
    alpha = 1.0

    def forward(self, z, out):
        mask = self.buffers.get("mask", z.shape, np.bool_)
        np.greater(z, 0, out=mask)
        t = self.buffers.get("t", z.shape, z.dtype)
        with np.errstate(over="ignore"):
            np.expm1(z, out=t)
        t *= self.alpha
        if out is not z:
            np.copyto(out, z)
        np.copyto(out, t, where=~mask)
        return out

    def backward(self, dy, z, a, out):
        mask = self.buffers.get("mask", a.shape, np.bool_)
        np.greater(a, 0, out=mask)
        t = self.buffers.get("t", a.shape, a.dtype)
        np.add(a, self.alpha, out=t)
        t *= dy
        if out is not dy:
            np.copyto(out, dy)
        np.copyto(out, t, where=~mask)
        return out


def erf(x, out):
    """Error function, Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), vectorised.

    ``out`` may alias ``x``: the sign is taken before ``out`` is written.
    """
    negative = np.signbit(x)
    ax = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * ax)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    np.multiply(ax, ax, out=ax)
    np.negative(ax, out=ax)
    np.exp(ax, out=ax)
    np.multiply(poly, ax, out=ax)
    np.subtract(1.0, ax, out=out)
    return np.negative(out, out=out, where=negative)


class GELU(Activation):
    """a(z) = z * Phi(z), the exact (erf) form, as Keras's default."""

    name = "gelu"
    description = "z * Phi(z): smooth ReLU used in transformers"
    keeps_input = True

    def forward(self, z, out):
        t = self.buffers.get("t", z.shape, z.dtype)
        np.multiply(z, SQRT_HALF, out=t)
        erf(t, out=t)
        t += 1
        t *= 0.5
        return np.multiply(z, t, out=out)

    def backward(self, dy, z, a, out):
        cdf = self.buffers.get("cdf", z.shape, z.dtype)
        pdf = self.buffers.get("pdf", z.shape, z.dtype)
        np.multiply(z, SQRT_HALF, out=cdf)
        erf(cdf, out=cdf)
        cdf += 1
        cdf *= 0.5
        np.multiply(z, z, out=pdf)
        pdf *= -0.5
        np.exp(pdf, out=pdf)
        pdf *= INV_SQRT_2PI
        pdf *= z
        pdf += cdf
        return np.multiply(dy, pdf, out=out)


ACTIVATIONS = {cls.name: cls for cls in (Linear, ReLU, Sigmoid, Tanh, Softmax, LeakyReLU, ELU, GELU)}


def get_activation(name: str | None) -> Activation:
    """A fresh activation object for a Keras name (None means linear)."""
    return ACTIVATIONS[name or "linear"]()
