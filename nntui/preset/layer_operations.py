"""The layer edits of the preset being edited: insert, delete, move, duplicate, update, clear.

:class:`LayerOperations` is a mixin of :class:`~nntui.preset.document.PresetDocument`: every edit
validates its values first, then goes through the history's ``_change`` (one undo step each).
"""

from __future__ import annotations

import copy
from typing import Any

from ..engine.config import ConfigError, describe, validate_config
from ..engine.layers import LAYER_TYPES
from ..engine.model import INPUT
from .edit_fields import MAX_LAYERS, valid_layer_name
from .preset import LayerSpec, Preset
from .preset_graph import _rename_output


class LayerOperations:
    """Layer edits of a :class:`PresetDocument` (a mixin; the document owns the state)."""

    # ------------------------------------------------------------------ layer operations
    def _check_index(self, index: int) -> int:
        if not isinstance(index, int) or not 0 <= index < len(self.layers):
            raise IndexError(f"no layer {index} (the model has {len(self.layers)})")
        return index

    @staticmethod
    def validate_layer(type_name: str, config: dict | None) -> dict:
        """The full validated config of a layer type (defaults filled); ConfigError if bad."""
        if type_name not in LAYER_TYPES:
            raise ConfigError("type", f"unknown layer type {describe(type_name)} (one of: {', '.join(LAYER_TYPES)})")
        return validate_config(LAYER_TYPES[type_name].fields, dict(config or {}), owner=type_name)

    def insert_layer(self, index: int, type_name: str, config: dict | None = None, *,
                     name: str | None = None, inputs: list[str] | None = None) -> int:
        """Insert a layer so that it becomes layer ``index`` (clamped to the stack); returns its index."""
        if len(self.layers) >= MAX_LAYERS:
            raise ConfigError("model.layers", f"at most {MAX_LAYERS} layers")
        full = self.validate_layer(type_name, config)
        if name is not None:
            valid_layer_name(name)
        inputs = [valid_layer_name(n, "inputs") for n in inputs] if inputs else None
        index = max(0, min(int(index), len(self.layers)))
        spec = LayerSpec(type_name, full, name, inputs)
        self._change(f"add {type_name}", lambda p: p.model.layers.insert(index, spec), index)
        return index

    def delete_layer(self, index: int) -> int | None:
        """Remove layer ``index``; returns the index the cursor should go to (None if no layers remain).

        A named output layer also leaves ``model.outputs`` and the per-output training tables, so
        the preset stays loadable.
        """
        self._check_index(index)
        kind = self.layers[index].type
        after = len(self.layers) - 1
        focus = min(index, after - 1) if after else None

        def delete(p: Preset) -> None:
            removed = p.model.layers.pop(index)
            if removed.name:
                _rename_output(p, removed.name, None)
        self._change(f"delete {kind}", delete, focus)
        return focus

    def move_layer(self, index: int, delta: int) -> int:
        """Move layer ``index`` by ``delta`` places (clamped); returns its new index."""
        self._check_index(index)
        target = max(0, min(index + delta, len(self.layers) - 1))
        if target == index:
            return index
        kind = self.layers[index].type

        def move(p: Preset) -> None:
            layer = p.model.layers.pop(index)
            p.model.layers.insert(target, layer)
        self._change(f"move {kind} {'up' if target < index else 'down'}", move, target)
        return target

    def duplicate_layer(self, index: int) -> int:
        """Insert a copy of layer ``index`` right below it (its name, if any, is not copied)."""
        self._check_index(index)
        source = self.layers[index]
        spec = LayerSpec(source.type, copy.deepcopy(source.config), None,
                         list(source.inputs) if source.inputs else None)
        self._change(f"duplicate {source.type}", lambda p: p.model.layers.insert(index + 1, spec), index + 1)
        return index + 1

    def update_layer(self, index: int, config: dict | None = None, *, name: Any = ...,
                     inputs: Any = ...) -> bool:
        """Replace layer ``index``'s settings (validated, defaults filled) and optionally its name/inputs.

        ``name=None`` / ``inputs=None`` clear them; leaving them out keeps them. Returns whether
        anything changed.
        """
        self._check_index(index)
        old = self.layers[index]
        full = self.validate_layer(old.type, config if config is not None else old.config)
        new_name = old.name if name is ... else (valid_layer_name(name) if name is not None else None)
        if inputs is ...:
            new_inputs = old.inputs
        else:
            new_inputs = [valid_layer_name(n, "inputs") for n in inputs] if inputs else None
        spec = LayerSpec(old.type, full, new_name, new_inputs)
        before = self.names()

        def update(p: Preset) -> None:
            p.model.layers[index] = spec
            if old.name and new_name != old.name:
                _rename_output(p, old.name, new_name)
            self._pin_references(p, before, new_inputs or [], skip=index)
        return self._change(f"edit {old.type}", update, index)

    @staticmethod
    def _pin_references(p: Preset, names: list[str], referenced: list[str], skip: int | None = None) -> None:
        """Layers that ``referenced`` names by their automatic name (``names``: the names before the
        change, by position) get that name explicitly, so that it cannot shift under the reader."""
        for ref in referenced:
            if ref == INPUT or ref not in names:
                continue
            i = names.index(ref)
            if i != skip and i < len(p.model.layers) and p.model.layers[i].name is None:
                p.model.layers[i].name = ref

    def update_layer_config(self, index: int, config: dict) -> bool:
        """Replace layer ``index``'s settings (validated); returns whether anything changed."""
        return self.update_layer(index, config)

    def clear_layers(self) -> bool:
        """Remove every layer (input shape and training settings stay)."""
        def clear(p: Preset) -> None:
            p.model.layers.clear()
            p.model.outputs = None
        return self._change("remove all layers", clear, None)
