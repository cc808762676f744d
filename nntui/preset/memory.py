"""How much memory a run needs, estimated before it starts, and whether the machine has it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from math import prod

from ..engine.model import Model
from ..engine.optimizers import OPTIMIZERS
from .preset import Preset

BYTES = 4  # float32
#: Forward output, gradient and activation scratch per layer output, plus workspace (im2col, masks).
ACTIVATION_COPIES = 4


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes by part: data, weights (with gradients and optimiser state), activations of one batch."""

    data: int
    weights: int
    activations: int

    @property
    def total(self) -> int:
        """All parts."""
        return self.data + self.weights + self.activations


def estimate(preset: Preset, model: Model, samples: int, classes: int | None = None) -> MemoryEstimate:
    """The memory a run of ``preset`` on ``samples`` samples (train + validation + test) of a data set
    with ``classes`` classes (None: taken as 10) needs."""
    report = model.infer_shapes()
    params = report.total_params
    opt_cls = OPTIMIZERS[preset.training.optimizer.type]
    optimizer = opt_cls(**preset.training.optimizer.config)
    vectors = 2 + len(optimizer.state_specs()) + optimizer.temporaries  # theta, grad, state, scratch
    weights = params * vectors * BYTES
    per_sample = sum(prod(r.output_shape[1:]) for r in report.rows if r.output_shape is not None)
    per_sample += prod(model.input_shape[1:])
    activations = per_sample * preset.training.batch_size * ACTIVATION_COPIES * BYTES
    data = samples * (prod(preset.model.input_shape) + (10 if classes is None else classes)) * BYTES
    return MemoryEstimate(data, weights, activations)


def available_memory() -> int | None:
    """Bytes the system can give us: NNTUI_MEMORY_LIMIT if set, else MemAvailable; None if unknown."""
    override = os.environ.get("NNTUI_MEMORY_LIMIT")
    if override:
        try:
            return int(float(override))
        except ValueError:
            return None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def gib(n: float) -> str:
    """Bytes in the unit that reads best: '1.2 GiB', '340 MiB'."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GiB"
    return f"{n / (1 << 20):.0f} MiB"


def refusal(est: MemoryEstimate, available: int | None) -> str | None:
    """A one-line reason to refuse the run when it would not fit in memory, else None."""
    if available is None or est.total <= available:
        return None
    return (f"this run needs about {gib(est.total)} (data {gib(est.data)}, weights and optimizer state "
            f"{gib(est.weights)}, activations of one batch {gib(est.activations)}) but only {gib(available)} "
            f"is available; lower batch_size or data.limit, or use a smaller model")
