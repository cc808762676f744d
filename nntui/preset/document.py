"""The preset being edited: one place for the builder's state, its operations and their history.

A :class:`PresetDocument` holds the current :class:`~nntui.preset.preset.Preset` (its layers, input
shape and training settings). Every change goes through one of its operations, which validates
the new values with the same :class:`~nntui.engine.config.Field` rules the preset loader uses,
records a snapshot for undo and bumps :attr:`PresetDocument.revision`. Faces (the Textual app)
observe the revision and re-render; they never mutate the preset themselves.

:meth:`PresetDocument.check` asks the model (``build_model`` + ``full_check``) whether the layers
fit, and caches the answer per revision. Nothing here imports textual.

The operations live in mixins, one module each: :mod:`.edit_history` (undo/redo),
:mod:`.layer_operations`, :mod:`.graph_operations` (branches, merges, outputs) and
:mod:`.settings_operations` (loss, targets, optimiser, training, early stopping, checkpoint). The
Fields and name helpers are in :mod:`.edit_fields`, the graph questions in :mod:`.preset_graph` and
the check result in :mod:`.model_check`; every public name is importable from here as before.
"""

from __future__ import annotations

import copy
from math import prod
from pathlib import Path

from ..engine.layers.base import snake_case
from ..engine.model import INPUT, ShapeReport
from .build import build_model, full_check
from .edit_fields import MAX_LAYERS, NAME_FIELD  # noqa: F401 (importable from here as before)
from .edit_history import EditHistory, _Entry
from .graph_operations import GraphOperations
from .layer_operations import LayerOperations
from .model_check import CheckResult, settings_problem
from .preset import LayerSpec, Preset
from .preset_graph import layer_names, output_names, resolved_inputs
from .settings_operations import SettingsOperations

MNIST_VALUES = 28 * 28


class PresetDocument(EditHistory, LayerOperations, GraphOperations, SettingsOperations):
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


__all__ = ["PresetDocument"]
