"""The preset being edited: one place for the builder's state, its history and the edits applied to it.

A :class:`PresetDocument` holds the current :class:`~nntui.preset.preset.Preset` (its layers, input
shape and training settings), the undo history and the run options that are not part of the preset
(the checkpoint folder). Every change is an :class:`~nntui.preset.edit.Edit`, made by a plain
function that validates first (:mod:`.layer_edits`, :mod:`.graph_edits`, :mod:`.settings_edits`,
with the same :class:`~nntui.engine.config.Field` rules the preset loader uses) and applied by
:meth:`PresetDocument.apply`, which records it for undo and bumps :attr:`PresetDocument.revision`.
The methods named after the edits (``insert_layer``, ``set_loss``, ...) do both in one call. Faces
(the Textual app) observe the revision and re-render; they never mutate the preset themselves.

:meth:`PresetDocument.check` asks the model (:func:`~.model_check.check_preset`) whether the layers
fit, and caches the answer per revision. Nothing here imports textual.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import graph_edits, layer_edits, settings_edits
from .edit import Edit, content
from .edit_history import EditHistory
from .fixes import FixReport, find_fixes
from .model_check import CheckResult, check_preset
from .preset import LayerSpec, Preset
from .preset_graph import fresh_name, layer_names, merge_defaults, open_ends, output_names, resolved_inputs

UNTITLED = "untitled"


def untitled_preset(preset: Preset) -> Preset:
    """A new, empty model named ``untitled`` with no description and no file: ``preset``'s input shape,
    data and training settings stay (one loss again where it had one per output)."""
    new = layer_edits.clear_layers(preset).applied_to(preset) or copy.deepcopy(preset)
    training = new.training
    loss = training.loss
    if isinstance(loss, dict):
        training = replace(training, loss=next(iter(loss.values()), "categorical_crossentropy"),
                           loss_weights=None, targets=None)
    return replace(new, name=UNTITLED, description="", training=training, source=f"<{UNTITLED}>", path=None)


class PresetDocument:
    """The preset being edited, with validated edits, undo/redo and a dirty flag.

    Treat :attr:`preset` as read-only: change it through :meth:`apply` or the methods named after the
    edits. Each of those returns what a face needs to place its cursor (usually the index of the
    affected layer) or whether anything changed; an edit that changes nothing records nothing.
    Invalid values raise :class:`ConfigError` and change nothing.
    """

    def __init__(self, preset: Preset, *, path: Path | None = None, builtin: bool = False,
                 history_limit: int = 500):
        self._preset = copy.deepcopy(preset)
        self.path: Path | None = path if path is not None else preset.path
        #: Whether the preset came from a shipped file (never saved over without a new path).
        self.builtin = builtin
        self._history = EditHistory(history_limit)
        self._saved = content(self._preset)
        self.revision = 0
        self.last_focus: int | None = None  # the layer the last change (or undo/redo) touched
        self._check: tuple[int, CheckResult] | None = None
        self._fixes: tuple[int, FixReport] | None = None
        #: Folder a run writes its checkpoint into after each epoch (None: none). Like the CLI's
        #: --checkpoint it is a run option, not part of the preset file, and not in the undo history.
        self.checkpoint_dir: str | None = None

    # ------------------------------------------------------------------ state
    @property
    def preset(self) -> Preset:
        """The current preset (do not mutate; use the edits)."""
        return self._preset

    @property
    def layers(self) -> list[LayerSpec]:
        """The current layer specs (read-only)."""
        return self._preset.model.layers

    def snapshot(self) -> Preset:
        """A deep copy of the current preset (for training or saving while editing goes on)."""
        return copy.deepcopy(self._preset)

    @property
    def dirty(self) -> bool:
        """Whether the preset differs from what was loaded or last saved."""
        return content(self._preset) != self._saved

    def mark_saved(self, path: Path | None = None) -> None:
        """Record that the current preset is what is on disk (at ``path``)."""
        self._saved = content(self._preset)
        if path is not None:
            self.path = Path(path)
            self.builtin = False
            self._preset.path = Path(path)
            self._preset.source = str(path)

    # ------------------------------------------------------------------ applying edits, history
    def apply(self, edit: Edit | None) -> bool:
        """Make a validated edit (None: nothing to do) one undo step; False, recording nothing, when it
        changes nothing."""
        new = edit.applied_to(self._preset) if edit is not None else None
        if new is None:
            return False
        self._history.record(edit.label, self._preset, edit.focus)
        self._preset = new
        self._bump(edit.focus)
        return True

    def _bump(self, focus: int | None) -> None:
        self.revision += 1
        self.last_focus = focus

    @property
    def can_undo(self) -> bool:
        """Whether there is a change to undo."""
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone change to redo."""
        return self._history.can_redo

    @property
    def undo_label(self) -> str | None:
        """What undo would revert, e.g. 'delete Dense'."""
        return self._history.undo_label

    @property
    def redo_label(self) -> str | None:
        """What redo would re-apply."""
        return self._history.redo_label

    def undo(self) -> bool:
        """Revert the last change; False when there is none."""
        return self._go_to(self._history.undo(self._preset))

    def redo(self) -> bool:
        """Re-apply the last undone change; False when there is none."""
        return self._go_to(self._history.redo(self._preset))

    def _go_to(self, step) -> bool:
        if step is None:
            return False
        self._preset = step.state
        self._bump(step.focus)
        return True

    # ------------------------------------------------------------------ reading the graph
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
        return resolved_inputs(self._preset)[layer_edits.check_index(self._preset, index)]

    @property
    def outputs(self) -> list[str]:
        """The model's outputs (the last layer unless set)."""
        return output_names(self._preset)

    def open_ends(self) -> list[int]:
        """Layers that no layer reads and that are not outputs: the loose ends of branches."""
        return open_ends(self._preset)

    def fresh_name(self, type_name: str) -> str:
        """A name for a new layer of this type that no layer has: dense, dense_1, ..."""
        return fresh_name(self._preset, type_name)

    def merge_defaults(self, index: int | None) -> list[str]:
        """What a merge added under layer ``index`` (None: the input row) joins by default."""
        return merge_defaults(self._preset, index)

    def training_value(self, key: str):
        """The current value of one of TRAINING_FIELDS."""
        return settings_edits.training_value(self._preset, key)

    # ------------------------------------------------------------------ the edits, one call each
    validate_layer = staticmethod(layer_edits.validate_layer)

    def insert_layer(self, index: int, type_name: str, config: dict | None = None, *,
                     name: str | None = None, inputs: list[str] | None = None) -> int:
        """Insert a layer so that it becomes layer ``index`` (clamped to the stack); returns its index."""
        return self._focus(layer_edits.insert_layer(self._preset, index, type_name, config, name=name, inputs=inputs))

    def delete_layer(self, index: int) -> int | None:
        """Remove layer ``index``; returns the index the cursor should go to (None if no layers remain)."""
        return self._focus(layer_edits.delete_layer(self._preset, index))

    def move_layer(self, index: int, delta: int) -> int:
        """Move layer ``index`` by ``delta`` places (clamped); returns its new index."""
        return self._focus(layer_edits.move_layer(self._preset, index, delta))

    def duplicate_layer(self, index: int) -> int:
        """Insert a copy of layer ``index`` right below it; returns the copy's index."""
        return self._focus(layer_edits.duplicate_layer(self._preset, index))

    def update_layer(self, index: int, config: dict | None = None, *, name: Any = ..., inputs: Any = ...) -> bool:
        """Replace layer ``index``'s settings and optionally its name/inputs; whether anything changed."""
        return self.apply(layer_edits.update_layer(self._preset, index, config, name=name, inputs=inputs))

    def update_layer_config(self, index: int, config: dict) -> bool:
        """Replace layer ``index``'s settings (validated); returns whether anything changed."""
        return self.update_layer(index, config)

    def clear_layers(self) -> bool:
        """Remove every layer (input shape and training settings stay)."""
        return self.apply(layer_edits.clear_layers(self._preset))

    def add_branch(self, source: int | None, type_name: str, config: dict | None = None, *,
                   name: str | None = None, inputs: list[str] | None = None) -> int:
        """A new layer that reads layer ``source`` (None: the input), right below it; returns its index."""
        return self._focus(graph_edits.add_branch(self._preset, source, type_name, config, name=name, inputs=inputs))

    def add_merge(self, after: int | None, type_name: str, inputs: list[str], config: dict | None = None, *,
                  name: str | None = None) -> int:
        """A merge layer that joins ``inputs``, below the last of them; returns its index."""
        return self._focus(graph_edits.add_merge(self._preset, after, type_name, inputs, config, name=name))

    def set_outputs(self, outputs: list[str]) -> bool:
        """Set the model's outputs (layer names, in order); the per-output loss, target and weight follow."""
        return self.apply(graph_edits.set_outputs(self._preset, outputs, self.check()))

    def toggle_output(self, index: int) -> bool:
        """Make layer ``index`` an output too, or no longer one (the last output cannot go)."""
        return self.apply(graph_edits.toggle_output(self._preset, index, self.check()))

    def set_target(self, output: str | None, rule: str) -> bool:
        """How ``output``'s target comes from the label (None: the only output)."""
        return self.apply(settings_edits.set_target(self._preset, output, rule))

    def set_loss_weight(self, output: str, weight) -> bool:
        """The weight of ``output``'s loss in the total (None or 1.0: the default)."""
        return self.apply(settings_edits.set_loss_weight(self._preset, output, weight))

    def set_input_shape(self, shape) -> bool:
        """Set the input shape (without the batch axis), e.g. (28, 28, 1)."""
        return self.apply(settings_edits.set_input_shape(self._preset, shape))

    def set_loss(self, name: str, output: str | None = None) -> bool:
        """Set the loss (Keras name; ``mse``/``mae`` accepted), for one output of a multi-output model."""
        return self.apply(settings_edits.set_loss(self._preset, name, output))

    def set_optimizer(self, type_name: str, config: dict | None = None) -> bool:
        """Set the optimiser and its settings (validated; missing ones take the defaults)."""
        return self.apply(settings_edits.set_optimizer(self._preset, type_name, config))

    def set_training(self, **values) -> bool:
        """Set batch_size, epochs, seed, validation_split and/or limit (validated)."""
        return self.apply(settings_edits.set_training(self._preset, **values))

    def set_dataset(self, dataset: str) -> bool:
        """Train on another data set: its own settings at their defaults, the input shape following
        its samples when they do not fit, MNIST's digit rules replaced by the label elsewhere."""
        return self.apply(settings_edits.set_dataset(self._preset, dataset))

    def set_data(self, **values) -> bool:
        """Set the data set's own settings (path, samples, noise, ...; validated)."""
        return self.apply(settings_edits.set_data(self._preset, **values))

    def data_sizes(self):
        """The data set's sizes as far as they are known (the check's, cached per revision)."""
        return self.check().sizes

    def set_name(self, name: str) -> bool:
        """Rename the preset."""
        return self.apply(settings_edits.set_name(self._preset, name))

    def set_description(self, description: str) -> bool:
        """Describe the preset in a line (empty: none)."""
        return self.apply(settings_edits.set_description(self._preset, description))

    def set_early_stopping(self, config: dict | None) -> bool:
        """Turn early stopping on with these settings (validated, defaults filled) or off (None)."""
        return self.apply(settings_edits.set_early_stopping(self._preset, config))

    def set_learning_rate_schedule(self, config: dict | None) -> bool:
        """Schedule the learning rate (Keras's type and keys, validated) or use the fixed rate (None)."""
        return self.apply(settings_edits.set_learning_rate_schedule(self._preset, config))

    def set_checkpoint_dir(self, folder: str | None) -> bool:
        """Where runs write a checkpoint after each epoch (None or empty: nowhere). Not undoable: a run
        option like the CLI's --checkpoint, not part of the preset."""
        value = settings_edits.checkpoint_folder(folder)
        if value == self.checkpoint_dir:
            return False
        self.checkpoint_dir = value
        self.revision += 1
        return True

    def _focus(self, edit: Edit) -> int | None:
        self.apply(edit)
        return edit.focus

    # ------------------------------------------------------------------ what the model says
    def check(self) -> CheckResult:
        """Shapes and loss-vs-output of the current preset (cached per revision)."""
        if self._check is not None and self._check[0] == self.revision:
            return self._check[1]
        result = self._compute_check()
        self._check = (self.revision, result)
        return result

    def _compute_check(self) -> CheckResult:
        return check_preset(self._preset)

    def fixes(self) -> FixReport:
        """The first misfit and the fixes known for it, each previewed (cached per revision)."""
        if self._fixes is not None and self._fixes[0] == self.revision:
            return self._fixes[1]
        report = find_fixes(self._preset, self.check())
        self._fixes = (self.revision, report)
        return report


__all__ = ["PresetDocument"]
