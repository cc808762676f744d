"""Recurrent layers over (batch, timesteps, features): the shared machinery and SimpleRNN (LSTM: lstm.py).

Both keep Keras's weight layout: ``kernel`` (features, k*units) for the inputs, ``recurrent_kernel``
(units, k*units) for the previous state, ``bias`` (k*units,); the LSTM's four blocks of ``units``
columns are its gates in Keras's order i (input), f (forget), c (candidate), o (output).

Speed: the input projection ``x @ kernel + bias`` of all time steps is one (batched) matrix product
before the loop, with the bias inside it (a column of ones); only the recurrent product
``h @ recurrent_kernel`` runs per step. Internally the work is laid out gate major and time major,
``(gates, timesteps, batch, units)``, with the LSTM's gates reordered i, f, o, c: every per-step
element-wise operation then reads and writes contiguous blocks (NumPy runs two to three times
slower on the strided column blocks of a (batch, 4*units) row layout), and the three sigmoid gates
are one block. Backprop through time keeps each step's gate
pre-activation gradients, so that the weight gradients are again single products after the loop:
``dkernel = X^T dZ``, ``drecurrent = sum_t H_{t-1}^T dZ_t``.

``activation`` is internal to these layers (``activation_is_final = False``): a loss never fuses
with it.
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS, get_activation
from ..config import Field
from .base import Layer, WeightSpec
from .core import use_bias_field

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


class Recurrent(Layer):
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

    #: Per internal gate, a factor the forward product's weights are multiplied by (None: none).
    #: The LSTM halves its sigmoid gates' weights so that one tanh serves all four gates.
    gate_scale: tuple[float, ...] | None = None

    # ------------------------------------------------------------------ layout helpers
    def _blocks(self, a):
        """Keras's column blocks of a (rows, gates*units) weight, in internal gate order (views)."""
        u = self.units
        return [a[..., b * u:(b + 1) * u] for b in self.order]

    def _project(self, x):
        """Z[g, t] = x[:, t] @ kernel_g + bias_g for every gate and step: (gates, T, n, units), one product.

        Everything the weight gradients read sits in one time-major buffer ``_xh`` of shape
        (T + 1, n, features + 1 + units): row t holds ``[x_t, 1, h_{t-1}]`` (h_{-1} = 0) and the last
        row h_{T-1}. The bias rides in the products through the column of ones; forward writes each
        state straight into its row (:attr:`_states`), so that after the loop ``[dkernel; dbias;
        drecurrent] = XH^T dZ`` is one product per gate over all steps. Also prepares the gate-major
        recurrent kernels: ``_rec`` (for backward) and ``_rec_fwd`` (scaled by ``gate_scale`` like
        the projection, for forward)."""
        n, steps, features = x.shape
        g, u, dt = self.gates, self.units, self.dtype
        k = features + self.use_bias
        xh = self.buffers.get("xh", (steps + 1, n, k + u), dt)
        np.copyto(xh[:steps, :, :features], x.transpose(1, 0, 2))
        if self.use_bias:
            xh[:steps, :, features].fill(1)
        xh[0, :, k:].fill(0)
        self._xh, self._k = xh, k
        kernel = self.buffers.get("kernel_g", (g, k, u), dt)
        rec = self.buffers.get("rec_g", (g, u, u), dt)
        biases = self._blocks(self.weights["bias"]) if self.use_bias else None
        for j, (wb, ub) in enumerate(zip(self._blocks(self.weights["kernel"]),
                                         self._blocks(self.weights["recurrent_kernel"]))):
            np.copyto(kernel[j, :features], wb)
            if biases is not None:
                np.copyto(kernel[j, features], biases[j])
            np.copyto(rec[j], ub)
        self._rec = self._rec_fwd = rec
        if self.gate_scale is not None:
            scale = np.asarray(self.gate_scale, dt)[:, None, None]
            kernel *= scale
            self._rec_fwd = self.buffers.get("rec_fwd", (g, u, u), dt)
            np.multiply(rec, scale, out=self._rec_fwd)
        z = self.buffers.get("z", (g, steps, n, u), dt)
        np.matmul(xh[:steps, :, :k].reshape(-1, k), kernel, out=z.reshape(g, -1, u))
        return z

    @property
    def _states(self):
        """h_t for every step t, (T, n, units): views into the rows of ``_xh``."""
        return self._xh[1:, :, self._k:]

    def _recurrent_product(self, h, zt, tmp):
        """zt += h @ recurrent_kernel (as scaled for forward), gate by gate (zt, tmp: (gates, n, units))."""
        np.matmul(h, self._rec_fwd, out=tmp)
        zt += tmp

    def _start_backward(self):
        """Before the backward loop: the transposed recurrent kernels, contiguous (BLAS runs the
        per-step products on them about a sixth faster than on transposed views)."""
        self._rec_t = self.buffers.get("rec_t", self._rec.shape, self.dtype)
        np.copyto(self._rec_t, self._rec.transpose(0, 2, 1))

    def _recurrent_backward(self, dzt, out):
        """out = sum over gates of dzt[g] @ recurrent_kernel_g^T: dL/dh_{t-1} through step t."""
        if self.gates == 1:
            return np.matmul(dzt[0], self._rec_t[0], out=out)
        tmp = self.buffers.get("rec_back", dzt.shape, self.dtype)
        np.matmul(dzt, self._rec_t, out=tmp)
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

    def _finish_backward(self, dz):
        """Weight gradients and dL/dx from the pre-activation gradients dz (gates, T, n, units)."""
        g, steps, n, u = dz.shape
        dt = self.dtype
        xh, k = self._xh, self._k
        features = k - self.use_bias
        dz3 = dz.reshape(g, -1, u)
        # [dkernel; dbias; drecurrent] = sum over t of [x_t, 1, h_{t-1}]^T dz_t: one product per gate
        part = self.buffers.get("gweights", (g, k + u, u), dt)
        np.matmul(xh[:steps].reshape(-1, k + u).T, dz3, out=part)
        for j, block in enumerate(self._blocks(self.grads["kernel"])):
            np.copyto(block, part[j, :features])
        if self.use_bias:
            for j, block in enumerate(self._blocks(self.grads["bias"])):
                np.copyto(block, part[j, features])
        for j, block in enumerate(self._blocks(self.grads["recurrent_kernel"])):
            np.copyto(block, part[j, k:])
        if not self.need_input_grad:
            return None
        dxt = self.buffers.get("dxt", (steps, n, features), dt)
        dxt2 = dxt.reshape(-1, features)
        tmp = self.buffers.get("dxt_part", dxt2.shape, dt) if g > 1 else None
        for j, block in enumerate(self._blocks(self.weights["kernel"])):
            np.matmul(dz3[j], block.T, out=dxt2 if j == 0 else tmp)
            if j:
                dxt2 += tmp
        dx = self.buffers.get("dx", (n, steps, features), dt)
        np.copyto(dx, dxt.transpose(1, 0, 2))
        return dx

    def _output(self, hs):
        """The layer's output (contiguous) from the time-major states hs (T, n, units)."""
        steps, n, u = hs.shape
        if not self.return_sequences:
            out = self.buffers.get("out", (n, u), self.dtype)
            np.copyto(out, hs[-1])
            return out
        out = self.buffers.get("out", (n, steps, u), self.dtype)
        np.copyto(out, hs.transpose(1, 0, 2))
        return out


class SimpleRNN(Recurrent):
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
        hs = self._states
        tmp = self.buffers.get("rec_out", (1, n, u), self.dtype)
        # activations whose derivative needs z (not only h) keep a copy of the pre-activations
        zs = self.buffers.get("zs", (steps, n, u), self.dtype) if act.keeps_input else None
        for t in range(steps):
            zt = z[:, t]
            if t:
                self._recurrent_product(hs[t - 1], zt, tmp)
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
        self._start_backward()
        for t in range(steps - 1, -1, -1):
            g = self._state_grad(dy, t, carry, dh)
            self._act.backward(g, zs[t] if zs is not None else None, hs[t], dz[0, t])
            if t:
                self._recurrent_backward(dz[:, t], carry)
        return self._finish_backward(dz)
