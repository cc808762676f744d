"""Checkpoints: one atomic file per folder holding everything a run needs to continue exactly.

``DIR/checkpoint.npz`` holds the weights, the optimiser state, the random generators' states, the
history, the early-stopping state, the changes of the learning rate by hand (the scale they left and
each change) and the preset (as TOML, with its learning-rate schedule, which the restored optimizer
count continues); it is replaced atomically at the end of
each epoch, so a crash or a signal at any moment leaves the previous checkpoint complete.
``DIR/preset.toml`` and ``DIR/metrics.jsonl`` are readable copies, written atomically as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine import run_state
from ..engine.training import Trainer, TrainingRun
from .atomic import atomic_write
from .errors import PresetError
from .loader import loads
from .npz_file import read_npz
from .preset import Preset
from .toml_writer import dumps

FILE = "checkpoint.npz"
FORMAT = 1


class CheckpointError(ValueError):
    """A checkpoint folder cannot be written or read; one line naming the folder or file."""


@dataclass
class Checkpoint:
    """A loaded checkpoint: its preset, arrays and metadata."""

    preset: Preset
    arrays: dict[str, np.ndarray]
    meta: dict

    @property
    def epoch(self) -> int:
        """Epochs completed when it was written."""
        return int(self.meta["epoch"])

    @property
    def learning_rate_changes(self) -> list[dict]:
        """The changes of the learning rate by hand made before it was written (see TrainingRun)."""
        return list(self.meta.get("learning_rate", {}).get("changes", []))

    @property
    def finished(self) -> bool:
        """Whether the run had ended (its last epoch, or early stopping)."""
        return bool(self.meta.get("finished"))


def save_checkpoint(folder, preset: Preset, trainer: Trainer, run: TrainingRun, epoch: int, *,
                    finished: bool = False, metrics_lines: list[str] | None = None) -> Path:
    """Write the state at the end of ``epoch`` into ``folder`` (created if needed); returns the file."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CheckpointError(f"{folder}: cannot create the checkpoint folder ({exc.strerror or exc})") from None
    arrays, meta = run_state.capture(trainer, run, epoch)
    meta["learning_rate"] = {"scale": trainer.optimizer.lr_scale, "changes": list(run.learning_rate_changes)}
    text = dumps(preset)
    meta.update({"format": FORMAT, "finished": finished, "preset_toml": text, "preset_name": preset.name})
    arrays["meta.json"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    target = folder / FILE
    try:
        atomic_write(target, lambda fh: np.savez(fh, **arrays))
        atomic_write(folder / "preset.toml", text.encode("utf-8"))
        if metrics_lines is not None:
            atomic_write(folder / "metrics.jsonl", "".join(metrics_lines).encode("utf-8"))
    except OSError as exc:
        raise CheckpointError(f"{target}: cannot write the checkpoint ({exc.strerror or exc})") from None
    return target


def load_checkpoint(folder) -> Checkpoint:
    """Read ``folder/checkpoint.npz``; CheckpointError when it is missing, damaged or of another format."""
    path = Path(folder) / FILE
    arrays = read_npz(path, CheckpointError, "no checkpoint here (write one with --checkpoint DIR)",
                      "not a readable checkpoint")
    try:
        meta = json.loads(arrays.pop("meta.json").tobytes().decode("utf-8"))
        if meta.get("format") != FORMAT:
            raise CheckpointError(f"{path}: checkpoint format {meta.get('format')!r}, expected {FORMAT}")
        preset = loads(meta["preset_toml"], f"{path}[preset]")
    except CheckpointError:
        raise
    except PresetError as exc:
        raise CheckpointError(f"{path}: its preset is not valid ({exc.reason})") from None
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: damaged checkpoint metadata ({exc})") from None
    return Checkpoint(preset, arrays, meta)


def restore_checkpoint(checkpoint: Checkpoint, trainer: Trainer, early_stopping=None) -> int:
    """Put the checkpoint's state into a trainer built from its preset (the learning rate's scale from
    changes by hand too); returns the epochs done."""
    try:
        epochs = run_state.restore(trainer, checkpoint.arrays, checkpoint.meta, early_stopping)
        trainer.optimizer.lr_scale = float(checkpoint.meta.get("learning_rate", {}).get("scale", 1.0))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"checkpoint does not fit the model: {exc}") from None
    return epochs
