"""The training screen's Inside tab: the Inside view of the run's model, live while it trains.

The worker's :class:`~.inside_tap.InsideTap` copies the weights between batches; while the tab is
shown (``shown``, set by the screen) a thread worker of this widget takes those copies (at most
twice a second), runs the engine's :class:`~nntui.engine.probe.RunInspector` on them and posts
:class:`InsideTab.Inspected` (coalescing); the view (:class:`~nntui.tui.inside.inside_view.InsideView`)
shows each. The view and the inspector work on a *shadow* of the model (same layers, weights of its
own, loaded from the copies): nothing here reads an array the training thread writes. While an
inspection is drawn the training thread waits for the frame (at most 100 ms), and a layer that is
costly to draw is refreshed less often (``UI_SHARE``). Hidden, the tab costs the run nothing: the
tap stops capturing and the thread ends.
"""

from __future__ import annotations

import time

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from ...engine.probe import Inspection, RunInspector
from ...engine.probe.forward import shadow_model
from ...preset.preset import Preset
from ..common.css import tcss
from ..inside.inside_view import InsideView
from ..inside.samples import test_samples
from .inside_tap import REFRESH, InsideTap

PROBE_IMAGES = 256  # test images the dead units are counted on
UI_SHARE = 0.04  # the share of the time the UI thread may spend drawing inspections while a run trains
SLOWEST = 2.0  # ... at the price of refreshing less often, but at least every SLOWEST seconds
WAITING = "Inside: waiting for the first copy of the weights (taken between two batches)…"


class InsideTab(Widget):
    """The Inside view of the screen's current run; ``shown`` while its tab is the active one."""

    DEFAULT_CSS = tcss(__file__)

    shown: var[bool] = var(False, init=False)

    class Inspected(Message):
        """A new inspection of the run's weights (the newest replaces one not yet handled)."""

        def __init__(self, inspection: Inspection, history: list) -> None:
            super().__init__()
            self.inspection = inspection
            self.history = history

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, InsideTab.Inspected)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tap: InsideTap | None = None
        self.inspections = 0  # inspections shown (tests wait on it)
        self.refresh_seconds: list[float] = []  # what each inspection cost its thread (benchmarks)
        self.draw_seconds: list[float] = []  # ... and the UI thread, handler to frame drawn
        self._run = None  # (preset, model, data) of the current run
        self._model = None  # the run's model the shadow was made for
        self._shadow = None
        self._inspector: RunInspector | None = None
        self._samples = None

    def compose(self) -> ComposeResult:
        yield Static(WAITING, id="inside-tab-note")
        yield InsideView(id="inside-tab-view")

    @property
    def view(self) -> InsideView:
        return self.query_one("#inside-tab-view", InsideView)

    def new_run(self, tap: InsideTap) -> None:
        """A run starts (its worker captures into ``tap``)."""
        if self.tap is not None:
            self.tap.wake()
        self.tap = tap
        tap.wanted = self.shown
        if self.shown:
            self._start()

    def run_ready(self, preset: Preset, model, data) -> None:
        """The run's model and datasets are set up (the screen's TrainingReady)."""
        self._run = (preset, model, data)
        if model is not self._model:  # a new model: a new shadow, inspector and samples (in the thread)
            self._model, self._shadow, self._inspector, self._samples = model, None, None, None
        if self.shown:
            self._start()

    def watch_shown(self, shown: bool) -> None:
        if self.tap is not None:
            self.tap.wanted = shown
        if shown:
            self._start()
            self.view.focus()
        else:
            self.workers.cancel_group(self, "inside-tab")
            if self.tap is not None:
                self.tap.wake()

    def _start(self) -> None:
        if self.tap is not None and self._run is not None:
            self._inspect(self.tap, self._run)

    @work(thread=True, exclusive=True, group="inside-tab", exit_on_error=False)
    def _inspect(self, tap: InsideTap, run) -> None:
        preset, model, data = run
        worker = get_current_worker()
        if self._inspector is None:  # built from the layers' configs: no weight of the run is read
            shadow = shadow_model(model)
            probe_x = data.test.x[:PROBE_IMAGES] if data.test is not None else None
            self._inspector = RunInspector(shadow, None, probe_x)
            self._samples = test_samples(preset, shadow, data.arrays, data.test) if data.test is not None else None
            self._shadow = shadow
        inspector, last = self._inspector, 0.0
        while not worker.is_cancelled and tap is self.tap:
            taken = tap.take(timeout=1.0)
            if taken is None or worker.is_cancelled:
                continue
            wait = last + REFRESH - time.perf_counter()
            if wait > 0:  # paused and stepped quickly: still at most twice a second
                time.sleep(wait)
            t0 = time.perf_counter()
            inspection = inspector.inspect_taken(taken.snapshot, epoch=taken.epoch, epochs=list(taken.epochs),
                                                 losses=taken.losses, live=taken.live)
            last = time.perf_counter()
            self.refresh_seconds.append(last - t0)
            tap.drawing()
            self.post_message(self.Inspected(inspection, list(inspector.history)))

    def _drawn(self, tap: InsideTap, start: float) -> None:
        """An inspection's frame is drawn: the training thread goes on; a costly layer (a Dense layer's
        unit pictures and histograms: ~50 ms at 120x40) is refreshed less often, within UI_SHARE."""
        cost = time.perf_counter() - start
        self.draw_seconds.append(cost)
        tap.refresh = min(SLOWEST, max(REFRESH, cost / UI_SHARE))
        tap.drawn()

    def on_inside_tab_inspected(self, message: Inspected) -> None:
        message.stop()
        if self.tap is not None:
            self.call_after_refresh(self._drawn, self.tap, time.perf_counter())
        view, shadow, samples = self.view, self._shadow, self._samples
        if samples is None or shadow is None:
            return
        if view.model is not shadow:  # the run's first inspection: the view's model and samples with it
            view.set_model(shadow, samples, view.sample)
        self.inspections += 1
        view.show_inspection(message.inspection, message.history)
        s = message.inspection.snapshot
        self.query_one("#inside-tab-note", Static).update(
            f"The weights of step {s.step:,} (epoch {message.inspection.epoch}), refreshed at most twice a second "
            "· i: back")
