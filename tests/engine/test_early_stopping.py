"""EarlyStopping follows Keras: patience, min_delta, mode, restore_best_weights."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.engine.config import ConfigError
from nntui.engine.early_stopping import EarlyStopping


class FakeModel:
    def __init__(self):
        self.theta = np.zeros(3, np.float32)
        self.state = np.zeros(0, np.float32)


def feed(es, values, key="val_loss"):
    model = FakeModel()
    for epoch, value in enumerate(values, start=1):
        model.theta[:] = epoch
        if es.update(epoch, {key: value}, model):
            return epoch, model
    return None, model


def test_patience_counts_epochs_without_improvement():
    assert feed(EarlyStopping(patience=0), [1.0, 0.9, 0.95])[0] == 3
    assert feed(EarlyStopping(patience=2), [1.0, 0.9, 0.95, 0.96, 0.97])[0] == 4  # two epochs without
    assert feed(EarlyStopping(patience=2), [1.0, 0.9, 0.95, 0.8, 0.85, 0.86])[0] == 6
    assert feed(EarlyStopping(patience=1), [1.0, 0.9, 0.8, 0.7])[0] is None


def test_min_delta_and_modes():
    assert feed(EarlyStopping(patience=0, min_delta=0.2), [1.0, 0.85])[0] == 2
    assert feed(EarlyStopping(monitor="val_accuracy", patience=0), [0.5, 0.6, 0.55], "val_accuracy")[0] == 3
    assert feed(EarlyStopping(monitor="loss", mode="max", patience=0), [1.0, 2.0, 1.5], "loss")[0] == 3


def test_restore_best_weights_goes_back_to_the_best_epoch():
    es = EarlyStopping(patience=1, restore_best_weights=True)
    stopped, model = feed(es, [1.0, 0.5, 0.7, 0.8])
    assert stopped == 3 and es.best_epoch == 2
    assert model.theta.tolist() == [2.0, 2.0, 2.0]
    assert "restored the weights of epoch 2" in es.message(3)


def test_a_missing_monitor_never_stops():
    assert feed(EarlyStopping(patience=0), [1.0, 2.0], key="loss")[0] is None


def test_bad_settings():
    with pytest.raises(ConfigError, match="patience"):
        EarlyStopping(patience=-1)
    with pytest.raises(ConfigError, match="unknown setting"):
        EarlyStopping(baseline=0.5)
