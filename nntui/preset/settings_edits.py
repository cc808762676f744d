"""The training settings of the preset being edited: per-output target and loss weight, input shape,
loss, optimiser, batch size and the like, the data set and its settings, the name and early stopping;
and the checkpoint folder.

Each setter validates with the same Fields the loader uses, then returns the
:class:`~nntui.preset.edit.Edit` that makes the change (None when there is nothing to change). The
checkpoint folder is a run option outside the preset and its undo history: :func:`checkpoint_folder`
only validates it.
"""

from __future__ import annotations

import copy
import math
from math import prod
from pathlib import Path

from ..engine.config import ConfigError, describe, validate_config
from ..engine.early_stopping import FIELDS as EARLY_STOPPING_FIELDS
from ..engine.losses import ALIASES, LOSSES
from ..engine.optimizers import OPTIMIZERS
from .data_source import data_sizes, natural_shape
from .data_spec import DATA_FIELDS, data_key_error, validate_data_value
from .edit import Edit
from .edit_fields import CHECKPOINT_FIELD, INPUT_SHAPE_FIELD, LOSS_WEIGHT_FIELD, TRAINING_FIELDS
from .model_check import early_stopping_problem
from .preset import OptimizerSpec, Preset, parse_schedule
from .preset_graph import output_names, pin_name
from .targets import TARGET_RULES, default_rule, rule_problem

DATA_KEYS = ("validation_split", "limit")  # the TRAINING_FIELDS kept in [data]


def set_target(p: Preset, output: str | None, rule: str) -> Edit | None:
    """How ``output``'s target comes from the label (None: the only output); MNIST's digit rules on MNIST only."""
    if not isinstance(rule, str) or rule not in TARGET_RULES:
        raise ConfigError("targets", f"unknown target rule {describe(rule)} (one of: {', '.join(TARGET_RULES)})")
    problem = rule_problem(rule, p.data.dataset)
    if problem:
        raise ConfigError("targets", problem)
    outputs = output_names(p)
    output = outputs[0] if output is None and outputs else output
    if output not in outputs:
        raise ConfigError("targets", f"{output!r} is not an output (outputs: {', '.join(outputs)})")
    if (p.training.targets or {}).get(output, default_rule(p.data.dataset)) == rule:
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


def set_dataset(p: Preset, dataset: str) -> Edit | None:
    """Train on another data set (None: it is the current one). Its own settings start at their
    defaults (kept where both sets have them); the input shape follows the new samples when it cannot
    hold them; targets by MNIST's digit rules become the label on other sets."""
    dataset = validate_data_value("dataset", dataset)
    if dataset == p.data.dataset:
        return None

    def update(new: Preset) -> None:
        new.data = new.data.switched_to(dataset)
        if new.training.targets:
            kept = {k: v for k, v in new.training.targets.items() if not rule_problem(v, dataset)}
            new.training.targets = kept or None
        follow_samples(new)
    return Edit(f"train on {dataset}", update)


def set_data(p: Preset, **values) -> Edit:
    """Set the data set's own settings (path, test_path, label_column, test_split, samples, test_samples,
    noise, seed), validated; keys of other data sets are refused. The input shape follows the samples
    when it cannot hold them (a new file)."""
    checked = {}
    for key, value in values.items():
        if key not in DATA_FIELDS or key == "dataset":
            raise ConfigError(key, f"unknown data setting (one of: {', '.join(p.data.keys()[1:])})")
        problem = data_key_error(p.data.dataset, key)
        if problem:
            raise ConfigError(key, problem)
        checked[key] = validate_data_value(key, value.strip() or None if isinstance(value, str) else value)

    def update(new: Preset) -> None:
        for key, value in checked.items():
            setattr(new.data, key, value)
        if new.data.test_path is not None:
            new.data.test_split = DATA_FIELDS["test_split"].default
        follow_samples(new)
    return Edit("change " + ", ".join(k.replace("_", " ") for k in checked), update)


def follow_samples(p: Preset) -> None:
    """Give the model's input the data set's flat sample shape when the current one cannot hold a sample."""
    shape = natural_shape(data_sizes(p))
    if shape is not None and prod(shape) != prod(p.model.input_shape):
        p.model.input_shape = shape


def data_value(p: Preset, key: str):
    """The current value of one of the [data] settings."""
    return getattr(p.data, key)


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


def set_learning_rate_schedule(p: Preset, config: dict | None) -> Edit | None:
    """Set the learning-rate schedule (Keras's ``type`` and keys, validated; defaults filled;
    ``initial_learning_rate`` left out: the optimizer's rate) or turn it off (None). ConfigError naming
    the key; None when it is already so."""
    full = None
    if config is not None:
        try:
            full = parse_schedule(dict(config), p.training.optimizer.config["learning_rate"], path="")
        except ConfigError as exc:
            raise ConfigError(exc.field.lstrip("."), exc.reason) from None
    if full == p.training.learning_rate_schedule:
        return None

    def update(new: Preset) -> None:
        new.training.learning_rate_schedule = full
    if full is None:
        label = "turn the learning-rate schedule off"
    elif p.training.learning_rate_schedule is None or p.training.learning_rate_schedule["type"] != full["type"]:
        label = f"schedule the learning rate with {full['type']}"
    else:
        label = f"change {full['type']}'s settings"
    return Edit(label, update)


def steps_per_epoch(p: Preset) -> int:
    """Optimizer steps in one epoch of ``p`` on its data set (its limit and validation split; MNIST's
    60,000 training images while the data set's size is not known)."""
    n = data_sizes(p).train or 60_000
    n = min(p.data.limit or n, n)
    n -= int(n * p.data.validation_split)
    return max(1, math.ceil(n / p.training.batch_size))


def starter_schedule(p: Preset, type_name: str) -> dict:
    """Settings a newly chosen schedule starts from, fitted to the run: ExponentialDecay multiplies the
    rate by 0.9 each epoch; CosineDecay decays over the whole run; PiecewiseConstantDecay divides it by
    10 halfway."""
    steps = steps_per_epoch(p)
    total = steps * p.training.epochs
    lr = p.training.optimizer.config["learning_rate"]
    if type_name == "ExponentialDecay":
        return {"type": type_name, "decay_steps": steps, "decay_rate": 0.9}
    if type_name == "CosineDecay":
        return {"type": type_name, "decay_steps": total}
    return {"type": type_name, "boundaries": [max(1, total // 2)], "values": [lr, lr / 10]}


def checkpoint_folder(folder: str | None) -> str | None:
    """The folder runs write a checkpoint into after each epoch (None or empty: nowhere), validated."""
    value = CHECKPOINT_FIELD.validate(folder.strip() if isinstance(folder, str) else folder)
    value = value or None
    if value is not None and Path(value).expanduser().is_file():
        raise ConfigError("checkpoint", f"{value} is a file; a checkpoint needs a folder")
    return value


__all__ = ["checkpoint_folder", "data_value", "follow_samples", "set_data", "set_dataset", "set_early_stopping",
           "set_input_shape", "set_learning_rate_schedule", "set_loss", "set_loss_weight", "set_name", "set_description",
           "set_optimizer",
           "set_target", "set_training", "starter_schedule", "steps_per_epoch", "training_value"]
