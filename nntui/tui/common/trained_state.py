"""The model trained last, kept on the app so that a later run can continue from its weights."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field

from ...engine.model import Model
from ...engine.training import Trainer
from ...preset.preset import ModelSpec, Preset, TrainingSpec
from .live_history import LiveHistory


def _training_key(t: TrainingSpec):
    return (t.loss, t.optimizer, t.loss_weights, t.targets)


@dataclass(eq=False)
class TrainedState:
    """The model trained last, kept on ``app.trained`` so that the builder can keep it "until the model changes".

    ``matches(preset)`` tells whether a preset still describes this model (equal model spec). The
    model's weights are those after the last finished batch; ``epochs_completed`` counts the epochs
    fully trained (a later run continues with ``initial_epoch=epochs_completed``). ``busy`` is held by
    the worker while it trains, so two runs never touch the weights at once.
    """

    model_spec: ModelSpec
    training_spec: TrainingSpec
    model: Model
    trainer: Trainer
    history: LiveHistory
    epochs_completed: int = 0
    steps_done: int = 0
    #: The epoch the next run should end at (e.g. a resumed checkpoint's planned epochs); None: the next
    #: run trains the preset's number of epochs more. Used once.
    planned_epochs: int | None = None
    busy: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def fresh(cls, preset: Preset, model: Model, trainer: Trainer, acc_key: str | None) -> "TrainedState":
        return cls(copy.deepcopy(preset.model), copy.deepcopy(preset.training), model, trainer,
                   LiveHistory(acc_key))

    def compiled_like(self, preset: Preset) -> bool:
        """Whether the trainer was compiled with ``preset``'s losses, optimiser, loss weights and targets
        (so that a run of ``preset`` can keep its optimiser state)."""
        return _training_key(self.training_spec) == _training_key(preset.training)

    def matches(self, preset: Preset) -> bool:
        """Whether ``preset`` describes this very model (same input shape, layers, settings, outputs)."""
        return self.model_spec == preset.model

    def trained_text(self) -> str:
        """What the weights are: 'trained 3 epochs (1,200 batches)', or 'freshly initialised (untrained)'."""
        if not self.trained:
            return "freshly initialised (untrained)"
        done = self.epochs_completed
        return f"trained {done} epoch{'s' if done != 1 else ''} ({self.steps_done:,} batches)"

    @property
    def trained(self) -> bool:
        """Whether any batch was trained (else the weights are the fresh initial ones)."""
        return self.steps_done > 0
