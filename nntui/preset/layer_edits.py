"""The layer edits of the preset being edited: insert, delete, move, duplicate, update, clear.

Each function validates its values against the preset it is given (ConfigError or IndexError,
nothing changed) and returns the :class:`~nntui.preset.edit.Edit` that makes the change; its focus
is the layer the cursor goes to.
"""

from __future__ import annotations

import copy
from typing import Any

from ..engine.config import ConfigError, describe, validate_config
from ..engine.layers import LAYER_TYPES
from .edit import Edit
from .edit_fields import MAX_LAYERS, valid_layer_name
from .preset import LayerSpec, Preset
from .preset_graph import layer_names, output_names, pin_references, rename_output


def check_index(p: Preset, index: int) -> int:
    """``index`` if it is one of the preset's layers, else IndexError."""
    layers = p.model.layers
    if not isinstance(index, int) or not 0 <= index < len(layers):
        raise IndexError(f"no layer {index} (the model has {len(layers)})")
    return index


def check_room(p: Preset) -> None:
    """ConfigError when the model has as many layers as a preset may have."""
    if len(p.model.layers) >= MAX_LAYERS:
        raise ConfigError("model.layers", f"at most {MAX_LAYERS} layers")


def validate_layer(type_name: str, config: dict | None) -> dict:
    """The full validated config of a layer type (defaults filled); ConfigError if bad."""
    if type_name not in LAYER_TYPES:
        raise ConfigError("type", f"unknown layer type {describe(type_name)} (one of: {', '.join(LAYER_TYPES)})")
    return validate_config(LAYER_TYPES[type_name].fields, dict(config or {}), owner=type_name)


def insert_layer(p: Preset, index: int, type_name: str, config: dict | None = None, *,
                 name: str | None = None, inputs: list[str] | None = None) -> Edit:
    """Insert a layer so that it becomes layer ``index`` (clamped to the stack; the focus)."""
    check_room(p)
    full = validate_layer(type_name, config)
    if name is not None:
        valid_layer_name(name)
    inputs = [valid_layer_name(n, "inputs") for n in inputs] if inputs else None
    index = max(0, min(int(index), len(p.model.layers)))
    spec = LayerSpec(type_name, full, name, inputs)
    return Edit(f"add {type_name}", lambda new: new.model.layers.insert(index, spec), index)


def delete_layer(p: Preset, index: int) -> Edit:
    """Remove layer ``index``; the focus is where the cursor goes (None if no layers remain).

    A named output layer also leaves ``model.outputs`` and the per-output training tables, so the
    preset stays loadable.
    """
    check_index(p, index)
    after = len(p.model.layers) - 1

    def delete(new: Preset) -> None:
        removed = new.model.layers.pop(index)
        if removed.name:
            rename_output(new, removed.name, None)
    return Edit(f"delete {p.model.layers[index].type}", delete, min(index, after - 1) if after else None)


def move_layer(p: Preset, index: int, delta: int) -> Edit:
    """Move layer ``index`` by ``delta`` places (clamped; the focus is its new index)."""
    check_index(p, index)
    target = max(0, min(index + delta, len(p.model.layers) - 1))

    def move(new: Preset) -> None:
        new.model.layers.insert(target, new.model.layers.pop(index))
    return Edit(f"move {p.model.layers[index].type} {'up' if target < index else 'down'}", move, target)


def duplicate_layer(p: Preset, index: int) -> Edit:
    """Insert a copy of layer ``index`` right below it (its name, if any, is not copied).

    No other layer changes: a layer whose automatic name the copy would shift gets its name
    explicitly, and in a graph the output stays the layer it was (the copy of the last layer does
    not take its place). In a plain stack the copy of the last layer continues the stack.
    """
    check_index(p, index)
    source = p.model.layers[index]
    spec = LayerSpec(source.type, copy.deepcopy(source.config), None,
                     list(source.inputs) if source.inputs else None)
    before = layer_names(p)
    outputs = output_names(p)
    graph = p.model.outputs is not None or any(ls.inputs for ls in p.model.layers)

    def duplicate(new: Preset) -> None:
        layers = new.model.layers
        if graph and new.model.outputs is None and index == len(layers) - 1:
            new.model.outputs = list(outputs)
        layers.insert(index + 1, spec)
        shifted = True
        while shifted:  # a pinned name is taken, which may shift another automatic name
            after = layer_names(new)
            shifted = False
            for i, name in enumerate(before):
                j = i if i <= index else i + 1
                if after[j] != name:
                    layers[j].name, shifted = name, True
    return Edit(f"duplicate {source.type}", duplicate, index + 1)


def update_layer(p: Preset, index: int, config: dict | None = None, *, name: Any = ..., inputs: Any = ...) -> Edit:
    """Replace layer ``index``'s settings (validated, defaults filled) and optionally its name/inputs.

    ``name=None`` / ``inputs=None`` clear them; leaving them out keeps them.
    """
    check_index(p, index)
    old = p.model.layers[index]
    full = validate_layer(old.type, config if config is not None else old.config)
    new_name = old.name if name is ... else (valid_layer_name(name) if name is not None else None)
    if inputs is ...:
        new_inputs = old.inputs
    else:
        new_inputs = [valid_layer_name(n, "inputs") for n in inputs] if inputs else None
    spec = LayerSpec(old.type, full, new_name, new_inputs)
    before = layer_names(p)

    def update(new: Preset) -> None:
        new.model.layers[index] = spec
        if old.name and new_name != old.name:
            rename_output(new, old.name, new_name)
        pin_references(new, before, new_inputs or [], skip=index)
    return Edit(f"edit {old.type}", update, index)


def clear_layers(p: Preset) -> Edit:
    """Remove every layer (input shape and training settings stay)."""
    def clear(new: Preset) -> None:
        new.model.layers.clear()
        new.model.outputs = None
    return Edit("remove all layers", clear, None)


__all__ = ["check_index", "check_room", "clear_layers", "delete_layer", "duplicate_layer", "insert_layer",
           "move_layer", "update_layer", "validate_layer"]
