"""The ``--metrics-out`` file: the run's metrics records as JSON lines, each on disk as it happens.

Like Keras's ``CSVLogger``, the file can be followed while the run goes (``tail -f run.jsonl``):
every record is one complete line, written with a single ``write`` call on an unbuffered file and
synced, so whatever stops the process (Ctrl+C, ``kill``, ``kill -9``, a crash) leaves only whole
JSON objects on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..preset.outputs import OutputError
from ..preset.records import event_record, record_line


class MetricsWriter:
    """Writes records to ``path`` (created, or emptied if it exists), one synced line per record."""

    def __init__(self, path: str | os.PathLike, label: str = "--metrics-out"):
        self.path = Path(path)
        self.label = label
        try:
            self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o666)
        except OSError as exc:
            raise OutputError(f"{label} {self.path}: cannot write the file ({exc.strerror or exc})") from None

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._fd is None

    def write_record(self, record: dict) -> None:
        """Append one record as a line: one ``write`` of the whole line, then fsync."""
        if self._fd is None:
            raise ValueError("the metrics file is closed")
        data = record_line(record).encode("utf-8")
        try:
            written = os.write(self._fd, data)
            while written < len(data):  # only on a full disk or a signal mid-write; finish the line
                written += os.write(self._fd, data[written:])
            os.fsync(self._fd)
        except OSError as exc:
            raise OutputError(f"{self.label} {self.path}: cannot write the file ({exc.strerror or exc})") from None

    def write(self, event) -> None:
        """Record ``event`` if it is one worth keeping (the start, each epoch, the end)."""
        record = event_record(event)
        if record is not None:
            self.write_record(record)

    def close(self) -> None:
        """Close the file (what was written stays as it is)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
