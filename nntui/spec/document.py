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
from ..engine.early_stopping import FIELDS as EARLY_STOPPING_FIELDS
from ..engine.layers import LAYER_TYPES
from ..engine.layers.base import snake_case
from ..engine.losses import ALIASES, LOSSES
from ..engine.model import INPUT, Model, ShapeReport, automatic_names
from ..engine.optimizers import OPTIMIZERS
from .build import build_model, full_check
from .preset import MAX_BATCH, MAX_EPOCHS, LayerSpec, OptimizerSpec, Preset, _check_output_names
from .targets import TARGET_RULES

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
#: The weight of one output's loss in the total (the loader's limits).
LOSS_WEIGHT_FIELD = Field("loss_weight", "float", 1.0, "this output's weight in the total loss", min=0.0, max=1e6)
#: Where a run writes its checkpoint (a folder; empty: no checkpoint). Not part of the preset file.
CHECKPOINT_FIELD = Field("checkpoint", "str", None, "folder for a checkpoint after each epoch (empty: none)",
                         allow_none=True)
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


def monitor_choices(p: Preset) -> list[str]:
    """The values a run logs, which early stopping can watch (``val_*`` need a validation split)."""
    outputs = p.model.outputs or []
    names = ["loss", "accuracy"] if len(outputs) <= 1 else ["loss"] + [f"{o}_{m}" for o in outputs
                                                                     for m in ("loss", "accuracy")]
    return [f"val_{n}" for n in names] + names


def settings_problem(p: Preset) -> str | None:
    """Why the outputs' tables or early stopping do not fit the model (what would stop the preset
    from loading again), or None."""
    try:
        _check_output_names(p.model, p.training)
    except ConfigError as exc:
        return f"{exc.field}: {exc.reason}"
    return early_stopping_problem(p)


def _follow_default_output(old: Preset, new: Preset) -> None:
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


def early_stopping_problem(p: Preset) -> str | None:
    """Why the preset's early stopping cannot work as set (None when it can, or when it is off)."""
    es = p.training.early_stopping
    if not es:
        return None
    monitor = es.get("monitor", "val_loss")
    if monitor not in monitor_choices(p):
        return (f"early stopping watches {monitor!r}, which this model does not log "
                f"(one of: {', '.join(monitor_choices(p))})")
    if monitor.startswith("val_") and not p.data.validation_split:
        return (f"early stopping watches {monitor!r} but there is no validation set: set the validation "
                "split (e.g. 0.1) or watch 'loss'")
    return None


def suggested_head(shape, activation: str | None) -> tuple[str, str]:
    """A (loss, target rule) that fits an output of this shape: 10 classes -> the digit, 1 unit -> parity."""
    units = shape[-1] if shape else None
    if units == 1:
        if activation == "sigmoid":
            return "binary_crossentropy", "parity"
        return "mean_squared_error", "digit_value"
    return "categorical_crossentropy", "digit"


def _pin_name(p: Preset, name: str) -> None:
    """Give the layer called ``name`` (an automatic name) that name explicitly, so that later inserts
    of same-type layers cannot shift it away from what reads it."""
    if name == INPUT:
        return
    names = layer_names(p)
    if name in names:
        spec = p.model.layers[names.index(name)]
        if spec.name is None:
            spec.name = name


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
    settings_error: str | None = None

    @property
    def empty(self) -> bool:
        """Whether the model has no layers."""
        return not self.report.rows

    @property
    def ready(self) -> bool:
        """Whether the model can be trained as it is."""
        return (self.report.ok and not self.empty and self.input_error is None and self.crash is None
                and self.settings_error is None)

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
        if self.settings_error is not None:
            return self.settings_error
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
        #: Folder a run writes its checkpoint into after each epoch (None: none). Like the CLI's
        #: --checkpoint it is a run option, not part of the preset file, and not in the undo history.
        self.checkpoint_dir: str | None = None

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

    def names(self) -> list[str]:
        """Every layer's name as the model sees it (given or automatic)."""
        return layer_names(self._preset)

    def inputs_of(self, index: int) -> list[str]:
        """What layer ``index`` reads (its given inputs, else the layer before it)."""
        return resolved_inputs(self._preset)[self._check_index(index)]

    @property
    def outputs(self) -> list[str]:
        """The model's outputs (the last layer unless set)."""
        return output_names(self._preset)

    def open_ends(self) -> list[int]:
        """Layers that no layer reads and that are not outputs: the loose ends of branches."""
        read = {n for names in resolved_inputs(self._preset) for n in names} | set(self.outputs)
        return [i for i, name in enumerate(self.names()) if name not in read]

    def fresh_name(self, type_name: str) -> str:
        """A name for a new layer of this type that no layer has: dense, dense_1, ..."""
        taken = set(self.names()) | {INPUT}
        stem = snake_case(type_name)
        n = 0
        while (stem if n == 0 else f"{stem}_{n}") in taken:
            n += 1
        return stem if n == 0 else f"{stem}_{n}"

    def merge_defaults(self, index: int | None) -> list[str]:
        """What a merge added under layer ``index`` (None: the input row) joins by default: that layer
        and the loose ends of the other branches, in layer order."""
        names = self.names()
        picked = sorted(set(self.open_ends()) | ({index} if index is not None else set()))
        joined = [names[i] for i in picked]
        return ([INPUT] if index is None else []) + joined

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
        return CheckResult(model, report, input_error, settings_error=settings_problem(preset))

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
        _follow_default_output(self._preset, new)
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

    # ------------------------------------------------------------------ graph operations
    def _source_name(self, index: int | None) -> str:
        return INPUT if index is None else self.names()[self._check_index(index)]

    def add_branch(self, source: int | None, type_name: str, config: dict | None = None, *,
                   name: str | None = None, inputs: list[str] | None = None) -> int:
        """A new layer that reads layer ``source`` (None: the model's input), placed right below it.

        The rest of the graph stays as it was: the layer that read ``source`` as "the layer before
        it" now names it; ``source`` gets its name explicitly; if the new layer lands last, the old
        last layer stays the output. ``inputs`` overrides what the new layer reads (default: the
        source). Returns the new layer's index.
        """
        if len(self.layers) >= MAX_LAYERS:
            raise ConfigError("model.layers", f"at most {MAX_LAYERS} layers")
        full = self.validate_layer(type_name, config)
        src = self._source_name(source)
        names = self.names()
        name = valid_layer_name(name) if name is not None else self.fresh_name(type_name)
        if name in names or name == INPUT:
            raise ConfigError("name", f"a layer is already called {name!r}")
        reads = [valid_layer_name(n, "inputs") for n in inputs] if inputs else [src]
        position = 0 if source is None else source + 1
        before_outputs = self.outputs
        spec = LayerSpec(type_name, full, name, reads)

        def branch(p: Preset) -> None:
            layers = p.model.layers
            if source is not None and layers[source].name is None:
                layers[source].name = src
            if position < len(layers) and not layers[position].inputs:
                layers[position].inputs = [src]
            self._pin_references(p, names, reads)
            if p.model.outputs is None and position == len(layers) and before_outputs:
                _pin_name(p, before_outputs[0])
                p.model.outputs = list(before_outputs)
            layers.insert(position, spec)
        self._change(f"add a {type_name} branch from {', '.join(reads)}", branch, position)
        return position

    def add_merge(self, after: int | None, type_name: str, inputs: list[str], config: dict | None = None, *,
                  name: str | None = None) -> int:
        """A merge layer (Concatenate, Add, ...) that joins ``inputs`` (layer names or ``input``).

        It goes below the last layer it joins (and not above ``after``, the layer under the cursor),
        so the layer that followed there now reads the merge, as any inserted layer would. The layers
        it joins get their names explicitly. Returns the merge's index.
        """
        if len(self.layers) >= MAX_LAYERS:
            raise ConfigError("model.layers", f"at most {MAX_LAYERS} layers")
        full = self.validate_layer(type_name, config)
        names = self.names()
        if not inputs:
            raise ConfigError("inputs", "name the layers to join, e.g. dense, dense_1")
        inputs = [valid_layer_name(n, "inputs") for n in inputs]
        for n in inputs:
            if n != INPUT and n not in names:
                raise ConfigError("inputs", f"{n!r} is not a layer name (names: {', '.join([INPUT, *names])})")
        lo, hi = LAYER_TYPES[type_name].arity
        if len(inputs) < lo or (hi is not None and len(inputs) > hi):
            raise ConfigError("inputs", f"{type_name} joins at least {lo} layers; got {len(inputs)}")
        name = valid_layer_name(name) if name is not None else self.fresh_name(type_name)
        if name in names or name == INPUT:
            raise ConfigError("name", f"a layer is already called {name!r}")
        last = max([names.index(n) for n in inputs if n != INPUT] + [-1 if after is None else after])
        position = last + 1
        spec = LayerSpec(type_name, full, name, list(inputs))

        def merge(p: Preset) -> None:
            self._pin_references(p, names, inputs)
            p.model.layers.insert(position, spec)
        self._change(f"add a {type_name} of {', '.join(inputs)}", merge, position)
        return position

    def set_outputs(self, outputs: list[str]) -> bool:
        """Set the model's outputs (layer names, in order); the per-output loss, target and weight follow.

        A new output gets a loss and a target rule that fit its shape (10 classes: the digit with
        categorical cross-entropy; 1 sigmoid unit: the parity with binary cross-entropy); a removed
        one leaves every per-output table; one output left means one loss again.
        """
        names = self.names()
        outputs = [valid_layer_name(n, "outputs") for n in outputs]
        if not outputs:
            raise ConfigError("outputs", "a model needs at least one output")
        for k, n in enumerate(outputs):
            if n not in names:
                raise ConfigError("outputs", f"{n!r} is not a layer name (layers: {', '.join(names) or 'none'})")
            if n in outputs[:k]:
                raise ConfigError("outputs", f"{n!r} is listed twice")
        old = self.outputs
        if outputs == old:
            return False
        check = self.check()
        shapes = {r.name: r.output_shape for r in check.report.rows}
        model = check.model
        current = self._preset.training.loss

        def activation(n: str) -> str | None:
            try:
                return model.layer(n).config.get("activation") if model is not None else None
            except KeyError:
                return None

        def update(p: Preset) -> None:
            for n in outputs:
                _pin_name(p, n)
            for n in old:
                if n not in outputs:
                    _rename_output(p, n, None)
            t = p.training
            loss = t.loss
            if len(outputs) == 1:
                p.model.outputs = None if outputs == names[-1:] else list(outputs)
                if isinstance(loss, dict):
                    t.loss = loss.get(outputs[0], next(iter(loss.values()), "categorical_crossentropy"))
            else:
                p.model.outputs = list(outputs)
                table = dict(loss) if isinstance(loss, dict) else {n: current for n in old if n in outputs}
                targets = dict(t.targets or {})
                for n in outputs:
                    if n not in table:
                        suggestion, rule = suggested_head(shapes.get(n), activation(n))
                        table[n] = suggestion
                        if rule != "digit":
                            targets[n] = rule
                t.loss = {n: table[n] for n in outputs}
                t.targets = {n: targets[n] for n in outputs if n in targets} or None
            for attr in ("loss_weights", "targets"):
                table = getattr(t, attr)
                if isinstance(table, dict):
                    setattr(t, attr, {k: v for k, v in table.items() if k in outputs} or None)
        return self._change("set the outputs to " + ", ".join(outputs), update, None)

    def toggle_output(self, index: int) -> bool:
        """Make layer ``index`` an output too, or no longer one (the last output cannot go)."""
        name = self.names()[self._check_index(index)]
        outputs = self.outputs
        if name in outputs:
            if len(outputs) == 1:
                raise ConfigError("outputs", f"{name!r} is the model's only output; make another layer an "
                                             "output first")
            return self.set_outputs([n for n in outputs if n != name])
        return self.set_outputs(outputs + [name])

    def set_target(self, output: str | None, rule: str) -> bool:
        """How ``output``'s target comes from the digit label (None: the only output)."""
        if not isinstance(rule, str) or rule not in TARGET_RULES:
            raise ConfigError("targets", f"unknown target rule {describe(rule)} (one of: {', '.join(TARGET_RULES)})")
        outputs = self.outputs
        output = outputs[0] if output is None and outputs else output
        if output not in outputs:
            raise ConfigError("targets", f"{output!r} is not an output (outputs: {', '.join(outputs)})")

        if (self._preset.training.targets or {}).get(output, "digit") == rule:
            return False

        def update(p: Preset) -> None:
            p.training.targets = dict(p.training.targets or {}, **{output: rule})
            if p.model.outputs is not None:
                _pin_name(p, output)
        return self._change(f"set the target of {output} to {rule}", update, None)

    def set_loss_weight(self, output: str, weight) -> bool:
        """The weight of ``output``'s loss in the total (None or 1.0: the default)."""
        if output not in self.outputs:
            raise ConfigError("loss_weights", f"{output!r} is not an output (outputs: {', '.join(self.outputs)})")
        value = None if weight is None else LOSS_WEIGHT_FIELD.validate(weight)

        def update(p: Preset) -> None:
            table = dict(p.training.loss_weights or {})
            if value is None:
                table.pop(output, None)
            else:
                table[output] = value
            p.training.loss_weights = table or None
        return self._change(f"set the loss weight of {output}", update, None)

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

    def set_early_stopping(self, config: dict | None) -> bool:
        """Turn early stopping on with these settings (validated, defaults filled) or off (None).

        The monitor must be a value this model logs, and a ``val_*`` one needs a validation split.
        """
        if config is None:
            def off(p: Preset) -> None:
                p.training.early_stopping = None
            return self._change("turn early stopping off", off, None)
        full = validate_config(EARLY_STOPPING_FIELDS, dict(config), owner="early_stopping")
        trial = copy.deepcopy(self._preset)
        trial.training.early_stopping = full
        problem = early_stopping_problem(trial)
        if problem is not None:
            raise ConfigError("monitor", problem)
        was = self._preset.training.early_stopping

        def update(p: Preset) -> None:
            p.training.early_stopping = full
        return self._change("turn early stopping on" if was is None else "change early stopping", update, None)

    def set_checkpoint_dir(self, folder: str | None) -> bool:
        """Where runs write a checkpoint after each epoch (None or empty: nowhere). Not undoable: a run
        option like the CLI's --checkpoint, not part of the preset."""
        value = CHECKPOINT_FIELD.validate(folder.strip() if isinstance(folder, str) else folder)
        value = value or None
        if value is not None and Path(value).expanduser().is_file():
            raise ConfigError("checkpoint", f"{value} is a file; a checkpoint needs a folder")
        if value == self.checkpoint_dir:
            return False
        self.checkpoint_dir = value
        self.revision += 1
        return True

    def training_value(self, key: str):
        """The current value of one of TRAINING_FIELDS."""
        if key in ("validation_split", "limit"):
            return getattr(self._preset.data, key)
        return getattr(self._preset.training, key)


__all__ = ["CHECKPOINT_FIELD", "CheckResult", "EARLY_STOPPING_FIELDS", "INPUT_SHAPE_FIELD", "LOSS_WEIGHT_FIELD",
           "PresetDocument", "TRAINING_FIELDS", "early_stopping_problem", "settings_problem", "layer_names", "monitor_choices",
           "non_default_settings", "output_names", "parse_names", "resolved_inputs", "same_value",
           "starter_config", "suggested_head", "valid_layer_name"]
