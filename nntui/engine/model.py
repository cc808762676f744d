"""The model: a directed acyclic graph of layers with shapes, parameters, forward and backward.

A linear stack is the common case: each layer reads the one before it. A layer may instead name
its ``inputs`` (other layers' names, or ``"input"`` for the model's input), which makes branches,
merges and several outputs possible. Shapes are inferred from the input shape before any data
exists; the parameters of all layers live in one flat vector (``theta``) with a twin for the
gradients (``grad``) so that an optimiser updates everything in a few vectorised passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .buffers import Buffers
from .initializers import INITIALIZERS
from .layers.base import Layer, WeightSpec, snake_case
from .layers.conv import Conv2D
from .layers.pooling import MaxPooling2D
from .shapes import ShapeError, batch_shape
from .threads import NO_GOVERNOR

INPUT = "input"


class GraphError(ValueError):
    """The graph itself is wrong (unknown input name, cycle, duplicate name, bad output).

    ``layer`` is the index of the layer at fault, or None when the fault is ``field`` of the model
    (``"outputs"``).
    """

    def __init__(self, message: str, *, layer: int | None = None, field: str | None = None):
        self.layer = layer
        self.field = field
        super().__init__(message)


class ModelShapeError(ShapeError):
    """A ShapeError that knows which layer (index in the layer list) raised it."""

    def __init__(self, error: ShapeError, index: int, name: str):
        self.index = index
        self.name = name
        self.error = error
        super().__init__(error.reason, layer=name, fix=error.fix)


@dataclass
class LayerRow:
    """What the summary shows for one layer; ``output_shape`` is None when it could not be computed."""

    index: int
    name: str
    type: str
    inputs: list[str]
    output_shape: tuple | None
    params: int | None
    trainable_params: int | None
    flops: int | None
    error: ShapeError | None = None


@dataclass
class ShapeReport:
    """Shapes and parameter counts of every layer, and the first error if any."""

    input_shape: tuple
    rows: list[LayerRow]
    outputs: list[str]
    error: ShapeError | GraphError | None = None
    error_index: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every layer fits."""
        return self.error is None

    @property
    def total_params(self) -> int:
        """Parameters of the layers that could be sized."""
        return sum(r.params or 0 for r in self.rows)

    @property
    def trainable_params(self) -> int:
        """Trainable parameters of the layers that could be sized."""
        return sum(r.trainable_params or 0 for r in self.rows)

    @property
    def non_trainable_params(self) -> int:
        """Non-trainable parameters (batch-norm statistics)."""
        return self.total_params - self.trainable_params

    def output_shapes(self) -> list[tuple]:
        """The shapes of the model's outputs (requires ``ok``)."""
        by_name = {r.name: r.output_shape for r in self.rows}
        return [by_name[name] for name in self.outputs]


def automatic_names(type_names: list[str], names: list[str | None]) -> list[str]:
    """Every layer's name: the given one, else Keras's automatic name (dense, dense_1, ...)."""
    taken = {name for name in names if name}
    counters: dict[str, int] = {}
    out = []
    for type_name, name in zip(type_names, names):
        if name:
            out.append(name)
            continue
        stem = snake_case(type_name)
        while True:
            n = counters.get(stem, 0)
            counters[stem] = n + 1
            candidate = stem if n == 0 else f"{stem}_{n}"
            if candidate not in taken:
                break
        out.append(candidate)
        taken.add(candidate)
    return out


def assign_names(layers: list[Layer]) -> None:
    """Give unnamed layers Keras's automatic names: dense, dense_1, ..."""
    for layer, name in zip(layers, automatic_names([l.type_name for l in layers], [l.name for l in layers])):
        layer.name = name


class Model:
    """A graph of layers over one input. ``inputs[i]`` lists the inputs of ``layers[i]`` (None: the previous)."""

    def __init__(self, input_shape, layers: list[Layer], *, inputs: list[list[str] | None] | None = None,
                 outputs: list[str] | None = None, name: str = "sequential"):
        self.input_shape = batch_shape(input_shape)
        self.layers = list(layers)
        assign_names(self.layers)
        self.name = name
        given = list(inputs) if inputs is not None else [getattr(l, "inputs", None) for l in self.layers]
        self.inputs = [self._default_inputs(i, given[i] if i < len(given) else None) for i in range(len(self.layers))]
        self.outputs = list(outputs) if outputs else ([self.layers[-1].name] if self.layers else [])
        self.built = False
        self.dtype = np.dtype(np.float32)
        self.theta = self.grad = self.state = None
        self.buffers = Buffers()
        #: While a run trains, its ThreadGovernor (BLAS threads per layer, see threads.py).
        self.governor = NO_GOVERNOR

    def _default_inputs(self, index: int, given) -> list[str]:
        if given:
            return list(given)
        return [INPUT] if index == 0 else [self.layers[index - 1].name]

    @property
    def is_sequential(self) -> bool:
        """Whether every layer reads exactly the layer before it and the last layer is the only output."""
        return all(self.inputs[i] == self._default_inputs(i, None) for i in range(len(self.layers))) and \
            self.outputs == ([self.layers[-1].name] if self.layers else [])

    def layer(self, name: str) -> Layer:
        """The layer called ``name`` (KeyError if there is none)."""
        return {layer.name: layer for layer in self.layers}[name]

    # ------------------------------------------------------------------ graph
    def topological_order(self) -> list[int]:
        """Layer indices in an order where every layer comes after its inputs; raises GraphError."""
        index = {}
        for i, layer in enumerate(self.layers):
            if layer.name == INPUT:
                raise GraphError(f"{INPUT!r} is the model's input; give the layer another name", layer=i)
            if layer.name in index:
                raise GraphError(f"layer name {layer.name!r} is used twice", layer=i)
            index[layer.name] = i
        for i, names in enumerate(self.inputs):
            lo, hi = self.layers[i].arity
            if len(names) < lo or (hi is not None and len(names) > hi):
                want = f"{lo}" if lo == hi else (f"at least {lo}" if hi is None else f"{lo} to {hi}")
                raise GraphError(f"{self.layers[i].type_name} {self.layers[i].name!r} takes {want} "
                                 f"input(s); it was given {len(names)}", layer=i)
            for name in names:
                if name != INPUT and name not in index:
                    raise GraphError(f"layer {self.layers[i].name!r} reads {name!r}, which is not a layer name "
                                     f"(names: {', '.join(['input', *index])})", layer=i)
        for k, name in enumerate(self.outputs):
            if name not in index:
                raise GraphError(f"output {name!r} is not a layer name (names: {', '.join(index) or 'none'})",
                                 field="outputs")
            if name in self.outputs[:k]:
                raise GraphError(f"output {name!r} is listed twice", field="outputs")
        order, state = [], [0] * len(self.layers)  # 0 new, 1 on the stack, 2 done

        def visit(i, path):
            if state[i] == 2:
                return
            if state[i] == 1:
                cycle = " -> ".join(self.layers[j].name for j in path[path.index(i):] + [i])
                raise GraphError(f"the layers form a cycle: {cycle}", layer=i)
            state[i] = 1
            for name in self.inputs[i]:
                if name != INPUT:
                    visit(index[name], path + [i])
            state[i] = 2
            order.append(i)

        for i in range(len(self.layers)):
            visit(i, [])
        return order

    def consumers(self) -> dict[str, list[int]]:
        """For each layer name (and ``input``), the indices of the layers that read it."""
        out: dict[str, list[int]] = {INPUT: [], **{layer.name: [] for layer in self.layers}}
        for i, names in enumerate(self.inputs):
            for name in names:
                out.setdefault(name, []).append(i)
        return out

    # ------------------------------------------------------------------ shapes
    def infer_shapes(self) -> ShapeReport:
        """Compute every layer's output shape and parameters; stop at the first error (later rows: None)."""
        rows = [LayerRow(i, l.name, l.type_name, self.inputs[i], None, None, None, None)
                for i, l in enumerate(self.layers)]
        report = ShapeReport(self.input_shape, rows, self.outputs)
        try:
            order = self.topological_order()
        except GraphError as exc:
            report.error, report.error_index = exc, exc.layer
            return report
        shapes = {INPUT: self.input_shape}
        for i in order:
            layer, row = self.layers[i], rows[i]
            in_shapes = [shapes[n] for n in self.inputs[i]]
            arg = in_shapes if layer.multi_input else in_shapes[0]
            try:
                out_shape = tuple(layer.compute_output_shape(arg))
                specs = layer.weight_specs(arg)
            except ShapeError as exc:
                row.error = exc
                report.error, report.error_index = ModelShapeError(exc, i, layer.name), i
                return report
            shapes[layer.name] = out_shape
            row.output_shape = out_shape
            row.params = sum(s.size for s in specs)
            row.trainable_params = sum(s.size for s in specs if s.trainable)
            row.flops = layer.flops(arg)
        used = {n for names in self.inputs for n in names} | set(self.outputs)
        report.warnings = [f"layer {l.name!r} is not read by any layer and is not an output"
                           for l in self.layers if l.name not in used]
        return report

    def check(self) -> ShapeReport:
        """Like :meth:`infer_shapes` but raise the first error."""
        report = self.infer_shapes()
        if report.error is not None:
            raise report.error
        return report

    def output_layers(self) -> list[Layer]:
        """The layers named in ``outputs``."""
        return [self.layer(name) for name in self.outputs]

    # ------------------------------------------------------------------ parameters
    def build(self, seed: int | None = 0, dtype=np.float32) -> "Model":
        """Check shapes, allocate the flat parameter vectors and initialise every weight."""
        report = self.check()
        self.dtype = np.dtype(dtype)
        self._order = self.topological_order()
        shapes = {INPUT: self.input_shape}
        for row in report.rows:
            shapes[row.name] = row.output_shape
        specs = []
        for i, layer in enumerate(self.layers):
            in_shapes = [shapes[n] for n in self.inputs[i]]
            specs.append(layer.weight_specs(in_shapes if layer.multi_input else in_shapes[0]))
        n_train = sum(s.size for ls in specs for s in ls if s.trainable)
        n_state = sum(s.size for ls in specs for s in ls if not s.trainable)
        self.theta = np.zeros(n_train, self.dtype)
        self.grad = np.zeros(n_train, self.dtype)
        self.state = np.zeros(n_state, self.dtype)
        self.weight_index: list[tuple[Layer, WeightSpec]] = []
        rng = np.random.default_rng(seed)
        o_t = o_s = 0
        consumers = self.consumers()
        for i, layer in enumerate(self.layers):
            layer.weights, layer.grads = {}, {}
            for spec in specs[i]:
                if spec.trainable:
                    view = self.theta[o_t:o_t + spec.size].reshape(spec.shape)
                    layer.grads[spec.name] = self.grad[o_t:o_t + spec.size].reshape(spec.shape)
                    o_t += spec.size
                else:
                    view = self.state[o_s:o_s + spec.size].reshape(spec.shape)
                    o_s += spec.size
                view[...] = INITIALIZERS[spec.initializer](rng, spec.shape, self.dtype)
                layer.weights[spec.name] = view
                self.weight_index.append((layer, spec))
            in_shapes = [shapes[n] for n in self.inputs[i]]
            need = any(n != INPUT for n in self.inputs[i])
            layer.build(in_shapes if layer.multi_input else in_shapes[0], dtype=self.dtype, need_input_grad=need)
            layer.rng = np.random.default_rng(np.random.SeedSequence([seed or 0, 2, i]))
            layer.fused_output = False
            layer.is_output = layer.name in self.outputs
            layer.has_consumers = bool(consumers[layer.name])
        self._wire_activation_handoffs(consumers)
        self.built = True
        return self

    def _wire_activation_handoffs(self, consumers: dict[str, list[int]]) -> None:
        """Each Conv2D read by a MaxPooling2D hands its activation derivative to the first such reader
        (``MaxPooling2D.activation_source``), which applies it on its smaller pooled gradient."""
        for j, layer in enumerate(self.layers):
            if isinstance(layer, MaxPooling2D):
                src = None if self.inputs[j][0] == INPUT else self.layer(self.inputs[j][0])
                first = next(k for k in consumers[self.inputs[j][0]] if isinstance(self.layers[k], MaxPooling2D))
                layer.activation_source = src if isinstance(src, Conv2D) and first == j else None

    def count_params(self) -> int:
        """All parameters (trainable and not)."""
        return self.infer_shapes().total_params

    def weight_names(self) -> list[str]:
        """Keras-style weight paths in storage order: ``dense/kernel``, ``dense/bias``, ..."""
        return [f"{layer.name}/{spec.name}" for layer, spec in self.weight_index]

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every weight by path."""
        return {f"{layer.name}/{spec.name}": layer.weights[spec.name].copy() for layer, spec in self.weight_index}

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        """Copy weights in by path; ValueError naming the first weight that is missing or of another shape."""
        for layer, spec in self.weight_index:
            key = f"{layer.name}/{spec.name}"
            if key not in weights:
                raise ValueError(f"layer {layer.name!r} ({layer.type_name}): weight {key!r} is missing")
            value = np.asarray(weights[key])
            if value.shape != spec.shape:
                raise ValueError(f"layer {layer.name!r} ({layer.type_name}): {key} has shape {value.shape}, "
                                 f"the model needs {spec.shape}")
        for layer, spec in self.weight_index:
            layer.weights[spec.name][...] = weights[f"{layer.name}/{spec.name}"]

    # ------------------------------------------------------------------ math
    def forward(self, x, training: bool = False) -> list[np.ndarray]:
        """Run the graph on batch ``x``; returns the outputs in ``self.outputs`` order."""
        values = {INPUT: x}
        gov = self.governor
        for i in self._order:
            layer = self.layers[i]
            names = self.inputs[i]
            gov.enter(i)
            if layer.multi_input:
                values[layer.name] = layer.forward([values[n] for n in names], training)
            else:
                values[layer.name] = layer.forward(values[names[0]], training)
            gov.leave(i)
        gov.outside()
        return [values[name] for name in self.outputs]

    def backward(self, output_grads: list[np.ndarray]) -> None:
        """Propagate dL/d(output) for each output back through the graph, filling ``self.grad``."""
        pending: dict[str, np.ndarray] = {}
        owned: set[str] = set()

        def add(name, g):
            if name == INPUT:
                return
            if name not in pending:
                pending[name] = g
            elif name in owned:
                pending[name] += g
            else:
                acc = self.buffers.get("acc:" + name, g.shape, g.dtype)
                np.add(pending[name], g, out=acc)
                pending[name] = acc
                owned.add(name)

        for name, g in zip(self.outputs, output_grads):
            add(name, g)
        gov = self.governor
        for i in reversed(self._order):
            layer = self.layers[i]
            dy = pending.pop(layer.name, None)
            if dy is None:
                for g in layer.grads.values():
                    g.fill(0)
                continue
            if not layer.need_input_grad and not layer.grads:
                continue
            gov.enter(i)
            dx = layer.backward(dy)
            gov.leave(i)
            if dx is None:
                continue
            names = self.inputs[i]
            if layer.multi_input:
                for name, g in zip(names, dx):
                    add(name, g)
            else:
                add(names[0], dx)
        gov.outside()
