"""Saving what a run produced: its weights (.npz, Keras-style names) and its metrics (JSON lines), and
where a run checkpoints (:func:`checkpoint_folder`).

The screen asks where with a :class:`~.save_prompt.TrainingSavePrompt` (which never overwrites a file
silently) and writes in a thread worker with :func:`save_run_file`.
"""

from __future__ import annotations

import asyncio
import json

from ...preset.atomic import atomic_write
from ...preset.weights_file import WeightsError, save_weights
from ..common.trained_state import TrainedState
from .save_prompt import TrainingSavePrompt


def save_prompt(kind: str, preset_name: str) -> TrainingSavePrompt:
    """The dialog that asks where to save ``kind`` ('weights' or 'metrics')."""
    if kind == "weights":
        return TrainingSavePrompt("Save the trained weights (.npz)", f"{preset_name}-weights.npz", ".npz",
                                  "Weights as .npz (Keras-style names). Enter to save, Escape to cancel.")
    return TrainingSavePrompt("Save the metrics (JSON lines)", f"{preset_name}-metrics.jsonl", ".jsonl",
                              "One JSON object per epoch and per run end. Enter to save, Escape to cancel.")


def save_run_file(kind: str, state: TrainedState, path: str) -> str:
    """Write the weights or the metrics records of ``state`` to ``path``; what was done, in one line.

    Raises WeightsError or OSError when the file cannot be written.
    """
    if kind == "weights":
        save_weights(state.model, path)
        return f"Saved the weights to {path}"
    records = list(state.history.records)
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    atomic_write(path, lambda fh: fh.write(data))
    return f"Saved {len(records)} metrics records to {path}"


def checkpoint_folder(given: str | None, app) -> str | None:
    """Where to checkpoint after each epoch: the screen's argument, else the app's document's run option."""
    if given:
        return given
    return getattr(getattr(app, "document", None), "checkpoint_dir", None) or None


async def ask_and_save(screen, kind: str) -> None:
    """Ask where (in the screen's worker), then write in a thread; ``screen.saving`` meanwhile (the keys
    that would change the weights wait)."""
    path = await screen.app.push_screen_wait(save_prompt(kind, screen.preset.name))
    if not path:
        return
    screen.saving = True
    try:
        text, severity = await asyncio.to_thread(save_run_file, kind, screen.state, path), "information"
    except (WeightsError, OSError) as exc:
        text, severity = f"Could not save: {exc}", "error"
    finally:
        screen.saving = False
    screen.notify(text, severity=severity)


__all__ = ["ask_and_save", "checkpoint_folder", "save_prompt", "save_run_file"]
