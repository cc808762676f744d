"""Undo and redo for the preset being edited: every change as a labelled snapshot.

:class:`EditHistory` holds the two stacks of :class:`Step` (the preset before a change, the change's
label and the layer it touched); :class:`~nntui.preset.document.PresetDocument` records a step for
every edit it applies and swaps its preset with the step's when undoing or redoing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .preset import Preset


@dataclass(frozen=True)
class Step:
    """A preset to go back (or forward) to, the label of the change between, and the layer it touched."""

    label: str
    state: Preset
    focus: int | None = None


class EditHistory:
    """The undo and redo stacks (at most ``limit`` undo steps; a new change clears redo)."""

    def __init__(self, limit: int = 500):
        self.limit = limit
        self._undo: list[Step] = []
        self._redo: list[Step] = []

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

    def record(self, label: str, before: Preset, focus: int | None) -> None:
        """A change labelled ``label`` was made to ``before``."""
        self._undo.append(Step(label, before, focus))
        if len(self._undo) > self.limit:
            del self._undo[0]
        self._redo.clear()

    def undo(self, current: Preset) -> Step | None:
        """The step to go back to (``current`` becomes redoable), or None when there is none."""
        return self._swap(self._undo, self._redo, current)

    def redo(self, current: Preset) -> Step | None:
        """The step to go forward to (``current`` becomes undoable), or None when there is none."""
        return self._swap(self._redo, self._undo, current)

    @staticmethod
    def _swap(source: list[Step], target: list[Step], current: Preset) -> Step | None:
        if not source:
            return None
        step = source.pop()
        target.append(Step(step.label, current, step.focus))
        return step
