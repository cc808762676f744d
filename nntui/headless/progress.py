"""The Keras-like progress reporter: a live line within each epoch (on a terminal), one line per epoch."""

from __future__ import annotations

import time
from typing import TextIO

from ..engine.events import BatchEnded, EpochEnded, Evaluating, LearningRateChanged, RunEnded, RunStarted
from ..preset.format import duration, per_step

BAR_WIDTH = 20


def bar(done: int, total: int, *, color: bool = False) -> str:
    """A 20-cell bar of '━' like Keras's; on a colour terminal the remainder is dim."""
    filled = BAR_WIDTH if total <= 0 else min(BAR_WIDTH, int(BAR_WIDTH * done / total))
    if not color:
        return "━" * filled + " " * (BAR_WIDTH - filled)
    return "\x1b[1m" + "━" * filled + "\x1b[0m\x1b[2m" + "━" * (BAR_WIDTH - filled) + "\x1b[0m"


def format_logs(logs) -> str:
    """' - loss: 0.0712 - accuracy: 0.9790 - val_loss: ...' in the logs' order."""
    return "".join(f" - {k}: {v:.4f}" for k, v in logs.items())


def format_rate(rate: float) -> str:
    """A learning rate as Keras's progress bar prints a small value: 0.0100, 9.0484e-04."""
    return f"{rate:.4f}" if abs(rate) > 1e-3 else f"{rate:.4e}"


class ProgressReporter:
    """Prints training events to ``stream``; ``live`` redraws a line within epochs at most 10 times a second.

    When the learning rate can change during the run (a schedule, or a change by hand), each epoch line
    ends with it: ``- learning_rate: 9.0484e-04``, the optimizer's rate at the end of the epoch.
    """

    def __init__(self, stream: TextIO, *, live: bool = False, color: bool = False, min_interval: float = 0.1):
        self.stream = stream
        self.live = live
        self.color = color
        self.min_interval = min_interval
        self._last_draw = 0.0
        self._width = 0
        self._show_rate = False

    def _emit(self, text: str, final: bool) -> None:
        if self.live:
            pad = max(0, self._width - len(text))
            self.stream.write("\r" + text + " " * pad + ("\n" if final else ""))
            self._width = 0 if final else len(text)
        elif final:
            self.stream.write(text + "\n")
        self.stream.flush()

    def handle(self, event) -> None:
        """React to one training event."""
        if isinstance(event, RunStarted):
            self._show_rate = event.schedule is not None
        elif isinstance(event, LearningRateChanged):
            self._show_rate = True
        elif isinstance(event, BatchEnded):
            now = time.monotonic()
            if self.live and (now - self._last_draw >= self.min_interval or event.step == event.steps):
                self._last_draw = now
                eta = event.seconds / event.step * (event.steps - event.step)
                text = (f"Epoch {event.epoch}/{event.epochs}  {event.step}/{event.steps} "
                        f"{bar(event.step, event.steps, color=self.color)} ETA {duration(eta)}"
                        f"{format_logs(event.logs)}")
                self._emit(text, final=False)
        elif isinstance(event, Evaluating):
            if self.live and event.phase == "test":
                self._emit(f"Test  {event.done}/{event.total} {bar(event.done, event.total, color=self.color)}",
                           final=False)
        elif isinstance(event, EpochEnded):
            steps = event.steps
            text = (f"Epoch {event.epoch}/{event.epochs}  {steps}/{steps} {bar(steps, steps, color=self.color)} "
                    f"{duration(event.seconds)} {per_step(event.train_seconds, steps)}{format_logs(event.logs)}")
            if self._show_rate:
                text += f" - learning_rate: {format_rate(event.learning_rate)}"
            self._emit(text, final=True)
        elif isinstance(event, RunEnded):
            if event.test_logs is not None:
                self._emit("Test" + format_logs(event.test_logs), final=True)
            if event.reason != "completed" and event.message:
                self._emit(f"Stopped: {event.message}", final=True)
