"""What the benchmarks share: synthetic MNIST-shaped data, the reference folder, an engine runner for a
preset, and background-load measurement for a shared machine (Linux /proc/stat).

Not a benchmark itself; the scripts beside it import it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from nntui.engine import Dataset  # noqa: E402
from nntui.engine.events import EpochEnded  # noqa: E402
from nntui.data.mnist import MnistArrays  # noqa: E402
from nntui.preset import build_model, load_preset, make_trainer  # noqa: E402
from nntui.preset.datasets import make_datasets  # noqa: E402

EPOCH = 60_000


def synthetic(n=EPOCH, seed=0):
    """MNIST-shaped random data: float32 pixels in [0, 1) (n, 784) and labels 0..9."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=n, dtype=np.int64)
    return x, y


def bench_dir() -> Path:
    """The reference loops: $NNTUI_BENCH_DIR, else the first shared/bench beside the repository or above it."""
    if os.environ.get("NNTUI_BENCH_DIR"):
        return Path(os.environ["NNTUI_BENCH_DIR"])
    for parent in REPO.parents:
        if (parent / "shared" / "bench").is_dir():
            return parent / "shared" / "bench"
    return REPO.parent / "shared" / "bench"


def median(xs):
    return statistics.median(xs)


class EngineRunner:
    """One model of a preset (its optimiser, batch size and targets), trained for one epoch over a fresh
    random subset of the given images at each call; ``threads`` as for Trainer (None: the engine's choice)."""

    def __init__(self, preset_name: str, x, y, seed=1, threads=None):
        self.preset = load_preset(preset_name)
        self.model = build_model(self.preset.model)
        self.trainer = make_trainer(self.preset, self.model)
        self.trainer.threads = threads
        images = (x.reshape(-1, 28, 28) * 255).astype(np.uint8)
        arrays = MnistArrays(images, y, images[:10], y[:10], "synthetic")
        self.train, _, _ = make_datasets(self.preset, self.model, arrays)
        self.x = self.train.x
        self.batch = self.preset.training.batch_size
        self.rng = np.random.default_rng(seed)
        self.last_threads = None
        self.last_cpu = None

    def epoch(self, samples: int) -> float:
        """Training seconds of one epoch over ``samples`` random images (shuffled by the trainer);
        ``last_cpu`` is the CPU time the process used meanwhile (all its threads)."""
        idx = np.sort(self.rng.permutation(len(self.train))[:samples])
        data = Dataset(self.train.x[idx], [t[idx] for t in self.train.targets])
        seconds = None
        c0 = own_cpu()
        for event in self.trainer.fit(data, epochs=1, batch_size=self.batch):
            if isinstance(event, EpochEnded):
                seconds = event.train_seconds
                self.last_threads = event.threads
        self.last_cpu = own_cpu() - c0
        return seconds


# ---------------------------------------------------------------------- background load (Linux)
def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (from /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds this process has used (all threads)."""
    t = os.times()
    return t.user + t.system


def timed(fn):
    """(result, share of the machine's CPUs that other processes used while fn ran)."""
    try:
        b0, c0, t0 = _machine_busy(), own_cpu(), time.perf_counter()
    except OSError:
        return fn(), float("nan")
    result = fn()
    wall = time.perf_counter() - t0
    other = max(0.0, (_machine_busy() - b0) - (own_cpu() - c0))
    return result, other / max(wall * len(os.sched_getaffinity(0)), 1e-9)


def wait_quiet(max_other=0.10, window=1.0, max_wait=60.0) -> float:
    """Wait until other processes use less than ``max_other`` of the machine (or ``max_wait`` passes)."""
    start = time.perf_counter()
    while True:
        _, frac = timed(lambda: time.sleep(window))
        if not frac > max_other or time.perf_counter() - start > max_wait:
            return frac


def summary(name_a: str, name_b: str, rounds, max_bg: float) -> None:
    """Print the medians and the median per-round ratio of (a seconds, a bg, b seconds, b bg[, a CPU
    seconds, b CPU seconds]) rounds, leaving out rounds where other processes took more than
    ``max_bg`` when three clean ones remain. With one thread each, the CPU-time ratio is the steadier
    figure on a loaded machine (waiting for a CPU does not count)."""
    clean = [r for r in rounds if r[1] <= max_bg and r[3] <= max_bg]
    used = clean if len(clean) >= 3 else rounds
    note = f"{len(used)} of {len(rounds)} rounds" + ("" if used is clean else " (too few clean rounds: all used)")
    a = [r[0] for r in used]
    b = [r[2] for r in used]
    ratios = sorted(r[0] / r[2] for r in used)
    print(f"{name_a}: {median(a):.2f} s/epoch; {name_b}: {median(b):.2f} s/epoch ({note})")
    print(f"ratio {name_a}/{name_b}: {median(ratios):.3f} (median of per-round ratios; per round "
          f"{', '.join(f'{r:.2f}' for r in ratios)}), {median(a) / median(b):.3f} (ratio of medians), "
          f"{min(a) / min(b):.3f} (ratio of fastest runs)")
    if all(len(r) >= 6 and r[4] and r[5] for r in used):
        cpu = sorted(r[4] / r[5] for r in used)
        print(f"CPU-time ratio {name_a}/{name_b}: {median(cpu):.3f} (median of per-round ratios; per round "
              f"{', '.join(f'{r:.2f}' for r in cpu)})")
