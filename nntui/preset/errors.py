"""The one error type of preset handling: it names the file and the field."""

from __future__ import annotations


class PresetError(ValueError):
    """A preset cannot be used. ``str(e)`` is one line: ``<file>: <field>: <reason>``."""

    def __init__(self, source: str, field: str, reason: str):
        self.source = source
        self.field = field
        self.reason = " ".join(str(reason).split())  # one line, whatever the cause said
        parts = [source] + ([field] if field else []) + [self.reason]
        super().__init__(": ".join(parts))
