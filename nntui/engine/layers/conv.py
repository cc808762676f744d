"""Conv2D: 2-D convolution on channels-last images as im2col plus one BLAS matrix product per chunk.

The kernel is stored in Keras's layout ``(kh, kw, in_channels, filters)``, so its reshape to
``(kh*kw*in_channels, filters)`` is the matrix that multiplies the im2col rows
``(n*oh*ow, kh*kw*in_channels)``; the product is already the NHWC output.

Speed: the batch is split into chunks whose im2col matrix fits in about ``chunk_bytes``, the cache a
core has to itself as the machine reports it (so it stays in the cache between the copy and the
product). When the whole batch fits in one chunk the
columns are kept for backward; otherwise backward recomputes them chunk by chunk, which is cheaper
than streaming a large matrix through memory twice. A 1x1 convolution with stride 1 and no padding
multiplies the input itself. Inside a model the bias directly follows the kernel in the flat
parameter vector, so ``[kernel; bias]`` is one matrix: a column of ones in the im2col matrix makes
the product add the bias and the weight-gradient product return the bias gradient, with no
separate passes over the output. The activation is applied in place on the product.

The activation hand-off: when a MaxPooling2D reads the output, the model wires the two
(``MaxPooling2D.activation_source``, see :meth:`Model.build`) and the pooling layer applies the
activation's derivative on its pooled gradient, a quarter of the size for 2x2 pools, instead of
this layer doing it on the full-size one; its backward then sets :attr:`Conv2D.preactivated`.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..config import Field
from ..machine import core_cache_bytes
from .base import Layer, WeightSpec
from .core import activation_field, use_bias_field
from .im2col import col2im, column_sums, im2col
from .window import Window, padding_field, require_image, require_window_fits

#: Activations that act element by element and whose derivative follows from their output alone:
#: at each pooling window's winner the output equals the pooled maximum, so a MaxPooling2D reading
#: the output can apply the derivative on its pooled gradient.
HANDOFF_ACTIVATIONS = frozenset({"relu", "leaky_relu", "elu", "sigmoid", "tanh"})


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
    #: Target size in bytes of one chunk's im2col matrix (cache blocking); None: the cache one core
    #: has to itself (machine.core_cache_bytes, the L2 on most CPUs).
    chunk_bytes: int | None = None

    def setup(self):
        c = self.config
        self.filters = c["filters"]
        self.kernel_size = tuple(c["kernel_size"])
        self.strides = tuple(c["strides"])
        self.padding = c["padding"]
        self.use_bias = c["use_bias"]
        self._cols_kept = False
        #: The output of the last forward in training mode (what a hand-off partner must receive).
        self.training_output = None
        #: Set by the hand-off partner's backward: the gradient it returned, already dL/dz.
        self.preactivated = None

    @property
    def hands_off_activation(self) -> bool:
        """Whether a MaxPooling2D reading the output may apply this layer's activation derivative."""
        return self.config["activation"] in HANDOFF_ACTIVATIONS and not self.fused_output

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
        self.depth = g.kh * g.kw * g.c  # rows of the kernel matrix
        self.pointwise = (g.kh, g.kw, g.sh, g.sw) == (1, 1, 1, 1) and not g.padded
        # The bias folds into the product when it directly follows the kernel in memory (as in the
        # model's flat parameter and gradient vectors): the columns get a last column of ones and
        # [kernel; bias] is one (depth + 1, filters) matrix, so the product adds the bias and the
        # weight-gradient product yields the bias gradient (its last row), no separate passes.
        self._wb = self._gb = None
        if self.use_bias and not self.pointwise and "kernel" in self.weights and "kernel" in self.grads:
            wb = stacked_view(self.weights["kernel"], self.weights["bias"])
            gb = stacked_view(self.grads["kernel"], self.grads["bias"])
            if wb is not None and gb is not None:
                self._wb, self._gb = wb, gb
        self.width = self.depth + (self._wb is not None)  # columns of the im2col matrix
        per_sample = g.oh * g.ow * self.width * self.dtype.itemsize
        budget = self.chunk_bytes if self.chunk_bytes is not None else core_cache_bytes()
        self.chunk = max(1, int(budget // max(per_sample, 1)))
        self._cols_kept = False

    def _chunks(self, n):
        """(start, stop) of equal chunks of at most ``self.chunk`` samples covering ``n``."""
        count = -(-n // self.chunk)
        size = -(-n // count)
        for k0 in range(0, n, size):
            yield k0, min(n, k0 + size)

    def _columns(self, rows: int):
        """The im2col buffer for ``rows`` samples: the GEMM matrix and its 6-D window view."""
        g = self.geometry
        cols = self.buffers.get("cols", (rows, g.oh, g.ow, self.width), self.dtype)
        if self.width == self.depth:
            return cols.reshape(-1, self.width), cols.reshape(rows, g.oh, g.ow, g.kh, g.kw, g.c)
        item = cols.itemsize
        windows = as_strided(cols, (rows, g.oh, g.ow, g.kh, g.kw, g.c),
                             (*cols.strides[:3], g.kw * g.c * item, g.c * item, item))  # the first depth columns
        return cols.reshape(-1, self.width), windows

    def _fill(self, xp, cols2, windows) -> None:
        im2col(self.geometry, xp, windows)
        if self.width > self.depth:
            cols2[:, self.depth].fill(1)

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
        matrix = self._wb if self._wb is not None else self.weights["kernel"].reshape(self.depth, self.filters)
        self._cols_kept = False
        if self.pointwise:
            np.matmul(xp.reshape(-1, g.c), matrix, out=z2)
        elif n <= self.chunk:
            cols2, windows = self._columns(n)
            self._fill(xp, cols2, windows)
            np.matmul(cols2, matrix, out=z2)
            self._cols_kept = training
        else:
            for k0, k1 in self._chunks(n):
                cols2, windows = self._columns(k1 - k0)
                self._fill(xp[k0:k1], cols2, windows)
                np.matmul(cols2, matrix, out=z[k0:k1].reshape(-1, self.filters))
        if self.use_bias and self._wb is None:
            z2 += self.weights["bias"]
        a = self.activate(z)
        self.training_output = a if training else None
        self.preactivated = None
        return a

    def _dz(self, dy):
        """dL/dz from dL/da, unless the max-pooling partner already applied the derivative (hand-off)."""
        pre, self.preactivated = self.preactivated, None
        if pre is None:
            return self.activation_backward(dy)
        if same_array(dy, pre):
            return dy
        # the model summed the pooling layer's (already dL/dz) gradient with other consumers' dL/da
        np.subtract(dy, pre, out=dy)
        dz = self.activation_backward(dy)
        dz += pre
        return dz

    def backward(self, dy):
        g, dt = self.geometry, self.dtype
        dz = self._dz(dy)
        n = dz.shape[0]
        dz2 = dz.reshape(-1, self.filters)
        folded = self._gb is not None
        if self.use_bias and not folded:
            column_sums(dz2, self.grads["bias"])
        kernel = self.weights["kernel"].reshape(self.depth, self.filters)
        gmatrix = self._gb if folded else self.grads["kernel"].reshape(self.depth, self.filters)
        need = self.need_input_grad
        xp = self._xp
        if self.pointwise:
            np.matmul(xp.reshape(-1, g.c).T, dz2, out=gmatrix)
            if not need:
                return None
            dx = self.buffers.get("dx", (n, g.h, g.w, g.c), dt)
            np.matmul(dz2, kernel.T, out=dx.reshape(-1, g.c))
            return dx
        dxp = None
        if need:
            dxp = self.buffers.get("dxp" if g.padded else "dx", (n, g.hp, g.wp, g.c), dt)
        if self._cols_kept:
            cols2, windows = self._columns(n)
            np.matmul(cols2.T, dz2, out=gmatrix)
            if need:
                # the columns are used up: their buffer takes dL/dcols (the ones column stays)
                np.matmul(dz2, kernel.T, out=cols2[:, :self.depth])
                col2im(g, windows, dxp)
        else:
            part = self.buffers.get("gmatrix", gmatrix.shape, dt) if n > self.chunk else None
            for k0, k1 in self._chunks(n):
                cols2, windows = self._columns(k1 - k0)
                dzc = dz[k0:k1].reshape(-1, self.filters)
                self._fill(xp[k0:k1], cols2, windows)  # recomputed: cheaper than keeping a large matrix
                if k0 == 0:
                    np.matmul(cols2.T, dzc, out=gmatrix)
                else:
                    np.matmul(cols2.T, dzc, out=part)
                    gmatrix += part
                if need:
                    np.matmul(dzc, kernel.T, out=cols2[:, :self.depth])
                    col2im(g, windows, dxp[k0:k1])
        if not need:
            return None
        if not g.padded:
            return dxp
        dx = self.buffers.get("dx", (n, g.h, g.w, g.c), dt)
        np.copyto(dx, g.interior(dxp))
        return dx


def stacked_view(a, b):
    """A (rows + 1, len(b)) view over ``a`` and the vector ``b`` when ``b`` directly follows ``a`` in
    one flat buffer (e.g. a layer's kernel and bias in the model's parameter vector); else None."""
    base = a.base
    if (base is None or b.base is not base or base.ndim != 1 or not base.flags.c_contiguous
            or not (a.flags.c_contiguous and b.flags.c_contiguous) or a.dtype != b.dtype
            or b.ndim != 1 or a.shape[-1] != b.shape[0] or a.ctypes.data + a.nbytes != b.ctypes.data):
        return None
    start = (a.ctypes.data - base.ctypes.data) // base.itemsize
    return base[start:start + a.size + b.size].reshape(-1, b.size)


def same_array(a, b) -> bool:
    """Whether ``a`` and ``b`` are the same array (or identical views of the same memory)."""
    if a is b:
        return True
    return (a.shape == b.shape and a.strides == b.strides and a.dtype == b.dtype
            and a.__array_interface__["data"][0] == b.__array_interface__["data"][0])
