"""The one training loop: a generator of events that every face consumes.

``Trainer`` ties a built model to its losses (one per output), its accuracy metrics and an
optimiser; :meth:`Trainer.fit` returns a :class:`TrainingRun` whose iteration performs the
training and yields :mod:`~nntui.engine.events` records. Whoever iterates decides the pace:
stop iterating to pause, call ``run.stop()`` to end after the current step, ``close()`` to abandon.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from .buffers import Buffers
from .early_stopping import EarlyStopping
from .events import BatchEnded, EpochEnded, EpochStarted, Evaluating, LearningRateChanged, RunEnded, RunStarted
from .fpenv import flush_subnormals
from .losses import Loss
from .metrics import Accuracy, accuracy_for
from .model import Model
from .optimizers import Optimizer
from .threads import NO_GOVERNOR, ThreadGovernor


@dataclass
class Dataset:
    """Inputs shaped like the model's input and one target array per model output."""

    x: np.ndarray
    targets: list[np.ndarray]

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def subset(self, start: int, stop: int) -> "Dataset":
        """A view of rows ``start:stop``."""
        return Dataset(self.x[start:stop], [t[start:stop] for t in self.targets])


class Trainer:
    """A built model compiled with losses, optional loss weights, accuracies and an optimiser.

    Several outputs: the total loss is the weighted mean of their losses (plain mean by default),
    as the source chapter says; Keras, by contrast, sums them.

    ``threads``: the BLAS threads a run uses; None (the default) lets the engine choose them per
    layer and notice busy cores (see :mod:`~nntui.engine.threads`), an int fixes them. It may be
    changed between runs.
    """

    def __init__(self, model: Model, losses: Sequence[Loss], optimizer: Optimizer,
                 loss_weights: Sequence[float] | None = None, *, seed: int | None = 0,
                 threads: int | None = None):
        if not model.built:
            raise ValueError("build the model before compiling it")
        if len(losses) != len(model.outputs):
            raise ValueError(f"the model has {len(model.outputs)} output(s) but {len(losses)} loss(es) were given")
        self.model = model
        self.losses = list(losses)
        weights = list(loss_weights) if loss_weights is not None else [1.0] * len(losses)
        total = float(sum(weights))
        self.loss_weights = [w / total for w in weights]
        self.optimizer = optimizer
        self.seed = seed
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1 (or None to let the engine choose); it is {threads}")
        self.threads = threads
        self.output_names = list(model.outputs)
        self.buffers = Buffers()
        self.shuffle_rng = np.random.default_rng(np.random.SeedSequence([seed or 0, 1]))
        self.accuracies: list[Accuracy] = []
        self.fused: list[bool] = []
        report = model.infer_shapes()
        for layer, loss, shape in zip(model.output_layers(), self.losses, report.output_shapes()):
            act = layer.config.get("activation") if getattr(layer, "activation_is_final", True) else None
            fuse = loss.can_fuse(act) and not layer.has_consumers
            layer.fused_output = fuse
            self.fused.append(fuse)
            self.accuracies.append(accuracy_for(loss.target, shape[-1]))
        optimizer.build(model.theta.size, model.dtype)

    # ------------------------------------------------------------------ naming
    def _keys(self, i: int) -> tuple[str, str]:
        if len(self.output_names) == 1:
            return "loss", "accuracy"
        name = self.output_names[i]
        return f"{name}_loss", f"{name}_accuracy"

    def metric_names(self) -> list[str]:
        """The keys of the logs: loss, accuracy (and per-output keys for several outputs)."""
        names = ["loss"]
        for i in range(len(self.output_names)):
            loss_key, acc_key = self._keys(i)
            if loss_key != "loss":
                names.append(loss_key)
            names.append(acc_key)
        return names

    # ------------------------------------------------------------------ steps
    def _score(self, outputs, targets, grads: bool):
        """Per-output losses, correct counts and totals; fills gradient buffers when ``grads``."""
        losses, correct, counted, grad_list = [], [], [], []
        for i, (out, y, loss, acc) in enumerate(zip(outputs, targets, self.losses, self.accuracies)):
            losses.append(loss.value(out, y))
            c, n = acc.count(out, y)
            correct.append(c)
            counted.append(n)
            if grads:
                g = self.buffers.get(f"grad{i}", out.shape, out.dtype)
                loss.gradient(out, y, g, fused=self.fused[i])
                if self.loss_weights[i] != 1.0:
                    g *= g.dtype.type(self.loss_weights[i])
                grad_list.append(g)
        total = sum(w * l for w, l in zip(self.loss_weights, losses))
        return total, losses, correct, counted, grad_list

    def train_step(self, x, targets):
        """One forward/backward/update on a batch; returns (total loss, per-output losses, correct, counted).

        A non-finite loss leaves the weights untouched. So does a non-finite update (e.g. an optimiser
        state overflowing): the optimiser refuses it and the loss is reported as nan.
        """
        outputs = self.model.forward(x, training=True)
        total, losses, correct, counted, grads = self._score(outputs, targets, grads=True)
        if math.isfinite(total):
            self.model.backward(grads)
            if not self.optimizer.step(self.model.theta, self.model.grad):
                total = math.nan
        return total, losses, correct, counted

    def predict(self, x, batch_size: int = 256) -> list[np.ndarray]:
        """Model outputs for every row of ``x`` (inference mode), one array per output."""
        results = None
        for start in range(0, x.shape[0], batch_size):
            outs = self.model.forward(x[start:start + batch_size], training=False)
            if results is None:
                results = [np.empty((x.shape[0], *o.shape[1:]), o.dtype) for o in outs]
            for r, o in zip(results, outs):
                r[start:start + o.shape[0]] = o
        return results or []

    def evaluate(self, data: Dataset, batch_size: int = 256) -> dict[str, float]:
        """Loss and accuracy logs over a whole dataset (inference mode)."""
        steps = self.evaluation(data, batch_size)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value["logs"]

    def evaluation(self, data: Dataset, batch_size: int, *, phase: str = "test",
                   keep_predictions: bool = False) -> Iterator[Evaluating]:
        """Yield progress events; the generator's return value is {'logs': ..., 'predictions': ...}."""
        n = len(data)
        sums = np.zeros(len(self.losses))
        correct = np.zeros(len(self.losses))
        counted = np.zeros(len(self.losses))
        predictions = [None] * len(self.losses) if keep_predictions else None
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            x = data.x[start:stop]
            ys = [t[start:stop] for t in data.targets]
            outputs = self.model.forward(x, training=False)
            _, losses, c, k, _ = self._score(outputs, ys, grads=False)
            sums += np.array(losses) * (stop - start)
            correct += c
            counted += k
            if keep_predictions:
                for i, out in enumerate(outputs):
                    pred = out.argmax(axis=-1) if out.shape[-1] > 1 else (out[..., 0] > 0.5)
                    if predictions[i] is None:
                        predictions[i] = np.empty((n, *pred.shape[1:]), pred.dtype)
                    predictions[i][start:stop] = pred
            yield Evaluating(phase, stop, n)
        logs = self._logs(sums / max(n, 1), correct, counted)
        return {"logs": logs, "predictions": tuple(predictions) if keep_predictions else ()}

    def _logs(self, mean_losses, correct, counted) -> dict[str, float]:
        logs = {"loss": float(sum(w * l for w, l in zip(self.loss_weights, mean_losses)))}
        for i in range(len(self.losses)):
            loss_key, acc_key = self._keys(i)
            logs[loss_key] = float(mean_losses[i])
            logs[acc_key] = float(correct[i] / counted[i]) if counted[i] else 0.0
        return logs

    def fit(self, train: Dataset, *, epochs: int, batch_size: int, validation: Dataset | None = None,
            test: Dataset | None = None, shuffle: bool = True, initial_epoch: int = 0,
            keep_test_predictions: bool = False, early_stopping: EarlyStopping | None = None,
            history: list[dict[str, float]] | None = None,
            learning_rate_changes: list[dict] | None = None) -> "TrainingRun":
        """A run over ``epochs`` epochs; iterate it to train.

        To continue a run, pass the epochs already done as ``initial_epoch`` (and their ``history``, and
        the ``learning_rate_changes`` made by hand so far) after restoring the trainer's state (see
        :mod:`~nntui.engine.run_state`).
        """
        return TrainingRun(self, train, epochs=epochs, batch_size=batch_size, validation=validation, test=test,
                           shuffle=shuffle, initial_epoch=initial_epoch,
                           keep_test_predictions=keep_test_predictions, early_stopping=early_stopping,
                           history=history, learning_rate_changes=learning_rate_changes)


class TrainingRun:
    """Iterable training: yields RunStarted, then per epoch EpochStarted, BatchEnded..., EpochEnded; last RunEnded.

    A change of the learning rate by hand (:meth:`scale_learning_rate`, callable from another thread)
    takes effect before the next batch and is yielded as a LearningRateChanged event there (or before
    EpochEnded or RunEnded when no batch of the epoch or run is left); :attr:`learning_rate_changes`
    keeps every change as a record.
    """

    #: the highest rate a change by hand may reach (the optimisers' own limit for learning_rate)
    MAX_LEARNING_RATE = 10.0

    def __init__(self, trainer: Trainer, train: Dataset, *, epochs: int, batch_size: int,
                 validation: Dataset | None, test: Dataset | None, shuffle: bool, initial_epoch: int,
                 keep_test_predictions: bool, early_stopping: EarlyStopping | None = None,
                 history: list[dict[str, float]] | None = None, learning_rate_changes: list[dict] | None = None):
        self.trainer = trainer
        self.train = train
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation = validation if validation is not None and len(validation) else None
        self.test = test if test is not None and len(test) else None
        self.shuffle = shuffle
        self.initial_epoch = initial_epoch
        self.keep_test_predictions = keep_test_predictions
        self.early_stopping = early_stopping
        self.history: list[dict[str, float]] = list(history or [])
        #: every change of the rate by hand, in order: {epoch, step, global_step, factor, scale, learning_rate}
        self.learning_rate_changes: list[dict] = [dict(c) for c in learning_rate_changes or ()]
        self._stop_requested = False
        self._pending_factor = 1.0
        self._lock = threading.Lock()
        self.governor: ThreadGovernor | None = None  # BLAS threads while the run trains
        self._generator = self._run()

    def __iter__(self):
        return self._generator

    def __next__(self):
        return next(self._generator)

    def stop(self) -> None:
        """End the run after the current step (the last event will be RunEnded with reason 'stopped')."""
        self._stop_requested = True

    def close(self) -> None:
        """Abandon the run now."""
        self._generator.close()

    def scale_learning_rate(self, factor: float) -> float:
        """Multiply the learning rate by ``factor`` (2: double it, 0.5: halve it) from the next batch on,
        on top of the preset's rate or schedule; safe to call from another thread, running or paused.

        Returns the rate the next batch will use. ValueError (nothing changed) for a factor that is not a
        positive number or a rate above :attr:`MAX_LEARNING_RATE`.
        """
        if not isinstance(factor, (int, float)) or not math.isfinite(factor) or factor <= 0:
            raise ValueError(f"the factor must be a positive number, got {factor!r}")
        with self._lock:
            rate = self.trainer.optimizer.learning_rate * self._pending_factor * factor
            if rate > self.MAX_LEARNING_RATE:
                raise ValueError(f"the learning rate would be {rate:g}, above {self.MAX_LEARNING_RATE:g}")
            self._pending_factor *= factor
        return rate

    @property
    def next_learning_rate(self) -> float:
        """The rate of the next batch, with the changes by hand not yet applied."""
        with self._lock:
            return self.trainer.optimizer.learning_rate * self._pending_factor

    def _rate_change(self, epoch: int, step: int, global_step: int):
        """Apply a pending change by hand (yielding its LearningRateChanged), if there is one."""
        with self._lock:
            factor, self._pending_factor = self._pending_factor, 1.0
        if factor == 1.0:
            return
        opt = self.trainer.optimizer
        opt.lr_scale *= factor
        event = LearningRateChanged(epoch, step, global_step, factor, opt.lr_scale, opt.learning_rate)
        self.learning_rate_changes.append({"epoch": epoch, "step": step, "global_step": global_step,
                                           "factor": factor, "scale": opt.lr_scale,
                                           "learning_rate": event.learning_rate})
        yield event

    @property
    def steps_per_epoch(self) -> int:
        """Optimiser steps in one epoch."""
        return math.ceil(len(self.train) / self.batch_size)

    def _run(self):
        gov = self.governor = ThreadGovernor(self.trainer.model, self.trainer.threads)
        self.trainer.model.governor = gov
        gov.start()
        try:
            with flush_subnormals():
                yield from self._loop()
        finally:
            gov.finish()
            self.trainer.model.governor = NO_GOVERNOR

    def _loop(self):
        tr, data, bs = self.trainer, self.train, self.batch_size
        n, steps = len(data), self.steps_per_epoch
        opt = tr.optimizer
        gov = self.governor
        yield RunStarted(self.epochs, steps, bs, n, len(self.validation or ()), len(self.test or ()),
                         self.initial_epoch, opt.learning_rate, getattr(opt.schedule, "name", None),
                         threads=tr.threads, max_threads=gov.most)
        xb = np.empty((min(bs, n), *data.x.shape[1:]), data.x.dtype)
        ybs = [np.empty((min(bs, n), *t.shape[1:]), t.dtype) for t in data.targets]
        n_out = len(tr.losses)
        global_step = self.initial_epoch * steps
        epoch = self.initial_epoch
        for epoch in range(self.initial_epoch + 1, self.epochs + 1):
            yield EpochStarted(epoch, self.epochs)
            order = tr.shuffle_rng.permutation(n) if self.shuffle else np.arange(n)
            sums = np.zeros(n_out)
            correct = np.zeros(n_out)
            counted = np.zeros(n_out)
            seen = 0
            t0 = time.perf_counter()
            for step in range(1, steps + 1):
                yield from self._rate_change(epoch, step - 1, global_step)
                idx = order[(step - 1) * bs: step * bs]
                k = idx.shape[0]
                np.take(data.x, idx, axis=0, out=xb[:k])
                for yb, t in zip(ybs, data.targets):
                    np.take(t, idx, axis=0, out=yb[:k])
                s0 = time.perf_counter()
                gov.begin_step()
                total, losses, c, cnt = tr.train_step(xb[:k], [yb[:k] for yb in ybs])
                gov.end_step(time.perf_counter() - s0)
                global_step += 1
                if not math.isfinite(total):
                    msg = (f"the loss became {total} at epoch {epoch}, step {step}; training stopped and the "
                           f"weights are those of the last good step. Try a lower learning rate "
                           f"(it is {opt.learning_rate:g}).")
                    yield RunEnded("non_finite", epoch - 1, tuple(self.history), message=msg)
                    return
                seen += k
                sums += np.asarray(losses) * k
                correct += c
                counted += cnt
                logs = tr._logs(sums / seen, correct, counted)
                yield BatchEnded(epoch, self.epochs, step, steps, total, logs, time.perf_counter() - t0,
                                 global_step, opt.learning_rate, opt.last_update_norm)
                if self._stop_requested:
                    break
            train_seconds = time.perf_counter() - t0
            logs = tr._logs(sums / max(seen, 1), correct, counted)
            yield from self._rate_change(epoch, step, global_step)
            if self._stop_requested:
                yield RunEnded("stopped", epoch - 1, tuple(self.history),
                               message=f"stopped during epoch {epoch}, step {step}")
                return
            if self.validation is not None:
                result = yield from tr.evaluation(self.validation, bs, phase="validation")
                logs.update({f"val_{k}": v for k, v in result["logs"].items()})
            seconds = time.perf_counter() - t0
            self.history.append(logs)
            es = self.early_stopping
            stopping = es is not None and es.update(epoch, logs, tr.model)
            yield from self._rate_change(epoch, step, global_step)
            yield EpochEnded(epoch, self.epochs, logs, seconds, train_seconds, seen / max(train_seconds, 1e-9),
                             steps, final=stopping or epoch == self.epochs, learning_rate=opt.learning_rate,
                             threads=gov.threads)
            if stopping:
                reason, message = "early_stopping", es.message(epoch)
                break
            if self._stop_requested:
                yield RunEnded("stopped", epoch, tuple(self.history), message=f"stopped after epoch {epoch}")
                return
        else:
            reason, message = "completed", ""
        test_logs, predictions = None, ()
        if self.test is not None:
            result = yield from tr.evaluation(self.test, bs, phase="test",
                                              keep_predictions=self.keep_test_predictions)
            test_logs, predictions = result["logs"], result["predictions"]
        yield from self._rate_change(epoch, steps, global_step)
        yield RunEnded(reason, epoch, tuple(self.history), test_logs, message=message, test_predictions=predictions)
