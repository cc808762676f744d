"""The training settings of the preset being edited: per-output target and loss weight, input shape,
loss, optimiser, batch size and the like, the name and early stopping; and the checkpoint folder.

Each setter validates with the same Fields the loader uses, then returns the
:class:`~nntui.preset.edit.Edit` that makes the change (None when there is nothing to change). The
checkpoint folder is a run option outside the preset and its undo history: :func:`checkpoint_folder`
only validates it.
"""

from __future__ import annotations

import copy
from pathlib import Path

from ..engine.config import ConfigError, describe, validate_config
from ..engine.early_stopping import FIELDS as EARLY_STOPPING_FIELDS
from ..engine.losses import ALIASES, LOSSES
from ..engine.optimizers import OPTIMIZERS
from .edit import Edit
from .edit_fields import CHECKPOINT_FIELD, INPUT_SHAPE_FIELD, LOSS_WEIGHT_FIELD, TRAINING_FIELDS
from .model_check import early_stopping_problem
from .preset import OptimizerSpec, Preset
from .preset_graph import output_names, pin_name
from .targets import TARGET_RULES

DATA_KEYS = ("validation_split", "limit")  # the TRAINING_FIELDS kept in [data]


def set_target(p: Preset, output: str | None, rule: str) -> Edit | None:
    """How ``output``'s target comes from the digit label (None: the only output)."""
    if not isinstance(rule, str) or rule not in TARGET_RULES:
        raise ConfigError("targets", f"unknown target rule {describe(rule)} (one of: {', '.join(TARGET_RULES)})")
    outputs = output_names(p)
    output = outputs[0] if output is None and outputs else output
    if output not in outputs:
        raise ConfigError("targets", f"{output!r} is not an output (outputs: {', '.join(outputs)})")
    if (p.training.targets or {}).get(output, "digit") == rule:
        return None

    def update(new: Preset) -> None:
        new.training.targets = dict(new.training.targets or {}, **{output: rule})
        if new.model.outputs is not None:
            pin_name(new, output)
    return Edit(f"set the target of {output} to {rule}", update)


def set_loss_weight(p: Preset, output: str, weight) -> Edit:
    """The weight of ``output``'s loss in the total (None or 1.0: the default)."""
    outputs = output_names(p)
    if output not in outputs:
        raise ConfigError("loss_weights", f"{output!r} is not an output (outputs: {', '.join(outputs)})")
    value = None if weight is None else LOSS_WEIGHT_FIELD.validate(weight)

    def update(new: Preset) -> None:
        table = dict(new.training.loss_weights or {})
        if value is None:
            table.pop(output, None)
        else:
            table[output] = value
        new.training.loss_weights = table or None
    return Edit(f"set the loss weight of {output}", update)


def set_input_shape(p: Preset, shape) -> Edit:
    """Set the input shape (without the batch axis), e.g. (28, 28, 1)."""
    value = tuple(INPUT_SHAPE_FIELD.validate(list(shape) if isinstance(shape, tuple) else shape))

    def update(new: Preset) -> None:
        new.model.input_shape = value
    return Edit("change the input shape", update)


def set_loss(p: Preset, name: str, output: str | None = None) -> Edit:
    """Set the loss (Keras name; ``mse``/``mae`` accepted), for one output of a multi-output model."""
    if not isinstance(name, str) or ALIASES.get(name, name) not in LOSSES:
        raise ConfigError("loss", f"unknown loss {describe(name)} (one of: {', '.join(LOSSES)})")
    name = ALIASES.get(name, name)
    current = p.training.loss

    def update(new: Preset) -> None:
        if isinstance(current, dict):
            keys = [output] if output is not None else list(current)
            loss = dict(current)
            for key in keys:
                loss[key] = name
            new.training.loss = loss
        else:
            new.training.loss = name
    return Edit(f"set the loss to {name}", update)


def set_optimizer(p: Preset, type_name: str, config: dict | None = None) -> Edit:
    """Set the optimiser and its settings (validated; missing ones take the defaults)."""
    if not isinstance(type_name, str) or type_name.lower() not in OPTIMIZERS:
        raise ConfigError("optimizer", f"unknown optimizer {describe(type_name)} "
                                       f"(one of: {', '.join(OPTIMIZERS)})")
    cls = OPTIMIZERS[type_name.lower()]
    full = validate_config(cls.fields, dict(config or {}), owner=cls.name)
    spec = OptimizerSpec(cls.name, full)

    def update(new: Preset) -> None:
        new.training.optimizer = spec
    label = f"set the optimizer to {cls.name}" if cls.name != p.training.optimizer.type \
        else f"change {cls.name}'s settings"
    return Edit(label, update)


def set_training(p: Preset, **values) -> Edit:
    """Set batch_size, epochs, seed, validation_split and/or limit (validated)."""
    checked = {}
    for key, value in values.items():
        if key not in TRAINING_FIELDS:
            raise ConfigError(key, f"unknown training setting (one of: {', '.join(TRAINING_FIELDS)})")
        checked[key] = TRAINING_FIELDS[key].validate(value)

    def update(new: Preset) -> None:
        for key, value in checked.items():
            setattr(new.data if key in DATA_KEYS else new.training, key, value)
    return Edit("change " + ", ".join(k.replace("_", " ") for k in checked), update)


def training_value(p: Preset, key: str):
    """The current value of one of TRAINING_FIELDS."""
    return getattr(p.data if key in DATA_KEYS else p.training, key)


def set_name(p: Preset, name: str) -> Edit:
    """Rename the preset."""
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ConfigError("name", f"expected a short text, got {describe(name)}")

    def update(new: Preset) -> None:
        new.name = name.strip()
    return Edit("rename the preset", update)


def set_description(p: Preset, description: str) -> Edit:
    """Describe the preset in a line (empty: no description)."""
    if not isinstance(description, str) or len(description) > 500 or "\n" in description:
        raise ConfigError("description", f"expected one line of text, got {describe(description)}")

    def update(new: Preset) -> None:
        new.description = description.strip()
    return Edit("describe the preset", update)


def set_early_stopping(p: Preset, config: dict | None) -> Edit:
    """Turn early stopping on with these settings (validated, defaults filled) or off (None).

    The monitor must be a value this model logs, and a ``val_*`` one needs a validation split.
    """
    full = None
    if config is not None:
        full = validate_config(EARLY_STOPPING_FIELDS, dict(config), owner="early_stopping")
        trial = copy.deepcopy(p)
        trial.training.early_stopping = full
        problem = early_stopping_problem(trial)
        if problem is not None:
            raise ConfigError("monitor", problem)

    def update(new: Preset) -> None:
        new.training.early_stopping = full
    if full is None:
        label = "turn early stopping off"
    else:
        label = "turn early stopping on" if p.training.early_stopping is None else "change early stopping"
    return Edit(label, update)


def checkpoint_folder(folder: str | None) -> str | None:
    """The folder runs write a checkpoint into after each epoch (None or empty: nowhere), validated."""
    value = CHECKPOINT_FIELD.validate(folder.strip() if isinstance(folder, str) else folder)
    value = value or None
    if value is not None and Path(value).expanduser().is_file():
        raise ConfigError("checkpoint", f"{value} is a file; a checkpoint needs a folder")
    return value


__all__ = ["checkpoint_folder", "set_early_stopping", "set_input_shape", "set_loss", "set_loss_weight", "set_name",
           "set_description",
           "set_optimizer", "set_target", "set_training", "training_value"]
