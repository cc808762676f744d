"""Everything a run needs to continue exactly: weights, optimiser state, random generators, history.

Captured at the end of an epoch (while the run is paused at its EpochEnded event), restored into
a fresh trainer built from the same preset; the continued run then draws the same batches and
makes the same updates as an unbroken one.
"""

from __future__ import annotations

import numpy as np

from .training import Trainer, TrainingRun


def capture(trainer: Trainer, run: TrainingRun, epoch: int) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta): arrays by name ('weights/…', 'optimizer/…', 'early_stopping/…'), meta JSON-ready."""
    model, opt = trainer.model, trainer.optimizer
    arrays = {f"weights/{k}": v for k, v in model.get_weights().items()}
    arrays.update({f"optimizer/{k}": v.copy() for k, v in opt.state.items()})
    meta = {
        "epoch": epoch,
        "epochs": run.epochs,
        "history": [dict(h) for h in run.history],
        "optimizer": {"name": opt.name, "config": opt.get_config(), "iterations": opt.iterations},
        "shuffle_rng": trainer.shuffle_rng.bit_generator.state,
        "layer_rngs": {layer.name: layer.rng.bit_generator.state for layer in model.layers if layer.rng is not None},
    }
    es = run.early_stopping
    if es is not None:
        meta["early_stopping"] = es.get_state()
        if es.best_weights is not None:
            arrays["early_stopping/theta"], arrays["early_stopping/state"] = es.best_weights
    return arrays, meta


def restore(trainer: Trainer, arrays: dict[str, np.ndarray], meta: dict, early_stopping=None) -> int:
    """Put a captured state into ``trainer`` (and ``early_stopping``); returns the epochs already done.

    Raises ValueError (naming what differs) when the state does not fit the trainer's model or optimiser.
    """
    model, opt = trainer.model, trainer.optimizer
    model.set_weights({k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("weights/")})
    if meta["optimizer"]["name"] != opt.name:
        raise ValueError(f"the checkpoint was made with the optimizer {meta['optimizer']['name']!r}, "
                         f"the preset uses {opt.name!r}")
    for key, vector in opt.state.items():
        saved = arrays.get(f"optimizer/{key}")
        if saved is None or saved.shape != vector.shape:
            raise ValueError(f"the checkpoint's optimizer state {key!r} does not fit this model")
        vector[...] = saved
    opt.iterations = int(meta["optimizer"]["iterations"])
    trainer.shuffle_rng.bit_generator.state = meta["shuffle_rng"]
    for layer in model.layers:
        state = meta["layer_rngs"].get(layer.name)
        if state is not None and layer.rng is not None:
            layer.rng.bit_generator.state = state
    if early_stopping is not None and "early_stopping" in meta:
        best = None
        if "early_stopping/theta" in arrays:
            best = (arrays["early_stopping/theta"], arrays["early_stopping/state"])
        early_stopping.set_state(meta["early_stopping"], best)
    return int(meta["epoch"])
