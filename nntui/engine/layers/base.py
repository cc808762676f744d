"""The Layer base class: configuration, shape rule, weights, forward and backward.

A layer is created from its Keras config (``Dense(units=512, activation="relu")``), answers
``compute_output_shape`` before any data exists, declares its weights with ``weight_specs`` and,
once a :class:`~nntui.engine.model.Model` has bound its weights to views of the model's flat
parameter vector, runs ``forward`` and ``backward`` on float32 batches.

Shapes follow Keras: channels last, the batch axis first and written ``None``.
Forward and backward reuse buffers (see :class:`~nntui.engine.buffers.Buffers`): an array a layer
returns stays valid until that layer runs again. ``backward`` may overwrite the gradient it
receives; it writes weight gradients into ``self.grads`` (overwriting, never accumulating).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import prod
from typing import ClassVar

import numpy as np

from ..activations import get_activation
from ..buffers import Buffers
from ..config import Field, validate_config
from ..shapes import ShapeError, format_shape


@dataclass(frozen=True)
class WeightSpec:
    """One weight tensor of a layer: Keras's name (``kernel``, ``bias``), shape, initialiser."""

    name: str
    shape: tuple
    initializer: str
    trainable: bool = True

    @property
    def size(self) -> int:
        """Number of values."""
        return int(prod(self.shape))


def snake_case(type_name: str) -> str:
    """Keras's automatic layer-name stem: ``Dense`` -> ``dense``, ``MaxPooling2D`` -> ``max_pooling2d``."""
    text = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", type_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", text).lower()


class Layer:
    """Base class of every layer. Subclasses set ``fields`` and override the shape and math hooks."""

    type_name: ClassVar[str] = "Layer"
    description: ClassVar[str] = ""
    family: ClassVar[str] = "core"
    fields: ClassVar[tuple[Field, ...]] = ()
    #: How many inputs the layer takes: (min, max); max None means "any number".
    arity: ClassVar[tuple[int, int | None]] = (1, 1)
    #: Whether ``activation`` is the last operation of forward (so a loss may fuse with it).
    activation_is_final: ClassVar[bool] = True

    def __init__(self, name: str | None = None, **config):
        self.config = validate_config(self.fields, config, owner=self.type_name)
        self.name = name
        self.dtype = np.float32
        self.buffers = Buffers()
        self.weights: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.need_input_grad = True
        self.fused_output = False  # the loss already applied this layer's activation derivative
        self.rng: np.random.Generator | None = None
        self.input_shape = None
        self.output_shape = None
        activation = self.config.get("activation", "linear")
        self.activation = get_activation(activation) if "activation" in self.config else None
        self.setup()

    def setup(self) -> None:
        """Hook for subclasses to derive attributes from ``self.config``."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.type_name}({args})"

    @property
    def multi_input(self) -> bool:
        """Whether the layer merges several inputs (its shape rule takes a list)."""
        return self.arity != (1, 1)

    def get_config(self) -> dict:
        """The layer's settings with Keras's keys (without its name)."""
        return dict(self.config)

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape`` (batch axis None); raises ShapeError on a misfit."""
        return tuple(input_shape)

    def weight_specs(self, input_shape) -> list[WeightSpec]:
        """The weights this layer creates for ``input_shape``."""
        return []

    def count_params(self, input_shape) -> int:
        """Trainable plus non-trainable parameters for ``input_shape``."""
        return sum(w.size for w in self.weight_specs(input_shape))

    def flops(self, input_shape) -> int:
        """Floating-point operations of one forward pass per sample (2 per multiply-add)."""
        return 0

    def shape_error(self, expected: str, received, fix: str | None = None) -> ShapeError:
        """A ShapeError in the house style: '<Type> needs <expected>; it received <shape>. <fix>'."""
        return ShapeError(f"{self.type_name} needs {expected}; it received {format_shape(received)}.",
                          layer=self.name, fix=fix)

    def require_rank(self, input_shape, rank: int, axes: str, fix: str) -> None:
        """Raise a ShapeError unless ``input_shape`` has ``rank`` axes including the batch axis."""
        if len(input_shape) != rank:
            raise self.shape_error(f"{rank}-D input ({axes})", input_shape, fix)

    # ------------------------------------------------------------------ runtime
    def build(self, input_shape, *, dtype=np.float32, need_input_grad: bool = True) -> None:
        """Prepare to run on ``input_shape`` (weights are already bound by the model)."""
        self.input_shape = input_shape
        self.output_shape = self.compute_output_shape(input_shape)
        self.dtype = np.dtype(dtype)
        self.need_input_grad = need_input_grad
        self.buffers.clear()
        if self.activation is not None:
            self.activation.buffers.clear()

    def forward(self, x, training: bool):
        """Compute the output for batch ``x``."""
        raise NotImplementedError

    def backward(self, dy):
        """Given dL/d(output), write weight gradients and return dL/d(input) (None if not needed)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers for subclasses
    def activate(self, z):
        """Apply the layer's activation to ``z`` (in place unless the activation keeps its input)."""
        self._z = z
        act = self.activation
        if act is None or act.name == "linear":
            self._a = z
            return z
        out = self.buffers.get("a", z.shape, z.dtype) if act.keeps_input else z
        self._a = act.forward(z, out)
        return self._a

    def activation_backward(self, dy):
        """dL/dz from dL/da through the activation, in place on ``dy``."""
        act = self.activation
        if act is None or act.name == "linear" or self.fused_output:
            return dy
        return act.backward(dy, self._z, self._a, dy)
