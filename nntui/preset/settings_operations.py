"""The training settings of the preset being edited: per-output target and loss weight, input shape,
loss, optimiser, batch size and the like, the name, early stopping and the checkpoint folder.

:class:`SettingsOperations` is a mixin of :class:`~nntui.preset.document.PresetDocument`: each
setter validates with the same Fields the loader uses, then goes through the history's ``_change``
(except the checkpoint folder, a run option outside the preset and its undo history).
"""

from __future__ import annotations

import copy
from pathlib import Path

from ..engine.config import ConfigError, describe, validate_config
from ..engine.early_stopping import FIELDS as EARLY_STOPPING_FIELDS
from ..engine.losses import ALIASES, LOSSES
from ..engine.optimizers import OPTIMIZERS
from .edit_fields import CHECKPOINT_FIELD, INPUT_SHAPE_FIELD, LOSS_WEIGHT_FIELD, TRAINING_FIELDS
from .model_check import early_stopping_problem
from .preset import OptimizerSpec, Preset
from .preset_graph import _pin_name
from .targets import TARGET_RULES


class SettingsOperations:
    """Training and run settings of a :class:`PresetDocument` (a mixin; the document owns the state)."""

    # ------------------------------------------------------------------ per-output target and loss weight
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
