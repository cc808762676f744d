"""BatchNormalization over the last (channel) axis, Keras 3 semantics.

Training: each channel is normalised with the batch's mean and (biased) variance over every axis
but the last, then scaled by ``gamma`` and shifted by ``beta``; the moving averages are updated as
``moving = moving * momentum + batch_statistic * (1 - momentum)``. Inference: the moving averages
replace the batch statistics, so the layer is one multiply-add per value.

``moving_mean`` and ``moving_variance`` are non-trainable weights (``WeightSpec(trainable=False)``):
the model keeps them in ``model.state``, outside the optimiser's parameter vector.
"""

from __future__ import annotations

from math import prod

import numpy as np

from ..config import Field
from .base import Layer, WeightSpec
from .im2col import column_sums


class BatchNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` per channel (the last axis)."""

    type_name = "BatchNormalization"
    family = "normalization"
    description = "normalises each channel to zero mean, unit variance over the batch, then scales and shifts"
    fields = (
        Field("axis", "int", -1, "the channel axis (only -1, the last axis, is supported)", min=-1, max=-1),
        Field("momentum", "float", 0.99, "how slowly the moving averages follow the batches", min=0.0, max=1.0),
        Field("epsilon", "float", 1e-3, "added to the variance for stability", min=0.0, min_exclusive=True, max=1.0),
        Field("center", "bool", True, "learn an offset beta"),
        Field("scale", "bool", True, "learn a factor gamma"),
    )

    def setup(self):
        c = self.config
        self.momentum = c["momentum"]
        self.epsilon = c["epsilon"]
        self.center = c["center"]
        self.scale = c["scale"]
        self._training = False

    def weight_specs(self, input_shape):
        ch = (input_shape[-1],)
        specs = []
        if self.scale:
            specs.append(WeightSpec("gamma", ch, "ones"))
        if self.center:
            specs.append(WeightSpec("beta", ch, "zeros"))
        specs.append(WeightSpec("moving_mean", ch, "zeros", trainable=False))
        specs.append(WeightSpec("moving_variance", ch, "ones", trainable=False))
        return specs

    def flops(self, input_shape):
        """At inference: one multiply-add per value."""
        return 2 * prod(input_shape[1:])

    def forward(self, x, training):
        dt = self.dtype
        ch = x.shape[-1]
        x2 = x.reshape(-1, ch)
        m = x2.shape[0]
        self._shape = x.shape
        self._training = training
        w = self.weights
        inv_std = self.buffers.get("inv_std", (ch,), dt)
        xhat = self.buffers.get("xhat", x2.shape, dt)
        out = self.buffers.get("out", x2.shape, dt)
        if training:
            mean = self.buffers.get("mean", (ch,), dt)
            var = self.buffers.get("var", (ch,), dt)
            column_sums(x2, mean)
            mean *= dt.type(1.0 / m)
            np.subtract(x2, mean, out=xhat)
            np.multiply(xhat, xhat, out=out)  # out as scratch for the squares
            column_sums(out, var)
            var *= dt.type(1.0 / m)
            mom = dt.type(self.momentum)
            for key, stat in (("moving_mean", mean), ("moving_variance", var)):
                moving = w[key]
                moving *= mom
                moving += stat * dt.type(1.0 - self.momentum)
            np.add(var, dt.type(self.epsilon), out=inv_std)
        else:
            np.subtract(x2, w["moving_mean"], out=xhat)
            np.add(w["moving_variance"], dt.type(self.epsilon), out=inv_std)
        np.sqrt(inv_std, out=inv_std)
        np.reciprocal(inv_std, out=inv_std)
        xhat *= inv_std
        if self.scale:
            np.multiply(xhat, w["gamma"], out=out)
        else:
            np.copyto(out, xhat)
        if self.center:
            out += w["beta"]
        return out.reshape(x.shape)

    def backward(self, dy):
        dt = self.dtype
        ch = self._shape[-1]
        dy2 = dy.reshape(-1, ch)
        m = dy2.shape[0]
        xhat = self.buffers.get("xhat", dy2.shape, dt)
        inv_std = self.buffers.get("inv_std", (ch,), dt)
        sum_dy = self.grads["beta"] if self.center else self.buffers.get("sum_dy", (ch,), dt)
        column_sums(dy2, sum_dy)
        tmp = self.buffers.get("tmp", dy2.shape, dt)
        sum_dy_xhat = self.grads["gamma"] if self.scale else self.buffers.get("sum_dy_xhat", (ch,), dt)
        np.multiply(dy2, xhat, out=tmp)
        column_sums(tmp, sum_dy_xhat)
        if not self.need_input_grad:
            return None
        factor = self.buffers.get("factor", (ch,), dt)  # gamma / sqrt(var + epsilon)
        if self.scale:
            np.multiply(self.weights["gamma"], inv_std, out=factor)
        else:
            np.copyto(factor, inv_std)
        dx = dy2
        if self._training:
            # dx = factor * (dy - mean(dy) - xhat * mean(dy * xhat)), the batch statistics' share included
            a = self.buffers.get("a", (ch,), dt)
            np.multiply(sum_dy_xhat, dt.type(1.0 / m), out=a)
            np.multiply(xhat, a, out=tmp)
            dx -= tmp
            np.multiply(sum_dy, dt.type(1.0 / m), out=a)
            dx -= a
        dx *= factor
        return dx.reshape(self._shape)
