"""The training thread's side of the Inside tab: copies of the weights taken between batches.

The worker calls :class:`InsideTap` between two ``next()`` calls of the engine's generator, the only
moments nothing writes the model. While the tab is shown (``wanted``, set by the UI thread) and a
refresh is due (at most every ``refresh`` seconds) it arms a
:class:`~nntui.engine.probe.StepRecorder` before one step and captures after it, so the snapshot has
that step's gradients and update; when the run pauses or ends it captures once (cheap: a few copies of
the parameter vector), so opening the tab then shows the weights at once (the step before each
epoch's end is always recorded, so the final capture has its update). Every other batch costs an
``append``, a flag and a clock reading.

The capture, with the run's facts at that moment (:class:`Taken`), waits in a one-place mailbox for
the tab's inspector thread (:meth:`InsideTap.take`); a newer capture replaces an unread one.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from ...engine.events import BatchEnded, EpochEnded, EpochStarted, RunEnded
from ...engine.model import Model
from ...engine.probe import StepRecorder, WeightSnapshot
from ...engine.probe.inspector import LOSS_WINDOW

REFRESH = 0.5  # seconds between two live captures (the tab refreshes at most twice a second)
FRAME_WAIT = 0.1  # at most this long the training thread waits for the tab to draw an inspection


@dataclass(frozen=True, eq=False)
class Taken:
    """One capture: the weights (with the last step's gradients and update when recorded) and the run's
    facts at that moment: the epoch under way, every finished epoch's logs, the last batch losses."""

    snapshot: WeightSnapshot
    epoch: int
    epochs: tuple
    losses: tuple
    live: bool  # taken while batches stream (count dead units on a chunk, not the whole probe set)


class InsideTap:
    """Captures of ``model`` for the Inside tab; ``optimizer`` counts the steps."""

    def __init__(self, refresh: float = REFRESH) -> None:
        self.refresh = refresh
        self.wanted = False  # the tab is shown: capture while training (set by the UI thread)
        self.recorder: StepRecorder | None = None
        self.captures = 0
        self._armed = False
        self._pause_armed = False
        self._due = 0.0
        self._epoch = 0
        self._epochs: list[dict] = []
        self._losses: deque[float] = deque(maxlen=LOSS_WINDOW)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._latest: Taken | None = None
        self._idle = threading.Event()  # clear while the UI draws an inspection (see :meth:`drawing`)
        self._idle.set()

    # -- the training thread, between batches
    def begin(self, model: Model, optimizer, epoch: int = 0, epochs: list[dict] | None = None) -> None:
        """The run's model is set up (continuing from ``epochs`` finished epochs' logs)."""
        self.recorder = StepRecorder(model, optimizer)
        self._epoch = epoch
        self._epochs = [dict(logs) for logs in epochs or ()]

    def on_event(self, event) -> None:
        """Follow the run; capture after a step armed for it; arm when a live refresh is due."""
        if isinstance(event, BatchEnded):
            self._losses.append(event.batch_loss)
            if self.recorder is None:
                return
            if not self._idle.is_set():  # the tab draws: wait for its frame rather than compete with it
                self._idle.wait(FRAME_WAIT)
            if self._armed:
                self._armed = False
                self._put(True)
            if self._pause_armed:  # a single step after a pause: the recorder keeps its copy for on_pause
                self._pause_armed = False
            elif event.step == event.steps - 1:  # the epoch's last step: recorded, for the capture at the end
                self.recorder.arm()
            elif self.wanted:
                now = time.perf_counter()
                if now >= self._due:
                    self.recorder.arm()
                    self._armed = True
                    self._due = now + self.refresh
        elif isinstance(event, EpochStarted):
            self._epoch = event.epoch
        elif isinstance(event, EpochEnded):
            self._epochs.append(dict(event.logs))
        elif isinstance(event, RunEnded):
            self.on_end()

    def on_pause(self) -> None:
        """The run waits: capture now, and arm so that a single step taken next is recorded."""
        if self.recorder is not None:
            self._armed = False
            self._put(False)
            self.recorder.arm()
            self._pause_armed = True

    def on_end(self) -> None:
        """The run is over (or closed): the final capture."""
        if self.recorder is not None:
            self._armed = False
            self._put(False)
            self.recorder = None

    def _put(self, live: bool) -> None:
        taken = Taken(self.recorder.capture(), self._epoch, tuple(self._epochs), tuple(self._losses), live)
        with self._lock:
            self._latest = taken
            self.captures += 1
        self._ready.set()

    # -- the inspector thread
    def take(self, timeout: float | None = None) -> Taken | None:
        """The newest capture not taken yet (waiting at most ``timeout`` seconds for one), else None."""
        if not self._ready.wait(timeout):
            return None
        with self._lock:
            taken, self._latest = self._latest, None
            self._ready.clear()
        return taken

    def wake(self) -> None:
        """Let a waiting :meth:`take` return (the tab is hidden or closing)."""
        self._ready.set()
        self._idle.set()

    # -- the UI: drawing an inspection
    def drawing(self) -> None:
        """An inspection is on its way to the screen: the training thread waits (at most FRAME_WAIT) at its
        next batch end until :meth:`drawn`. Drawing is pure Python on the UI thread; run while this run
        trains it competes for the GIL and the cores BLAS uses, which costs the epoch more than the
        drawing itself (the training screen's progress snapshots wait for their frames alike)."""
        self._idle.clear()

    def drawn(self) -> None:
        """The inspection's frame is drawn."""
        self._idle.set()


__all__ = ["InsideTap", "Taken", "REFRESH"]
