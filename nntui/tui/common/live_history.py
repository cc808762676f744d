"""The curves and per-epoch rows the training worker accumulates, bounded in size, and their immutable copy."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...engine.events import EpochEnded

MAX_CURVE_POINTS = 1024  # batch points kept per curve; older ones are merged in pairs beyond that


@dataclass(frozen=True)
class Curves:
    """An immutable copy of the curves for the plots (x in epochs: 1.5 = half-way through epoch 2)."""

    batch_x: tuple = ()
    batch_loss: tuple = ()
    smooth_loss: tuple = ()
    smooth_acc: tuple = ()
    epoch_x: tuple = ()
    train_loss: tuple = ()
    train_acc: tuple = ()
    val_loss: tuple = ()
    val_acc: tuple = ()
    epochs: int = 0
    acc_key: str | None = "accuracy"
    rate_marks: tuple = ()  # (x, new learning rate) where the rate was changed by hand


class LiveHistory:
    """Curves and per-epoch rows accumulated by the worker, bounded in size.

    Batch points are kept at full resolution until MAX_CURVE_POINTS, then neighbours are merged in
    pairs (each point becomes the mean of twice as many batches), so the cost per batch stays O(1)
    and a snapshot stays small however long the run.
    """

    def __init__(self, acc_key: str | None = "accuracy"):
        self.acc_key = acc_key
        self.stride = 1
        self._x: list[float] = []
        self._loss: list[float] = []
        self._sloss: list[float] = []
        self._sacc: list[float] = []
        self._pending = [0, 0.0, 0.0, 0.0, 0.0]  # count, sums of x, loss, smooth loss, smooth acc
        self.rows: list[tuple[int, dict, float]] = []  # (epoch, logs, seconds) per finished epoch
        self.records: list[dict] = []  # the metrics records (nntui.preset.records.event_record)
        self.ema_loss = None
        self.ema_acc = None
        self._ema_n = 0
        self.beta = 0.9
        self.epochs = 0
        self.last_x = 0.0  # where the last batch ended (x in epochs)
        self.rate_marks: list[tuple[float, float]] = []  # (x, new rate) of each change by hand

    # -- batches
    def add_batch(self, x: float, loss: float, acc: float | None, beta: float) -> None:
        """One batch: its loss and accuracy; updates the (bias-corrected) moving averages."""
        self._ema_n += 1
        self.last_x = x
        self.beta = beta
        self.ema_loss = beta * (self.ema_loss or 0.0) + (1 - beta) * loss
        if acc is not None:
            self.ema_acc = beta * (self.ema_acc or 0.0) + (1 - beta) * acc
        sloss, sacc = self.smoothed()
        if sacc is None:
            sacc = math.nan
        p = self._pending
        p[0] += 1
        p[1] += x
        p[2] += loss
        p[3] += sloss
        p[4] += sacc
        if p[0] >= self.stride:
            n = p[0]
            self._x.append(p[1] / n)
            self._loss.append(p[2] / n)
            self._sloss.append(p[3] / n)
            self._sacc.append(p[4] / n)
            self._pending = [0, 0.0, 0.0, 0.0, 0.0]
            if len(self._x) >= MAX_CURVE_POINTS:
                self._halve()

    def smoothed(self) -> tuple[float | None, float | None]:
        """The current bias-corrected moving averages of the batch loss and accuracy."""
        if self._ema_n == 0:
            return None, None
        corr = 1.0 - self.beta ** self._ema_n
        return (self.ema_loss / corr if self.ema_loss is not None else None,
                self.ema_acc / corr if self.ema_acc is not None else None)

    def _halve(self) -> None:
        for name in ("_x", "_loss", "_sloss", "_sacc"):
            values = getattr(self, name)
            even = len(values) // 2 * 2
            merged = [(values[i] + values[i + 1]) / 2 for i in range(0, even, 2)]
            setattr(self, name, merged + values[even:])
        self.stride *= 2

    def truncate(self, epoch: int) -> None:
        """Forget batch points and rows after ``epoch`` (a continued run redoes an unfinished epoch)."""
        keep = sum(1 for x in self._x if x <= epoch + 1e-9)
        for name in ("_x", "_loss", "_sloss", "_sacc"):
            del getattr(self, name)[keep:]
        self._pending = [0, 0.0, 0.0, 0.0, 0.0]
        self.rows = [r for r in self.rows if r[0] <= epoch]
        self.rate_marks = [m for m in self.rate_marks if m[0] <= epoch + 1e-9]
        self.last_x = float(epoch)

    def add_rate_mark(self, x: float, rate: float) -> None:
        """The learning rate was changed by hand after the batch that ended at ``x`` (a second change at
        the same place replaces the first)."""
        if self.rate_marks and abs(self.rate_marks[-1][0] - x) < 1e-9:
            self.rate_marks.pop()
        self.rate_marks.append((x, rate))

    # -- epochs
    def add_epoch(self, event: EpochEnded) -> None:
        """A finished epoch: one row for the table and the per-epoch points."""
        self.rows.append((event.epoch, dict(event.logs), event.seconds))

    def snapshot(self) -> Curves:
        """An immutable copy for the UI thread."""
        rows = self.rows
        acc = self.acc_key
        return Curves(
            tuple(self._x), tuple(self._loss), tuple(self._sloss), tuple(self._sacc),
            tuple(float(r[0]) for r in rows),
            tuple(r[1].get("loss", math.nan) for r in rows),
            tuple(r[1].get(acc, math.nan) if acc else math.nan for r in rows),
            tuple(r[1].get("val_loss", math.nan) for r in rows),
            tuple(r[1].get(f"val_{acc}", math.nan) if acc else math.nan for r in rows),
            self.epochs, acc, tuple(self.rate_marks))
