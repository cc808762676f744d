"""Preset specs: the dataclasses a preset TOML turns into, and their validation with field paths.

A preset that parses is *valid*; whether its layers *fit* is a separate question that the model's
shape inference answers (the builder must be able to open a preset whose shapes are wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..engine.config import ConfigError, Field, describe, validate_config
from ..engine.early_stopping import FIELDS as EARLY_STOPPING_FIELDS
from ..engine.layers import LAYER_TYPES
from ..engine.losses import ALIASES, LOSSES
from ..engine.model import automatic_names
from ..engine.optimizers import OPTIMIZERS
from ..engine.schedules import create_schedule
from .data_spec import DataSpec, parse_data
from .errors import PresetError
from .targets import TARGET_RULES, rule_problem

MAX_EPOCHS = 10_000
MAX_BATCH = 1 << 16


@dataclass
class LayerSpec:
    """One layer: its Keras type, its settings, an optional name and inputs."""

    type: str
    config: dict[str, Any]
    name: str | None = None
    inputs: list[str] | None = None


@dataclass
class ModelSpec:
    """The model: input shape (without the batch axis), layers, outputs (default: the last layer)."""

    input_shape: tuple[int, ...]
    layers: list[LayerSpec]
    outputs: list[str] | None = None


@dataclass
class OptimizerSpec:
    """An optimiser by Keras name with its (validated, defaults filled) settings."""

    type: str
    config: dict[str, Any]


@dataclass
class TrainingSpec:
    """Loss (one name, or one per output), optimiser and the loop's settings."""

    loss: str | dict[str, str]
    optimizer: OptimizerSpec
    batch_size: int = 32
    epochs: int = 1
    seed: int = 0
    loss_weights: dict[str, float] | None = None
    targets: dict[str, str] | None = None
    early_stopping: dict[str, Any] | None = None
    #: Keras's learning-rate schedule: its ``type`` and settings (defaults filled; ``initial_learning_rate``
    #: only when given, else the optimizer's rate), or None for a fixed rate
    learning_rate_schedule: dict[str, Any] | None = None


@dataclass
class Preset:
    """A whole preset file."""

    name: str
    description: str
    data: DataSpec
    model: ModelSpec
    training: TrainingSpec
    source: str = "<preset>"
    path: Path | None = field(default=None, compare=False)

    def with_overrides(self, **changes) -> "Preset":
        """A copy with training/data settings replaced (None values are ignored)."""
        t, d = self.training, self.data
        if changes.get("epochs") is not None:
            t = replace(t, epochs=changes["epochs"])
        if changes.get("batch_size") is not None:
            t = replace(t, batch_size=changes["batch_size"])
        if changes.get("seed") is not None:
            t = replace(t, seed=changes["seed"])
        if changes.get("learning_rate") is not None:
            cfg = dict(t.optimizer.config, learning_rate=changes["learning_rate"])
            t = replace(t, optimizer=OptimizerSpec(t.optimizer.type, cfg))
        if changes.get("limit") is not None:
            d = replace(d, limit=changes["limit"])
        return replace(self, training=t, data=d)


# ---------------------------------------------------------------------- validation helpers
def _table(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(path, f"expected a table, got {describe(value)}")
    return value


def _check_keys(table: dict, allowed: tuple[str, ...], path: str) -> None:
    for key in table:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            raise ConfigError(where, f"unknown key (allowed here: {', '.join(allowed)})")


def _field(f: Field, table: dict, path: str):
    try:
        return f.validate(table[f.name]) if f.name in table else (None if f.required else f.default)
    except ConfigError as exc:
        raise exc.within(path) if path else exc


def _name(value, path: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64 or not all(c.isalnum() or c in "_-." for c in value):
        raise ConfigError(path, f"expected a name of letters, digits, '_', '-' or '.', got {describe(value)}")
    return value


def parse_layer(raw, index: int) -> LayerSpec:
    """Validate one ``[[model.layers]]`` table."""
    path = f"model.layers[{index}]"
    raw = _table(raw, path)
    if "type" not in raw:
        raise ConfigError(f"{path}.type", f"missing (one of: {', '.join(LAYER_TYPES)})")
    type_name = raw["type"]
    if not isinstance(type_name, str) or type_name not in LAYER_TYPES:
        raise ConfigError(f"{path}.type", f"unknown layer type {describe(type_name)} (one of: {', '.join(LAYER_TYPES)})")
    config = {k: v for k, v in raw.items() if k not in ("type", "name", "inputs")}
    cls = LAYER_TYPES[type_name]
    try:
        config = validate_config(cls.fields, config, owner=type_name)
    except ConfigError as exc:
        raise exc.within(path) from None
    name = _name(raw["name"], f"{path}.name") if "name" in raw else None
    inputs = None
    if "inputs" in raw:
        value = raw["inputs"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{path}.inputs", f"expected a list of layer names, got {describe(value)}")
        inputs = [_name(v, f"{path}.inputs") for v in value]
    return LayerSpec(type_name, config, name, inputs)


def parse_model(raw) -> ModelSpec:
    """Validate the ``[model]`` table."""
    raw = _table(raw, "model")
    _check_keys(raw, ("input_shape", "layers", "outputs"), "model")
    if "input_shape" not in raw:
        raise ConfigError("model.input_shape", "missing (e.g. input_shape = [784])")
    shape = _field(Field("input_shape", "shape", max_value=1 << 20), raw, "model")
    layers_raw = raw.get("layers", [])
    if not isinstance(layers_raw, list):
        raise ConfigError("model.layers", f"expected an array of tables ([[model.layers]]), got {describe(layers_raw)}")
    if len(layers_raw) > 1000:
        raise ConfigError("model.layers", f"{len(layers_raw)} layers is too many (at most 1000)")
    layers = [parse_layer(item, i) for i, item in enumerate(layers_raw)]
    outputs = None
    if "outputs" in raw:
        value = raw["outputs"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise ConfigError("model.outputs", f"expected a list of layer names, got {describe(value)}")
        outputs = [_name(v, "model.outputs") for v in value]
    return ModelSpec(tuple(shape), layers, outputs)


def _loss_name(value, path: str) -> str:
    if not isinstance(value, str) or ALIASES.get(value, value) not in LOSSES:
        raise ConfigError(path, f"unknown loss {describe(value)} (one of: {', '.join(LOSSES)})")
    return ALIASES.get(value, value)


def parse_optimizer(raw) -> OptimizerSpec:
    """Validate ``optimizer = "rmsprop"`` or ``optimizer = { type = "rmsprop", learning_rate = ... }``."""
    path = "training.optimizer"
    if isinstance(raw, str):
        raw = {"type": raw}
    raw = _table(raw, path)
    kind = raw.get("type")
    if not isinstance(kind, str) or kind.lower() not in OPTIMIZERS:
        raise ConfigError(f"{path}.type", f"unknown optimizer {describe(kind)} (one of: {', '.join(OPTIMIZERS)})")
    cls = OPTIMIZERS[kind.lower()]
    settings = {k: v for k, v in raw.items() if k != "type"}
    try:
        config = validate_config(cls.fields, settings, owner=cls.name)
    except ConfigError as exc:
        raise exc.within(path) from None
    return OptimizerSpec(cls.name, config)


def _per_output(value, path: str, check) -> str | dict:
    if isinstance(value, dict):
        if not value:
            raise ConfigError(path, "expected at least one output name")
        return {_name(k, path): check(v, f"{path}.{k}") for k, v in value.items()}
    return check(value, path)


def _target_rule(value, path):
    if not isinstance(value, str) or value not in TARGET_RULES:
        raise ConfigError(path, f"unknown target rule {describe(value)} (one of: {', '.join(TARGET_RULES)})")
    return value


def parse_training(raw) -> TrainingSpec:
    """Validate the ``[training]`` table."""
    raw = _table(raw, "training")
    _check_keys(raw, ("loss", "optimizer", "batch_size", "epochs", "seed", "loss_weights", "targets",
                      "early_stopping", "learning_rate_schedule"), "training")
    if "loss" not in raw:
        raise ConfigError("training.loss", f"missing (one of: {', '.join(LOSSES)})")
    loss = _per_output(raw["loss"], "training.loss", _loss_name)
    optimizer = parse_optimizer(raw.get("optimizer", "rmsprop"))
    batch = _field(Field("batch_size", "int", 32, min=1, max=MAX_BATCH), raw, "training")
    epochs = _field(Field("epochs", "int", 1, min=1, max=MAX_EPOCHS), raw, "training")
    seed = _field(Field("seed", "int", 0, min=0, max=2**32 - 1, max_value=2**32 - 1), raw, "training")
    weights = None
    if "loss_weights" in raw:
        weights = _table(raw["loss_weights"], "training.loss_weights")
        try:
            weights = {_name(k, "training.loss_weights"): Field(k, "float", min=0.0, max=1e6).validate(v)
                       for k, v in weights.items()}
        except ConfigError as exc:
            raise exc.within("training.loss_weights") from None
    targets = None
    if "targets" in raw:
        table = _table(raw["targets"], "training.targets")
        targets = {_name(k, "training.targets"): _target_rule(v, f"training.targets.{k}") for k, v in table.items()}
    early = None
    if "early_stopping" in raw:
        table = _table(raw["early_stopping"], "training.early_stopping")
        try:
            early = validate_config(EARLY_STOPPING_FIELDS, table, owner="early_stopping")
        except ConfigError as exc:
            raise exc.within("training.early_stopping") from None
    schedule = None
    if "learning_rate_schedule" in raw:
        schedule = parse_schedule(raw["learning_rate_schedule"], optimizer.config["learning_rate"])
    return TrainingSpec(loss, optimizer, batch, epochs, seed, weights, targets, early, schedule)


def parse_schedule(raw, learning_rate: float, path: str = "training.learning_rate_schedule") -> dict[str, Any]:
    """Validate a ``learning_rate_schedule`` table (Keras's type and keys): the type and its settings,
    defaults filled; ``initial_learning_rate`` only when given (else the schedule starts from the
    optimizer's ``learning_rate``). ConfigError naming the key under ``path``."""
    table = _table(raw, path)
    try:
        schedule = create_schedule(table, learning_rate)
    except ConfigError as exc:
        raise exc.within(path) from None
    config = schedule.get_config()
    if "initial_learning_rate" not in table:
        config.pop("initial_learning_rate", None)
    return {"type": schedule.name, **config}


def parse_preset(raw: dict, source: str = "<preset>", path: Path | None = None) -> Preset:
    """Validate a whole preset mapping (as tomllib returns it); raises PresetError naming the field."""
    try:
        raw = _table(raw, "")
        _check_keys(raw, ("name", "description", "data", "model", "training"), "")
        name = raw.get("name", path.stem if path else "untitled")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ConfigError("name", f"expected a short text, got {describe(name)}")
        description = raw.get("description", "")
        if not isinstance(description, str):
            raise ConfigError("description", f"expected a text, got {describe(description)}")
        if "model" not in raw:
            raise ConfigError("model", "missing: a preset needs a [model] table with input_shape and layers")
        if "training" not in raw:
            raise ConfigError("training", "missing: a preset needs a [training] table with at least loss")
        data = parse_data(raw.get("data", {}))
        model = parse_model(raw["model"])
        training = parse_training(raw["training"])
        check_output_names(model, training)
        check_target_rules(training, data)
        _check_monitor(model, training, data)
    except ConfigError as exc:
        raise PresetError(source, exc.field, exc.reason) from None
    return Preset(name, description, data, model, training, source, path)


def check_output_names(model: ModelSpec, training: TrainingSpec) -> None:
    """``model.outputs`` must name layers (given or automatic names, once each); per-output tables outputs."""
    names = automatic_names([ls.type for ls in model.layers], [ls.name for ls in model.layers])
    outputs = model.outputs
    if outputs is None:
        outputs = names[-1:]
    for k, name in enumerate(outputs):
        if name not in names:
            known = ", ".join(names) if names else "none: the model has no layers"
            raise ConfigError("model.outputs", f"{name!r} is not a layer name (layers: {known})")
        if name in outputs[:k]:
            raise ConfigError("model.outputs", f"{name!r} is listed twice")
    for table_name, table in (("loss", training.loss), ("loss_weights", training.loss_weights),
                              ("targets", training.targets)):
        if isinstance(table, dict):
            for key in table:
                if key not in outputs:
                    known = ", ".join(outputs) if outputs else "none: the model has no layers"
                    raise ConfigError(f"training.{table_name}.{key}", f"not a model output (outputs: {known})")
    if isinstance(training.loss, dict) and len(outputs) > 1:
        missing = [o for o in outputs if o not in training.loss]
        if missing:
            raise ConfigError("training.loss", f"no loss for output(s) {', '.join(missing)}")


def check_target_rules(training: TrainingSpec, data: DataSpec) -> None:
    """The digit rules (parity, ...) only for MNIST; every other set's targets are its labels."""
    for output, rule in (training.targets or {}).items():
        problem = rule_problem(rule, data.dataset)
        if problem:
            raise ConfigError(f"training.targets.{output}", problem)


def _check_monitor(model: ModelSpec, training: TrainingSpec, data: DataSpec) -> None:
    """Early stopping must watch a value the run logs (val_* only with a validation split)."""
    if training.early_stopping is None:
        return
    monitor = training.early_stopping["monitor"]
    outputs = model.outputs or []
    names = ["loss", "accuracy"] if len(outputs) <= 1 else ["loss"] + [f"{o}_{m}" for o in outputs
                                                                     for m in ("loss", "accuracy")]
    known = names + [f"val_{n}" for n in names]
    field = "training.early_stopping.monitor"
    if monitor not in known:
        raise ConfigError(field, f"{monitor!r} is not logged by this model (one of: {', '.join(known)})")
    if monitor.startswith("val_") and not data.validation_split:
        raise ConfigError(field, f"{monitor!r} needs a validation set: set data.validation_split, e.g. 0.1")
