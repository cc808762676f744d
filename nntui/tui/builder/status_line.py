"""The bottom lines: ready to train, or the first misfit with its fix; what the next run starts from; and
how long an epoch will take on this machine."""

from __future__ import annotations

import time

from textual import work
from textual.message import Message
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from ...preset.epoch_time import epoch_estimate, speed_key
from ...preset.preset import Preset
from ..common.css import tcss
from .view import StackView


#: The pause before a measurement starts (a new edit in the meantime cancels it).
SETTLE_SECONDS = 0.3


def estimate_text(preset: Preset, samples_per_second: float) -> str | None:
    """The status line's estimate of an epoch (None: the data set's size is not known yet)."""
    estimate = epoch_estimate(preset, samples_per_second)
    return estimate.text() if estimate is not None else None


class StatusLine(Static):
    """Says whether the model is ready to train (colour and a ✓/✗ symbol).

    The builder binds both: :attr:`view` (the model's status) and :attr:`start_note` (what the next run
    starts from when not fresh weights: loaded weights, a checkpoint, the run before). The line owns
    :attr:`estimate`: when the model is ready, a worker times a few of its training steps (the app's
    ``speed_probe``; cached per model) and the line says how long an epoch will take.
    """

    DEFAULT_CSS = tcss(__file__)

    view: var[StackView | None] = var(None)
    start_note: var[str | None] = var(None)
    #: 'About 4s per epoch on this machine (54,000 images at 15.4K samples/s)' (None: not known yet)
    estimate: var[str | None] = var(None)

    class Measured(Message):
        """A worker timed the training steps of the model with this speed key."""

        def __init__(self, key: tuple, samples_per_second: float | None) -> None:
            super().__init__()
            self.key, self.samples_per_second = key, samples_per_second

    def __init__(self, view: StackView | None = None, **kwargs):
        # the first view's status at once: the first frame shows it (the binding updates it afterwards)
        super().__init__(view.status if view is not None else "", markup=False, **kwargs)
        if view is not None:
            self.set_class(view.ready, "-ready", update=False)
            self.set_class(not view.ready, "-error", update=False)
        self._speeds: dict[tuple, float] = {}

    def watch_view(self) -> None:
        self._estimate()
        self._show()

    def watch_start_note(self) -> None:
        self._show()

    def watch_estimate(self) -> None:
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        text = view.status
        if view.ready:
            first, newline, rest = text.partition("\n")
            if self.estimate:
                first += f"\n  {self.estimate}."
            if self.start_note:
                first += f"\n  The next run {self.start_note}."
            text = first + newline + rest
        self.update(text)
        self.set_class(view.ready, "-ready")
        self.set_class(not view.ready, "-error")

    # ------------------------------------------------------------------ the time of an epoch
    def _estimate(self) -> None:
        probe = getattr(self.app, "speed_probe", None) if self.is_attached else None
        view = self.view
        if probe is None or view is None or not view.ready:
            self.estimate = None
            return
        preset = self.app.document.snapshot()
        key = speed_key(preset)
        speed = self._speeds.get(key)
        if speed is not None:
            self.estimate = estimate_text(preset, speed)
            return
        self.estimate = None
        self._measure(probe, preset, key)

    @work(thread=True, exclusive=True, group="epoch-estimate")
    def _measure(self, probe, preset: Preset, key: tuple) -> None:
        worker = get_current_worker()
        time.sleep(SETTLE_SECONDS)  # edits typed in a row measure once; the first frames come first
        if worker.is_cancelled:
            return
        try:
            speed = probe(preset, lambda: worker.is_cancelled or self._covered())
        except Exception:  # no estimate rather than a crash: the run itself will say what is wrong
            speed = None
        if not worker.is_cancelled:
            self.post_message(self.Measured(key, speed))

    def _covered(self) -> bool:
        """Whether another full screen (the training screen) is over the builder: a measurement then
        stops at once, not to take the CPU from the run (a dialog over the builder does not stop it)."""
        top = self.app.screen
        return top is not self.screen and not isinstance(top, ModalScreen)

    def on_status_line_measured(self, event: Measured) -> None:
        event.stop()
        if event.samples_per_second is None:
            return
        self._speeds[event.key] = event.samples_per_second
        preset = self.app.document.preset
        if self.view is not None and self.view.ready and speed_key(preset) == event.key:
            self.estimate = estimate_text(preset, event.samples_per_second)
