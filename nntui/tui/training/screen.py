"""The training screen: live curves, progress, the anatomy of the run, epoch table, results.

Push it on any app::

    app.push_screen(TrainingScreen(preset, data_dir))

It starts at once: data loading and training run in a thread worker (:mod:`nntui.tui.training.worker`)
that consumes the engine's one generator and only posts messages (:mod:`nntui.tui.training.messages`).

Keys: space/p pause and resume, n/. one batch while paused, s stop, t/Enter train again (continuing
from the current weights), r restart from fresh weights, w save the weights, m save the metrics,
escape/b back to the builder.

The trained model stays on the app after the screen closes: ``app.trained`` is a
:class:`~nntui.tui.training.worker.TrainedState` (model, trainer, epochs trained, history).
A later TrainingScreen for a preset whose model spec is equal (``app.trained.matches(preset)``)
continues from those weights; the builder may drop it (``app.trained = None``) when the model changes.

Its key actions live in :mod:`.training_keys` and the drawing of the head, epoch table and summary in
:mod:`.training_drawing` (mixins of :class:`TrainingScreen`); :class:`TrainingHarnessApp` lives in
:mod:`.training_harness` and is re-exported here.
"""

from __future__ import annotations

import sys
import time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from ...preset.preset import Preset
from ..common.trained_state import TrainedState
from . import messages as msg
from .anatomy import TrainingAnatomy
from .boundary_pane import TrainingBoundary
from .drawing import PAUSED, RUNNING, TrainingDrawing
from .keys import TrainingKeys
from .plots import TrainingPlot, TrainingPlotPanel
from .progress import TrainingProgressBar
from .results import TrainingResults
from .run_control import RunControl
from .worker import PROGRESS_INTERVAL, TrainingJob

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


class TrainingScreen(TrainingKeys, TrainingDrawing, Screen):
    """Trains ``preset`` and shows it live.

    Optional arguments (tests, benchmarks, snapshots): ``arrays`` (MnistArrays to use instead of
    loading), ``deterministic`` (hide clock-based figures: speeds, times), ``pause_at`` (pause by
    itself after that global step), ``continue_training`` (False: always fresh weights),
    ``interval`` (seconds between the worker's progress snapshots), ``checkpoint_dir`` (checkpoint
    after each epoch like ``--checkpoint``; default: ``app.document.checkpoint_dir`` when the app has it).
    The preset's early stopping applies as in ``--headless``.
    """

    CSS_PATH = "screen.tcss"
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
        Binding("4", "tab('tab-boundary')", "Boundary", show=False),
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
            with TabPane("Boundary", id="tab-boundary"):  # models with 2-D input
                yield TrainingBoundary(id="training-boundary")
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
        self._tabs.hide_tab("tab-boundary")
        self._boundary = self.query_one(TrainingBoundary)
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
        if self.info.boundary:  # Playground's main picture first
            self._tabs.show_tab("tab-boundary")
            self._boundary.set_info(self.info)
            self._tabs.active = "tab-boundary"
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
        self._boundary.offer(s)
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
            self._boundary.offer(result.snapshot)
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


__all__ = ["TrainingScreen", "APP_ATTRIBUTE"]
