"""An edit of the preset being edited: a small value that the editing functions return.

Every editing function (:mod:`.layer_edits`, :mod:`.graph_edits`, :mod:`.settings_edits`) first
validates its values against the current preset (raising ConfigError or IndexError, changing
nothing) and then returns an :class:`Edit`: what undo calls it, the change as a function that
updates a copy of the preset, and the layer the cursor goes to. Only
:meth:`~nntui.preset.document.PresetDocument.apply` applies it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

from .preset import Preset
from .preset_graph import follow_default_output


def content(p: Preset) -> tuple:
    """What makes two presets the same preset (not where they came from)."""
    return (p.name, p.description, p.data, p.model, p.training)


@dataclass(frozen=True)
class Edit:
    """One validated change: its undo label, ``change`` (updates the preset it is given) and ``focus``."""

    label: str
    change: Callable[[Preset], None]
    focus: int | None = None

    def applied_to(self, preset: Preset) -> Preset | None:
        """A new preset: ``preset`` after this edit (per-output tables following a shifted last layer),
        or None when the edit changes nothing."""
        new = copy.deepcopy(preset)
        self.change(new)
        follow_default_output(preset, new)
        return None if content(new) == content(preset) else new
