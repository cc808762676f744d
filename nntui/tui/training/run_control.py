"""Pause, single step, stop, close and the learning rate: the switches the training screen and its worker share."""

from __future__ import annotations

import threading
import time


class RunControl:
    """Pause, single-step, stop and close, shared by the UI thread (writer) and the worker (reader).

    ``pause()`` takes effect before the worker's next ``next()``: the batch in flight finishes, the
    worker posts a paused snapshot and waits. ``step()`` lets exactly one more batch through.
    ``scale_learning_rate(factor)`` asks for the rate times ``factor`` from the next batch on; it wakes a
    paused worker, which hands it to the run at once (:meth:`take_rate_factor`) and says the new rate.
    """

    def __init__(self, *, pause_at: int | None = None):
        self._cond = threading.Condition()
        self.paused = False
        self.stop_requested = False
        self.closed = False
        self._steps = 0
        self._rate_factor = 1.0  # asked for and not yet handed to the run
        #: global step after which the worker pauses by itself (tests and snapshots)
        self.pause_at = pause_at

    def pause(self) -> None:
        """Pause after the batch in flight."""
        with self._cond:
            self.paused = True
            self._steps = 0
            self._cond.notify_all()

    def resume(self) -> None:
        """Go on training."""
        with self._cond:
            self.paused = False
            self._steps = 0
            self._cond.notify_all()

    def step(self, batches: int = 1) -> None:
        """Stay paused but let ``batches`` more batches through."""
        with self._cond:
            self.paused = True
            self._steps += batches
            self._cond.notify_all()

    def stop(self) -> None:
        """End the run after the current step (the run then ends with reason 'stopped')."""
        with self._cond:
            self.stop_requested = True
            self._cond.notify_all()

    def close(self) -> None:
        """Abandon the run as soon as the worker looks (the screen is going away)."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def scale_learning_rate(self, factor: float) -> None:
        """Multiply the learning rate by ``factor`` before the next batch (2: double, 0.5: halve)."""
        with self._cond:
            self._rate_factor *= factor
            self._cond.notify_all()

    def take_rate_factor(self) -> float:
        """The factor asked for since the last call (1.0: none), for the worker to hand to the run."""
        with self._cond:
            factor, self._rate_factor = self._rate_factor, 1.0
        return factor

    @property
    def rate_pending(self) -> bool:
        """Whether a change of the learning rate waits for the worker."""
        return self._rate_factor != 1.0

    def must_wait(self) -> bool:
        """Whether the worker should wait before its next ``next()`` call."""
        with self._cond:
            return self.paused and self._steps == 0 and not (self.stop_requested or self.closed)

    def wait(self, timeout: float | None = None) -> float:
        """Block while paused without step credit; returns the seconds spent waiting."""
        t0 = time.perf_counter()
        with self._cond:
            self._cond.wait_for(lambda: not self.paused or self._steps > 0 or self.stop_requested
                                or self.closed or self._rate_factor != 1.0, timeout)
        return time.perf_counter() - t0

    def batch_done(self, global_step: int) -> None:
        """Called by the worker after each batch: spends one step credit; honours ``pause_at``."""
        with self._cond:
            if self._steps > 0:
                self._steps -= 1
            if self.pause_at is not None and global_step >= self.pause_at:
                self.pause_at = None
                self.paused = True
                self._steps = 0
