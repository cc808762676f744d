"""Pooling over height and width (channels last): MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D.

Each window reduction is a loop over the ``ph * pw`` window offsets of whole-batch strided views
(never over pixels or samples). Padding follows Keras/TensorFlow: "valid" drops the rows and
columns that no whole window reaches (floor); "same" pads so that ``out = ceil(in / stride)`` and
the padded positions never count: max pooling pads with -inf, average pooling divides each window
by the number of real (unpadded) positions in it.

Ties: max-pool gradients go to exactly one position per window, the first maximum in row-major
window order (like the argmax-based backward passes of TensorFlow and PyTorch). With an equality
mask instead, a window whose maximum is tied (common on MNIST, whose blank borders give constant
activations) would pass its gradient on once per tied position. The winners are found in backward
from the kept input and output, so inference pays nothing for them.

When the input comes straight from a Conv2D with an element-wise activation, the model wires the
two (``activation_source``, set in :meth:`Model.build`) and MaxPooling2D applies that activation's
derivative on its pooled gradient, a quarter of the size for 2x2 pools, instead of the Conv2D
doing it on the full-size one (see conv.py).
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation
from ..config import Field
from .base import Layer
from .window import Window, padding_field, require_image, require_window_fits


class _Pooling2D(Layer):
    """Shared settings, shapes and padding of the windowed pooling layers."""

    family = "pooling"
    fields = (
        Field("pool_size", "pair", (2, 2), "window height and width, e.g. 2 or [2, 3]"),
        Field("strides", "pair", None, "step between windows; None: the pool size", allow_none=True),
        padding_field(),
    )
    pad_value = 0.0

    def setup(self):
        c = self.config
        self.pool_size = tuple(c["pool_size"])
        self.strides = tuple(c["strides"]) if c["strides"] is not None else self.pool_size
        self.padding = c["padding"]

    def compute_output_shape(self, input_shape):
        require_image(self, input_shape)
        require_window_fits(self, input_shape, self.pool_size, self.padding, "pool", "pool_size")
        g = Window(input_shape, self.pool_size, self.strides, self.padding)
        return (input_shape[0], g.oh, g.ow, input_shape[3])

    def flops(self, input_shape):
        """One comparison or addition per window element (no multiply-adds)."""
        out = self.compute_output_shape(input_shape)
        return out[1] * out[2] * out[3] * self.pool_size[0] * self.pool_size[1]

    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        self.geometry = Window(input_shape, self.pool_size, self.strides, self.padding)

    def _padded(self, x):
        g = self.geometry
        if not g.padded:
            return x
        xp = self.buffers.get("xp", (x.shape[0], g.hp, g.wp, g.c), self.dtype)
        g.pad_into(x, xp, self.pad_value)
        return xp

    def _pool_windows(self, xp, n, combine):
        """Combine every window offset's view of ``xp`` element-wise (np.maximum, np.add) into "out"."""
        g = self.geometry
        out = self.buffers.get("out", (n, g.oh, g.ow, g.c), self.dtype)
        offsets = g.offsets
        if len(offsets) == 1:
            np.copyto(out, g.window(xp, *offsets[0]))
        else:
            combine(g.window(xp, *offsets[0]), g.window(xp, *offsets[1]), out=out)
            for i, j in offsets[2:]:
                combine(out, g.window(xp, i, j), out=out)
        return out

    def _unpadded(self, dxp):
        g = self.geometry
        if not g.padded:
            return dxp
        dx = self.buffers.get("dx", (dxp.shape[0], g.h, g.w, g.c), self.dtype)
        np.copyto(dx, g.interior(dxp))
        return dx

    def _grad_buffer(self, n):
        """The (padded) input-gradient buffer, zeroed where the window passes below will not write."""
        g = self.geometry
        dxp = self.buffers.get("dxp" if g.padded else "dx", (n, g.hp, g.wp, g.c), self.dtype)
        if g.overlapping:
            dxp.fill(0)
        else:
            g.zero_uncovered(dxp)
        return dxp


class MaxPooling2D(_Pooling2D):
    """The largest value of each window, per channel."""

    type_name = "MaxPooling2D"
    description = "keeps the largest value of each window (downsamples height and width)"
    pad_value = -np.inf

    def setup(self):
        super().setup()
        #: The Conv2D whose activation derivative this layer applies on its pooled gradient, wired
        #: by the model when that layer's output is this layer's input (None: no hand-off).
        self.activation_source = None
        self._partner = None  # the source during one training forward and its backward
        self._partner_acts = {}

    def forward(self, x, training):
        # at each window's winner the source's output equals our maximum, so its activation's
        # derivative can be applied on our pooled gradient; only on exactly the array it produced
        src = self.activation_source
        self._partner = src if (training and self.need_input_grad and src is not None and src.training_output is x
                                and src.hands_off_activation) else None
        xp = self._padded(x)
        self._xp = xp
        out = self._pool_windows(xp, x.shape[0], np.maximum)
        self._out = out
        return out

    def _preactivate(self, partner, dy, out):
        """dy *= the partner's activation derivative at the winners (whose outputs are ``out``)."""
        name = partner.config["activation"]
        act = self._partner_acts.get(name)
        if act is None:
            act = self._partner_acts[name] = get_activation(name)
        act.backward(dy, None, out, dy)

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        g = self.geometry
        n = dy.shape[0]
        xp, out = self._xp, self._out
        partner, self._partner = self._partner, None
        if partner is not None:
            self._preactivate(partner, dy, out)
        dxp = self._grad_buffer(n)
        hit = self.buffers.get("hit", out.shape, np.bool_)      # this offset holds the window's maximum
        taken = self.buffers.get("taken", out.shape, np.bool_)  # an earlier offset already won
        part = self.buffers.get("part", out.shape, self.dtype) if g.overlapping else None
        offsets = g.offsets
        last = len(offsets) - 1
        for k, (i, j) in enumerate(offsets):
            np.equal(g.window(xp, i, j), out, out=hit)
            if k:
                np.greater(hit, taken, out=hit)  # hit and not taken: the first maximum wins
            if k < last:
                if k:
                    np.logical_or(taken, hit, out=taken)
                else:
                    np.copyto(taken, hit)
            view = g.window(dxp, i, j)
            if part is None:
                np.multiply(dy, hit, out=view)
            else:
                np.multiply(dy, hit, out=part)
                np.add(view, part, out=view)
        dx = self._unpadded(dxp)
        if partner is not None:
            partner.preactivated = dx  # dL/dz already: the partner skips its activation's derivative
        return dx


class AveragePooling2D(_Pooling2D):
    """The mean of each window, per channel (padded positions excluded from the mean)."""

    type_name = "AveragePooling2D"
    description = "averages each window (downsamples height and width smoothly)"

    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        g = self.geometry
        if g.padded:
            # 1 / (real positions per window): count the ones of an unpadded image through the windows
            ones = np.zeros((1, g.hp, g.wp, 1))
            g.interior(ones)[...] = 1
            count = sum(g.window(ones, i, j) for i, j in g.offsets)
            self.scale = (1.0 / count[0]).astype(self.dtype)  # (oh, ow, 1)
        else:
            self.scale = self.dtype.type(1.0 / (g.kh * g.kw))

    def forward(self, x, training):
        xp = self._padded(x)
        out = self._pool_windows(xp, x.shape[0], np.add)
        out *= self.scale
        return out

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        g = self.geometry
        dxp = self._grad_buffer(dy.shape[0])
        dy *= self.scale  # backward may overwrite its input gradient
        for i, j in g.offsets:
            view = g.window(dxp, i, j)
            if g.overlapping:
                np.add(view, dy, out=view)
            else:
                np.copyto(view, dy)
        return self._unpadded(dxp)


class GlobalAveragePooling2D(Layer):
    """The mean over height and width of each channel: (None, h, w, c) -> (None, c)."""

    type_name = "GlobalAveragePooling2D"
    family = "pooling"
    description = "averages each channel over the whole image: (None, h, w, c) -> (None, c)"

    def compute_output_shape(self, input_shape):
        require_image(self, input_shape)
        return (input_shape[0], input_shape[3])

    def flops(self, input_shape):
        """One addition per input value."""
        return input_shape[1] * input_shape[2] * input_shape[3]

    def forward(self, x, training):
        n, h, w, c = x.shape
        self._shape = x.shape
        out = self.buffers.get("out", (n, c), self.dtype)
        np.sum(x.reshape(n, h * w, c), axis=1, out=out)
        out *= self.dtype.type(1.0 / (h * w))
        return out

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        _n, h, w, _c = self._shape
        dy *= self.dtype.type(1.0 / (h * w))
        dx = self.buffers.get("dx", self._shape, self.dtype)
        np.copyto(dx, dy[:, None, None, :])
        return dx
