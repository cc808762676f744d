"""Recurrent layers over (batch, timesteps, features): SimpleRNN and LSTM, Keras's weights and gates.

Both keep Keras's weight layout: ``kernel`` (features, k*units) for the inputs, ``recurrent_kernel``
(units, k*units) for the previous state, ``bias`` (k*units,); the LSTM's four blocks of ``units``
columns are its gates in Keras's order i (input), f (forget), c (candidate), o (output).

Speed: the input projection ``x @ kernel + bias`` of all time steps is one (batched) matrix product
before the loop; only the recurrent product ``h @ recurrent_kernel`` runs per step. Internally the
work is laid out gate major and time major, ``(gates, timesteps, batch, units)``, with the LSTM's
gates reordered i, f, o, c: every per-step element-wise operation then reads and writes contiguous
blocks (NumPy runs several times slower on the strided column blocks of a (batch, 4*units) row
layout), and the three sigmoid gates are one block. Backprop through time keeps each step's gate
pre-activation gradients, so that the weight gradients are again single products after the loop:
``dkernel = X^T dZ``, ``drecurrent = sum_t H_{t-1}^T dZ_t``.

``activation`` is internal to these layers (``activation_is_final = False``): a loss never fuses
with it.
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS, get_activation
from ..config import Field
from ..initializers import INITIALIZERS
from .base import Layer, WeightSpec
from .core import use_bias_field
from .im2col import ones


def unit_forget_bias(rng, shape, dtype):
    """Keras's LSTM bias with unit_forget_bias: zeros, except ones for the forget gate's block."""
    bias = np.zeros(shape, dtype)
    units = shape[0] // 4
    bias[units:2 * units] = 1
    return bias


# An initializer the model can name in a WeightSpec (Keras builds the same bias with a lambda).
INITIALIZERS.setdefault("unit_forget_bias", unit_forget_bias)

ACTIVATION_NAMES = tuple(ACTIVATIONS)


def require_sequence(layer, input_shape) -> None:
    """Raise the layer's ShapeError unless the input is (batch, timesteps, features)."""
    if len(input_shape) == 3:
        return
    dims = input_shape[1:]
    if len(dims) == 1:
        side = round(dims[0] ** 0.5)
        if side > 1 and side * side == dims[0]:
            fix = (f"Use input_shape [{side}, {side}] to read each image as {side} rows of {side} pixels "
                   f"(or insert Reshape(target_shape=({side}, {side})) first).")
        else:
            fix = "Insert Reshape(target_shape=(timesteps, features)) first."
    elif len(dims) == 3:
        h, w, c = dims
        fix = (f"Insert Reshape(target_shape=({h}, {w * c})) first to read each image as {h} rows "
               f"of {w * c} values.")
    else:
        fix = "Insert Reshape(target_shape=(timesteps, features)) first."
    raise layer.shape_error("3-D input (batch, timesteps, features)", input_shape, fix)


class _Recurrent(Layer):
    """Shared shapes, weights, the gate-major input projection and the weight gradients."""

    family = "recurrent"
    activation_is_final = False
    #: Keras's column block of each internal gate, in internal order.
    order: tuple[int, ...] = (0,)

    def setup(self):
        c = self.config
        self.units = c["units"]
        self.use_bias = c["use_bias"]
        self.return_sequences = c["return_sequences"]

    @property
    def gates(self) -> int:
        """Blocks of ``units`` columns in the weights."""
        return len(self.order)

    def compute_output_shape(self, input_shape):
        require_sequence(self, input_shape)
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.units)
        return (input_shape[0], self.units)

    def bias_initializer(self) -> str:
        return "zeros"

    def weight_specs(self, input_shape):
        k = self.gates * self.units
        specs = [WeightSpec("kernel", (input_shape[-1], k), "glorot_uniform"),
                 WeightSpec("recurrent_kernel", (self.units, k), "orthogonal")]
        if self.use_bias:
            specs.append(WeightSpec("bias", (k,), self.bias_initializer()))
        return specs

    def flops(self, input_shape):
        steps, features = input_shape[1], input_shape[2]
        k = self.gates * self.units
        return 2 * steps * (features + self.units) * k

    # ------------------------------------------------------------------ layout helpers
    def _blocks(self, a):
        """Keras's column blocks of a (rows, gates*units) weight, in internal gate order (views)."""
        u = self.units
        return [a[..., b * u:(b + 1) * u] for b in self.order]

    def _project(self, x):
        """Z[g, t] = x[:, t] @ kernel_g + bias_g for every gate and step: (gates, T, n, units)."""
        n, steps, features = x.shape
        g, u, dt = self.gates, self.units, self.dtype
        xt = self.buffers.get("xt", (steps, n, features), dt)
        np.copyto(xt, x.transpose(1, 0, 2))
        self._xt = xt
        kernel = self.buffers.get("kernel_g", (g, features, u), dt)
        rec = self.buffers.get("rec_g", (g, u, u), dt)
        for k, (wb, ub) in enumerate(zip(self._blocks(self.weights["kernel"]),
                                         self._blocks(self.weights["recurrent_kernel"]))):
            np.copyto(kernel[k], wb)
            np.copyto(rec[k], ub)
        self._rec = rec
        z = self.buffers.get("z", (g, steps, n, u), dt)
        np.matmul(xt.reshape(-1, features), kernel, out=z.reshape(g, -1, u))
        if self.use_bias:
            for k, bb in enumerate(self._blocks(self.weights["bias"])):
                z[k] += bb
        return z

    def _recurrent_product(self, h, zt):
        """zt += h @ recurrent_kernel, gate by gate (zt: (gates, n, units))."""
        tmp = self.buffers.get("rec_out", zt.shape, self.dtype)
        np.matmul(h, self._rec, out=tmp)
        zt += tmp

    def _recurrent_backward(self, dzt, out):
        """out = sum over gates of dzt[g] @ recurrent_kernel_g^T: dL/dh_{t-1} through step t."""
        if self.gates == 1:
            return np.matmul(dzt[0], self._rec[0].T, out=out)
        tmp = self.buffers.get("rec_back", dzt.shape, self.dtype)
        np.matmul(dzt, self._rec.transpose(0, 2, 1), out=tmp)
        return np.sum(tmp, axis=0, out=out)

    def _state_grad(self, dy, t, carry, out):
        """dL/dh_t: from the output at step t (when the layer outputs it) plus ``carry`` (from step t+1)."""
        last = t == self._steps - 1
        if self.return_sequences:
            if last:
                np.copyto(out, dy[:, t])
            else:
                np.add(dy[:, t], carry, out=out)
            return out
        if last:
            np.copyto(out, dy)
            return out
        return carry

    def _finish_backward(self, dz, hs):
        """Weight gradients and dL/dx from the pre-activation gradients dz (gates, T, n, units) and states hs."""
        g, steps, n, u = dz.shape
        dt = self.dtype
        features = self._xt.shape[-1]
        xt2 = self._xt.reshape(-1, features)
        dz3 = dz.reshape(g, -1, u)
        part = self.buffers.get("gkernel", (g, features, u), dt)
        np.matmul(xt2.T, dz3, out=part)
        for k, block in enumerate(self._blocks(self.grads["kernel"])):
            np.copyto(block, part[k])
        # sum over t >= 1 of h_{t-1}^T dz_t (h_{-1} = 0): one product per gate over the stacked steps
        part = self.buffers.get("grec", (g, u, u), dt)
        if steps > 1:
            np.matmul(hs[:-1].reshape(-1, u).T, dz[:, 1:].reshape(g, -1, u), out=part)
        else:
            part.fill(0)
        for k, block in enumerate(self._blocks(self.grads["recurrent_kernel"])):
            np.copyto(block, part[k])
        if self.use_bias:
            sums = self.buffers.get("gbias", (g, u), dt)
            np.matmul(ones(dz3.shape[1], dt), dz3, out=sums)
            for k, block in enumerate(self._blocks(self.grads["bias"])):
                np.copyto(block, sums[k])
        if not self.need_input_grad:
            return None
        dxt = self.buffers.get("dxt", self._xt.shape, dt)
        dxt2 = dxt.reshape(-1, features)
        kernel = self.buffers.get("kernel_g", (g, features, u), dt)
        tmp = self.buffers.get("dxt_part", dxt2.shape, dt) if g > 1 else None
        for k in range(g):
            np.matmul(dz3[k], kernel[k].T, out=dxt2 if k == 0 else tmp)
            if k:
                dxt2 += tmp
        dx = self.buffers.get("dx", (n, steps, features), dt)
        np.copyto(dx, dxt.transpose(1, 0, 2))
        return dx

    def _output(self, hs):
        """The layer's output from the time-major states hs (T, n, units)."""
        if not self.return_sequences:
            return hs[-1]
        steps, n, u = hs.shape
        out = self.buffers.get("out", (n, steps, u), self.dtype)
        np.copyto(out, hs.transpose(1, 0, 2))
        return out


class SimpleRNN(_Recurrent):
    """``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``, h_0 = 0."""

    type_name = "SimpleRNN"
    description = "a recurrent layer: reads a sequence step by step, carrying a state of `units` values"
    fields = (
        Field("units", "int", doc="size of the state (and of the output)", min=1),
        Field("activation", "choice", "tanh", "applied to each new state", choices=ACTIVATION_NAMES),
        use_bias_field(),
        Field("return_sequences", "bool", False, "output the state of every step, not only the last"),
    )

    def setup(self):
        super().setup()
        self._act = get_activation(self.config["activation"])

    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        self._act.buffers.clear()

    def forward(self, x, training):
        n, steps, _ = x.shape
        u = self.units
        self._steps = steps
        act = self._act
        z = self._project(x)  # (1, T, n, u)
        hs = self.buffers.get("h", (steps, n, u), self.dtype)
        # activations whose derivative needs z (not only h) keep a copy of the pre-activations
        zs = self.buffers.get("zs", (steps, n, u), self.dtype) if act.keeps_input else None
        for t in range(steps):
            zt = z[:, t]
            if t:
                self._recurrent_product(hs[t - 1], zt)
            if zs is not None:
                np.copyto(zs[t], zt[0])
            act.forward(zt[0], hs[t])
        self._hs, self._zs = hs, zs
        return self._output(hs)

    def backward(self, dy):
        hs, zs = self._hs, self._zs
        steps, n, u = hs.shape
        dz = self.buffers.get("dz", (1, steps, n, u), self.dtype)
        dh = self.buffers.get("dh", (n, u), self.dtype)
        carry = self.buffers.get("carry", (n, u), self.dtype)  # dL/dh_t through h_{t+1}
        for t in range(steps - 1, -1, -1):
            g = self._state_grad(dy, t, carry, dh)
            self._act.backward(g, zs[t] if zs is not None else None, hs[t], dz[0, t])
            if t:
                self._recurrent_backward(dz[:, t], carry)
        return self._finish_backward(dz, hs)


class LSTM(_Recurrent):
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
        # one activation object per use, so that each keeps scratch buffers of one shape; the three
        # gates are one (3, n, units) block, so a softmax applies to each gate's units, as in Keras
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

    def forward(self, x, training):
        n, steps, _ = x.shape
        u = self.units
        dt = self.dtype
        self._steps = steps
        z = self._project(x)  # (4, T, n, u), becomes the gate activations (i, f, o, g) in place
        zs = self.buffers.get("zs", z.shape, dt) if self._keeps else None
        hs = self.buffers.get("h", (steps, n, u), dt)
        cs = self.buffers.get("c", (steps, n, u), dt)
        tcs = self.buffers.get("tanh_c", (steps, n, u), dt)  # activation(c_t)
        fc = self.buffers.get("fc", (n, u), dt)
        for t in range(steps):
            zt = z[:, t]
            if t:
                self._recurrent_product(hs[t - 1], zt)
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
        self._a, self._zs, self._hs, self._cs, self._tcs = z, zs, hs, cs, tcs
        return self._output(hs)

    def backward(self, dy):
        a, zs, hs, cs, tcs = self._a, self._zs, self._hs, self._cs, self._tcs
        steps, n, u = hs.shape
        dt = self.dtype
        dz = self.buffers.get("dz", a.shape, dt)
        dh_buf = self.buffers.get("dh", (n, u), dt)
        dc = self.buffers.get("dc", (n, u), dt)
        dc_carry = self.buffers.get("dc_carry", (n, u), dt)  # dL/dc_t through c_{t+1}
        dh_carry = self.buffers.get("dh_carry", (n, u), dt)  # dL/dh_t through the gates of step t+1
        for t in range(steps - 1, -1, -1):
            at, dzt = a[:, t], dz[:, t]
            i, f, o, g = at
            di, df, do, dg = dzt
            dh = self._state_grad(dy, t, dh_carry, dh_buf)
            np.multiply(dh, tcs[t], out=do)          # dL/do
            np.multiply(dh, o, out=dc)               # dL/d activation(c_t)
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
            zt = zs[:, t] if zs is not None else None
            self._gates.backward(dzt[:3], None if zt is None else zt[:3], at[:3], dzt[:3])
            self._cand.backward(dg, None if zt is None else zt[3], g, dg)
            if t:
                self._recurrent_backward(dzt, dh_carry)
        return self._finish_backward(dz, hs)
