"""The edits that fixes make besides the builder's own: a layer between a layer and one of its inputs,
a layer after an output (which becomes the output), and several edits made as one undo step.

Like every edit function they validate against the preset they are given (ConfigError or
IndexError, nothing changed) and return an :class:`~nntui.preset.edit.Edit`. They keep the rest of
the graph as it was: every layer that is read by its automatic name gets that name explicitly
first, so that an insert cannot shift it away from its readers.
"""

from __future__ import annotations

import copy
from typing import Callable

from .edit import Edit
from .layer_edits import check_index, check_room, validate_layer
from .preset import LayerSpec, Preset
from .preset_graph import (follow_default_output, fresh_name, layer_names, output_names, pin_name, pin_references,
                           rename_output, resolved_inputs)

#: makes one edit from the preset as the edits before it left it (None: nothing to do)
Step = Callable[[Preset], "Edit | None"]


def pin_all(p: Preset, names: list[str]) -> None:
    """Every layer read by its automatic name (``names``: the names before the change) gets it explicitly."""
    referenced = [n for ls in p.model.layers for n in (ls.inputs or [])] + list(p.model.outputs or [])
    pin_references(p, names, referenced)


def insert_before(p: Preset, index: int, type_name: str, config: dict | None = None, slot: int = 0) -> Edit:
    """A new layer between layer ``index`` and its input number ``slot``, placed right above it.

    A layer that reads the layer above it gets a plain insert; one that names its inputs reads the
    new layer instead of that input. The focus is the new layer.
    """
    check_room(p)
    check_index(p, index)
    full = validate_layer(type_name, config)
    names = layer_names(p)
    target = p.model.layers[index]
    if not target.inputs:
        spec = LayerSpec(type_name, full)

        def insert(new: Preset) -> None:
            pin_all(new, names)
            new.model.layers.insert(index, spec)
        return Edit(f"add {type_name} above {names[index]}", insert, index)
    source = resolved_inputs(p)[index][slot]
    name = fresh_name(p, type_name)
    spec = LayerSpec(type_name, full, name, [source])

    def insert_between(new: Preset) -> None:
        pin_all(new, names)
        pin_name(new, source)
        layer = new.model.layers[index]
        layer.inputs = [name if k == slot else n for k, n in enumerate(layer.inputs)]
        new.model.layers.insert(index, spec)
    return Edit(f"add {type_name} between {source} and {names[index]}", insert_between, index)


def append_after(p: Preset, index: int, type_name: str, config: dict | None = None) -> Edit:
    """A new layer that reads layer ``index``, right below it; an output moves on to the new layer
    (with its loss, target and weight). The focus is the new layer."""
    check_room(p)
    check_index(p, index)
    full = validate_layer(type_name, config)
    names = layer_names(p)
    layers = p.model.layers
    if p.model.outputs is None and index == len(layers) - 1:
        return Edit(f"add {type_name} at the end", lambda new: new.model.layers.append(LayerSpec(type_name, full)),
                    index + 1)
    before = names[index]
    name = fresh_name(p, type_name)
    spec = LayerSpec(type_name, full, name, [before])
    is_output = before in output_names(p)

    def append(new: Preset) -> None:
        pin_all(new, names)
        pin_name(new, before)
        following = index + 1
        if following < len(new.model.layers) and not new.model.layers[following].inputs:
            new.model.layers[following].inputs = [before]
        if is_output:
            rename_output(new, before, name)
        new.model.layers.insert(index + 1, spec)
    return Edit(f"add {type_name} after {before}", append, index + 1)


def chain(label: str, p: Preset, steps: list[Step], focus: int | None = None) -> tuple[Edit, Preset] | None:
    """The edits that ``steps`` make one after the other, as one Edit (one undo step) called ``label``,
    and the preset it leaves. Each step is made from the preset the steps before it left; None when no
    step changes anything."""
    edits, current = [], p
    for step in steps:
        edit = step(current)
        after = edit.applied_to(current) if edit is not None else None
        if after is None:
            continue
        edits.append(edit)
        current = after
    if not edits:
        return None

    def change(new: Preset) -> None:
        for edit in edits:
            before = copy.deepcopy(new) if new.model.outputs is None else new  # only then does the output follow
            edit.change(new)
            follow_default_output(before, new)
    return Edit(label, change, edits[-1].focus if focus is None else focus), current


def chained(label: str, p: Preset, steps: list[Step], focus: int | None = None) -> Edit | None:
    """The Edit of :func:`chain` alone."""
    made = chain(label, p, steps, focus)
    return None if made is None else made[0]


__all__ = ["Step", "append_after", "chain", "chained", "insert_before", "pin_all"]
