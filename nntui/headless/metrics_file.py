"""The ``--metrics-out`` file: the run's metrics records as JSON lines, each on disk as it happens.

Like Keras's ``CSVLogger``, the file can be followed while the run goes (``tail -f run.jsonl``):
every record is one complete line, written with a single ``write`` call on an unbuffered file and
synced, so whatever stops the process (Ctrl+C, ``kill``, ``kill -9``, a crash) leaves only whole
JSON objects on disk.
"""

from __future__ import annotations

import errno
import os
import signal
from contextlib import contextmanager
from pathlib import Path

from ..preset.outputs import OutputError
from ..preset.records import event_record, record_line


HELD = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def signals_held():
    """Ctrl+C and SIGTERM wait until the block is done (where the platform can hold signals)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class MetricsWriter:
    """Writes records to ``path`` (created, or emptied if it exists), one synced line per record.

    ``last_epoch`` is the epoch of the last epoch record on disk (0 before the first): a run stopped
    by a signal can tell whether the epoch it had just finished is recorded.
    """

    def __init__(self, path: str | os.PathLike, label: str = "--metrics-out"):
        self.path = Path(path)
        self.label = label
        try:
            self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o666)
        except OSError as exc:
            raise OutputError(f"{label} {self.path}: cannot write the file ({exc.strerror or exc})") from None
        self.last_epoch = 0

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._fd is None

    def write_record(self, record: dict) -> None:
        """Append one record as a line: one ``write`` of the whole line, then fsync; signals wait meanwhile,
        so the line and ``last_epoch`` agree."""
        if self._fd is None:
            raise ValueError("the metrics file is closed")
        data = record_line(record).encode("utf-8")
        try:
            with signals_held():
                written = os.write(self._fd, data)
                while written < len(data):  # only on a full disk; finish the line if it can be
                    written += os.write(self._fd, data[written:])
                try:
                    os.fsync(self._fd)
                except OSError as exc:  # a pipe or a terminal cannot be synced; the line is written
                    if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS):
                        raise
                if record.get("event") == "epoch":
                    self.last_epoch = record["epoch"]
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
