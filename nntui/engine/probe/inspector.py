"""Following a run: per epoch (and, live, every ``refresh`` seconds) every layer's statistics and the
health warnings that are new.

:class:`RunInspector` consumes the training generator's events alongside a face (the headless
runner; the app's worker) and touches the model only between batches: it arms the
:class:`~.snapshot.StepRecorder` one step ahead (before the last step of each epoch, and when a live
refresh is due) and captures after that step, so each inspection has that step's gradients and
update. Every other batch costs an ``append`` and a clock reading.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from ..events import BatchEnded, EpochEnded, EpochStarted, RunStarted
from ..model import Model
from .forward import Probe, dead_shares, rectified
from .health import HealthNote, check_health, warnings_of
from .snapshot import StepRecorder, WeightSnapshot
from .stats import LayerStats, layer_statistics

#: Images the dead units are counted on: all of them once per epoch (mnist-cnn: ~30 ms), a chunk per
#: live refresh (as many as CHUNK_FLOPS floating-point operations allow, ~1-3 ms), the last WINDOW
#: chunks together deciding.
PROBE_SET = 256
CHUNK_FLOPS = 2e7
CHUNK_MIN, CHUNK_MAX = 8, 64
WINDOW = 8
PROBE_MIN, PROBE_MAX = CHUNK_MIN, PROBE_SET
LOSS_WINDOW = 200  # batch losses the spike check looks at


def probe_batch_size(model: Model, budget: float = CHUNK_FLOPS, low: int = CHUNK_MIN, high: int = CHUNK_MAX) -> int:
    """How many samples a live dead-unit pass runs on: as many as ``budget`` allows, ``low`` to ``high``."""
    flops = sum(row.flops or 0 for row in model.infer_shapes().rows)
    if flops <= 0:
        return high
    return int(min(high, max(low, budget // flops)))


class DeadUnitWindow:
    """Dead units judged on the last :data:`WINDOW` chunks of a probe set, one new chunk per refresh.

    A live refresh cannot afford the whole probe set; each runs the next chunk (cycling through the
    set) and a unit counts as dead when its peak output over the window's chunks is not positive.
    """

    def __init__(self, probe: Probe, probe_x: np.ndarray, chunk: int, window: int = WINDOW):
        self.probe = probe
        self.probe_x = probe_x
        self.chunk = max(1, min(chunk, len(probe_x)))
        self.peaks: deque[dict[str, np.ndarray]] = deque(maxlen=window)
        self._next = 0

    def clear(self) -> None:
        """Forget the chunks seen (the weights changed a lot: a new run, weights loaded)."""
        self.peaks.clear()

    def update(self) -> dict[str, float]:
        """Run the next chunk through the probe's current weights; the dead shares over the window."""
        n = len(self.probe_x)
        rows = (self._next + np.arange(self.chunk)) % n
        self._next = int((self._next + self.chunk) % n)
        self.peaks.append(self.probe.unit_peaks(self.probe_x[rows]))
        combined = {name: np.max([p[name] for p in self.peaks], axis=0) for name in self.peaks[-1]}
        return dead_shares(combined)


def has_relu(model: Model) -> bool:
    """Whether any layer's output is a relu (else there are no dead units to count)."""
    return any(rectified(layer) for layer in model.layers)


@dataclass(frozen=True, eq=False)
class Inspection:
    """What the inspector saw at one snapshot: the statistics, every health note, and the warnings new since."""

    epoch: int
    snapshot: WeightSnapshot
    stats: list[LayerStats]
    notes: list[HealthNote]
    new_warnings: list[HealthNote]

    def record(self) -> dict:
        """The metrics file's ``{"event": "layers", ...}`` line."""
        return {"event": "layers", "epoch": self.epoch, "layers": [s.record() for s in self.stats]}


class RunInspector:
    """Watches one model while it trains; ``probe_x`` are the samples that count dead units."""

    def __init__(self, model: Model, optimizer, probe_x: np.ndarray | None = None, *, refresh: float | None = None):
        self.model = model
        self.refresh = refresh
        self._due = time.perf_counter() + (refresh or 0.0)
        self._live_armed = False
        self._measured: dict[str, tuple[float, float, int]] = {}  # name -> (update norm, ratio, step)
        self.recorder = StepRecorder(model, optimizer)
        self.probe = Probe(model)
        self.probe_x = None
        self.window: DeadUnitWindow | None = None
        if probe_x is not None and len(probe_x) and has_relu(model):
            self.probe_x = np.ascontiguousarray(probe_x[:PROBE_SET], dtype=model.dtype)
            self.window = DeadUnitWindow(self.probe, self.probe_x, probe_batch_size(model))
        self.history: list[list[LayerStats]] = []
        self.epochs: list[dict] = []
        self.losses: deque[float] = deque(maxlen=LOSS_WINDOW)
        self.reported: set[tuple] = set()
        self._steps = 0
        self._epoch = 0

    def inspect(self, snapshot: WeightSnapshot | None = None, *, live: bool = False) -> Inspection:
        """Statistics and health now (from ``snapshot``, else a capture of the model: between batches only).

        ``live``: count dead units on the next chunk of the probe set (see :class:`DeadUnitWindow`)
        instead of all of it, so that a refresh stays within a few milliseconds.
        """
        snapshot = snapshot if snapshot is not None else self.recorder.capture()
        self.probe.load(snapshot)
        dead = None
        if self.probe_x is not None:
            dead = self.window.update() if live else self.probe.dead_fractions(self.probe_x)
        stats = self._carry_updates(layer_statistics(self.probe.layout, snapshot, dead))
        self.history.append(stats)
        del self.history[:-50]
        notes = check_health(self.history, self.epochs, list(self.losses))
        new = [n for n in warnings_of(notes) if n.key not in self.reported]
        self.reported.update(n.key for n in new)
        return Inspection(self._epoch, snapshot, stats, notes, new)

    def inspect_taken(self, snapshot: WeightSnapshot, *, epoch: int, epochs: list[dict], losses, live: bool = True) -> Inspection:
        """On a thread of its own: ``snapshot`` and the run's facts taken with it between batches by the
        thread that trains (the epoch, every finished epoch's logs, the last batch losses)."""
        self._epoch = epoch
        self.epochs = list(epochs)
        self.losses = deque(losses, maxlen=LOSS_WINDOW)
        return self.inspect(snapshot, live=live)

    def _carry_updates(self, stats: list[LayerStats]) -> list[LayerStats]:
        """A snapshot without a recorded step (taken while paused) keeps the last update measured."""
        out = []
        for s in stats:
            if s.update_ratio is not None:
                self._measured[s.name] = (s.update_norm, s.update_ratio, s.step)
            elif s.name in self._measured:
                norm, ratio, step = self._measured[s.name]
                s = replace(s, update_norm=norm, update_ratio=ratio, update_step=step)
            out.append(s)
        return out

    def on_event(self, event) -> Inspection | None:
        """Follow ``event``; after an epoch's end or a live refresh, the inspection (else None)."""
        if isinstance(event, BatchEnded):
            self.losses.append(event.batch_loss)
            found = None
            if self._live_armed:  # armed before this step (never the epoch's last: that is the epoch's)
                self._live_armed = False
                found = self.inspect(live=True)
            if event.step == event.steps - 1:
                self.recorder.arm()  # the epoch's last step will be recorded
            elif self.refresh is not None and event.step < event.steps - 1 and time.perf_counter() >= self._due:
                self.recorder.arm()
                self._live_armed = True
                self._due = time.perf_counter() + self.refresh
            return found
        elif isinstance(event, RunStarted):
            self._steps = event.steps_per_epoch
        elif isinstance(event, EpochStarted):
            self._epoch = event.epoch
            if self._steps == 1:
                self.recorder.arm()
        elif isinstance(event, EpochEnded):
            self._epoch = event.epoch
            self.epochs.append(dict(event.logs))
            return self.inspect()
        return None
