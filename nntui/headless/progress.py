"""The Keras-like progress reporter: a live line within each epoch (on a terminal), one line per epoch."""

from __future__ import annotations

import time
from typing import TextIO

from ..engine.events import BatchEnded, EpochEnded, Evaluating, RunEnded
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


class ProgressReporter:
    """Prints training events to ``stream``; ``live`` redraws a line within epochs at most 10 times a second."""

    def __init__(self, stream: TextIO, *, live: bool = False, color: bool = False, min_interval: float = 0.1):
        self.stream = stream
        self.live = live
        self.color = color
        self.min_interval = min_interval
        self._last_draw = 0.0
        self._width = 0

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
        if isinstance(event, BatchEnded):
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
            self._emit(text, final=True)
        elif isinstance(event, RunEnded):
            if event.test_logs is not None:
                self._emit("Test" + format_logs(event.test_logs), final=True)
            if event.reason != "completed" and event.message:
                self._emit(f"Stopped: {event.message}", final=True)
