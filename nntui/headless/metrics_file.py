"""The ``--metrics-out`` file: the run's metrics records as JSON lines, written so nothing is half-saved."""

from __future__ import annotations

import os
from pathlib import Path

from ..preset.records import event_record, record_line


class MetricsWriter:
    """Appends records to ``<file>.partial`` (flushed per line) and renames it over ``<file>`` on close.

    A file that existed before stays intact until the run ends; every line on disk is complete.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self._fh = open(self.partial, "w", encoding="utf-8")

    def write(self, event) -> None:
        """Record ``event`` if it is one worth keeping."""
        record = event_record(event)
        if record is not None:
            self._fh.write(record_line(record))
            self._fh.flush()

    def close(self) -> None:
        """Finish the file: fsync, then atomically put it in place."""
        if self._fh.closed:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self.partial, self.path)
