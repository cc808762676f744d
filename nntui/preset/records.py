"""The metrics record: one JSON object per event worth keeping (the start, each epoch, each change of the
learning rate by hand, the end).

Both faces write these: the CLI's ``--metrics-out`` file, a checkpoint's ``metrics.jsonl`` and the
app's saved metrics hold the same objects, one per line.
"""

from __future__ import annotations

import json
import math

from ..engine.events import EpochEnded, LearningRateChanged, RunEnded, RunStarted


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def event_record(event) -> dict | None:
    """The JSON object for an event worth keeping (start, epoch, learning_rate, done), else None.

    An epoch's ``learning_rate`` is the optimizer's rate at its end (the schedule's, times a change by hand);
    a ``learning_rate`` record is a change by hand (the factor, the scale since, the next rate).
    """
    if isinstance(event, RunStarted):
        record = {"event": "start", "epochs": event.epochs, "steps_per_epoch": event.steps_per_epoch,
                  "batch_size": event.batch_size, "train_samples": event.train_samples,
                  "val_samples": event.val_samples, "test_samples": event.test_samples,
                  "learning_rate": event.learning_rate}
        if event.schedule:
            record["learning_rate_schedule"] = event.schedule
        return record
    if isinstance(event, EpochEnded):
        record = {"event": "epoch", "epoch": event.epoch}
        record.update({k: _clean(v) for k, v in event.logs.items()})
        record.update({"learning_rate": event.learning_rate, "seconds": round(event.seconds, 4),
                       "train_seconds": round(event.train_seconds, 4),
                       "samples_per_second": round(event.samples_per_second, 1)})
        return record
    if isinstance(event, LearningRateChanged):
        return {"event": "learning_rate", "epoch": event.epoch, "step": event.step, "global_step": event.global_step,
                "factor": event.factor, "scale": event.scale, "learning_rate": event.learning_rate}
    if isinstance(event, RunEnded):
        record = {"event": "done", "reason": event.reason, "epochs_completed": event.epochs_completed}
        if event.test_logs is not None:
            record.update({f"test_{k}": _clean(v) for k, v in event.test_logs.items()})
        if event.message:
            record["message"] = event.message
        return record
    return None


def layers_record(epoch: int, layers: list[dict]) -> dict:
    """``--inspect``'s record after each epoch: every layer's statistics (``LayerStats.record()`` each)."""
    return {"event": "layers", "epoch": epoch, "layers": [{k: _clean(v) for k, v in layer.items()} for layer in layers]}


def record_line(record: dict) -> str:
    """One record as a line of a JSON-lines file."""
    return json.dumps(record) + "\n"


def checkpoint_lines(records) -> list[str]:
    """The lines of a checkpoint's ``metrics.jsonl``: every record but the start (a resumed run has
    its own start)."""
    return [record_line(r) for r in records if r is not None and r.get("event") != "start"]


def interrupted_record(reason: str, epochs_completed: int) -> dict:
    """The last record of a run stopped from outside (``reason``: 'interrupted' for Ctrl+C,
    'terminated' for SIGTERM), so that a reader following the file knows the run is over."""
    return {"event": "done", "reason": reason, "epochs_completed": epochs_completed}
