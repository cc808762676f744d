"""How long an epoch of a preset takes on this machine, before training: a short timed run of its model.

:func:`measure_speed` builds the preset's model and trainer, makes a batch of random images and
targets, and times a few training steps (forward, backward, update) after one warm-up step, on one
BLAS thread as a run on a busy machine; it returns training samples per second (from the median
step). The figure is cached per model, batch size and optimiser, so that undo, redo and changes of
the epochs, the limit or the seed do not measure again. :func:`epoch_estimate` turns it into the
seconds of one epoch for the preset's number of images (a validation pass, and the test pass after
the last epoch, count a third of a training step per sample: a forward pass alone). The training
screen refines it from the real batches (its speed and time left). Nothing here imports textual.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .build import build_model, full_check, make_trainer, output_plans
from .data_source import data_sizes, sample_noun
from .format import duration, readable_count
from .preset import Preset
from .targets import encode

#: A measured step does at most this many FLOPs (forward and backward), so that a huge model is timed
#: on a smaller batch rather than for seconds; the time per sample scales.
MAX_STEP_FLOPS = 2e9
STEPS, MAX_STEPS, BUDGET_SECONDS = 3, 8, 0.3  # timed steps after the warm-up: at least 3, more within 0.3 s
EVAL_SHARE = 1 / 3  # a forward pass alone, per sample, against a training step

_cache: dict[tuple, float] = {}
_lock = threading.Lock()


def speed_key(p: Preset) -> tuple:
    """What the speed depends on: the model, the batch size and the optimiser."""
    t = p.training
    return (repr(p.model), t.batch_size, t.optimizer.type, repr(t.loss))


def cached_speed(p: Preset) -> float | None:
    """The speed measured before for this model, batch size and optimiser (None: not yet)."""
    with _lock:
        return _cache.get(speed_key(p))


def measure_speed(p: Preset, cancelled=lambda: False) -> float | None:
    """Training samples per second of ``p``'s model on this machine (None: it does not fit or was cancelled).

    ``cancelled`` is asked between steps; a cached figure is returned at once.
    """
    known = cached_speed(p)
    if known is not None:
        return known
    model = build_model(p.model)
    sizes = data_sizes(p)
    report = full_check(p, model, sizes)
    if report.error is not None:
        return None
    flops = 3 * max(1, sum(r.flops or 0 for r in report.rows))  # forward and backward
    batch = max(1, min(p.training.batch_size, int(MAX_STEP_FLOPS // flops)))
    trainer = make_trainer(p, model)
    rng = np.random.default_rng(0)
    x = rng.random((batch, *p.model.input_shape), dtype=np.float32)
    units = [s[-1] for s in report.output_shapes()]
    labels = rng.integers(0, max(1, min([sizes.classes or 10, *units])), batch)  # classes every output can score
    plans = output_plans(p.training, model, p.data.dataset, sizes.classes)
    targets = [encode(plan.rule, plan.loss, labels, u) for plan, u in zip(plans, units)]
    times = []
    with threadpool_limits(1, user_api="blas"):  # as a run on a busy machine; spinning threads mislead
        trainer.train_step(x, targets)  # warm-up: buffers, caches
        start = time.perf_counter()
        while len(times) < STEPS or (len(times) < MAX_STEPS and time.perf_counter() - start < BUDGET_SECONDS):
            if cancelled():
                return None
            t0 = time.perf_counter()
            trainer.train_step(x, targets)
            times.append(time.perf_counter() - t0)
    # the fastest step: what the run's steady steps take; slower ones were shared with other work
    # (the app drawing its first frames while this runs in a thread: the median was up to 5x slower)
    speed = batch / max(min(times), 1e-9)
    with _lock:
        _cache[speed_key(p)] = speed
    return speed


def epoch_images(p: Preset) -> tuple[int, int, int]:
    """(training samples, validation samples, test samples) of ``p``'s data set (0 where not known yet)."""
    sizes = data_sizes(p)
    total = sizes.train or 0
    n = min(p.data.limit or total, total)
    n_val = int(n * p.data.validation_split)
    return n - n_val, n_val, sizes.test or 0


@dataclass(frozen=True)
class EpochEstimate:
    """One epoch's expected time from a measured speed."""

    seconds: float
    samples: str  # '54,000 MNIST images'
    samples_per_second: float
    test_seconds: float = 0.0  # the test pass after the last epoch
    tests: str = ""  # '10,000 test images'


    def text(self) -> str:
        """'About 2s per epoch on this machine (54,000 images at 30.1K samples/s); the test images after the
        last epoch: under 1s'."""
        text = (f"{about(self.seconds)} per epoch on this machine ({self.samples} at "
                f"{readable_count(self.samples_per_second)} samples/s)")
        if self.test_seconds:
            text += f"; the {self.tests} after the last epoch: {about(self.test_seconds).lower()}"
        return text


def about(seconds: float) -> str:
    """'Under 1s', 'About 12s', 'About 1m 05s'."""
    return "Under 1s" if seconds < 1 else "About " + duration(seconds)


def epoch_estimate(p: Preset, samples_per_second: float) -> EpochEstimate | None:
    """The time of one epoch of ``p`` at ``samples_per_second`` training samples per second (None: the
    data set's size is not known yet)."""
    n_train, n_val, n_test = epoch_images(p)
    if n_train <= 0:
        return None
    sizes = data_sizes(p)
    speed = max(samples_per_second, 1e-9)
    tests = sample_noun(sizes, n_test).replace(f" {sizes.title} ", " test ") if n_test else ""
    return EpochEstimate(n_train / speed + EVAL_SHARE * n_val / speed, sample_noun(sizes, n_train),
                         samples_per_second, EVAL_SHARE * n_test / speed, tests)


__all__ = ["EpochEstimate", "cached_speed", "epoch_estimate", "epoch_images", "measure_speed", "speed_key"]
