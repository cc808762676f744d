"""The training screen: live curves, progress, the anatomy of the run, epoch table, results.

Push it on any app::

    app.push_screen(TrainingScreen(preset, data_dir))

It starts at once: data loading and training run in a thread worker (:mod:`nntui.tui.training_worker`)
that consumes the engine's one generator and only posts messages (:mod:`nntui.tui.messages`).

Keys: space/p pause and resume, n/. one batch while paused, s stop, t/Enter train again (continuing
from the current weights), r restart from fresh weights, w save the weights, m save the metrics,
escape/b back to the builder.

The trained model stays on the app after the screen closes: ``app.trained`` is a
:class:`~nntui.tui.training_worker.TrainedState` (model, trainer, epochs trained, history).
A later TrainingScreen for a preset whose model spec is equal (``app.trained.matches(preset)``)
continues from those weights; the builder may drop it (``app.trained = None``) when the model changes.
"""

from __future__ import annotations

import json
import sys
import time

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from ...headless.format import duration, readable_count
from ...spec.preset import Preset
from ...spec.weights_file import WeightsError, atomic_write, save_weights
from .. import messages as msg
from ..training_worker import PROGRESS_INTERVAL, RunControl, TrainedState, TrainingJob
from ..widgets.training_anatomy import TrainingAnatomy, fmt
from ..widgets.training_plots import TrainingPlot, TrainingPlotPanel
from ..widgets.training_progress import TrainingProgressBar
from ..widgets.training_results import TrainingResults
from .training_save import TrainingSavePrompt

APP_ATTRIBUTE = "trained"  # where the kept TrainedState lives on the app
# Every frame the UI thread draws is CPU (and GIL) taken from the training thread (which waits while
# a snapshot is drawn), so while training the screen redraws little: the head with each snapshot
# (5 a second), the anatomy once a second,
# the plots (the costliest: ~10 ms each in plotext) every 2 s or less often when they are slow to
# draw (at most PLOT_BUDGET of the time), after an epoch's end (its validation point) unless they
# were drawn less than EPOCH_PLOT_INTERVAL ago, and at once on a pause and at the end of the run.
PLOT_BUDGET = 0.015
MIN_PLOT_INTERVAL = 2.0
EPOCH_PLOT_INTERVAL = 2.0
ANATOMY_INTERVAL = 1.0
PAUSED_REDRAW_DELAY = 0.03  # on a pause the head is drawn first, the rest this much later
# The worker's BLAS calls release the GIL many times per batch; with Python's default 5 ms switch
# interval each re-acquisition can wait that long behind the UI thread, which multiplies the cost of
# every redraw. While this screen is up, threads hand the GIL over after at most 0.5 ms.
SWITCH_INTERVAL = 0.0005
COMPACT_WIDTH = 110
COMPACT_HEIGHT = 30

RUNNING, PAUSED = "running", "paused"


class TrainingScreen(Screen):
    """Trains ``preset`` and shows it live.

    Optional arguments (tests, benchmarks, snapshots): ``arrays`` (MnistArrays to use instead of
    loading), ``deterministic`` (hide clock-based figures: speeds, times), ``pause_at`` (pause by
    itself after that global step), ``continue_training`` (False: always fresh weights),
    ``interval`` (seconds between the worker's progress snapshots), ``checkpoint_dir`` (checkpoint
    after each epoch like ``--checkpoint``; default: ``app.document.checkpoint_dir`` when the app has it).
    The preset's early stopping applies as in ``--headless``.
    """

    CSS_PATH = "training.tcss"
    AUTO_FOCUS = None

    BINDINGS = [
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),
        Binding("p", "pause", "Pause", show=False),
        Binding("p", "resume", "Resume", show=False),
        Binding("n", "step", "Step"),
        Binding("full_stop", "step", "Step", show=False),
        Binding("s", "stop", "Stop"),
        Binding("t", "again", "Train again"),
        Binding("enter", "again", "Train again", show=False),
        Binding("r", "restart", "Restart"),
        Binding("w", "save_weights", "Weights"),
        Binding("m", "save_metrics", "Metrics"),
        Binding("escape", "back", "Back"),
        Binding("b", "back", "Builder", show=False),
        Binding("1", "tab('tab-live')", "Curves", show=False),
        Binding("2", "tab('tab-anatomy')", "Anatomy", show=False),
        Binding("3", "tab('tab-results')", "Results", show=False),
    ]

    def __init__(self, preset: Preset, data_dir: str | None = None, *, arrays=None, deterministic: bool = False,
                 pause_at: int | None = None, continue_training: bool = True,
                 interval: float = PROGRESS_INTERVAL, checkpoint_dir: str | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.preset = preset
        self.data_dir = data_dir
        self.arrays = arrays
        self.deterministic = deterministic
        self.pause_at = pause_at
        self.continue_training = continue_training
        self.interval = interval
        self.checkpoint_dir = checkpoint_dir
        self.phase = "loading"  # loading, running, pausing, paused, stopping, ended, failed
        self.control: RunControl | None = None
        self.state: TrainedState | None = None
        self.data = None
        self.info = None
        self.snapshot = None
        self.result = None
        self.epoch_events: list = []  # EpochEnded of this screen's runs (timings without pauses)
        self.loading_text = "Loading MNIST…"
        self.key_times: dict[str, float] = {}  # action -> perf_counter when pressed (latency checks)
        self.ack_latencies: list[float] = []  # pause key -> worker acknowledged, seconds
        self._plot_due = 0.0
        self._plot_drawn = 0.0
        self._anatomy_due = 0.0
        self._rows: list = []  # (epoch, logs, seconds) shown in the table
        self._table_short = None
        self._saving = False
        self._runs = 0
        self._switch_interval = sys.getswitchinterval()

    # ------------------------------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Vertical(id="training-head"):
            with Horizontal(id="training-titlebar"):
                yield Static(id="training-title")
                yield Static(id="training-state")
            with Horizontal(id="training-progress"):
                yield Static(id="training-epoch")
                yield TrainingProgressBar(id="training-bar")
                yield Static(id="training-speed")
        yield Static(id="training-notice")
        with TabbedContent(initial="tab-live", id="training-tabs"):
            with TabPane("Curves", id="tab-live"):
                with Horizontal(id="training-plots"):
                    yield TrainingPlotPanel("loss", id="plot-loss")
                    yield TrainingPlotPanel("accuracy", id="plot-acc")
                with Horizontal(id="training-lower"):
                    yield TrainingAnatomy(id="anatomy-wide")
                    yield DataTable(id="training-epochs", show_cursor=False, zebra_stripes=True)
            with TabPane("Anatomy", id="tab-anatomy"):
                yield TrainingAnatomy(id="anatomy-compact")
            with TabPane("Results", id="tab-results"):
                yield TrainingResults(id="training-results")
        yield Footer()

    def on_mount(self) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
        # the hot path (10 snapshots a second) never queries the DOM
        self._plots = list(self.query(TrainingPlot))
        self._anatomies = list(self.query(TrainingAnatomy))
        self._bar = self.query_one("#training-bar", TrainingProgressBar)
        self._epoch_label = self.query_one("#training-epoch", Static)
        self._speed = self.query_one("#training-speed", Static)
        self._state_label = self.query_one("#training-state", Static)
        self._tabs = self.query_one(TabbedContent)
        self._speed.display = not self.deterministic
        table = self.query_one("#training-epochs", DataTable)
        table.can_focus = False
        self._table_columns("accuracy")
        self._layout_for(self.size.width, self.size.height)
        self._title()
        self._status()
        previous = getattr(self.app, APP_ATTRIBUTE, None)
        if not isinstance(previous, TrainedState) or not self.continue_training or not previous.matches(self.preset):
            previous = None
        self.start(previous)

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width, event.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        compact = width < COMPACT_WIDTH or height < COMPACT_HEIGHT
        self.set_class(compact, "-compact")
        if self._table_short is not None and self._table_short == compact:
            self._table_columns(self.info.acc_key or "accuracy" if self.info else "accuracy")
        tabs = self.query_one(TabbedContent)
        if compact:
            tabs.show_tab("tab-anatomy")
        else:
            if tabs.active == "tab-anatomy":
                tabs.active = "tab-live"
            tabs.hide_tab("tab-anatomy")

    def on_unmount(self) -> None:
        if self.control is not None:
            self.control.close()
        sys.setswitchinterval(self._switch_interval)

    # ------------------------------------------------------------------------------------- runs
    @property
    def running(self) -> bool:
        """Whether a run is under way (loading, training, paused or stopping)."""
        return self.phase in ("loading", "running", "pausing", "paused", "stopping")

    @property
    def trained_state(self) -> TrainedState | None:
        """The model/trainer this screen trains (also on ``app.trained``)."""
        return self.state

    def start(self, previous: TrainedState | None) -> None:
        """Start a run in the worker: continue from ``previous`` (same model spec) or from fresh weights."""
        self._runs += 1
        self.control = RunControl(pause_at=self.pause_at if self._runs == 1 else None)
        self.result = None
        self.phase = "loading"
        self.snapshot = None
        self._notice(None)
        if previous is None:
            self._rows = []
            self.query_one("#training-epochs", DataTable).clear()
            for plot in self.query(TrainingPlot):
                plot.show(None)
            self.query_one(TrainingResults).clear()
        else:
            self.query_one(TrainingResults).clear("The test results appear here when this run ends.")
        job = TrainingJob(self.preset, self.data_dir, control=self.control, previous=previous, data=self.data,
                          arrays=self.arrays, interval=self.interval, checkpoint_dir=self._checkpoint_dir())
        self._work(job)
        self._status()
        self.refresh_bindings()

    def _checkpoint_dir(self) -> str | None:
        """Where to checkpoint after each epoch: the argument, else the app's document's run option."""
        if self.checkpoint_dir:
            return self.checkpoint_dir
        document = getattr(self.app, "document", None)
        return getattr(document, "checkpoint_dir", None) or None

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _work(self, job: TrainingJob) -> None:
        job.run(self.post_message)

    # ------------------------------------------------------------------------------------- messages
    def on_training_loading(self, message: msg.TrainingLoading) -> None:
        self.loading_text = message.text
        bar = self.query_one("#training-bar", TrainingProgressBar)
        if message.total:
            bar.update(message.done or 0, message.total)
        self._progress_row()
        self._status()

    def on_training_ready(self, message: msg.TrainingReady) -> None:
        self.info, self.state, self.data = message.info, message.state, message.data
        setattr(self.app, APP_ATTRIBUTE, self.state)
        if self.control is not None and self.control.paused:
            self.phase = "pausing"
        else:
            self.phase = RUNNING
        self.query_one("#plot-acc", TrainingPlotPanel).set_acc_key(self.info.acc_key)
        self._rows = list(message.rows)
        self._table_columns(self.info.acc_key or "accuracy")
        for anatomy in self.query(TrainingAnatomy):
            anatomy.set_info(self.info)
        for plot in self._plots:
            plot.show(message.curves)
        self._plot_due = time.perf_counter() + MIN_PLOT_INTERVAL  # nothing new to plot before that
        bar = self.query_one("#training-bar", TrainingProgressBar)
        bar.update(0, max(1, (self.info.epochs - self.info.initial_epoch) * self.info.steps_per_epoch))
        if self.info.continued:
            self._notice(f"Continuing from the weights trained so far ({self.info.initial_epoch} epoch"
                         f"{'s' if self.info.initial_epoch != 1 else ''}); press s then r to restart from fresh "
                         "weights.", "info")
        self._title()
        self._progress_row()
        self._status()
        self.refresh_bindings()
        if message.drawn is not None:
            self.call_after_refresh(message.drawn.set)

    def on_training_progress(self, message: msg.TrainingProgress) -> None:
        s = message.snapshot
        self.snapshot = s
        now = time.perf_counter()
        if s.paused:
            if self.phase in (RUNNING, "pausing", PAUSED):
                self.phase = PAUSED
            pressed = self.key_times.pop("pause", None)
            if pressed is not None:
                self.ack_latencies.append(now - pressed)
        self._progress_row()
        self._status()
        if s.curves is not None and s.paused:
            # the paused state first (a cheap frame); the plots catch up a moment later
            self.set_timer(PAUSED_REDRAW_DELAY, lambda: self._show_curves(s.curves, time.perf_counter()))
        elif s.curves is not None and now >= self._plot_due:
            self._show_curves(s.curves, now)
        if s.paused or now >= self._anatomy_due:
            # In a frame of its own: Textual repaints the box around all the regions changed in one
            # frame, so the head (top) and the anatomy (bottom) together would repaint the whole screen.
            self._anatomy_due = now + ANATOMY_INTERVAL
            if s.paused:
                self.set_timer(PAUSED_REDRAW_DELAY, lambda: self._show_anatomy(s))
            else:
                self.call_after_refresh(self._show_anatomy, s, message)
                return
        if s.paused:
            self.set_timer(PAUSED_REDRAW_DELAY, self.refresh_bindings)
        self.call_after_refresh(message.done)  # the worker waits for the frame (see TrainingProgress)

    def _show_anatomy(self, s, message: msg.TrainingProgress | None = None) -> None:
        for anatomy in self._anatomies:
            if anatomy.display and (anatomy.id != "anatomy-compact" or self._tabs.active == "tab-anatomy"):
                anatomy.show(s)
            else:
                anatomy.snapshot_pending = s
        if message is not None:  # the worker waits for the anatomy's frame too
            self.call_after_refresh(message.done)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        for anatomy in self._anatomies:
            pending = anatomy.snapshot_pending
            if pending is not None:
                anatomy.snapshot_pending = None
                anatomy.show(pending)

    def _show_curves(self, curves, now: float) -> None:
        cost = sum(p.render_seconds for p in self._plots)
        self._plot_drawn = now
        for plot in self._plots:
            plot.show(curves)
        self._plot_due = now + max(MIN_PLOT_INTERVAL, cost / PLOT_BUDGET)

    def on_training_epoch(self, message: msg.TrainingEpoch) -> None:
        ev = message.event
        self.epoch_events.append(ev)
        self._add_row(ev.epoch, ev.logs, ev.seconds)
        # show the epoch's validation point soon (with the next snapshot, or a second after the last draw)
        self._plot_due = min(self._plot_due, self._plot_drawn + EPOCH_PLOT_INTERVAL)

    def on_training_ended(self, message: msg.TrainingEnded) -> None:
        result = message.result
        self.result = result
        self.phase = "ended"
        self.control = None
        ended = result.ended
        if result.snapshot is not None:
            self.snapshot = result.snapshot
            for anatomy in self._anatomies:
                anatomy.show(result.snapshot)
        if result.curves is not None:
            self._show_curves(result.curves, time.perf_counter())
        self.query_one(TrainingResults).show(self._summary(result), result)
        if ended.reason == "non_finite":
            message = ended.message[:1].upper() + ended.message[1:]
            self._notice(f"✗ {message} (escape: back to the builder)", "error")
        elif ended.reason == "stopped":
            what = ended.message[:1].upper() + ended.message[1:] if ended.message else "Stopped"
            self._notice(f"■ {what}; the weights so far are kept. {self._test_line(ended)}", "info")
            self.query_one(TabbedContent).active = "tab-results"
        elif ended.reason == "early_stopping":
            what = ended.message[:1].upper() + ended.message[1:] if ended.message else "Stopped early"
            self._notice(f"✓ {what}. {self._test_line(ended)}", "info")
            self.query_one(TabbedContent).active = "tab-results"
        else:
            self._notice(None)
            self.query_one(TabbedContent).active = "tab-results"
        self._progress_row()
        self._status()
        self.refresh_bindings()

    def on_training_notice(self, message: msg.TrainingNotice) -> None:
        self.notify(message.text, severity=message.severity, timeout=8)

    def on_training_failed(self, message: msg.TrainingFailed) -> None:
        self.phase = "failed"
        self.control = None
        self._notice(f"✗ {message.text}", "error")
        self._status()
        self.refresh_bindings()

    # ------------------------------------------------------------------------------------- actions
    def check_action(self, action: str, parameters) -> bool | None:
        phase = self.phase
        if action == "pause":
            return phase in (RUNNING, "loading")
        if action == "resume":
            return phase in ("pausing", PAUSED) and not self._saving
        if action == "step":
            return phase in (RUNNING, "pausing", PAUSED) and not self._saving
        if action == "stop":
            return phase in ("loading", RUNNING, "pausing", PAUSED)
        if action in ("again", "restart"):
            return phase in ("ended", "failed") and not self._saving
        if action == "save_weights":
            return (phase == "ended" or phase == PAUSED) and self.state is not None and not self._saving
        if action == "save_metrics":
            return phase in ("ended", PAUSED) and self.state is not None and not self._saving
        if action == "tab":
            if parameters and parameters[0] == "tab-anatomy":
                return self.has_class("-compact")
            return True
        return True

    def action_pause(self) -> None:
        if self.control is None:
            return
        self.key_times["pause"] = time.perf_counter()
        self.control.pause()
        self.phase = "pausing"
        self._status()
        self.refresh_bindings()

    def action_resume(self) -> None:
        if self.control is None:
            return
        self.control.resume()
        self.phase = RUNNING
        self._status()
        self.refresh_bindings()

    def action_step(self) -> None:
        if self.control is None:
            return
        if self.phase == RUNNING:
            self.action_pause()
            return
        self.key_times["pause"] = time.perf_counter()
        self.control.step()
        self.phase = "pausing"
        self._status()

    def action_stop(self) -> None:
        if self.control is None:
            return
        self.control.stop()
        self.phase = "stopping"
        self._status()
        self.refresh_bindings()

    def action_again(self) -> None:
        if self.running:
            return
        previous = self.state if self.state is not None and self.state.matches(self.preset) else None
        self.query_one(TabbedContent).active = "tab-live"
        self.start(previous)

    def action_restart(self) -> None:
        if self.running:
            return
        self.query_one(TabbedContent).active = "tab-live"
        self.epoch_events.clear()
        self.start(None)

    def action_back(self) -> None:
        if self.control is not None:
            self.control.close()  # the weights after the last finished batch stay on app.trained
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_save_weights(self) -> None:
        self.app.push_screen(
            TrainingSavePrompt("Save the trained weights (.npz)", f"{self.preset.name}-weights.npz", ".npz",
                               "Weights as .npz (Keras-style names). Enter to save, Escape to cancel."),
            lambda path: self._save("weights", path) if path else None)

    def action_save_metrics(self) -> None:
        self.app.push_screen(
            TrainingSavePrompt("Save the metrics (JSON lines)", f"{self.preset.name}-metrics.jsonl", ".jsonl",
                               "One JSON object per epoch and per run end. Enter to save, Escape to cancel."),
            lambda path: self._save("metrics", path) if path else None)

    def _save(self, kind: str, path: str) -> None:
        self._saving = True
        self.refresh_bindings()
        self._save_worker(kind, path)

    @work(thread=True, group="save", exit_on_error=False)
    def _save_worker(self, kind: str, path: str) -> None:
        try:
            if kind == "weights":
                save_weights(self.state.model, path)
                text = f"Saved the weights to {path}"
            else:
                records = list(self.state.history.records)
                data = "".join(json.dumps(r) + "\n" for r in records).encode()
                atomic_write(path, lambda fh: fh.write(data))
                text = f"Saved {len(records)} metrics records to {path}"
            self.app.call_from_thread(self._saved, text, "information")
        except (WeightsError, OSError) as exc:
            self.app.call_from_thread(self._saved, f"Could not save: {exc}", "error")

    def _saved(self, text: str, severity: str) -> None:
        self._saving = False
        self.notify(text, severity=severity)
        self.refresh_bindings()

    # ------------------------------------------------------------------------------------- drawing
    def _table_columns(self, acc_key: str) -> None:
        """(Re)build the epoch table; short labels beside the anatomy, full ones when it has the width."""
        table = self.query_one("#training-epochs", DataTable)
        table.clear(columns=True)
        short = not self.has_class("-compact")
        acc = acc_key.replace("accuracy", "acc") if short else acc_key
        table.add_column("epoch", key="epoch")
        table.add_column("loss", key="loss")
        table.add_column(acc, key="accuracy")
        table.add_column("val_loss", key="val_loss")
        table.add_column(f"val_{acc}", key="val_accuracy")
        table.add_column("sec" if short else "seconds", key="seconds")
        self._table_short = short
        for epoch, logs, seconds in self._rows:
            self._add_row(epoch, logs, seconds, keep=True)

    def _add_row(self, epoch: int, logs, seconds: float, keep: bool = False) -> None:
        if not keep:
            self._rows = [r for r in self._rows if r[0] != epoch] + [(epoch, logs, seconds)]
        acc = self.info.acc_key if self.info is not None else "accuracy"
        table = self.query_one("#training-epochs", DataTable)
        cells = [Text(str(epoch), justify="right"),
                 Text(fmt(logs.get("loss")), justify="right"),
                 Text(fmt(logs.get(acc)) if acc else "–", justify="right"),
                 Text(fmt(logs.get("val_loss")), justify="right"),
                 Text(fmt(logs.get(f"val_{acc}")) if acc else "–", justify="right"),
                 Text("–" if self.deterministic else f"{seconds:.1f}", justify="right")]
        key = str(epoch)
        if key in table.rows:
            table.remove_row(key)
        table.add_row(*cells, key=key)
        table.scroll_end(animate=False)

    def _title(self) -> None:
        info = self.info
        if info is None:
            text = Text.assemble(("Training ", "bold"), (f'"{self.preset.name}"', "bold"))
        else:
            lr = f"{info.learning_rate:g}"
            text = Text.assemble(("Training ", "bold"), (f'"{info.preset_name}"', "bold"),
                                 (f" · {info.total_params:,} params · {info.optimizer} lr {lr} · batch "
                                  f"{info.batch_size} · {info.n_train:,} images", "dim"))
        self._set(self.query_one("#training-title", Static), text)

    def _status(self) -> None:
        phase, s = self.phase, self.snapshot
        where = f" at epoch {s.epoch}, batch {s.step}" if s is not None and s.step else ""
        if phase == "loading":
            text = Text(f"◌ {self.loading_text}", "yellow")
        elif phase == RUNNING:
            label = {"validation": "validating", "test": "testing"}.get(s.phase if s else "", "training")
            text = Text(f"● {label}", "bold green")
        elif phase == "pausing":
            text = Text("❚❚ pausing…", "bold yellow")
        elif phase == PAUSED:
            text = Text(f"❚❚ paused{where}", "bold yellow")
        elif phase == "stopping":
            text = Text("■ stopping…", "bold yellow")
        elif phase == "failed":
            text = Text("✗ failed", "bold red")
        else:
            ended = self.result.ended if self.result else None
            if ended is not None and ended.reason == "non_finite":
                text = Text("✗ loss not finite", "bold red")
            elif ended is not None and ended.reason in ("stopped", "early_stopping"):
                acc = f" · test accuracy {ended.test_accuracy:.2%}" if ended.test_accuracy is not None else ""
                text = Text(f"■ stopped{acc}" if ended.reason == "stopped" else f"✓ stopped early{acc}",
                            "bold yellow" if ended.reason == "stopped" else "bold green")
            elif ended is not None and ended.test_accuracy is not None:
                text = Text(f"✓ test accuracy {ended.test_accuracy:.2%}", "bold green")
            else:
                text = Text("✓ done", "bold green")
        self._set(self._state_label, text)

    def _progress_row(self) -> None:
        s, info = self.snapshot, self.info
        epoch_label, speed, bar = self._epoch_label, self._speed, self._bar
        if info is None or s is None:
            self._set(epoch_label, self.loading_text if self.phase == "loading" else "")
            self._set(speed, "")
            return
        if s.phase in ("validation", "test") and s.eval_total:
            self._set(epoch_label, Text.assemble((f"Epoch {max(s.epoch, 1)}/{s.epochs} ", "bold"),
                                                 (f"{'val' if s.phase == 'validation' else s.phase} "
                                                  f"{s.eval_done:,}/{s.eval_total:,}", "")))
        else:
            self._set(epoch_label, Text.assemble((f"Epoch {max(s.epoch, info.initial_epoch + 1)}/{s.epochs} ",
                                                  "bold"), (f"batch {s.step}/{s.steps}", "")))
        done = max(0, s.global_step - info.initial_epoch * info.steps_per_epoch)
        if self.phase == "ended" and self.result is not None and not self.result.ended.stopped:
            done = bar.total
        bar.update(done)
        if self.deterministic or s.samples_per_second is None:
            self._set(speed, "")
            return
        parts = [f"{readable_count(s.samples_per_second)} samples/s"]
        if self.phase in (RUNNING, "pausing") and s.seconds_left is not None:
            parts.append(f"{duration(s.seconds_left)} left")
        self._set(speed, " · ".join(parts))

    def _set(self, widget: Static, content) -> None:
        """Update a one-line Static only when its text changes, and without a new layout: the head's
        widgets have fixed widths, so a redraw at 10 Hz never reflows the screen."""
        key = content.markup if isinstance(content, Text) else str(content)
        if getattr(widget, "_shown_key", None) != key:
            widget._shown_key = key
            widget.update(content, layout=False)

    def _notice(self, text: str | None, kind: str = "info") -> None:
        notice = self.query_one("#training-notice", Static)
        notice.set_class(text is not None and kind == "error", "-error")
        notice.set_class(text is not None and kind == "info", "-info")
        notice.update(text or "")

    def _test_line(self, ended) -> str:
        if ended.test_logs is None:
            return ""
        acc = ended.test_accuracy
        return (f"Test loss {fmt(ended.test_loss)}"
                + (f" · test accuracy {acc:.2%}" if acc is not None else "") + ".")

    def _summary(self, result) -> Text:
        ended = result.ended
        out = Text()
        reason = {"completed": ("✓ Training completed", "bold green"),
                  "stopped": ("■ Training stopped", "bold yellow"),
                  "early_stopping": ("✓ Training stopped early", "bold green"),
                  "non_finite": ("✗ Training stopped: the loss is not finite", "bold red")}.get(
                      ended.reason, (f"■ Training ended ({ended.reason})", "bold yellow"))
        out.append(reason[0], reason[1])
        out.append(f" after {ended.epochs_completed} epoch{'s' if ended.epochs_completed != 1 else ''}.\n")
        if ended.reason == "early_stopping" and ended.message:
            out.append(ended.message[:1].upper() + ended.message[1:] + "\n", "dim")
        if ended.test_logs is not None:
            n = int(result.confusion.sum()) if result.confusion is not None else (self.info.n_test if self.info else 0)
            out.append("Test set: ", "bold")
            out.append(f"loss {fmt(ended.test_loss)}")
            if ended.test_accuracy is not None:
                right = n - result.test_errors if result.confusion is not None else None
                out.append(" · accuracy ")
                out.append(f"{ended.test_accuracy:.2%}", "bold")
                if right is not None:
                    out.append(f" ({right:,} of {n:,} right)")
            out.append("\n")
        elif ended.reason == "non_finite":
            out.append(ended.message + "\n")
        return out


class TrainingHarnessApp(App):
    """A minimal app that pushes the training screen on a placeholder (tests, benchmarks, trying it by hand).

    The placeholder stands in for the builder: Enter pushes a new TrainingScreen (which continues from
    ``app.trained`` when the model is unchanged), q quits.
    """

    BINDINGS = [Binding("enter", "train", "Train", show=False), Binding("q", "quit", "Quit", show=False)]

    def __init__(self, screen_factory, **kwargs) -> None:
        super().__init__(**kwargs)
        self._factory = screen_factory
        self.trained = None

    def compose(self) -> ComposeResult:
        yield Static("(builder placeholder) Enter: train · q: quit", id="harness-placeholder")
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(self._factory())

    def action_train(self) -> None:
        if not isinstance(self.screen, TrainingScreen):
            self.push_screen(self._factory())


def main(argv=None) -> None:
    """``python -m nntui.tui.screens.training [--preset mnist] [--data-dir DIR] [--epochs N]``."""
    import argparse

    from ...spec import load_preset

    parser = argparse.ArgumentParser(description="The training screen on its own.")
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--data-dir")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    preset = load_preset(args.preset).with_overrides(epochs=args.epochs, limit=args.limit)
    TrainingHarnessApp(lambda: TrainingScreen(preset, args.data_dir)).run()


if __name__ == "__main__":
    main()
