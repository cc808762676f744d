"""Questions about a preset's graph, and how its per-output tables follow the outputs.

What each layer is called (given or automatic), what it reads, which layers are outputs or loose
ends, a name for a new layer; a loss and target rule that fit a new output; and the helpers the
edits use so that a renamed, deleted or shifted output keeps its loss, target and weight
(:func:`rename_output`, :func:`follow_default_output`) and so that automatic names cannot shift
under a reader (:func:`pin_name`, :func:`pin_references`).
"""

from __future__ import annotations

from ..engine.layers.base import snake_case
from ..engine.model import INPUT, automatic_names
from .preset import Preset


def rename_output(p: Preset, old: str, new: str | None) -> None:
    """Follow a renamed (``new``) or deleted (None) output layer in outputs and per-output tables."""
    model, t = p.model, p.training
    if model.outputs and old in model.outputs:
        outs = [new if o == old else o for o in model.outputs]
        model.outputs = [o for o in outs if o is not None] or None
    for attr in ("loss", "loss_weights", "targets"):
        table = getattr(t, attr)
        if not isinstance(table, dict) or old not in table:
            continue
        value = table[old]
        table = {(new if k == old else k): v for k, v in table.items() if not (k == old and new is None)}
        if attr == "loss":
            table = table or {}
            if not table or model.outputs is None:
                t.loss = next(iter(table.values()), value)  # one output left: a single loss
                continue
        setattr(t, attr, table or None)


def layer_names(p: Preset) -> list[str]:
    """Every layer's name as the model sees it: the given one, else Keras's automatic name."""
    return automatic_names([ls.type for ls in p.model.layers], [ls.name for ls in p.model.layers])


def resolved_inputs(p: Preset) -> list[list[str]]:
    """What each layer reads: its given inputs, else the layer before it (``input`` for the first)."""
    names = layer_names(p)
    return [list(ls.inputs) if ls.inputs else ([INPUT] if i == 0 else [names[i - 1]])
            for i, ls in enumerate(p.model.layers)]


def output_names(p: Preset) -> list[str]:
    """The model's outputs: the given list, else the last layer."""
    if p.model.outputs:
        return list(p.model.outputs)
    names = layer_names(p)
    return names[-1:]


def open_ends(p: Preset) -> list[int]:
    """Layers that no layer reads and that are not outputs: the loose ends of branches."""
    read = {n for names in resolved_inputs(p) for n in names} | set(output_names(p))
    return [i for i, name in enumerate(layer_names(p)) if name not in read]


def fresh_name(p: Preset, type_name: str) -> str:
    """A name for a new layer of this type that no layer has: dense, dense_1, ..."""
    taken = set(layer_names(p)) | {INPUT}
    stem = snake_case(type_name)
    n = 0
    while (stem if n == 0 else f"{stem}_{n}") in taken:
        n += 1
    return stem if n == 0 else f"{stem}_{n}"


def merge_defaults(p: Preset, index: int | None) -> list[str]:
    """What a merge added under layer ``index`` (None: the input row) joins by default: that layer
    and the loose ends of the other branches, in layer order."""
    names = layer_names(p)
    picked = sorted(set(open_ends(p)) | ({index} if index is not None else set()))
    joined = [names[i] for i in picked]
    return ([INPUT] if index is None else []) + joined


def follow_default_output(old: Preset, new: Preset) -> None:
    """Without explicit outputs the output is the last layer: per-output tables follow it."""
    if old.model.outputs is not None or new.model.outputs is not None:
        return
    before, after = layer_names(old)[-1:], layer_names(new)[-1:]
    if not before or not after or before == after:
        return
    t = new.training
    for attr in ("loss", "loss_weights", "targets"):
        table = getattr(t, attr)
        if isinstance(table, dict) and before[0] in table and after[0] not in table:
            setattr(t, attr, {(after[0] if k == before[0] else k): v for k, v in table.items()})


def suggested_head(shape, activation: str | None, dataset: str = "mnist") -> tuple[str, str]:
    """A (loss, target rule) that fits an output of this shape: on MNIST 10 classes -> the digit, 1 unit
    -> parity (sigmoid) or the digit's value; on other data sets always the label."""
    units = shape[-1] if shape else None
    mnist = dataset == "mnist"
    if units == 1:
        if activation == "sigmoid":
            return "binary_crossentropy", "parity" if mnist else "label"
        return "mean_squared_error", "digit_value" if mnist else "label"
    return "categorical_crossentropy", "digit" if mnist else "label"


def pin_name(p: Preset, name: str) -> None:
    """Give the layer called ``name`` (an automatic name) that name explicitly, so that later inserts
    of same-type layers cannot shift it away from what reads it."""
    if name == INPUT:
        return
    names = layer_names(p)
    if name in names:
        spec = p.model.layers[names.index(name)]
        if spec.name is None:
            spec.name = name


def pin_references(p: Preset, names: list[str], referenced: list[str], skip: int | None = None) -> None:
    """Layers that ``referenced`` names by their automatic name (``names``: the names before the
    change, by position) get that name explicitly, so that it cannot shift under the reader."""
    for ref in referenced:
        if ref == INPUT or ref not in names:
            continue
        i = names.index(ref)
        if i != skip and i < len(p.model.layers) and p.model.layers[i].name is None:
            p.model.layers[i].name = ref


__all__ = ["follow_default_output", "fresh_name", "layer_names", "merge_defaults", "open_ends", "output_names",
           "pin_name", "pin_references", "rename_output", "resolved_inputs", "suggested_head"]
