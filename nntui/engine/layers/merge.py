"""Merge layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum (Keras names, keys, shape rules).

A merge layer takes two or more inputs (``arity = (2, None)``; Subtract exactly two); its shape rule
and its forward receive a list, and its backward returns one gradient per input, in input order.

The element-wise merges broadcast as Keras 3's do: past the batch axis, shapes are aligned on their
last axes and may differ only where one of them is 1 (or is missing: a lower-rank input is expanded
after the batch axis), e.g. Multiply of (None, 28, 28, 1) and (None, 28, 28, 4) is (None, 28, 28, 4).
A broadcast input's gradient is summed over the axes it was broadcast along. Concatenate needs equal
shapes except on ``axis`` (default -1, never the batch axis). None of them has weights.

Gradients never alias each other: :meth:`Model.backward` hands each returned array to a different
producer, and a layer may overwrite the gradient it receives (Dense with relu does, in place), so
a merge returns at most one array that shares memory with the incoming ``dy`` and gives every other
input its own buffer.
"""

from __future__ import annotations

from math import prod

import numpy as np

from ..config import Field
from ..shapes import ShapeError, format_shape
from .base import Layer

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def ordinal(i: int) -> str:
    """0 -> 'first', 1 -> 'second', ...; '11th' past the tenth."""
    if i < len(ORDINALS):
        return ORDINALS[i]
    n = i + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_shapes(shapes) -> str:
    """'(None, 64) and (None, 32)'; '(None, 8), (None, 8) and (None, 4)' for three."""
    shown = [format_shape(s) for s in shapes]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _branch_fix(shapes, j: int) -> str:
    """How to make input ``j``'s branch end like the first one (shapes differ)."""
    ref, other = shapes[0], shapes[j]
    branch = f"the {ordinal(j)} branch"
    if len(ref) != len(other):
        if len(ref) == 2:
            return f"End every branch in a {len(ref)}-D shape: e.g. Flatten() then Dense({ref[-1]}) on {branch}."
        return f"Make every branch end in the shape {format_shape(ref)}."
    if ref[1:-1] == other[1:-1]:
        if len(ref) == 4:
            return f"Add a Conv2D({ref[-1]}, 1) (a 1x1 convolution) to {branch}."
        return f"Add a Dense({ref[-1]}) to {branch}."
    if len(ref) == 4:
        return (f"Give every branch the same strides, padding and pooling so that heights and widths match "
                f"({ref[1]}x{ref[2]} in the first branch, {other[1]}x{other[2]} in {branch}).")
    return f"Make every branch end in the shape {format_shape(ref)}."


def broadcast_shape(a: tuple, b: tuple) -> tuple | None:
    """Keras 3's element-wise shape of two shapes without their batch axis (aligned on the last axes,
    1 broadcasts, None stays unknown); None when they do not broadcast."""
    if len(a) < len(b):
        a, b = b, a
    out = list(a[:len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b):], b):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            return None
    return tuple(out)


class _Merge(Layer):
    """Shared arity, shape checks and buffers of the merge layers."""

    family = "merge"
    arity = (2, None)

    def compute_output_shape(self, input_shape):
        shapes = self._shape_list(input_shape)
        out = shapes[0][1:]
        for j, s in enumerate(shapes[1:], start=1):
            merged = broadcast_shape(out, s[1:])
            if merged is None:
                raise ShapeError(f"{self.type_name} needs equal shapes (or 1 where they differ); it received "
                                 f"{format_shapes(shapes)}.", layer=self.name, fix=_branch_fix(shapes, j))
            out = merged
        return (shapes[0][0], *out)

    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        out = self.output_shape[1:]
        #: per input: its shape expanded to the output's rank (1s after the batch axis), or None when it
        #: is the output's shape already; and the axes its gradient is summed over
        self._expanded: list[tuple | None] = []
        self._reduce: list[tuple] = []
        for s in input_shape:
            s = tuple(s[1:])
            expanded = (1,) * (len(out) - len(s)) + s
            self._expanded.append(None if expanded == out else expanded)
            self._reduce.append(tuple(k + 1 for k, (e, o) in enumerate(zip(expanded, out)) if e == 1 and o != 1))

    def _aligned(self, xs):
        """The inputs reshaped (never copied) so that NumPy broadcasts them as Keras does."""
        return [x if e is None else x.reshape(x.shape[0], *e) for x, e in zip(xs, self._expanded)]

    def _out(self, xs):
        """The output buffer for this batch."""
        return self.buffers.get("out", (xs[0].shape[0], *self.output_shape[1:]), self.dtype)

    def _to_input(self, i: int, g, copy: bool):
        """Gradient ``g`` (output-shaped) as input ``i``'s: summed over its broadcast axes; a copy in its own
        buffer when ``copy`` (``g`` may be handed on as it is to at most one input)."""
        e = self._expanded[i]
        if e is None:
            if not copy:
                return g
            out = self._grad_buffer(i, g)
            np.copyto(out, g)
            return out
        out = self.buffers.get(f"dx{i}", (g.shape[0], *e), g.dtype)
        np.sum(g, axis=self._reduce[i], keepdims=True, out=out)
        return out.reshape(g.shape[0], *self.input_shape[i][1:])

    def _shape_list(self, input_shape) -> list[tuple]:
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            got = format_shape(input_shape) if isinstance(input_shape, tuple) else f"{len(input_shape)} input(s)"
            raise ShapeError(f"{self.type_name} needs a list of at least 2 inputs; it received {got}.",
                             layer=self.name, fix="Name two or more layers in its inputs.")
        return [tuple(s) for s in input_shape]

    def _grad_buffer(self, i: int, dy):
        return self.buffers.get(f"dx{i}", dy.shape, dy.dtype)

    def _sum(self, xs):
        """The element-wise sum of ``xs`` in the output buffer (Add and Average)."""
        xs = self._aligned(xs)
        out = self._out(xs)
        np.add(xs[0], xs[1], out=out)
        for x in xs[2:]:
            out += x
        self._n = len(xs)
        return out

    def _same_grad_for_all(self, dy):
        """``dy`` for each of the ``_n`` inputs: the first gets dy itself, the others their own copies."""
        return [self._to_input(i, dy, copy=i > 0) for i in range(self._n)]


class Add(_Merge):
    """Element-wise sum of its inputs (shapes equal, or 1 where they differ)."""

    type_name = "Add"
    description = "adds its inputs element-wise, e.g. a residual connection"

    def flops(self, input_shape):
        return (len(input_shape) - 1) * int(prod(self.compute_output_shape(input_shape)[1:]))

    def forward(self, xs, training):
        return self._sum(xs)

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        return self._same_grad_for_all(dy)  # dL/dx_i = dy for every input


class Average(_Merge):
    """Element-wise mean of its inputs (shapes equal, or 1 where they differ)."""

    type_name = "Average"
    description = "averages its inputs element-wise"

    def flops(self, input_shape):
        return len(input_shape) * int(prod(self.compute_output_shape(input_shape)[1:]))

    def forward(self, xs, training):
        out = self._sum(xs)
        out *= self.dtype.type(1.0 / len(xs))
        return out

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        dy *= dy.dtype.type(1.0 / self._n)
        return self._same_grad_for_all(dy)


class Multiply(_Merge):
    """Element-wise product of its inputs (shapes equal, or 1 where they differ)."""

    type_name = "Multiply"
    description = "multiplies its inputs element-wise, e.g. a gate"

    def flops(self, input_shape):
        return (len(input_shape) - 1) * int(prod(self.compute_output_shape(input_shape)[1:]))

    def forward(self, xs, training):
        xs = self._aligned(xs)
        out = self._out(xs)
        np.multiply(xs[0], xs[1], out=out)
        for x in xs[2:]:
            out *= x
        self._xs = xs  # the producers' outputs stay valid until they run again
        return out

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        xs, n = self._xs, len(self._xs)
        grads = []
        for i in range(n - 1):  # dL/dx_i = dy * prod_{j != i} x_j, each in its own buffer
            g = self.buffers.get("product", dy.shape, dy.dtype) if self._expanded[i] else self._grad_buffer(i, dy)
            others = [x for j, x in enumerate(xs) if j != i]
            np.multiply(dy, others[0], out=g)
            for x in others[1:]:
                g *= x
            grads.append(self._to_input(i, g, copy=False))
        for x in xs[:-1]:  # the last input's gradient is computed in place on dy (no longer needed)
            dy *= x
        grads.append(self._to_input(n - 1, dy, copy=False))
        return grads


class Subtract(_Merge):
    """The first input minus the second (shapes equal, or 1 where they differ)."""

    type_name = "Subtract"
    description = "subtracts its second input from its first, element-wise (exactly two inputs)"
    arity = (2, 2)

    def flops(self, input_shape):
        return int(prod(self.compute_output_shape(input_shape)[1:]))

    def forward(self, xs, training):
        xs = self._aligned(xs)
        return np.subtract(xs[0], xs[1], out=self._out(xs))

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        second = self._to_input(1, dy, copy=True)
        np.negative(second, out=second)
        return [self._to_input(0, dy, copy=False), second]


class _Extremum(_Merge):
    """Maximum and Minimum: the element-wise extreme; its gradient goes to the input that gives it (the
    first of them on a tie, as Keras's pairwise maximum(maximum(a, b), c) does)."""

    combine = staticmethod(np.maximum)

    def flops(self, input_shape):
        return (len(input_shape) - 1) * int(prod(self.compute_output_shape(input_shape)[1:]))

    def forward(self, xs, training):
        xs = self._aligned(xs)
        out = self._out(xs)
        self.combine(xs[0], xs[1], out=out)
        for x in xs[2:]:
            self.combine(out, x, out=out)
        self._xs, self._y = xs, out
        return out

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        taken = self.buffers.get("taken", dy.shape, np.bool_)
        wins = self.buffers.get("wins", dy.shape, np.bool_)
        taken.fill(False)
        grads = []
        for i, x in enumerate(self._xs):
            np.equal(x, self._y, out=wins)
            wins &= ~taken
            taken |= wins
            g = self.buffers.get("masked", dy.shape, dy.dtype) if self._expanded[i] else self._grad_buffer(i, dy)
            np.multiply(dy, wins, out=g)
            grads.append(self._to_input(i, g, copy=False))
        return grads


class Maximum(_Extremum):
    """The element-wise maximum of its inputs (shapes equal, or 1 where they differ)."""

    type_name = "Maximum"
    description = "keeps the largest of its inputs, element-wise"


class Minimum(_Extremum):
    """The element-wise minimum of its inputs (shapes equal, or 1 where they differ)."""

    type_name = "Minimum"
    description = "keeps the smallest of its inputs, element-wise"
    combine = staticmethod(np.minimum)


class Concatenate(_Merge):
    """Joins its inputs along ``axis`` (default -1: channels or features); other axes must match."""

    type_name = "Concatenate"
    description = "joins its inputs along an axis (default: the last), e.g. the branches of an inception block"
    fields = (Field("axis", "int", -1, "the axis to join along (-1: the last; never 0, the batch axis)",
                    min=-8, max=8),)

    def setup(self):
        self.axis = self.config["axis"]

    def _axis(self, rank: int) -> int:
        return self.axis if self.axis >= 0 else rank + self.axis

    def compute_output_shape(self, input_shape):
        shapes = self._shape_list(input_shape)
        ref = shapes[0]
        rank = len(ref)
        for j, s in enumerate(shapes[1:], start=1):
            if len(s) != rank:
                raise ShapeError(f"Concatenate needs inputs of the same rank; it received {format_shapes(shapes)}.",
                                 layer=self.name, fix=_branch_fix(shapes, j))
        axis = self._axis(rank)
        if not 1 <= axis < rank:
            where = "the batch axis" if axis == 0 else f"beyond the {rank}-D inputs"
            raise ShapeError(f"Concatenate needs an axis from 1 to {rank - 1} (or -1 to -{rank - 1}) for "
                             f"{rank}-D inputs; axis={self.axis} is {where}.",
                             layer=self.name, fix="Use axis = -1 to join on the last axis (channels or features).")
        for j, s in enumerate(shapes[1:], start=1):
            if any(a != b for k, (a, b) in enumerate(zip(ref, s)) if k not in (0, axis)):
                fix = ("Give every branch the same strides, padding and pooling, or Flatten every branch first."
                       if rank == 4 else f"Make every branch agree on all axes but axis {self.axis}.")
                raise ShapeError(f"Concatenate needs equal shapes except on axis {self.axis}; it received "
                                 f"{format_shapes(shapes)}.", layer=self.name, fix=fix)
        sizes = [s[axis] for s in shapes]
        total = None if any(d is None for d in sizes) else sum(sizes)
        return (*ref[:axis], total, *ref[axis + 1:])

    def build(self, input_shape, *, dtype=np.float32, need_input_grad=True):
        super().build(input_shape, dtype=dtype, need_input_grad=need_input_grad)
        self._ax = self._axis(len(input_shape[0]))
        edges = np.cumsum([0] + [s[self._ax] for s in input_shape])
        self._slices = [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]

    def forward(self, xs, training):
        shape = list(xs[0].shape)
        shape[self._ax] = sum(x.shape[self._ax] for x in xs)
        out = self.buffers.get("out", tuple(shape), self.dtype)
        np.concatenate(xs, axis=self._ax, out=out)
        return out

    def backward(self, dy):
        if not self.need_input_grad:
            return None
        lead = (slice(None),) * self._ax
        grads = []
        for i, part in enumerate(self._slices):  # contiguous copies: a producer may write into its gradient
            view = dy[lead + (part,)]
            g = self._grad_buffer(i, view)
            np.copyto(g, view)
            grads.append(g)
        return grads
