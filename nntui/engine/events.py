"""The events a training run yields: small frozen records that any face (CLI, TUI, tests) can consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class RunStarted:
    """The run begins: its size."""

    epochs: int
    steps_per_epoch: int
    batch_size: int
    train_samples: int
    val_samples: int
    test_samples: int
    initial_epoch: int = 0
    learning_rate: float = 0.0
    schedule: str | None = None  # the learning-rate schedule's Keras name (None: a fixed rate)
    threads: int | None = None  # the BLAS threads asked for; None: chosen by the engine per layer
    max_threads: int = 1  # the most BLAS threads a layer may use (the CPUs this process may use)


@dataclass(frozen=True)
class EpochStarted:
    """An epoch (1-based) begins."""

    epoch: int
    epochs: int


@dataclass(frozen=True)
class BatchEnded:
    """One optimiser step is done. ``logs`` holds the epoch's running means (Keras's progress values)."""

    epoch: int
    epochs: int
    step: int
    steps: int
    batch_loss: float
    logs: Mapping[str, float]
    seconds: float  # since the epoch began
    global_step: int
    learning_rate: float = 0.0
    update_norm: float = 0.0

    @property
    def loss(self) -> float:
        """The running mean of the loss over the epoch so far."""
        return self.logs["loss"]

    @property
    def accuracy(self) -> float | None:
        """The running accuracy over the epoch so far (single-output models)."""
        return self.logs.get("accuracy")


@dataclass(frozen=True)
class EpochEnded:
    """An epoch is done: train and validation metrics, time and throughput."""

    epoch: int
    epochs: int
    logs: Mapping[str, float]
    seconds: float
    train_seconds: float
    samples_per_second: float
    steps: int = 0
    final: bool = False  # no epoch follows (the last one, or early stopping ends the run here)
    learning_rate: float = 0.0  # the optimizer's rate at the epoch's end (Keras's logs["learning_rate"])
    threads: int = 1  # the most BLAS threads a layer trains with at the epoch's end

    @property
    def loss(self) -> float:
        """Mean training loss of the epoch."""
        return self.logs["loss"]

    @property
    def accuracy(self) -> float | None:
        """Training accuracy of the epoch (single-output models)."""
        return self.logs.get("accuracy")

    @property
    def val_loss(self) -> float | None:
        """Validation loss, when there is a validation set."""
        return self.logs.get("val_loss")

    @property
    def val_accuracy(self) -> float | None:
        """Validation accuracy, when there is a validation set."""
        return self.logs.get("val_accuracy")


@dataclass(frozen=True)
class LearningRateChanged:
    """The learning rate was multiplied by ``factor`` by hand (:meth:`TrainingRun.scale_learning_rate`),
    from the batch after ``step`` of ``epoch`` on (``global_step`` batches done in all); ``scale`` is the
    factor on the preset's rate (or schedule) since, ``learning_rate`` the next update's rate."""

    epoch: int
    step: int
    global_step: int
    factor: float
    scale: float
    learning_rate: float


@dataclass(frozen=True)
class Evaluating:
    """Progress of an evaluation pass (``phase`` is 'validation' or 'test')."""

    phase: str
    done: int
    total: int


@dataclass(frozen=True)
class RunEnded:
    """The run is over. ``reason``: 'completed', 'early_stopping', 'stopped' or 'non_finite'.

    Test metrics are there when the run got to its end (completed or stopped early by the callback).
    """

    reason: str
    epochs_completed: int
    history: tuple = ()
    test_logs: Mapping[str, float] | None = None
    message: str = ""
    test_predictions: tuple = field(default=(), repr=False)  # per output: predicted class (or value) arrays

    @property
    def stopped(self) -> bool:
        """Whether the run was interrupted (by the user or a non-finite loss) rather than finished."""
        return self.reason in ("stopped", "non_finite")

    @property
    def test_loss(self) -> float | None:
        """Test loss, when the test set was evaluated."""
        return None if self.test_logs is None else self.test_logs.get("loss")

    @property
    def test_accuracy(self) -> float | None:
        """Test accuracy, when the test set was evaluated (single-output models)."""
        return None if self.test_logs is None else self.test_logs.get("accuracy")


Event = RunStarted | EpochStarted | BatchEnded | EpochEnded | LearningRateChanged | Evaluating | RunEnded

__all__ = ["RunStarted", "EpochStarted", "BatchEnded", "EpochEnded", "LearningRateChanged", "Evaluating",
           "RunEnded", "Event"]
