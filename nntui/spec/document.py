"""The preset being edited: one place for the builder's state, its operations and their history.

A :class:`PresetDocument` holds the current :class:`~nntui.spec.preset.Preset` (its layers, input
shape and training settings). Every change goes through one of its operations, which validates
the new values with the same :class:`~nntui.engine.config.Field` rules the preset loader uses,
records a snapshot for undo and bumps :attr:`PresetDocument.revision`. Faces (the Textual app)
observe the revision and re-render; they never mutate the preset themselves.

:meth:`PresetDocument.check` asks the model (``build_model`` + ``full_check``) whether the layers
fit, and caches the answer per revision. Nothing here imports textual.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from math import prod
from pathlib import Path
from typing import Any, Callable

from ..engine.config import ConfigError, Field, describe, validate_config
from ..engine.layers import LAYER_TYPES
from ..engine.losses import ALIASES, LOSSES
from ..engine.model import Model, ShapeReport
from ..engine.optimizers import OPTIMIZERS
from .build import build_model, full_check
from .preset import MAX_BATCH, MAX_EPOCHS, LayerSpec, OptimizerSpec, Preset

#: The settings a user edits besides the layers, as Fields (the same limits the loader applies).
INPUT_SHAPE_FIELD = Field("input_shape", "shape", doc="the shape of one sample, without the batch axis",
                          max_value=1 << 20)
TRAINING_FIELDS = {
    "batch_size": Field("batch_size", "int", 32, "samples per gradient step", min=1, max=MAX_BATCH),
    "epochs": Field("epochs", "int", 1, "passes over the training data", min=1, max=MAX_EPOCHS),
    "seed": Field("seed", "int", 0, "seed for the initial weights and the shuffling", min=0, max=2**32 - 1,
                  max_value=2**32 - 1),
    "validation_split": Field("validation_split", "float", 0.0, "last fraction of the training data kept "
                              "for validation", min=0.0, max=1.0, max_exclusive=True),
    "limit": Field("limit", "int", None, "use only the first N training samples (empty: all)", min=1,
                   allow_none=True, max_value=10**9),
}
NAME_FIELD = Field("name", "str", doc="the preset's name")
MAX_LAYERS = 1000
MNIST_VALUES = 28 * 28


def valid_layer_name(value: Any, what: str = "name") -> str:
    """A layer name as presets accept it (letters, digits, '_', '-', '.'), else ConfigError."""
    if (not isinstance(value, str) or not value or len(value) > 64
            or not all(c.isalnum() or c in "_-." for c in value)):
        raise ConfigError(what, f"expected a name of letters, digits, '_', '-' or '.', got {describe(value)}")
    return value


def parse_names(text: str, what: str = "inputs") -> list[str] | None:
    """'dense, input' -> ['dense', 'input']; empty text -> None (the previous layer)."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return None
    return [valid_layer_name(p, what) for p in parts]


def starter_config(type_name: str) -> dict[str, Any]:
    """The settings a new layer of this type starts from: every default; required ones left out."""
    cls = LAYER_TYPES[type_name]
    return {f.name: f.default for f in cls.fields if not f.required}


def same_value(f: Field, value: Any, other: Any) -> bool:
    """Whether two values of a field are the same once normalised (e.g. pair 3 == (3, 3))."""
    def norm(v):
        try:
            return f.validate(v)
        except ConfigError:
            return v
    return norm(value) == norm(other)


def non_default_settings(fields, config: dict) -> dict[str, Any]:
    """The settings that differ from their defaults (required ones always included), in field order."""
    out = {}
    for f in fields:
        if f.name not in config:
            continue
        value = config[f.name]
        if f.required or not same_value(f, value, f.default):
            out[f.name] = value
    return out


def _rename_output(p: Preset, old: str, new: str | None) -> None:
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


@dataclass
class CheckResult:
    """What the model says about the current preset.

    ``report`` is the ShapeReport of ``full_check`` (shapes, then loss against output). ``input_error``
    is set when the input shape cannot hold an MNIST image; ``empty`` when there is no layer yet.
    """

    model: Model | None
    report: ShapeReport
    input_error: str | None = None
    crash: str | None = None

    @property
    def empty(self) -> bool:
        """Whether the model has no layers."""
        return not self.report.rows

    @property
    def ready(self) -> bool:
        """Whether the model can be trained as it is."""
        return self.report.ok and not self.empty and self.input_error is None and self.crash is None

    @property
    def problem(self) -> str | None:
        """One line on why the model is not ready (None when it is)."""
        if self.crash is not None:
            return self.crash
        if self.report.error is not None:
            return str(self.report.error)
        if self.input_error is not None:
            return self.input_error
        if self.empty:
            return "the model has no layers yet"
        return None


@dataclass
class _Entry:
    label: str
    state: Preset
    focus: int | None = None


class PresetDocument:
    """The preset being edited, with validated operations, undo/redo and a dirty flag.

    Treat :attr:`preset` as read-only: change it through the operations. Each operation returns
    what a face needs to place its cursor (usually the index of the affected layer); an operation
    that changes nothing records nothing. Invalid values raise :class:`ConfigError` and change
    nothing.
    """

    def __init__(self, preset: Preset, *, path: Path | None = None, builtin: bool = False,
                 history_limit: int = 500):
        self._preset = copy.deepcopy(preset)
        self.path: Path | None = path if path is not None else preset.path
        #: Whether the preset came from a shipped file (never saved over without a new path).
        self.builtin = builtin
        self._undo: list[_Entry] = []
        self._redo: list[_Entry] = []
        self._history_limit = history_limit
        self._saved = self._key(self._preset)
        self.revision = 0
        self.last_focus: int | None = None  # the layer the last change (or undo/redo) touched
        self._check: tuple[int, CheckResult] | None = None

    # ------------------------------------------------------------------ reading
    @property
    def preset(self) -> Preset:
        """The current preset (do not mutate; use the operations)."""
        return self._preset

    @property
    def layers(self) -> list[LayerSpec]:
        """The current layer specs (read-only)."""
        return self._preset.model.layers

    def snapshot(self) -> Preset:
        """A deep copy of the current preset (for training or saving while editing goes on)."""
        return copy.deepcopy(self._preset)

    @staticmethod
    def _key(p: Preset):
        return (p.name, p.description, p.data, p.model, p.training)

    @property
    def dirty(self) -> bool:
        """Whether the preset differs from what was loaded or last saved."""
        return self._key(self._preset) != self._saved

    def mark_saved(self, path: Path | None = None) -> None:
        """Record that the current preset is what is on disk (at ``path``)."""
        self._saved = self._key(self._preset)
        if path is not None:
            self.path = Path(path)
            self.builtin = False
            self._preset.path = Path(path)
            self._preset.source = str(path)

    @property
    def is_graph(self) -> bool:
        """Whether any layer names its inputs or the model names its outputs (not a plain stack)."""
        m = self._preset.model
        return m.outputs is not None or any(ls.inputs for ls in m.layers)

    def check(self) -> CheckResult:
        """Shapes and loss-vs-output of the current preset (cached per revision)."""
        if self._check is not None and self._check[0] == self.revision:
            return self._check[1]
        result = self._compute_check()
        self._check = (self.revision, result)
        return result

    def _compute_check(self) -> CheckResult:
        preset = self._preset
        input_error = None
        shape = preset.model.input_shape
        if preset.data.dataset == "mnist" and prod(shape) != MNIST_VALUES:
            shown = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
            input_error = (f"MNIST images have 784 values (28x28) but the input shape {shown} holds "
                           f"{prod(shape):,}; use (784,), (28, 28) or (28, 28, 1).")
        try:
            model = build_model(preset.model)
            report = full_check(preset, model)
        except Exception as exc:  # a bug below us must not take the editor down
            from ..engine.model import LayerRow
            rows = [LayerRow(i, ls.name or ls.type.lower(), ls.type, [], None, None, None, None)
                    for i, ls in enumerate(preset.model.layers)]
            report = ShapeReport((None, *shape), rows, [], error=exc)
            return CheckResult(None, report, input_error,
                               crash=f"internal error while checking the model ({type(exc).__name__}: {exc})")
        return CheckResult(model, report, input_error)

    # ------------------------------------------------------------------ history
    @property
    def can_undo(self) -> bool:
        """Whether there is a change to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone change to redo."""
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        """What undo would revert, e.g. 'delete Dense'."""
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        """What redo would re-apply."""
        return self._redo[-1].label if self._redo else None

    def undo(self) -> bool:
        """Revert the last change; False when there is none."""
        if not self._undo:
            return False
        entry = self._undo.pop()
        self._redo.append(_Entry(entry.label, self._preset, entry.focus))
        self._preset = entry.state
        self._bump(entry.focus)
        return True

    def redo(self) -> bool:
        """Re-apply the last undone change; False when there is none."""
        if not self._redo:
            return False
        entry = self._redo.pop()
        self._undo.append(_Entry(entry.label, self._preset, entry.focus))
        self._preset = entry.state
        self._bump(entry.focus)
        return True

    def _bump(self, focus: int | None) -> None:
        self.revision += 1
        self.last_focus = focus

    def _change(self, label: str, mutate: Callable[[Preset], Any], focus: int | None = None) -> bool:
        """Apply ``mutate`` to a copy of the preset; record it if it changed anything."""
        new = copy.deepcopy(self._preset)
        mutate(new)
        if self._key(new) == self._key(self._preset):
            return False
        self._undo.append(_Entry(label, self._preset, focus))
        if len(self._undo) > self._history_limit:
            del self._undo[0]
        self._redo.clear()
        self._preset = new
        self._bump(focus)
        return True

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

        def update(p: Preset) -> None:
            p.model.layers[index] = spec
            if old.name and new_name != old.name:
                _rename_output(p, old.name, new_name)
        return self._change(f"edit {old.type}", update, index)

    def update_layer_config(self, index: int, config: dict) -> bool:
        """Replace layer ``index``'s settings (validated); returns whether anything changed."""
        return self.update_layer(index, config)

    def clear_layers(self) -> bool:
        """Remove every layer (input shape and training settings stay)."""
        def clear(p: Preset) -> None:
            p.model.layers.clear()
            p.model.outputs = None
        return self._change("remove all layers", clear, None)

    # ------------------------------------------------------------------ model and training settings
    def set_input_shape(self, shape) -> bool:
        """Set the input shape (without the batch axis), e.g. (28, 28, 1)."""
        value = tuple(INPUT_SHAPE_FIELD.validate(list(shape) if isinstance(shape, tuple) else shape))

        def update(p: Preset) -> None:
            p.model.input_shape = value
        return self._change("change the input shape", update, None)

    def set_loss(self, name: str, output: str | None = None) -> bool:
        """Set the loss (Keras name; ``mse``/``mae`` accepted), for one output of a multi-output model."""
        if not isinstance(name, str) or ALIASES.get(name, name) not in LOSSES:
            raise ConfigError("loss", f"unknown loss {describe(name)} (one of: {', '.join(LOSSES)})")
        name = ALIASES.get(name, name)
        current = self._preset.training.loss

        def update(p: Preset) -> None:
            if isinstance(current, dict):
                keys = [output] if output is not None else list(current)
                loss = dict(current)
                for key in keys:
                    loss[key] = name
                p.training.loss = loss
            else:
                p.training.loss = name
        return self._change(f"set the loss to {name}", update, None)

    def set_optimizer(self, type_name: str, config: dict | None = None) -> bool:
        """Set the optimiser and its settings (validated; missing ones take the defaults)."""
        if not isinstance(type_name, str) or type_name.lower() not in OPTIMIZERS:
            raise ConfigError("optimizer", f"unknown optimizer {describe(type_name)} "
                                           f"(one of: {', '.join(OPTIMIZERS)})")
        cls = OPTIMIZERS[type_name.lower()]
        full = validate_config(cls.fields, dict(config or {}), owner=cls.name)
        spec = OptimizerSpec(cls.name, full)

        def update(p: Preset) -> None:
            p.training.optimizer = spec
        label = f"set the optimizer to {cls.name}" if cls.name != self._preset.training.optimizer.type \
            else f"change {cls.name}'s settings"
        return self._change(label, update, None)

    def set_training(self, **values) -> bool:
        """Set batch_size, epochs, seed, validation_split and/or limit (validated)."""
        checked = {}
        for key, value in values.items():
            if key not in TRAINING_FIELDS:
                raise ConfigError(key, f"unknown training setting (one of: {', '.join(TRAINING_FIELDS)})")
            checked[key] = TRAINING_FIELDS[key].validate(value)

        def update(p: Preset) -> None:
            t, d = p.training, p.data
            for key, value in checked.items():
                if key in ("validation_split", "limit"):
                    setattr(d, key, value)
                else:
                    setattr(t, key, value)
        label = "change " + ", ".join(k.replace("_", " ") for k in checked)
        return self._change(label, update, None)

    def set_name(self, name: str) -> bool:
        """Rename the preset."""
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ConfigError("name", f"expected a short text, got {describe(name)}")

        def update(p: Preset) -> None:
            p.name = name.strip()
        return self._change("rename the preset", update, None)

    def training_value(self, key: str):
        """The current value of one of TRAINING_FIELDS."""
        if key in ("validation_split", "limit"):
            return getattr(self._preset.data, key)
        return getattr(self._preset.training, key)


__all__ = ["CheckResult", "INPUT_SHAPE_FIELD", "PresetDocument", "TRAINING_FIELDS",
           "non_default_settings", "parse_names", "same_value", "starter_config", "valid_layer_name"]
