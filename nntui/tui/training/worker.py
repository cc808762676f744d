"""The training screen's worker: :class:`TrainingJob`, one run in a thread, talking only through messages.

The job loads the data, sets the run up with :func:`nntui.preset.run.prepare_run` (the headless CLI's
setup too) and consumes the engine's one generator; between two ``next()`` calls it asks
:class:`~nntui.tui.training.run_control.RunControl` whether to go on (pausing is not calling ``next()``)
and hands the event to the Inside tab's :class:`~.inside_tap.InsideTap`. It never touches a widget:
it posts :mod:`nntui.tui.training.messages`, at most ``PROGRESS_INTERVAL`` apart while batches stream
(fewer when frames are slow, see :mod:`.pacing`).

What survives the screen: :class:`~nntui.tui.common.trained_state.TrainedState` on ``app.trained``; a
later TrainingScreen for an equal model spec continues from its weights (and its optimiser state when
the loss and optimiser settings are unchanged too). The messages' records are in :mod:`.run_facts`.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import replace
from typing import Callable

import numpy as np

from ...data.errors import DataError
from ...engine.events import BatchEnded, EpochEnded, EpochStarted, Evaluating, LearningRateChanged, RunEnded, RunStarted
from ...engine.shapes import format_shape
from ...engine.training import Trainer
from ...preset.checkpoint import CheckpointError, save_checkpoint
from ...preset.data_source import data_sizes, sample_noun
from ...preset.datasets import load_arrays
from ...preset.errors import PresetError, RunError
from ...preset.format import download_size
from ...preset.preset import Preset
from ...preset.records import checkpoint_lines, event_record
from ...preset.run import RunData, RunSetup, prepare_run
from ..common.live_history import LiveHistory
from ..common.trained_state import TrainedState
from . import messages as msg
from .boundary_probe import BoundaryProbe
from .inside_tap import InsideTap
from .pacing import snapshot_gap
from .run_control import RunControl
from .run_facts import LayerInfo, RunInfo, Snapshot, layer_text, run_result

PROGRESS_INTERVAL = 0.2  # seconds between two progress snapshots while batches stream (5 per second)
FRAME_WAIT = 0.1  # at most this long the worker waits for the screen to draw a snapshot
READY_WAIT = 0.5  # ... and for the screen to show the run's facts before the first batch

LOSS_TARGETS = {"onehot": "one-hot", "integer": "class index", "binary": "0/1", "value": "values"}


Post = Callable[[object], object]


class TrainingJob:
    """One run: load, build or continue, train through the generator, evaluate, report.

    ``run(post)`` is meant for a thread: ``post`` is the screen's thread-safe ``post_message``.
    Everything the UI learns comes through ``post``.
    """

    def __init__(self, preset: Preset, data_dir=None, *, control: RunControl, previous: TrainedState | None = None,
                 data: RunData | None = None, arrays=None, interval: float = PROGRESS_INTERVAL,
                 frame_wait: float | None = None, checkpoint_dir=None, tap=None, threads=None):
        self.preset, self.data_dir, self.control, self.previous = preset, data_dir, control, previous
        self.data, self.arrays, self.interval = data, arrays, interval
        self._gap = interval  # seconds to the next snapshot: the interval, longer when frames are slow
        self.frame_wait = FRAME_WAIT if frame_wait is None else frame_wait
        self.checkpoint_dir = checkpoint_dir
        self.tap = tap if tap is not None else InsideTap()  # copies of the weights for the Inside tab
        self.threads, self._checkpoint_failed = threads, False  # a ThreadSetting (None: the default)
        self.state: TrainedState | None = None
        self._post: Post = lambda m: None
        # live fields
        self._snap = Snapshot()
        self._last_post = 0.0
        self._prev_acc = None
        self._paused_train = 0.0
        self._paused_total = 0.0
        self._in_eval = False
        self._last_val_seconds = 0.0
        self._last_batch = None
        self._batch_size = preset.training.batch_size
        self._probe: BoundaryProbe | None = None

    # -- entry point
    def run(self, post: Post) -> None:
        """Do the whole job; never raises (a failure becomes a TrainingFailed message)."""
        self._post = post
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                self._run()
        except Exception as exc:  # noqa: BLE001 - the app must survive anything the run throws
            post(msg.TrainingFailed(f"{type(exc).__name__}: {exc}" if not _is_user_error(exc) else str(exc)))

    def _run(self) -> None:
        preset, ctl = self.preset, self.control
        if self.data is None:
            self._post(msg.TrainingLoading(f"Loading {data_sizes(preset).title}…"))
            arrays = self.arrays if self.arrays is not None else load_arrays(
                preset, self.data_dir, progress=self._download_progress)
            if ctl.closed:
                return
        else:
            arrays = self.data.arrays
        setup = self._setup()
        if setup is None:
            return
        state = self.state
        if self.data is None:
            self._post(msg.TrainingLoading("Preparing the datasets…"))
            self.data = setup.datasets(arrays)
        data = self.data
        if not state.busy.acquire(blocking=False):
            self._post(msg.TrainingLoading("Waiting for the previous run to let go of the weights…"))
            while not state.busy.acquire(timeout=0.1):
                if ctl.closed:
                    return
        try:
            self._train(setup, state, data)
        finally:
            state.busy.release()

    def _download_progress(self, filename: str, done: int, total: int | None) -> None:
        self._post(msg.TrainingLoading(f"Downloading {filename}  {download_size(done, total)}", done, total))

    def _setup(self) -> RunSetup | None:
        """The run setup: the previous run's model when the preset still describes it (and its trainer
        when the loss and optimiser settings are unchanged too), else a fresh one; None, after saying
        why, when the model does not fit together."""
        preset, prev = self.preset, self.previous
        same = prev is not None and prev.matches(preset)
        keep_trainer = same and prev.compiled_like(preset)
        try:
            setup = prepare_run(preset, model=prev.model if same else None,
                                trainer=prev.trainer if keep_trainer else None, threads=self.threads)
        except RunError as exc:
            report = exc.report
            if report is None:
                raise
            where = report.rows[report.error_index].name if report.error_index is not None else "model"
            self._post(msg.TrainingFailed(f"The model does not fit together ({where}): {report.error}"))
            return None
        if same:
            if not keep_trainer:  # same weights, new loss or optimiser: a fresh optimiser state
                prev.trainer = setup.trainer
                prev.training_spec = copy.deepcopy(preset.training)
            prev.history.truncate(prev.epochs_completed)
            self.state = prev
        else:
            self.state = TrainedState.fresh(preset, setup.model, setup.trainer, setup.acc_key)
        return setup

    # -- info
    def _info(self, setup: RunSetup, state: TrainedState, data: RunData, initial: int, epochs: int,
              steps: int) -> RunInfo:
        preset, model, trainer, report, plans = self.preset, setup.model, setup.trainer, setup.report, setup.plans
        layers = tuple(LayerInfo(layer.name, type(layer).type_name, layer_text(layer),
                                 format_shape(row.output_shape) if row.output_shape else "?", row.params or 0)
                       for layer, row in zip(model.layers, report.rows))
        out_shape = report.output_shapes()[0] if report.output_shapes() else ()
        out_layer = model.output_layers()[0]
        activation = out_layer.config.get("activation") if getattr(out_layer, "activation_is_final", True) else None
        loss = plans[0].loss
        target = f"{plans[0].rule.name}, {LOSS_TARGETS.get(loss.target, loss.target)}"
        lr, sizes = trainer.optimizer.learning_rate, data.sizes
        data_text = f"{sample_noun(sizes, len(data.train))}, {sizes.shape_text()}, {sizes.classes} classes"
        return RunInfo(preset.name, layers, report.total_params, tuple(preset.model.input_shape), tuple(out_shape),
                       activation, loss.name if len(plans) == 1 else f"{len(plans)} losses", target,
                       preset.training.optimizer.type, lr, preset.training.batch_size, len(data.train),
                       len(data.val) if data.val is not None else 0, len(data.test), str(data.arrays.source),
                       initial, epochs, state.trained, steps, state.history.acc_key, data_text,
                       self._probe is not None, sizes.names() or ())

    # -- training
    def _train(self, setup: RunSetup, state: TrainedState, data: RunData) -> None:
        t = self.preset.training
        trainer = state.trainer
        initial = state.epochs_completed
        epochs = initial + t.epochs
        if state.planned_epochs is not None and state.planned_epochs > initial:
            epochs = state.planned_epochs
        state.planned_epochs = None
        past = [dict(logs) for _, logs, _ in state.history.rows] if initial else None
        run = setup.fit(data, epochs, initial_epoch=initial, history=past, keep_test_predictions=True)
        steps = run.steps_per_epoch
        self._probe = BoundaryProbe.for_run(setup, data)
        history = state.history
        history.epochs = epochs
        info = self._info(setup, state, data, initial, epochs, steps)
        ready = threading.Event()
        self._post(msg.TrainingReady(info, state, data, history.snapshot(), tuple(history.rows), ready))
        ready.wait(READY_WAIT)  # the screen lays itself out before the first batch (not during it)
        self._beta = 1.0 - 1.0 / max(5.0, steps / 20.0)  # smoothing over ~1/20 of an epoch
        lr = trainer.optimizer.learning_rate
        self._snap = Snapshot(epochs=epochs, steps=steps, initial_epoch=initial, epoch=initial, learning_rate=lr)
        self.tap.begin(state.model, trainer.optimizer, initial, past)
        if (ended := self._drive(run, state, data)) is None:  # closed
            return
        if ended.reason == "stopped" and data.test is not None and len(data.test):
            ended = self._evaluate_after_stop(trainer, data, ended, t.batch_size)
            if ended is None:
                return
        final = self._probe.take(0.0, force=True) if self._probe is not None else None  # the final weights' plane
        snap = replace(self._snap, **self._batch_fields(), paused=False, curves=state.history.snapshot(),
                       boundary=final)
        result = run_result(ended, data, snap.curves, snap, setup.plans, self._probe)
        history.records.append(event_record(ended))
        self._post(msg.TrainingEnded(result))

    def _drive(self, run, state: TrainedState, data: RunData) -> RunEnded | None:
        ctl, tap = self.control, self.tap
        history = state.history
        stop_sent = False
        it = iter(run)
        n_train = len(data.train)
        while True:
            if ctl.rate_pending:
                self._change_rate(run, history, paused=False)
            if ctl.must_wait():
                self._post_snapshot(history, paused=True)
                tap.on_pause()
                waited = 0.0
                while ctl.must_wait():
                    waited += ctl.wait(0.5)
                    if ctl.rate_pending:
                        self._change_rate(run, history, paused=ctl.must_wait())
                self._account_pause(waited)
            if ctl.closed:
                run.close()
                return None
            if ctl.stop_requested and not stop_sent:
                run.stop()
                stop_sent = True
            try:
                event = next(it)
            except StopIteration:
                return None
            tap.on_event(event)
            if isinstance(event, BatchEnded):
                self._on_batch(event, history, n_train)
                state.steps_done += 1
                ctl.batch_done(event.global_step)
                now = time.perf_counter()
                if now - self._last_post >= self._gap:
                    self._post_snapshot(history, now=now)
            elif isinstance(event, Evaluating):
                self._in_eval = True
                self._snap = replace(self._snap, **self._batch_fields())
                self._snap = replace(self._snap, phase=event.phase, eval_done=event.done, eval_total=event.total)
                now = time.perf_counter()
                if now - self._last_post >= self._gap:
                    self._post_snapshot(history, now=now)
            elif isinstance(event, EpochStarted):
                self._paused_train = self._paused_total = 0.0
                self._in_eval = False
                self._prev_acc = None
                self._snap = replace(self._snap, **self._batch_fields())
                self._snap = replace(self._snap, phase="train", epoch=event.epoch, step=0)
            elif isinstance(event, EpochEnded):
                event = self._corrected(event)
                history.add_epoch(event)
                history.records.append(event_record(event))
                state.epochs_completed = event.epoch
                self._last_val_seconds = event.seconds - event.train_seconds
                self._post(msg.TrainingEpoch(event))
                if self.checkpoint_dir:
                    self._checkpoint(run, state, event)
                self._post_snapshot(history)
            elif isinstance(event, (RunStarted, LearningRateChanged)):
                history.records.append(event_record(event))
            elif isinstance(event, RunEnded):
                return event

    def _change_rate(self, run, history: LiveHistory, *, paused: bool) -> None:
        """Hand the learning rate asked for (+ or -) to the run, mark the curves, show the new rate."""
        factor = self.control.take_rate_factor()
        try:
            rate = run.scale_learning_rate(factor)
        except ValueError as exc:
            self._post(msg.TrainingNotice(f"The learning rate stays {run.next_learning_rate:g}: {exc}", "warning"))
            return
        history.add_rate_mark(history.last_x, rate)
        self._snap = replace(self._snap, **self._batch_fields())
        self._snap = replace(self._snap, learning_rate=rate)
        self._post_snapshot(history, paused=paused)

    def _checkpoint(self, run, state: TrainedState, event: EpochEnded) -> None:
        """After an epoch, like ``--checkpoint``: everything needed to continue, written atomically."""
        try:
            save_checkpoint(self.checkpoint_dir, self.preset, state.trainer, run, event.epoch,
                            finished=getattr(event, "final", False),
                            metrics_lines=checkpoint_lines(state.history.records))
        except (CheckpointError, OSError) as exc:
            if not self._checkpoint_failed:
                self._checkpoint_failed = True
                self._post(msg.TrainingNotice(f"No checkpoint: {exc}", "error"))

    def _on_batch(self, ev: BatchEnded, history: LiveHistory, n_train: int) -> None:
        """Per batch, only what cannot wait: the curves' point. The snapshot is built when posted."""
        bs = self._batch_size
        seen = min(ev.step * bs, n_train)
        k = seen - min((ev.step - 1) * bs, n_train)
        acc_key = history.acc_key
        batch_acc = None
        if acc_key is not None:
            acc = ev.logs.get(acc_key)
            if acc is not None:
                prev = self._prev_acc if ev.step > 1 and self._prev_acc is not None else 0.0
                batch_acc = min(1.0, max(0.0, (acc * seen - prev * (seen - k)) / max(k, 1)))
                self._prev_acc = acc
        history.add_batch((ev.epoch - 1) + ev.step / ev.steps, ev.batch_loss, batch_acc, self._beta)
        self._last_batch = (ev, seen, k)

    def _batch_fields(self) -> dict:
        """The snapshot's fields from the last batch: speed, time left, batch shape."""
        if self._last_batch is None:
            return {}
        ev, seen, k = self._last_batch
        self._last_batch = None
        acc_key = self.state.history.acc_key if self.state is not None else None
        train_seconds = max(ev.seconds - self._paused_train, 1e-9)
        sps = seen / train_seconds
        remaining = (ev.epochs - ev.epoch) * ev.steps + (ev.steps - ev.step)
        left = remaining * self._batch_size / sps + self._last_val_seconds * (ev.epochs - ev.epoch)
        return dict(phase="train", epoch=ev.epoch, epochs=ev.epochs, step=ev.step, steps=ev.steps,
                    global_step=ev.global_step, batch_loss=ev.batch_loss, loss=ev.logs.get("loss"),
                    accuracy=ev.logs.get(acc_key) if acc_key else None, learning_rate=ev.learning_rate,
                    update_norm=ev.update_norm, batch_shape=(k, *self.preset.model.input_shape),
                    samples_per_second=sps, seconds_left=left)

    def _account_pause(self, waited: float) -> None:
        """Pauses are not training time: remember them to take them out of the epoch's timings."""
        self._paused_total += waited
        if not self._in_eval and self._snap.step > 0:
            self._paused_train += waited

    def _corrected(self, ev: EpochEnded) -> EpochEnded:
        """The engine's epoch clock runs while we pause (we just do not call next()); take the pauses out."""
        if self._paused_total <= 0:
            return ev
        train = max(ev.train_seconds - self._paused_train, 1e-9)
        seconds = max(ev.seconds - self._paused_total, train)
        samples = ev.samples_per_second * ev.train_seconds
        return replace(ev, seconds=seconds, train_seconds=train, samples_per_second=samples / train)

    def _post_snapshot(self, history: LiveHistory, *, paused: bool = False, now: float | None = None) -> None:
        """Post the snapshot; while training, wait (at most FRAME_WAIT) until the screen has drawn it.

        Drawing is pure Python on the UI thread; run while this thread trains, it competes for the GIL
        and for the cores BLAS is using, which costs the epoch more than the drawing itself
        (benchmarks/app_vs_headless.py: 1.14 waiting only for the handler, 1.04 for the frame).
        """
        sloss, sacc = history.smoothed()
        boundary = self._probe.take(time.perf_counter(), force=paused) if self._probe is not None else None
        self._snap = replace(self._snap, **self._batch_fields(), smooth_loss=sloss, smooth_acc=sacc, paused=paused,
                             curves=history.snapshot(), boundary=boundary)
        drawn = None if paused or self.frame_wait <= 0 else threading.Event()
        posted = time.perf_counter()
        self._post(msg.TrainingProgress(self._snap, drawn))
        if drawn is not None:
            drawn.wait(self.frame_wait)
        self._last_post = time.perf_counter()
        self._gap = snapshot_gap(self.interval, self._last_post - posted)  # slow frames: fewer snapshots

    def _evaluate_after_stop(self, trainer: Trainer, data: RunData, ended: RunEnded, batch_size: int):
        """A stopped run keeps its weights: measure them on the test set too."""
        steps = trainer.evaluation(data.test, batch_size, phase="test", keep_predictions=True)
        history = self.state.history
        while True:
            if self.control.closed:
                steps.close()
                return None
            try:
                ev = next(steps)
            except StopIteration as done:
                result = done.value
                return replace(ended, test_logs=result["logs"], test_predictions=result["predictions"])
            self._snap = replace(self._snap, **self._batch_fields())
            self._snap = replace(self._snap, phase="test", eval_done=ev.done, eval_total=ev.total)
            now = time.perf_counter()
            if now - self._last_post >= self._gap:
                self._post_snapshot(history, now=now)


def _is_user_error(exc: Exception) -> bool:
    return isinstance(exc, (DataError, PresetError, RunError))


__all__ = ["TrainingJob", "PROGRESS_INTERVAL"]
