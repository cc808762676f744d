"""LSTM: long short-term memory over (batch, timesteps, features), Keras's weights and gate order.

The shared recurrent machinery (gate-major layout, the input projection of all steps in one product
with the bias inside it, the weight gradients as single products after the loop) is in
recurrent.py. Internally the gates are ordered i, f, o, c so that the three gates that use
``recurrent_activation`` are one block.

With Keras's activations (sigmoid gates, tanh candidate and cell), the default, each step is fused:
sigmoid(z) = (1 + tanh(z / 2)) / 2, and the 1/2 inside is folded into the gate-major copies of the
sigmoid gates' weights that the forward products use, so one ``tanh`` call over the whole (4, n,
units) block activates all four gates and one multiply-add turns three of them into sigmoids (instead
of four passes for each sigmoid plus a tanh). Backward computes dL/dz of the true pre-activations
from the kept gate values, so the weight gradients are those of the Keras weights. Other
activations take the general path, one activation object per use.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation
from ..config import Field
from ..initializers import INITIALIZERS
from .core import use_bias_field
from .recurrent import ACTIVATION_NAMES, Recurrent


def unit_forget_bias(rng, shape, dtype):
    """Keras's LSTM bias with unit_forget_bias: zeros, except ones for the forget gate's block."""
    bias = np.zeros(shape, dtype)
    units = shape[0] // 4
    bias[units:2 * units] = 1
    return bias


# An initializer the model can name in a WeightSpec (Keras builds the same bias with a lambda).
INITIALIZERS.setdefault("unit_forget_bias", unit_forget_bias)


class LSTM(Recurrent):
    """Long short-term memory: gated cell state ``c`` and output state ``h``, Keras's gate order i, f, c, o."""

    type_name = "LSTM"
    description = "a gated recurrent layer (long short-term memory): remembers over long sequences"
    order = (0, 1, 3, 2)  # internally i, f, o (the recurrent_activation gates together), then c
    fields = (
        Field("units", "int", doc="size of the state (and of the output)", min=1),
        Field("activation", "choice", "tanh", "for the candidate and the cell output", choices=ACTIVATION_NAMES),
        Field("recurrent_activation", "choice", "sigmoid", "for the input, forget and output gates",
              choices=ACTIVATION_NAMES),
        use_bias_field(),
        Field("return_sequences", "bool", False, "output the state of every step, not only the last"),
        Field("unit_forget_bias", "bool", True, "start the forget gate's bias at 1 (remember by default)"),
    )

    def setup(self):
        super().setup()
        c = self.config
        self.fused = c["recurrent_activation"] == "sigmoid" and c["activation"] == "tanh"
        self.gate_scale = (0.5, 0.5, 0.5, 1.0) if self.fused else None
        # general path: one activation object per use, so that each keeps scratch buffers of one
        # shape; the three gates are one (3, n, units) block, so a softmax applies to each gate's
        # units, as in Keras
        self._gates = get_activation(c["recurrent_activation"])
        self._cand = get_activation(c["activation"])
        self._cell = get_activation(c["activation"])
        self._keeps = self._gates.keeps_input or self._cand.keeps_input

    def bias_initializer(self):
        return "unit_forget_bias" if self.config["unit_forget_bias"] else "zeros"

    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        for act in (self._gates, self._cand, self._cell):
            act.buffers.clear()

    # ------------------------------------------------------------------ forward
    def forward(self, x, training):
        n, steps, _ = x.shape
        u, dt = self.units, self.dtype
        self._steps = steps
        z = self._project(x)  # (4, T, n, u), becomes the gate activations (i, f, o, g) in place
        hs = self._states
        cs = self.buffers.get("c", (steps, n, u), dt)
        tcs = self.buffers.get("tanh_c", (steps, n, u), dt)  # activation(c_t)
        fc = self.buffers.get("fc", (n, u), dt)
        tmp = self.buffers.get("rec_out", (4, n, u), dt)
        zs = None
        if self.fused:
            self._fused_steps(z, hs, cs, tcs, fc, tmp)
        else:
            zs = self.buffers.get("zs", z.shape, dt) if self._keeps else None
            self._general_steps(z, zs, hs, cs, tcs, fc, tmp)
        self._a, self._zs, self._hs, self._cs, self._tcs = z, zs, hs, cs, tcs
        return self._output(hs)

    def _fused_steps(self, z, hs, cs, tcs, fc, tmp):
        half = self.dtype.type(0.5)
        for t in range(z.shape[1]):
            zt = z[:, t]
            if t:
                self._recurrent_product(hs[t - 1], zt, tmp)
            np.tanh(zt, out=zt)  # tanh(z/2) for i, f, o (their weights are halved), tanh(z) for c
            sig = zt[:3]
            sig *= half
            sig += half  # sigmoid(z) = (1 + tanh(z/2)) / 2
            i, f, o, g = zt
            c = cs[t]
            np.multiply(i, g, out=c)
            if t:
                np.multiply(f, cs[t - 1], out=fc)
                c += fc
            np.tanh(c, out=tcs[t])
            np.multiply(o, tcs[t], out=hs[t])

    def _general_steps(self, z, zs, hs, cs, tcs, fc, tmp):
        for t in range(z.shape[1]):
            zt = z[:, t]
            if t:
                self._recurrent_product(hs[t - 1], zt, tmp)
            if zs is not None:
                np.copyto(zs[:, t], zt)
            sig = zt[:3]
            self._gates.forward(sig, sig)
            i, f, o, g = zt
            self._cand.forward(g, g)
            c = cs[t]
            np.multiply(i, g, out=c)
            if t:
                np.multiply(f, cs[t - 1], out=fc)
                c += fc
            self._cell.forward(c, tcs[t])
            np.multiply(o, tcs[t], out=hs[t])

    # ------------------------------------------------------------------ backward
    def backward(self, dy):
        a, zs, hs, cs, tcs = self._a, self._zs, self._hs, self._cs, self._tcs
        steps, n, u = hs.shape
        dt = self.dtype
        dz = self.buffers.get("dz", a.shape, dt)
        dh_buf = self.buffers.get("dh", (n, u), dt)
        dc = self.buffers.get("dc", (n, u), dt)
        dc_carry = self.buffers.get("dc_carry", (n, u), dt)  # dL/dc_t through c_{t+1}
        dh_carry = self.buffers.get("dh_carry", (n, u), dt)  # dL/dh_t through the gates of step t+1
        self._start_backward()
        fused = self.fused
        if fused:
            sq = self.buffers.get("sq", (4, n, u), dt)  # scratch for the derivatives of one step
            one = dt.type(1)
        for t in range(steps - 1, -1, -1):
            at, dzt = a[:, t], dz[:, t]
            i, f, o, g = at
            di, df, do, dg = dzt
            dh = self._state_grad(dy, t, dh_carry, dh_buf)
            np.multiply(dh, tcs[t], out=do)          # dL/do
            np.multiply(dh, o, out=dc)               # dL/d tanh(c_t)
            if fused:
                d = sq[3]
                np.multiply(tcs[t], tcs[t], out=d)
                np.subtract(one, d, out=d)
                dc *= d                              # through tanh: 1 - tanh(c)^2
            else:
                self._cell.backward(dc, cs[t], tcs[t], dc)
            if t < steps - 1:
                dc += dc_carry
            np.multiply(dc, g, out=di)               # dL/di
            np.multiply(dc, i, out=dg)               # dL/dg
            if t:
                np.multiply(dc, cs[t - 1], out=df)   # dL/df
                np.multiply(dc, f, out=dc_carry)
            else:
                df.fill(0)
            if fused:
                d = sq[:3]
                np.subtract(one, at[:3], out=d)
                d *= at[:3]
                dzt[:3] *= d                         # sigmoid: s (1 - s)
                d = sq[3]
                np.multiply(g, g, out=d)
                np.subtract(one, d, out=d)
                dg *= d                              # tanh: 1 - g^2
            else:
                zt = zs[:, t] if zs is not None else None
                self._gates.backward(dzt[:3], None if zt is None else zt[:3], at[:3], dzt[:3])
                self._cand.backward(dg, None if zt is None else zt[3], g, dg)
            if t:
                self._recurrent_backward(dzt, dh_carry)
        return self._finish_backward(dz)
