"""The training screen: live curves, progress, the anatomy of the run, epoch table, results, Inside.

``app.push_screen(TrainingScreen(preset, data_dir))`` starts at once: a thread worker (:mod:`.worker`)
loads and trains and only posts messages (:mod:`.messages`); the screen routes them to widgets that own
what they show (:mod:`.head`, :mod:`.notice`, the plots, the anatomy, :mod:`.epoch_table`, the results,
a 2-D model's decision boundary, :mod:`.inside_tab` fed by :mod:`.inside_tap`). ``phase`` (a
:class:`~.phase.Phase` reactive) is where the run is: the head and the footer follow it. Keys: :mod:`.bindings` (i, D: :mod:`.inside_keys`).

The trained model stays on the app (``app.trained``, a :class:`~nntui.tui.common.trained_state.TrainedState`):
a later TrainingScreen for an equal model spec continues from it; the builder drops it when the model changes.
"""

from __future__ import annotations

import sys
import time

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from ...preset.preset import Preset
from ..common.help import Sections
from ..common.trained_state import TrainedState
from . import messages as msg
from .anatomy import TrainingAnatomy
from .bindings import TRAINING_BINDINGS
from .boundary_pane import TrainingBoundary
from .curves import TrainingCurves
from .epoch_table import TrainingEpochTable
from .head import TrainingHead
from .help_keys import shown_tabs, training_help
from .inside_keys import draw_pad, toggle_inside
from .inside_tab import InsideTab
from .inside_tap import InsideTap
from .notice import TrainingNoticeLine
from .pacing import PAUSED_REDRAW_DELAY, SWITCH_INTERVAL, RedrawPacer
from .phase import Phase
from .results import TrainingResults
from .run_control import RunControl
from .saving import ask_and_save, checkpoint_folder
from .summary import end_notice
from .worker import PROGRESS_INTERVAL, TrainingJob

APP_ATTRIBUTE = "trained"  # where the kept TrainedState lives on the app
COMPACT_WIDTH = 110
COMPACT_HEIGHT = 30


class TrainingScreen(Screen):
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

    BINDINGS = TRAINING_BINDINGS

    phase: var[Phase] = var(Phase.LOADING, init=False, bindings=True)
    """Where the current run is; the head and the footer follow it."""
    saving: var[bool] = var(False, init=False, bindings=True)
    """Whether a file is being written (the keys that would change the weights wait)."""

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
        self.control: RunControl | None = None
        self.state: TrainedState | None = None
        self.data = None  # run_facts.JobData: the datasets, kept for the next run
        self.info = None  # run_facts.RunInfo of the current run
        self.snapshot = None  # run_facts.Snapshot, the newest of the current run
        self.result = None  # run_facts.RunResult once the current run has ended
        self.epoch_events: list = []  # EpochEnded of this screen's runs (timings without pauses)
        self.key_times: dict[str, float] = {}  # action -> perf_counter when pressed (latency checks)
        self.ack_latencies: list[float] = []  # pause key -> worker acknowledged, seconds
        self._pace = RedrawPacer()  # the frame budget (see .pacing)
        self._runs = 0
        self._switch_interval = sys.getswitchinterval()

    # ------------------------------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        # the hot path (5 snapshots a second) never queries the DOM: the screen keeps its widgets
        self._head = TrainingHead(self.preset.name, deterministic=self.deterministic, id="training-head")
        self._notice = TrainingNoticeLine(id="training-notice")
        self._table = TrainingEpochTable(deterministic=self.deterministic, id="training-epochs")
        self._results, self._boundary = TrainingResults(id="training-results"), TrainingBoundary(id="training-boundary")
        self._curves = TrainingCurves(id="training-plots")
        self._anatomies = [TrainingAnatomy(id="anatomy-wide"), TrainingAnatomy(id="anatomy-compact")]
        self._inside = InsideTab(id="training-inside")
        yield self._head
        yield self._notice
        with TabbedContent(initial="tab-live", id="training-tabs") as self._tabs:
            with TabPane("Curves", id="tab-live"):
                yield self._curves
                with Horizontal(id="training-lower"):
                    yield self._anatomies[0]
                    yield self._table
            with TabPane("Anatomy", id="tab-anatomy"):
                yield self._anatomies[1]
            with TabPane("Results", id="tab-results"):
                yield self._results
            with TabPane("Boundary", id="tab-boundary"):  # models with 2-D input
                yield self._boundary
            with TabPane("Inside", id="tab-inside"):
                yield self._inside
        yield Footer()

    def on_mount(self) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
        self._layout_for(self.size.width, self.size.height)
        self._tabs.hide_tab("tab-boundary")
        previous = getattr(self.app, APP_ATTRIBUTE, None)
        if not isinstance(previous, TrainedState) or not self.continue_training or not previous.matches(self.preset):
            previous = None
        self.start(previous)

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width, event.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        """Below 110x30 the anatomy leaves the curves tab for a tab of its own."""
        compact = width < COMPACT_WIDTH or height < COMPACT_HEIGHT
        self.set_class(compact, "-compact")
        self._head.compact = self._table.compact = compact
        tabs = self._tabs
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

    def watch_phase(self, phase: Phase) -> None:
        self._head.phase = phase

    # ------------------------------------------------------------------------------------- runs
    @property
    def running(self) -> bool:
        """Whether a run is under way (loading, training, paused or stopping)."""
        return self.phase.under_way

    def start(self, previous: TrainedState | None) -> None:
        """Start a run in the worker: continue from ``previous`` (same model spec) or from fresh weights."""
        self._runs += 1
        self.control = RunControl(pause_at=self.pause_at if self._runs == 1 else None)
        self.result = None
        self.snapshot = None
        self.phase = Phase.LOADING
        self._notice.say(None)
        if previous is None:
            self._table.clear_epochs()
            self._curves.show(None)
            self._results.clear()
        else:
            self._results.clear("The test results appear here when this run ends.")
        self._inside.new_run(tap := InsideTap())
        job = TrainingJob(self.preset, self.data_dir, control=self.control, previous=previous, data=self.data,
                          arrays=self.arrays, interval=self.interval, tap=tap,
                          checkpoint_dir=checkpoint_folder(self.checkpoint_dir, self.app),
                          threads=getattr(self.app, "threads", None))  # the app's --threads / NNTUI_THREADS
        self._work(job)

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _work(self, job: TrainingJob) -> None:
        job.run(self.post_message)

    # ------------------------------------------------------------------------------------- messages
    def on_training_loading(self, message: msg.TrainingLoading) -> None:
        self._head.loading(message.text, message.done, message.total)

    def on_training_ready(self, message: msg.TrainingReady) -> None:
        self.info, self.state, self.data = message.info, message.state, message.data
        setattr(self.app, APP_ATTRIBUTE, self.state)
        self._head.ready(self.info)
        self.phase = Phase.PAUSING if self.control is not None and self.control.paused else Phase.RUNNING
        self._curves.set_acc_key(self.info.acc_key)
        self._table.show_epochs(message.rows, self.info.acc_key)
        for pane in (*self._anatomies, self._boundary):
            pane.set_info(self.info)
        self._curves.show(message.curves)
        self._inside.run_ready(self.preset, self.state.model, self.data)
        if self.info.boundary:  # a 2-D model: Playground's main picture first
            self._tabs.show_tab("tab-boundary")
            self._tabs.active = "tab-boundary"
        self._pace.run_shown(time.perf_counter())
        if self.info.continued:
            self._notice.say(f"Continuing from the weights trained so far ({self.info.initial_epoch} epoch"
                             f"{'s' if self.info.initial_epoch != 1 else ''}); press s then r to restart from "
                             "fresh weights.", "info")
        if message.drawn is not None:
            self.call_after_refresh(message.drawn.set)

    def on_training_progress(self, message: msg.TrainingProgress) -> None:
        s = message.snapshot
        self.snapshot = s
        self._boundary.offer(s)
        now = time.perf_counter()
        self._head.show_snapshot(s)
        if s.paused:
            if self.phase in (Phase.RUNNING, Phase.PAUSING, Phase.PAUSED):
                self.phase = Phase.PAUSED
            pressed = self.key_times.pop("pause", None)
            if pressed is not None:
                self.ack_latencies.append(now - pressed)
        if s.curves is not None and s.paused:
            # the paused state first (a cheap frame); the plots catch up a moment later
            self.set_timer(PAUSED_REDRAW_DELAY, lambda: self._show_curves(s.curves, time.perf_counter()))
        elif s.curves is not None and self._pace.plots_due(now):
            self._show_curves(s.curves, now)
        if self._pace.anatomy_turn(now, s.paused):
            # In a frame of its own: Textual repaints the box around all the regions changed in one
            # frame, so the head (top) and the anatomy (bottom) together would repaint the whole screen.
            if s.paused:
                self.set_timer(PAUSED_REDRAW_DELAY, lambda: self._show_anatomy(s))
            else:
                self.call_after_refresh(self._show_anatomy, s, message)
                return
        self.call_after_refresh(message.done)  # the worker waits for the frame (see TrainingProgress)

    def _show_anatomy(self, s, message: msg.TrainingProgress | None = None) -> None:
        for anatomy in self._anatomies:
            anatomy.show(s)
        if message is not None:  # the worker waits for the anatomy's frame too
            self.call_after_refresh(message.done)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._inside.shown = self._tabs.active == "tab-inside"

    def _show_curves(self, curves, now: float) -> None:
        cost = self._curves.render_seconds
        self._curves.show(curves)
        self._pace.plots_drawn(now, cost)

    def on_training_epoch(self, message: msg.TrainingEpoch) -> None:
        ev = message.event
        self.epoch_events.append(ev)
        self._table.add_epoch(ev.epoch, ev.logs, ev.seconds)
        self._pace.epoch_ended()  # its validation point soon

    def on_training_ended(self, message: msg.TrainingEnded) -> None:
        result = message.result
        self.result = result
        self.control = None
        if result.snapshot is not None:
            self.snapshot = result.snapshot
            self._boundary.offer(result.snapshot)
            for anatomy in self._anatomies:
                anatomy.show(result.snapshot)
        self._head.show_result(result)
        self.phase = Phase.ENDED
        if result.curves is not None:
            self._show_curves(result.curves, time.perf_counter())
        self._results.show(result, self.info.n_test if self.info else 0)
        self._notice.say(*end_notice(result.ended))
        if result.ended.reason != "non_finite" and self._tabs.active != "tab-inside":  # not finite: the curves
            self._tabs.active = "tab-results"

    def on_training_notice(self, message: msg.TrainingNotice) -> None:
        self.notify(message.text, severity=message.severity, timeout=8)

    def on_training_failed(self, message: msg.TrainingFailed) -> None:
        self.control = None
        self.phase = Phase.FAILED
        self._notice.say(f"✗ {message.text}", "error")

    # ------------------------------------------------------------------------------------- keys
    def check_action(self, action: str, parameters) -> bool | None:
        allowed = self.phase.allows(action, saving=self.saving, weights=self.state is not None)
        if allowed is not None:
            return allowed
        if action == "tab_number":
            return 0 < int(parameters[0]) <= len(self.shown_tabs())
        if action == "draw":  # hidden until there are weights; dimmed while they change
            return None if self.state is None or self.phase not in (Phase.PAUSED, Phase.ENDED) else True
        return True

    def action_pause(self) -> None:
        if self.control is None:
            return
        self.key_times["pause"] = time.perf_counter()
        self.control.pause()
        self.phase = Phase.PAUSING

    def action_resume(self) -> None:
        if self.control is None:
            return
        self.control.resume()
        self.phase = Phase.RUNNING

    def action_step(self) -> None:
        if self.control is None:
            return
        if self.phase == Phase.RUNNING:
            self.action_pause()
            return
        self.key_times["pause"] = time.perf_counter()
        self.control.step()
        self.phase = Phase.PAUSING

    def action_stop(self) -> None:
        if self.control is None:
            return
        self.control.stop()
        self.phase = Phase.STOPPING

    def action_learning_rate(self, factor: float) -> None:
        if self.control is not None:
            self.control.scale_learning_rate(factor)

    def action_again(self) -> None:
        if self.running:
            return
        previous = self.state if self.state is not None and self.state.matches(self.preset) else None
        self._tabs.active = "tab-live"
        self.start(previous)

    def action_restart(self) -> None:
        if self.running:
            return
        self._tabs.active = "tab-live"
        self.epoch_events.clear()
        self.start(None)

    def action_back(self) -> None:
        if self.control is not None:
            self.control.close()  # the weights after the last finished batch stay on app.trained
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()

    def shown_tabs(self) -> list[tuple[str, str]]:
        """(id, title) of the tabs shown now, in order (the tab keys number these)."""
        return shown_tabs(self._tabs)

    def action_tab_number(self, number: int) -> None:
        tabs = self.shown_tabs()
        if 0 < int(number) <= len(tabs):
            self._tabs.active = tabs[int(number) - 1][0]

    def help_sections(self) -> Sections:
        """What ? lists here: the training keys and the tab keys of this layout."""
        return training_help(self.BINDINGS, [title for _, title in self.shown_tabs()])

    def action_save_weights(self) -> None:
        self._save("weights")

    def action_save_metrics(self) -> None:
        self._save("metrics")

    @work(group="save", exit_on_error=False)
    async def _save(self, kind: str) -> None:
        await ask_and_save(self, kind)

    # ------------------------------------------------------------------------------------- inside, draw
    def action_inside(self) -> None:
        toggle_inside(self)

    def action_draw(self) -> None:
        draw_pad(self)


__all__ = ["TrainingScreen", "APP_ATTRIBUTE"]
