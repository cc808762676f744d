"""Candidate fixes for a layer that does not fit its input: what the engine's advice names, as edits.

Each generator looks at the misfit layer, the shapes it receives and the rest of the model and
returns :class:`Candidate` fixes in the order a learner should meet them (the likely mistake
first: a Conv2D placed after Flatten is moved back above it before any Reshape is offered).
Nothing here decides whether a candidate works: :mod:`.fixes` applies each to a copy and keeps
only those that make the misfit go away. Merges and losses have their own generators in
:mod:`.fix_heads`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt, prod

from ..engine.model import INPUT
from . import layer_edits, settings_edits
from .fix_edits import Step, insert_before
from .model_check import CheckResult
from .preset import Preset
from .preset_graph import layer_names, resolved_inputs

IMAGE_LAYERS = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D")
WINDOW_SETTING = {"Conv2D": "kernel_size", "MaxPooling2D": "pool_size", "AveragePooling2D": "pool_size"}
SEQUENCE_LAYERS = ("SimpleRNN", "LSTM")
MNIST_IMAGE = (28, 28, 1)
MNIST_INPUTS = ((784,), (28, 28), (28, 28, 1))


@dataclass(frozen=True)
class Candidate:
    """A fix to try: what it does, how to make it by hand, its steps (one undo step in all), where
    the misfit layer is afterwards (``tracked``; None: the input row) and, when a key or two make it
    by hand, those keys (``keys``: what the status line teaches, e.g. 'shift+↑ ×2')."""

    title: str
    by_hand: str
    steps: tuple[Step, ...]
    tracked: int | None
    keys: str = ""


@dataclass
class Context:
    """The preset, the model's answer about it, and the layer names and inputs as the model sees them."""

    preset: Preset
    check: CheckResult

    def __post_init__(self):
        self.names = layer_names(self.preset)
        self.inputs = resolved_inputs(self.preset)
        self.shapes = {INPUT: self.check.report.input_shape}
        self.shapes.update({r.name: r.output_shape for r in self.check.report.rows})

    @property
    def layers(self):
        return self.preset.model.layers

    def received(self, index: int) -> list[tuple | None]:
        """The shapes layer ``index`` receives, one per input."""
        return [self.shapes.get(n) for n in self.inputs[index]]

    def is_stack_above(self, index: int) -> bool:
        """Whether layers 0..index all read the layer above them (a plain stack down to ``index``)."""
        return all(not ls.inputs for ls in self.layers[:index + 1])

    def data_image(self) -> tuple:
        """The shape of one image of the data set (channels last)."""
        shape = tuple(self.preset.model.input_shape)
        if len(shape) == 3:
            return shape
        if len(shape) == 2:
            return (*shape, 1)
        return MNIST_IMAGE


def shape_text(shape: tuple) -> str:
    """A target shape as Python writes it: (28, 28, 1), (784,)."""
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def up_keys(n: int) -> str:
    """The key that moves a layer up, n times."""
    return "shift+↑" + (f" ×{n}" if n > 1 else "")


def with_config(index: int, **changes) -> Step:
    """A step that sets some of layer ``index``'s settings (the others stay)."""
    return lambda q: layer_edits.update_layer(q, index, dict(q.model.layers[index].config, **changes))


def move_step(index: int, target: int) -> Step:
    return lambda q: layer_edits.move_layer(q, index, target - index)


def insert_step(index: int, type_name: str, config: dict | None = None, slot: int = 0) -> Step:
    return lambda q: insert_before(q, index, type_name, config, slot)


def input_step(shape: tuple) -> Step:
    return lambda q: settings_edits.set_input_shape(q, shape)


def upstream_flatten(ctx: Context, index: int) -> int | None:
    """The nearest Flatten above layer ``index`` in a plain stack (None when there is none)."""
    if not ctx.is_stack_above(index):
        return None
    for k in range(index - 1, -1, -1):
        if ctx.layers[k].type == "Flatten":
            return k
    return None


def square(n: int) -> int | None:
    """The side of an n-value square (n = side * side, side > 1), else None."""
    side = isqrt(n)
    return side if side > 1 and side * side == n else None


# ---------------------------------------------------------------------------------------- images
def image_targets(ctx: Context, got: tuple) -> list[tuple]:
    """Image shapes (height, width, channels) that the values of ``got`` can be reshaped into."""
    dims, n = got[1:], prod(got[1:])
    out = []
    if len(dims) == 2:
        out.append((*dims, 1))
    if n == prod(ctx.data_image()):
        out.append(ctx.data_image())
    side = square(n)
    if side is not None:
        out.append((side, side, 1))
    return list(dict.fromkeys(out))


def image_fixes(ctx: Context, i: int) -> list[Candidate]:
    """A Conv2D or pooling layer that needs (batch, height, width, channels)."""
    name, got = ctx.names[i], ctx.received(i)[0]
    if got is None or len(ctx.inputs[i]) != 1:
        return []
    if len(got) == 4:
        return window_fixes(ctx, i, got)
    out = []
    flatten = upstream_flatten(ctx, i)
    if flatten is not None:
        out.append(Candidate(f"Move {name} above {ctx.names[flatten]}, where the data are still an image",
                             f"{up_keys(i - flatten)} on {name}", (move_step(i, flatten),), flatten,
                             up_keys(i - flatten)))
    for target in image_targets(ctx, got):
        out.append(Candidate(f"Insert Reshape(target_shape={shape_text(target)}) above {name}",
                             f"a on the row above {name}, then Reshape",
                             (insert_step(i, "Reshape", {"target_shape": target}),), i + 1))
    image = ctx.data_image()
    if tuple(ctx.preset.model.input_shape) != image:
        if ctx.inputs[i] == [INPUT]:
            out.append(Candidate(f"Change the input shape to {shape_text(image)}", "i",
                                 (input_step(image),), i))
        elif flatten is None and i > 0 and ctx.is_stack_above(i):
            out.append(Candidate(f"Move {name} to the top and change the input shape to {shape_text(image)}",
                                 f"{up_keys(i)} on {name}, then i", (move_step(i, 0), input_step(image)), 0))
            out.append(Candidate(f"Move {name} to the top, under a Reshape(target_shape={shape_text(image)})",
                                 f"{up_keys(i)} on {name}, then a on the input row",
                                 (move_step(i, 0), insert_step(0, "Reshape", {"target_shape": image})), 1))
    return out


def window_fixes(ctx: Context, i: int, got: tuple) -> list[Candidate]:
    """A window larger than the image with padding='valid': pad, or a smaller window."""
    spec, name = ctx.layers[i], ctx.names[i]
    setting = WINDOW_SETTING.get(spec.type)
    if setting is None:
        return []
    out = []
    if spec.config.get("padding") == "valid":
        out.append(Candidate(f"Set padding='same' on {name} (zeros around the image)", f"e on {name}",
                             (with_config(i, padding="same"),), i))
    kh, kw = spec.config[setting]
    smaller = (min(kh, got[1]), min(kw, got[2]))
    if smaller != (kh, kw):
        shown = smaller[0] if smaller[0] == smaller[1] else smaller
        out.append(Candidate(f"Use {setting}={shown} on {name} (the image is {got[1]}x{got[2]})", f"e on {name}",
                             (with_config(i, **{setting: smaller}),), i))
    return out


# ---------------------------------------------------------------------------------------- sequences
def sequence_fixes(ctx: Context, i: int) -> list[Candidate]:
    """A SimpleRNN or LSTM that needs (batch, timesteps, features)."""
    name, got = ctx.names[i], ctx.received(i)[0]
    if got is None or len(ctx.inputs[i]) != 1:
        return []
    out = []
    flatten = upstream_flatten(ctx, i)
    if flatten is not None:
        out.append(Candidate(f"Move {name} above {ctx.names[flatten]}, where the rows are still rows",
                             f"{up_keys(i - flatten)} on {name}", (move_step(i, flatten),), flatten,
                             up_keys(i - flatten)))
    dims, n = got[1:], prod(got[1:])
    targets = []
    if len(dims) == 3:
        targets.append((dims[0], dims[1] * dims[2]))
    side = square(n)
    if side is not None:
        targets.append((side, side))
    for target in dict.fromkeys(targets):
        out.append(Candidate(f"Insert Reshape(target_shape={shape_text(target)}) above {name} "
                             f"({target[0]} steps of {target[1]} values)", f"a on the row above {name}, then Reshape",
                             (insert_step(i, "Reshape", {"target_shape": target}),), i + 1))
    rows = ctx.data_image()[:2]
    if ctx.inputs[i] == [INPUT] and tuple(ctx.preset.model.input_shape) != rows:
        out.append(Candidate(f"Change the input shape to {shape_text(rows)} ({rows[0]} rows of {rows[1]} pixels)",
                             "i", (input_step(rows),), i))
    return out


# ---------------------------------------------------------------------------------------- Reshape
def reshape_fixes(ctx: Context, i: int) -> list[Candidate]:
    """A Reshape whose target does not hold its input's values: move it to where it fits, or another target."""
    name, got = ctx.names[i], ctx.received(i)[0]
    if got is None:
        return []
    target = tuple(ctx.layers[i].config["target_shape"])
    known = prod(d for d in target if d != -1)

    def fits(n: int) -> bool:
        return n % known == 0 if -1 in target else n == known
    out = []
    if ctx.is_stack_above(i):
        for k in range(i - 1, -1, -1):
            above = ctx.shapes.get(INPUT if k == 0 else ctx.names[k - 1])
            if above is not None and fits(prod(above[1:])):
                out.append(Candidate(f"Move {name} above {ctx.names[k]}, where the input has "
                                     f"{prod(above[1:]):,} values", f"{up_keys(i - k)} on {name}",
                                     (move_step(i, k),), k, up_keys(i - k)))
                break
    n = prod(got[1:])
    options = []
    rest = target[1:]
    if len(target) > 1 and -1 not in rest and n % prod(rest) == 0:
        options.append((n // prod(rest), *rest))
    side = square(n)
    if side is not None and len(target) in (2, 3):
        options.append((side, side, 1)[:len(target)])
    for option in dict.fromkeys(o for o in options if o != target):
        out.append(Candidate(f"Use target_shape={shape_text(option)} on {name} ({n:,} values)", f"e on {name}",
                             (with_config(i, target_shape=option),), i))
    return out


# ---------------------------------------------------------------------------------------- the input
def input_fixes(ctx: Context) -> list[Candidate]:
    """An input shape that cannot hold the data's samples: the shapes that can."""
    current = tuple(ctx.preset.model.input_shape)
    shapes = sorted((s for s in MNIST_INPUTS if s != current), key=lambda s: abs(len(s) - len(current)))
    return [Candidate(f"Change the input shape to {shape_text(s)}", "i", (input_step(s),), None) for s in shapes]


def layer_fixes(ctx: Context, i: int) -> list[Candidate]:
    """The candidates for layer ``i``'s shape misfit, by layer type."""
    kind = ctx.layers[i].type
    if kind in IMAGE_LAYERS:
        return image_fixes(ctx, i)
    if kind in SEQUENCE_LAYERS:
        return sequence_fixes(ctx, i)
    if kind == "Reshape":
        return reshape_fixes(ctx, i)
    return []


__all__ = ["Candidate", "Context", "image_fixes", "input_fixes", "layer_fixes",
           "reshape_fixes", "sequence_fixes", "shape_text", "window_fixes"]
