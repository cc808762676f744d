"""What the training worker tells the screen: the run's fixed facts, its live snapshot, its result.

Frozen dataclasses and the helpers that fill them in: :func:`layer_text` for the anatomy's layer
lines, :func:`confusion_matrix` and :func:`run_result` for the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine.events import RunEnded
from ..common.live_history import Curves


@dataclass(frozen=True)
class LayerInfo:
    """One layer line of the anatomy view."""

    name: str
    type: str
    text: str  # 'Dense 512 relu'
    shape: str  # '(None, 512)'
    params: int


@dataclass(frozen=True)
class RunInfo:
    """What the screen shows about the run that does not change while it trains."""

    preset_name: str
    layers: tuple
    total_params: int
    input_shape: tuple
    output_shape: tuple
    output_activation: str | None
    loss_name: str
    target_text: str
    optimizer: str
    learning_rate: float
    batch_size: int
    n_train: int
    n_val: int
    n_test: int
    source: str
    initial_epoch: int
    epochs: int
    continued: bool
    steps_per_epoch: int
    acc_key: str | None
    data_text: str = ""  # 'MNIST 28x28, 10 classes, 54,000 train'
    boundary: bool = False  # whether the run's snapshots carry a decision boundary (2-D input, 2 classes)
    class_names: tuple = ()  # the data set's classes


@dataclass(frozen=True)
class Snapshot:
    """The live state of the run, posted at most every PROGRESS_INTERVAL (cumulative: the last one wins)."""

    phase: str = "train"  # 'train', 'validation', 'test'
    epoch: int = 0
    epochs: int = 0
    step: int = 0
    steps: int = 0
    global_step: int = 0
    initial_epoch: int = 0
    batch_loss: float | None = None
    loss: float | None = None
    accuracy: float | None = None
    smooth_loss: float | None = None
    smooth_acc: float | None = None
    learning_rate: float = 0.0
    update_norm: float = 0.0
    batch_shape: tuple = ()
    samples_per_second: float | None = None
    seconds_left: float | None = None
    eval_done: int = 0
    eval_total: int = 0
    paused: bool = False
    curves: Curves | None = None
    boundary: object = None  # a BoundaryFrame (2-D runs), taken by the worker between batches


@dataclass(frozen=True)
class RunResult:
    """The end of a run: the engine's RunEnded (with test metrics added for a stopped run), the
    confusion matrix and some misclassified test images."""

    ended: RunEnded
    confusion: np.ndarray | None = None
    class_names: tuple = ()
    rule: str = "digit"
    misclassified: tuple = ()  # (image uint8 28x28, true label text, predicted label text, test index)
    test_errors: int = 0
    curves: Curves | None = None
    snapshot: Snapshot | None = None
    boundary: object = None  # 2-D runs: a BoundaryFrame of the test points (misclassified marked), not images


def layer_text(layer) -> str:
    """'Dense 512 relu', 'Conv2D 32 3x3 relu', 'Dropout 0.5' (key settings only)."""
    cfg = layer.config
    parts = [type(layer).type_name]
    for key in ("units", "filters"):
        if key in cfg:
            parts.append(str(cfg[key]))
    if "kernel_size" in cfg:
        k = cfg["kernel_size"]
        parts.append(f"{k[0]}x{k[1]}" if isinstance(k, (tuple, list)) else f"{k}x{k}")
    if "pool_size" in cfg:
        k = cfg["pool_size"]
        parts.append(f"{k[0]}x{k[1]}" if isinstance(k, (tuple, list)) else f"{k}x{k}")
    if "rate" in cfg:
        parts.append(f"{cfg['rate']:g}")
    act = cfg.get("activation")
    if act and act != "linear":
        parts.append(act)
    return " ".join(parts)


def confusion_matrix(true: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    """k x k counts: rows are the true class, columns the predicted one."""
    pred = np.clip(pred.astype(np.int64), 0, k - 1)
    return np.bincount(true.astype(np.int64) * k + pred, minlength=k * k).reshape(k, k)


MAX_MISCLASSIFIED = 12  # misclassified test images handed to the results view
CLASS_NAMES = {"digit": [str(d) for d in range(10)], "parity": ["even", "odd"], "greater_than_4": ["0-4", "5-9"]}


def run_result(ended: RunEnded, data, curves: Curves, snap: Snapshot, plans, probe=None) -> RunResult:
    """The end of a run with its confusion matrix and some misclassified test images (``data``: the run's
    RunData, ``plans``: its output plans, ``snap``: the last snapshot, shown with ``curves``; ``probe``:
    the BoundaryProbe of a 2-D run, whose test points on the plane replace the images)."""
    preds, y_test = ended.test_predictions, data.arrays.y_test
    if not preds:
        return RunResult(ended, curves=curves, snapshot=snap)
    index = next((i for i, p in enumerate(plans) if p.rule.classes != 0), None)
    if index is None or index >= len(preds):
        return RunResult(ended, curves=curves, snapshot=snap)
    rule = plans[index].rule
    k = rule.classes or data.sizes.classes
    true = rule.classes_of(np.asarray(y_test))
    pred = np.asarray(preds[index]).reshape(len(true), -1)[:, 0].astype(np.int64)
    cm = confusion_matrix(true, pred, k)
    names = tuple(data.sizes.names() if rule.name == "label" else CLASS_NAMES.get(rule.name, map(str, range(k))))
    wrong = np.flatnonzero(pred != true)
    boundary = None  # 2-D runs: the test points on the plane instead of images
    if probe is not None and index == probe.index:
        boundary = probe.test_frame(data.test.x, true, pred)
    picked = []
    for j in wrong[:MAX_MISCLASSIFIED] if boundary is None else ():
        t_text = names[true[j]] if rule.name in ("digit", "label") else f"{names[true[j]]} ({int(y_test[j])})"
        picked.append((np.asarray(data.arrays.x_test[j]), t_text, names[min(max(pred[j], 0), k - 1)], int(j)))
    return RunResult(ended, cm, names, rule.name, tuple(picked), int(wrong.size), curves, snap, boundary)
