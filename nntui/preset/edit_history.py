"""Undo and redo for the preset being edited: every change as a labelled snapshot.

:class:`EditHistory` is a mixin of :class:`~nntui.preset.document.PresetDocument`. It expects the
host to set ``_preset``, ``_undo``, ``_redo``, ``_history_limit``, ``revision`` and ``last_focus``
(see ``PresetDocument.__init__``). Every operation goes through :meth:`EditHistory._change`, which
applies the edit to a copy, records the old preset for undo and bumps the revision.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable

from .preset import Preset
from .preset_graph import _follow_default_output


@dataclass
class _Entry:
    label: str
    state: Preset
    focus: int | None = None


class EditHistory:
    """Undo/redo of a :class:`PresetDocument` (a mixin; the document owns the state)."""

    @staticmethod
    def _key(p: Preset):
        return (p.name, p.description, p.data, p.model, p.training)

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
