"""Metrics as JSON lines: one object per epoch and one at the end, written so nothing is half-saved."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from ..engine.events import EpochEnded, RunEnded, RunStarted


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def event_record(event) -> dict | None:
    """The JSON object for an event worth keeping (start, epoch, done), else None."""
    if isinstance(event, RunStarted):
        return {"event": "start", "epochs": event.epochs, "steps_per_epoch": event.steps_per_epoch,
                "batch_size": event.batch_size, "train_samples": event.train_samples,
                "val_samples": event.val_samples, "test_samples": event.test_samples}
    if isinstance(event, EpochEnded):
        record = {"event": "epoch", "epoch": event.epoch}
        record.update({k: _clean(v) for k, v in event.logs.items()})
        record.update({"seconds": round(event.seconds, 4), "train_seconds": round(event.train_seconds, 4),
                       "samples_per_second": round(event.samples_per_second, 1)})
        return record
    if isinstance(event, RunEnded):
        record = {"event": "done", "reason": event.reason, "epochs_completed": event.epochs_completed}
        if event.test_logs is not None:
            record.update({f"test_{k}": _clean(v) for k, v in event.test_logs.items()})
        if event.message:
            record["message"] = event.message
        return record
    return None


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
            self._fh.write(json.dumps(record) + "\n")
            self._fh.flush()

    def close(self) -> None:
        """Finish the file: fsync, then atomically put it in place."""
        if self._fh.closed:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self.partial, self.path)
