"""The errors of preset handling and of setting up a run: one line each, naming the file (and the field)."""

from __future__ import annotations


class PresetError(ValueError):
    """A preset cannot be used. ``str(e)`` is one line: ``<file>: <field>: <reason>``."""

    def __init__(self, source: str, field: str, reason: str):
        self.source = source
        self.field = field
        self.reason = " ".join(str(reason).split())  # one line, whatever the cause said
        parts = [source] + ([field] if field else []) + [self.reason]
        super().__init__(": ".join(parts))


class RunError(ValueError):
    """A run cannot start as asked. ``str(e)`` is one line naming the file or folder.

    ``report`` is the model's ShapeReport when the cause is that the model does not fit together
    (a face may word that case itself), else None.
    """

    def __init__(self, message: str, report=None):
        self.report = report
        super().__init__(message)
