"""Early stopping with the semantics of Keras's ``EarlyStopping`` callback."""

from __future__ import annotations

import numpy as np

from .config import Field, validate_config

FIELDS = (
    Field("monitor", "str", "val_loss", "the logged value to watch (val_loss, val_accuracy, loss, ...)"),
    Field("patience", "int", 0, "epochs without improvement before stopping", min=0, max=10_000),
    Field("min_delta", "float", 0.0, "smallest change that counts as an improvement", min=0.0),
    Field("mode", "choice", "auto", "min, max, or auto (max for accuracies)", choices=("auto", "min", "max")),
    Field("restore_best_weights", "bool", False, "go back to the best epoch's weights when stopping"),
)


class EarlyStopping:
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs."""

    fields = FIELDS

    def __init__(self, **config):
        self.config = validate_config(FIELDS, config, owner="early_stopping")
        self.monitor = self.config["monitor"]
        mode = self.config["mode"]
        self.maximise = mode == "max" or (mode == "auto" and ("acc" in self.monitor))
        self.best: float | None = None
        self.best_epoch = 0
        self.wait = 0
        self.best_weights: tuple[np.ndarray, np.ndarray] | None = None

    def _improved(self, value: float) -> bool:
        if self.best is None:
            return True
        delta = self.config["min_delta"]
        return value - delta > self.best if self.maximise else value + delta < self.best

    def update(self, epoch: int, logs: dict, model) -> bool:
        """Record an epoch's logs; True when training should stop (weights restored if asked)."""
        value = logs.get(self.monitor)
        if value is None:
            return False
        restore = self.config["restore_best_weights"]
        self.wait += 1
        if self._improved(value):
            self.best, self.best_epoch, self.wait = float(value), epoch, 0
            if restore:
                self.best_weights = (model.theta.copy(), model.state.copy())
            return False
        if self.wait >= self.config["patience"] and epoch > 1:
            if restore and self.best_weights is not None:
                model.theta[...] = self.best_weights[0]
                model.state[...] = self.best_weights[1]
            return True
        return False

    def message(self, epoch: int) -> str:
        """What happened, for the run's last event."""
        text = (f"early stopping at epoch {epoch}: {self.monitor} did not improve for {self.wait} epoch(s) "
                f"(best {self.best:.4f} at epoch {self.best_epoch})")
        if self.config["restore_best_weights"] and self.best_weights is not None:
            text += f"; restored the weights of epoch {self.best_epoch}"
        return text

    def get_state(self) -> dict:
        """What a checkpoint needs to continue exactly (the best weights travel separately)."""
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait}

    def set_state(self, state: dict, best_weights=None) -> None:
        """Restore from :meth:`get_state`."""
        self.best, self.best_epoch, self.wait = state["best"], state["best_epoch"], state["wait"]
        self.best_weights = best_weights
