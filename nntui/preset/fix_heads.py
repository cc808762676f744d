"""Candidate fixes where branches meet and where the model ends: merges, and losses against outputs.

A merge whose inputs do not fit gets, for each branch shape to match, the layers that bring the
other branches to it (a 1x1 Conv2D or a Dense for the last axis; Flatten or GlobalAveragePooling2D
before a Dense for extra axes; padding='same' for images of different sizes). An output that its
loss cannot score gets Flatten (or GlobalAveragePooling2D) before its Dense, the units and
activation the loss needs, a Dense that ends the model, or the loss that fits the output. As in
:mod:`.fix_candidates`, the preview in :mod:`.fixes` keeps only the candidates that work.
"""

from __future__ import annotations

from ..engine.layers import LAYER_TYPES
from ..engine.layers.merge import broadcast_shape, ordinal
from ..engine.losses import get_loss
from ..engine.model import INPUT
from . import settings_edits
from .fix_candidates import Candidate, Context, insert_step, with_config
from .fix_edits import append_after
from .targets import TARGET_RULES, expected_units

PADDED = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
#: the output activation each kind of target needs
ACTIVATION_FOR = {"onehot": "softmax", "integer": "softmax", "binary": "sigmoid"}


def keras_call(type_name: str, config: dict) -> str:
    """How Keras writes the layer: Dense(64), Conv2D(32, 1), Dense(10, activation='softmax'), Flatten()."""
    if type_name == "Dense":
        act = config.get("activation", "linear")
        return f"Dense({config['units']}" + (f", activation='{act}')" if act != "linear" else ")")
    if type_name == "Conv2D":
        return f"Conv2D({config['filters']}, {config['kernel_size'][0]})"
    return f"{type_name}()"


def adapters(got: tuple, want: tuple) -> list[list[tuple[str, dict]]]:
    """Chains of layers that turn a branch ending in ``got`` into one that ends in ``want`` (alternatives)."""
    units = want[-1]
    dense = ("Dense", {"units": units})
    if len(got) == len(want) and got[1:-1] == want[1:-1]:
        return [[("Conv2D", {"filters": units, "kernel_size": (1, 1)})]] if len(got) == 4 else [[dense]]
    out = []
    if len(want) == 2 and len(got) > 2:
        size = 1
        for d in got[1:]:
            size *= d
        out.append([("Flatten", {})] if size == units else [("Flatten", {}), dense])
        if len(got) == 4:
            out.append([("GlobalAveragePooling2D", {})] if got[-1] == units else
                       [("GlobalAveragePooling2D", {}), dense])
    return out


def fits_with(kind: str, got: tuple, want: tuple) -> bool:
    """Whether two branch shapes already fit each other in a merge of this kind (axis -1 for Concatenate)."""
    if kind == "Concatenate":
        return len(got) == len(want) and got[1:-1] == want[1:-1]
    return broadcast_shape(got[1:], want[1:]) is not None


def ordinals(slots: list[int]) -> str:
    """'first', 'first and second', 'first, second and third'."""
    words = [ordinal(k) for k in slots]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def branch_end(ctx: Context, i: int, slot: int) -> str:
    """'the second branch (after conv2d_1)'."""
    return f"the {ordinal(slot)} branch (after {ctx.inputs[i][slot]})"


def ancestors(ctx: Context, name: str) -> set[str]:
    """``name`` and every layer it reads, directly or not."""
    index = {n: k for k, n in enumerate(ctx.names)}
    seen, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n in seen or n == INPUT:
            continue
        seen.add(n)
        todo.extend(ctx.inputs[index[n]])
    return seen


def merge_fixes(ctx: Context, i: int) -> list[Candidate]:
    """A merge whose inputs do not fit together."""
    spec, name = ctx.layers[i], ctx.names[i]
    shapes = ctx.received(i)
    if any(s is None for s in shapes):
        return []
    out, last = [], []
    if spec.type == "Concatenate":
        rank = len(shapes[0])
        axis = spec.config.get("axis", -1)
        if all(len(s) == rank for s in shapes) and not 1 <= (axis if axis >= 0 else rank + axis) < rank:
            out.append(Candidate(f"Set axis=-1 on {name} (join on the last axis)", f"e on {name}",
                                 (with_config(i, axis=-1),), i))
        flat = [k for k, s in enumerate(shapes) if len(s) != 2]
        if flat and axis == -1:
            steps = tuple(insert_step(i + n, "Flatten", {}, slot=k) for n, k in enumerate(flat))
            which = ("every branch" if len(flat) == len(shapes) else
                     f"the {ordinals(flat)} branch" + ("es" if len(flat) > 1 else ""))
            flatten = Candidate(f"Add Flatten() to {which} of {name}",
                                f"b on each branch's last layer, then e on {name}: inputs", steps, i + len(flat))
            if len({len(s) for s in shapes}) == 1:
                last.append(flatten)  # images of other sizes: padding first (an inception block stays one)
            else:
                out.append(flatten)
    for ref in dict.fromkeys(shapes):
        ref_slot = shapes.index(ref)
        misfits = [k for k, s in enumerate(shapes) if not fits_with(spec.type, s, ref)]
        if not misfits:
            continue
        options = [adapters(shapes[k], ref) for k in misfits]
        if any(not o for o in options):
            continue
        choices = options[0] if len(misfits) == 1 else [[chain for o in options for chain in o[:1]]]
        for chain_choice in choices:
            steps, added, parts = [], 0, []
            chains = [chain_choice] if len(misfits) == 1 else [o[0] for o in options]
            for k, chain in zip(misfits, chains):
                for type_name, config in chain:
                    steps.append(insert_step(i + added, type_name, config, slot=k))
                    added += 1
                parts.append(f"{' then '.join(keras_call(t, c) for t, c in chain)} to {branch_end(ctx, i, k)}")
            out.append(Candidate(f"Add {'; '.join(parts)}, to match the {ordinal(ref_slot)} branch",
                                 f"b on {ctx.inputs[i][misfits[0]]}, then e on {name}: inputs", tuple(steps),
                                 i + added))
    if all(len(s) == 4 for s in shapes) and len({s[1:3] for s in shapes}) > 1:
        out += padding_fixes(ctx, i)
    return out + last


def padding_fixes(ctx: Context, i: int) -> list[Candidate]:
    """Images of different sizes at a merge: padding='same' on the windowed layers of one branch (those
    the other branches do not share), or of every branch."""
    ends = ctx.inputs[i]
    lines = [ancestors(ctx, n) for n in ends]
    own = []
    for k in range(len(ends)):
        others = set().union(*(line for j, line in enumerate(lines) if j != k))
        own.append([j for j, n in enumerate(ctx.names) if n in lines[k] - others and ctx.layers[j].type in PADDED
                    and ctx.layers[j].config.get("padding") == "valid"])
    choices = [(f"{branch_end(ctx, i, k)}", layers) for k, layers in enumerate(own) if layers]
    every = sorted({j for layers in own for j in layers})
    if len(choices) > 1:
        choices.append(("every branch", every))
    out = []
    for where, layers in choices:
        shown = ", ".join(ctx.names[j] for j in layers)
        out.append(Candidate(f"Set padding='same' on {shown}, in {where}", f"e on {ctx.names[layers[0]]}",
                             tuple(with_config(j, padding="same") for j in layers), i))
    return out


# ---------------------------------------------------------------------------------------- losses
def loss_fixes(ctx: Context, i: int) -> list[Candidate]:
    """An output that its loss cannot score (extra axes, units, activation, a value for a class loss)."""
    spec, name = ctx.layers[i], ctx.names[i]
    shape = ctx.shapes.get(name)
    training = ctx.preset.training
    loss_name = training.loss if isinstance(training.loss, str) else training.loss.get(name)
    if shape is None or loss_name is None:
        return []
    loss = get_loss(loss_name)
    rule = TARGET_RULES[(training.targets or {}).get(name, "digit")]
    units = expected_units(rule, loss)
    activation = ACTIVATION_FOR.get(loss.target, "linear")
    head = {"units": units, "activation": activation}
    fields = {f.name for f in LAYER_TYPES[spec.type].fields}
    out = []
    if len(shape) > 2:
        got = ctx.received(i)[0] if len(ctx.inputs[i]) == 1 else None
        first = first_dense_on_image(ctx, i)
        if first is not None:
            out.append(Candidate(f"Add Flatten() above {ctx.names[first]}, the first Dense that receives an image",
                                 f"a on the row above {ctx.names[first]}, then Flatten",
                                 (insert_step(first, "Flatten"),), i + 1))
        if spec.type == "Dense" and got is not None and len(got) > 2:
            out.append(Candidate(f"Add Flatten() above {name}, so that it sees each image as one vector",
                                 f"a on the row above {name}, then Flatten", (insert_step(i, "Flatten"),), i + 1))
            if len(got) == 4:
                out.append(Candidate(f"Add GlobalAveragePooling2D() above {name} (one value per channel)",
                                     f"a on the row above {name}, then GlobalAveragePooling2D",
                                     (insert_step(i, "GlobalAveragePooling2D"),), i + 1))
        ends = [("Flatten", {})] + ([("GlobalAveragePooling2D", {})] if len(shape) == 4 else [])
        for type_name, config in ends:
            steps = (lambda q, t=type_name: append_after(q, i, t, config),
                     lambda q: append_after(q, i + 1, "Dense", head))
            out.append(Candidate(f"End {name} with {type_name}() then {keras_call('Dense', head)}",
                                 f"a below {name}", steps, i))
        return out
    if rule.classes == 0 and loss.target in ("onehot", "integer", "binary"):
        for other in ("mean_squared_error", "mean_absolute_error"):
            out.append(Candidate(f"Use the loss {other} (the target {rule.name} is a value)", "o",
                                 (lambda q, o=other: settings_edits.set_loss(q, o, _output(ctx, name)),), i))
        return out
    current = spec.config.get("activation")
    if "units" in fields and spec.config["units"] != units:
        out.append(Candidate(f"Change {name} to {keras_call('Dense', head)}", f"e on {name}",
                             (with_config(i, **head),), i))
    elif "activation" in fields and current != activation:
        out.append(Candidate(f"Set activation='{activation}' on {name}", f"e on {name}",
                             (with_config(i, activation=activation),), i))
    for other, act in (("categorical_crossentropy", "softmax"), ("binary_crossentropy", "sigmoid")):
        if current == act and other != loss.name and rule.classes:
            out.append(Candidate(f"Use the loss {other}, which scores a {act} output", "o",
                                 (lambda q, o=other: settings_edits.set_loss(q, o, _output(ctx, name)),), i))
    out.append(Candidate(f"End the model with {keras_call('Dense', head)} after {name}", f"a below {name}",
                         (lambda q: append_after(q, i, "Dense", head),), i))
    return out


def first_dense_on_image(ctx: Context, i: int) -> int | None:
    """In a plain stack, the first Dense above the output ``i`` that receives more than a vector (where a
    Flatten was likely forgotten); None when that is the output itself or there is none."""
    if not ctx.is_stack_above(i):
        return None
    for k in range(i):
        got = ctx.received(k)[0]
        if ctx.layers[k].type == "Dense" and got is not None and len(got) > 2:
            return k
    return None


def _output(ctx: Context, name: str) -> str | None:
    """The output a per-output loss is set for (None when the model has one loss)."""
    return name if isinstance(ctx.preset.training.loss, dict) else None


__all__ = ["adapters", "keras_call", "loss_fixes", "merge_fixes"]
