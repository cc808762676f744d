"""Where the next run starts: saved weights or a checkpoint, turned into the app's kept trained state.

The training screen continues from ``app.trained`` (a
:class:`~nntui.tui.common.trained_state.TrainedState`) when its model spec equals the preset's.
Loading weights or resuming a checkpoint from the builder sets that state up here with the one run
setup (:func:`nntui.preset.run.prepare_run`), so the next Train starts from those weights (and, for a
checkpoint, its optimiser state, random generators and epoch count). Errors are one line
(:class:`~nntui.preset.weights_file.WeightsError`, :class:`~nntui.preset.checkpoint.CheckpointError`),
never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from ...preset.checkpoint import CheckpointError, load_checkpoint
from ...preset.errors import RunError
from ...preset.preset import Preset
from ...preset.run import RunSetup, prepare_run
from .trained_state import TrainedState


def _setup(preset: Preset, what: str, **options) -> tuple[TrainedState, RunSetup]:
    """The run setup of ``preset`` (``options`` as for prepare_run) and a kept state holding it."""
    try:
        setup = prepare_run(preset, **options)
    except RunError as exc:
        raise ValueError(f"the model does not fit together yet, so {what} cannot be loaded: "
                         f"{exc.report.error}") from None
    return TrainedState.fresh(preset, setup.model, setup.trainer, setup.acc_key), setup


def weights_state(preset: Preset, path: str | Path) -> TrainedState:
    """A trained state of ``preset``'s model holding the weights in ``path``.

    Raises WeightsError (naming the file and the first layer that differs) or ValueError (the
    model does not fit together).
    """
    return _setup(preset, "weights", weights=path)[0]


def checkpoint_state(folder: str | Path):
    """(preset, trained state, checkpoint) of the run checkpointed in ``folder``; CheckpointError if it
    cannot be."""
    checkpoint = load_checkpoint(folder)
    preset = checkpoint.preset
    try:
        state, setup = _setup(preset, "the checkpoint", checkpoint=checkpoint)
    except ValueError as exc:
        if isinstance(exc, CheckpointError):
            raise
        raise CheckpointError(f"{folder}: {exc}") from None
    state.epochs_completed = setup.initial_epoch
    state.steps_done = max(1, int(state.trainer.optimizer.iterations))
    state.history.rows = [(i + 1, dict(logs), 0.0) for i, logs in enumerate(setup.history)]
    return preset, state, checkpoint


__all__ = ["checkpoint_state", "weights_state"]
