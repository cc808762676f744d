"""Conv2D: 2-D convolution on channels-last images as im2col plus one BLAS matrix product per chunk.

The kernel is stored in Keras's layout ``(kh, kw, in_channels, filters)``, so its reshape to
``(kh*kw*in_channels, filters)`` is the matrix that multiplies the im2col rows
``(n*oh*ow, kh*kw*in_channels)``; the product is already the NHWC output.

Speed: the batch is split into chunks whose im2col matrix fits in about ``chunk_bytes`` (so it stays
in the CPU cache between the copy and the product). When the whole batch fits in one chunk the
columns are kept for backward; otherwise backward recomputes them chunk by chunk, which is cheaper
than streaming a large matrix through memory twice. A 1x1 convolution with stride 1 and no padding
multiplies the input itself. Bias and activation are applied in place on the product.
"""

from __future__ import annotations

import numpy as np

from ..config import Field
from .base import Layer, WeightSpec
from .core import activation_field, use_bias_field
from .im2col import Window, col2im, im2col, require_image, require_window_fits

PADDINGS = ("valid", "same")


def padding_field() -> Field:
    """The ``padding`` setting shared by convolution and pooling."""
    return Field("padding", "choice", "valid",
                 'valid: only whole windows (the output shrinks); same: zero-pad so that out = ceil(in / stride)',
                 choices=PADDINGS)


class Conv2D(Layer):
    """``output = activation(conv(input, kernel) + bias)`` over height and width, channels last."""

    type_name = "Conv2D"
    family = "conv"
    description = "2-D convolution: learned filters slid over height and width (NHWC images)"
    fields = (
        Field("filters", "int", doc="number of output channels (filters)", min=1),
        Field("kernel_size", "pair", doc="window height and width, e.g. 3 or [3, 5]"),
        Field("strides", "pair", (1, 1), "step between windows (an int or [h, w])"),
        padding_field(),
        activation_field(),
        use_bias_field(),
        Field("kernel_initializer", "choice", "glorot_uniform", "how the kernel starts",
              choices=("glorot_uniform", "he_normal", "orthogonal", "zeros")),
        Field("bias_initializer", "choice", "zeros", "how the bias starts", choices=("zeros", "ones")),
    )
    #: Target size in bytes of one chunk's im2col matrix (cache blocking); tuned on a 4 MB L2.
    chunk_bytes: int = 5 << 19

    def setup(self):
        c = self.config
        self.filters = c["filters"]
        self.kernel_size = tuple(c["kernel_size"])
        self.strides = tuple(c["strides"])
        self.padding = c["padding"]
        self.use_bias = c["use_bias"]
        self._cols_kept = False

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape):
        require_image(self, input_shape)
        require_window_fits(self, input_shape, self.kernel_size, self.padding, "kernel", "kernel_size")
        g = Window(input_shape, self.kernel_size, self.strides, self.padding)
        return (input_shape[0], g.oh, g.ow, self.filters)

    def weight_specs(self, input_shape):
        kh, kw = self.kernel_size
        specs = [WeightSpec("kernel", (kh, kw, input_shape[-1], self.filters), self.config["kernel_initializer"])]
        if self.use_bias:
            specs.append(WeightSpec("bias", (self.filters,), self.config["bias_initializer"]))
        return specs

    def flops(self, input_shape):
        out = self.compute_output_shape(input_shape)
        kh, kw = self.kernel_size
        return 2 * out[1] * out[2] * kh * kw * input_shape[-1] * self.filters

    # ------------------------------------------------------------------ runtime
    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        g = self.geometry = Window(input_shape, self.kernel_size, self.strides, self.padding)
        self.depth = g.kh * g.kw * g.c  # rows of the GEMM matrix
        self.pointwise = (g.kh, g.kw, g.sh, g.sw) == (1, 1, 1, 1) and not g.padded
        per_sample = g.oh * g.ow * self.depth * self.dtype.itemsize
        self.chunk = max(1, int(self.chunk_bytes // max(per_sample, 1)))
        self._cols_kept = False

    def _cols_shape(self, n):
        g = self.geometry
        return (n, g.oh, g.ow, g.kh, g.kw, g.c)

    def _chunks(self, n):
        for k0 in range(0, n, self.chunk):
            yield k0, min(n, k0 + self.chunk)

    def forward(self, x, training):
        g, dt = self.geometry, self.dtype
        n = x.shape[0]
        if g.padded:
            xp = self.buffers.get("xp", (n, g.hp, g.wp, g.c), dt)
            g.pad_into(x, xp, 0)
        else:
            xp = x
        self._xp = xp
        z = self.buffers.get("z", (n, g.oh, g.ow, self.filters), dt)
        z2 = z.reshape(-1, self.filters)
        kernel = self.weights["kernel"].reshape(self.depth, self.filters)
        self._cols_kept = False
        if self.pointwise:
            np.matmul(xp.reshape(-1, g.c), kernel, out=z2)
        elif n <= self.chunk:
            cols = self.buffers.get("cols", self._cols_shape(n), dt)
            im2col(g, xp, cols)
            np.matmul(cols.reshape(-1, self.depth), kernel, out=z2)
            self._cols_kept = training
        else:
            buf = self.buffers.get("cols", self._cols_shape(self.chunk), dt)
            for k0, k1 in self._chunks(n):
                cols = buf[:k1 - k0]
                im2col(g, xp[k0:k1], cols)
                np.matmul(cols.reshape(-1, self.depth), kernel, out=z[k0:k1].reshape(-1, self.filters))
        if self.use_bias:
            z2 += self.weights["bias"]
        return self.activate(z)

    def backward(self, dy):
        g, dt = self.geometry, self.dtype
        dz = self.activation_backward(dy)
        n = dz.shape[0]
        dz2 = dz.reshape(-1, self.filters)
        if self.use_bias:
            np.sum(dz2, axis=0, out=self.grads["bias"])
        kernel = self.weights["kernel"].reshape(self.depth, self.filters)
        gkernel = self.grads["kernel"].reshape(self.depth, self.filters)
        need = self.need_input_grad
        xp = self._xp
        if self.pointwise:
            np.matmul(xp.reshape(-1, g.c).T, dz2, out=gkernel)
            if not need:
                return None
            dx = self.buffers.get("dx", (n, g.h, g.w, g.c), dt)
            np.matmul(dz2, kernel.T, out=dx.reshape(-1, g.c))
            return dx
        dxp = None
        if need:
            dxp = self.buffers.get("dxp" if g.padded else "dx", (n, g.hp, g.wp, g.c), dt)
        if self._cols_kept:
            cols = self.buffers.get("cols", self._cols_shape(n), dt)
            cols2 = cols.reshape(-1, self.depth)
            np.matmul(cols2.T, dz2, out=gkernel)
            if need:
                np.matmul(dz2, kernel.T, out=cols2)  # the columns are used up: reuse their buffer
                col2im(g, cols, dxp)
        else:
            buf = self.buffers.get("cols", self._cols_shape(min(n, self.chunk)), dt)
            part = self.buffers.get("gkernel", gkernel.shape, dt) if n > self.chunk else None
            for k0, k1 in self._chunks(n):
                cols = buf[:k1 - k0]
                cols2 = cols.reshape(-1, self.depth)
                dzc = dz[k0:k1].reshape(-1, self.filters)
                im2col(g, xp[k0:k1], cols)  # recomputed: cheaper than keeping a large matrix
                if k0 == 0:
                    np.matmul(cols2.T, dzc, out=gkernel)
                else:
                    np.matmul(cols2.T, dzc, out=part)
                    gkernel += part
                if need:
                    np.matmul(dzc, kernel.T, out=cols2)
                    col2im(g, cols, dxp[k0:k1])
        if not need:
            return None
        if not g.padded:
            return dxp
        dx = self.buffers.get("dx", (n, g.h, g.w, g.c), dt)
        np.copyto(dx, g.interior(dxp))
        return dx

