"""Where the next run starts: saved weights or a checkpoint, turned into the app's kept trained state.

The training screen continues from ``app.trained`` (a
:class:`~nntui.tui.training.worker.TrainedState`) when its model spec equals the preset's. Loading
weights or resuming a checkpoint from the builder builds that state here, so the next Train starts
from those weights (and, for a checkpoint, its optimiser state, random generators and epoch count).
Errors are one line (:class:`~nntui.preset.weights_file.WeightsError`,
:class:`~nntui.preset.checkpoint.CheckpointError`), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from ...engine.early_stopping import EarlyStopping
from ...preset import build_model, full_check, make_trainer
from ...preset.checkpoint import CheckpointError, load_checkpoint, restore_checkpoint
from ...preset.preset import Preset
from ...preset.weights_file import load_weights


def _acc_key(trainer) -> str | None:
    return next((n for n in trainer.metric_names() if n.endswith("accuracy")), None)


def _fresh(preset: Preset, what: str):
    from .trained_state import TrainedState
    model = build_model(preset.model)
    report = full_check(preset, model)
    if report.error is not None:
        raise ValueError(f"the model does not fit together yet, so {what} cannot be loaded: {report.error}")
    trainer = make_trainer(preset, model)
    return TrainedState.fresh(preset, model, trainer, _acc_key(trainer))


def weights_state(preset: Preset, path: str | Path):
    """A trained state of ``preset``'s model holding the weights in ``path``.

    Raises WeightsError (naming the file and the first layer that differs) or ValueError (the
    model does not fit together).
    """
    state = _fresh(preset, "weights")
    load_weights(state.model, path)
    return state


def checkpoint_state(folder: str | Path):
    """(preset, trained state) of the run checkpointed in ``folder``; CheckpointError if it cannot be."""
    checkpoint = load_checkpoint(folder)
    preset = checkpoint.preset
    try:
        state = _fresh(preset, "the checkpoint")
    except ValueError as exc:
        raise CheckpointError(f"{folder}: {exc}") from None
    t = preset.training
    early = EarlyStopping(**t.early_stopping) if t.early_stopping else None
    epochs = restore_checkpoint(checkpoint, state.trainer, early)
    state.epochs_completed = epochs
    state.steps_done = max(1, int(state.trainer.optimizer.iterations))
    state.history.rows = [(i + 1, dict(logs), 0.0) for i, logs in enumerate(checkpoint.meta.get("history", []))]
    return preset, state, checkpoint


__all__ = ["checkpoint_state", "weights_state"]
