"""Core layers: Dense, Activation, Flatten, Reshape, Dropout (Keras names, keys and shape rules)."""

from __future__ import annotations

from math import prod

import numpy as np

from ..activations import ACTIVATIONS
from ..config import Field
from ..shapes import ShapeError, format_shape
from .base import Layer, WeightSpec

ACTIVATION_NAMES = tuple(ACTIVATIONS)


def activation_field(default="linear") -> Field:
    """The ``activation`` setting shared by every layer that has one."""
    return Field("activation", "choice", default, "applied to the layer's output", choices=ACTIVATION_NAMES)


def use_bias_field() -> Field:
    """The ``use_bias`` setting."""
    return Field("use_bias", "bool", True, "add a learned bias to each output")


class Dense(Layer):
    """Fully connected: ``output = activation(input @ kernel + bias)`` on the last axis."""

    type_name = "Dense"
    description = "fully connected: every input feeds every unit (acts on the last axis)"
    fields = (
        Field("units", "int", doc="number of output units", min=1),
        activation_field(),
        use_bias_field(),
        Field("kernel_initializer", "choice", "glorot_uniform", "how the kernel starts",
              choices=("glorot_uniform", "he_normal", "orthogonal", "zeros")),
        Field("bias_initializer", "choice", "zeros", "how the bias starts", choices=("zeros", "ones")),
    )

    def setup(self):
        self.units = self.config["units"]
        self.use_bias = self.config["use_bias"]

    def compute_output_shape(self, input_shape):
        if len(input_shape) < 2:
            raise self.shape_error("input with a feature axis, e.g. (None, 784)", input_shape)
        return (*input_shape[:-1], self.units)

    def weight_specs(self, input_shape):
        specs = [WeightSpec("kernel", (input_shape[-1], self.units), self.config["kernel_initializer"])]
        if self.use_bias:
            specs.append(WeightSpec("bias", (self.units,), self.config["bias_initializer"]))
        return specs

    def flops(self, input_shape):
        return 2 * prod(input_shape[1:]) * self.units

    def forward(self, x, training):
        d = x.shape[-1]
        x2 = x.reshape(-1, d)
        self._x = x2
        self._lead = x.shape[:-1]
        z = self.buffers.get("z", (x2.shape[0], self.units), self.dtype)
        np.matmul(x2, self.weights["kernel"], out=z)
        if self.use_bias:
            z += self.weights["bias"]
        a = self.activate(z)
        return a if len(self._lead) == 1 else a.reshape(*self._lead, self.units)

    def backward(self, dy):
        dz = self.activation_backward(dy.reshape(-1, self.units))
        np.matmul(self._x.T, dz, out=self.grads["kernel"])
        if self.use_bias:
            np.sum(dz, axis=0, out=self.grads["bias"])
        if not self.need_input_grad:
            return None
        dx = self.buffers.get("dx", self._x.shape, self.dtype)
        np.matmul(dz, self.weights["kernel"].T, out=dx)
        return dx if len(self._lead) == 1 else dx.reshape(*self._lead, dx.shape[-1])


class Activation(Layer):
    """Applies an activation function to its input."""

    type_name = "Activation"
    description = "applies an activation function (relu, softmax, ...) element-wise"
    fields = (Field("activation", "choice", doc="the function to apply", choices=ACTIVATION_NAMES),)

    def forward(self, x, training):
        z = self.buffers.get("z", x.shape, self.dtype)
        np.copyto(z, x)
        return self.activate(z)

    def backward(self, dy):
        return self.activation_backward(dy)


class Flatten(Layer):
    """Flattens each sample into a vector: ``(None, 28, 28, 1)`` -> ``(None, 784)``."""

    type_name = "Flatten"
    description = "flattens each sample to a vector, e.g. (None, 28, 28, 1) -> (None, 784)"

    def compute_output_shape(self, input_shape):
        return (input_shape[0], int(prod(input_shape[1:])))

    def forward(self, x, training):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self._shape) if self.need_input_grad else None


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be -1, inferred)."""

    type_name = "Reshape"
    description = "reshapes each sample, e.g. (None, 784) -> (None, 28, 28, 1)"
    fields = (Field("target_shape", "shape", doc="the new shape without the batch axis", allow_infer=True),)

    def compute_output_shape(self, input_shape):
        target = self.config["target_shape"]
        size = int(prod(input_shape[1:]))
        known = int(prod(d for d in target if d != -1))
        shown = format_shape((None, *target))
        if -1 in target:
            if size % known:
                raise ShapeError(
                    f"Reshape cannot infer the -1 in {shown}: {size} values per sample from "
                    f"{format_shape(input_shape)} do not divide by {known}.", layer=self.name,
                    fix=f"Choose a target_shape whose other entries multiply to a divisor of {size}.")
            return (input_shape[0], *(size // known if d == -1 else d for d in target))
        if known != size:
            raise ShapeError(
                f"Reshape needs a target_shape with as many values as its input; it received "
                f"{format_shape(input_shape)} ({size} values per sample) and target {shown} ({known}).",
                layer=self.name, fix=f"Choose a target_shape whose entries multiply to {size}, or use -1 once.")
        return (input_shape[0], *target)

    def forward(self, x, training):
        self._shape = x.shape
        return x.reshape(x.shape[0], *self.output_shape[1:])

    def backward(self, dy):
        return dy.reshape(self._shape) if self.need_input_grad else None


class Dropout(Layer):
    """Zeroes a random fraction ``rate`` of its inputs while training and scales the rest by 1/(1-rate)."""

    type_name = "Dropout"
    description = "while training, zeroes a random fraction of values (regularisation)"
    fields = (Field("rate", "float", doc="fraction of values to drop", min=0.0, max=1.0, max_exclusive=True),)

    def forward(self, x, training):
        rate = self.config["rate"]
        self._active = training and rate > 0
        if not self._active:
            return x
        rng = self.rng if self.rng is not None else np.random.default_rng()
        mask = self.buffers.get("mask", x.shape, self.dtype)
        rng.random(out=mask, dtype=self.dtype.type)
        keep = self.buffers.get("keep", x.shape, np.bool_)
        np.greater_equal(mask, rate, out=keep)
        np.multiply(keep, self.dtype.type(1.0 / (1.0 - rate)), out=mask)
        out = self.buffers.get("out", x.shape, self.dtype)
        return np.multiply(x, mask, out=out)

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        if self._active:
            dy *= self.buffers.get("mask", dy.shape, self.dtype)
        return dy
