"""Seconds per epoch of the `mnist-cnn` preset's convnet against a hand-written NumPy loop, and of `mnist-lstm`.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/cnn_epoch.py [--samples 5000] [--rounds 9] [--lstm-samples 10000]

The engine trains the model of presets/mnist-cnn.toml (its optimiser and batch size) through its own
loop (Trainer.fit; the time is the epoch's training time, without evaluation) on `--samples`
synthetic MNIST-shaped images; the figure is extrapolated to 60,000 images. The reference is
../shared/bench/numpy_cnn.py (override with NNTUI_BENCH_DIR): the same network, RMSprop and batch 64,
im2col in NHWC with 16-image chunks for conv2. It trains on the same data, in the same process,
alternating with the engine round by round, so that the machine's noise hits both alike; both run
with float32 subnormals flushed to zero. The machine is shared and noisy, so before each round the
script waits (up to --max-wait seconds) until other processes use less than 10 % of the CPUs, and it
measures how much CPU they took during each timed run ("bg", a fraction of the machine); rounds where
either run saw more than --max-bg are set aside when at least three clean rounds remain. Printed:
each round, the median seconds per epoch of each, the ratio of the medians and the median of the
per-round ratios (the figure to trust: each ratio compares two runs seconds apart).

Then the `mnist-lstm` preset's model (LSTM 128 + Dense 10 on 28 steps of 28 pixels) is timed the
same way (no reference).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.engine import Dataset  # noqa: E402
from nntui.engine.events import EpochEnded  # noqa: E402
from nntui.engine.fpenv import flush_subnormals  # noqa: E402
from nntui.preset import build_model, load_preset, make_trainer  # noqa: E402

EPOCH = 60_000


def synthetic(n=EPOCH, seed=0):
    """MNIST-shaped random data: float32 pixels in [0, 1) (n, 784) and labels 0..9."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=n, dtype=np.int64)
    return x, y


def bench_dir() -> Path:
    return Path(os.environ.get("NNTUI_BENCH_DIR", REPO.parent / "shared" / "bench"))


class EngineRunner:
    """One model of a preset, trained for one epoch over a fresh random subset at each call."""

    def __init__(self, preset_name: str, x, y, seed=1):
        self.preset = load_preset(preset_name)
        self.model = build_model(self.preset.model)
        self.trainer = make_trainer(self.preset, self.model)
        shape = self.preset.model.input_shape
        self.x = x.reshape(x.shape[0], *shape)
        self.onehot = np.eye(10, dtype=np.float32)[y]
        self.batch = self.preset.training.batch_size
        self.rng = np.random.default_rng(seed)

    def epoch(self, samples: int) -> float:
        """Training seconds of one epoch over ``samples`` random images (shuffled by the trainer)."""
        idx = np.sort(self.rng.permutation(self.x.shape[0])[:samples])
        data = Dataset(self.x[idx], [self.onehot[idx]])
        seconds = None
        for event in self.trainer.fit(data, epochs=1, batch_size=self.batch):
            if isinstance(event, EpochEnded):
                seconds = event.train_seconds
        return seconds


class ReferenceRunner:
    """The reference NumpyCNN (numpy_cnn.py), trained over a fresh random subset at each call."""

    def __init__(self, x, y, seed=1):
        path = bench_dir()
        sys.path.insert(0, str(path))
        import numpy_cnn  # type: ignore

        self.model = numpy_cnn.NumpyCNN(numpy_cnn.glorot_params(), batch=64, conv1="gemm", chunk=16)
        self.x = x.reshape(-1, 28, 28, 1)
        self.y = y
        self.rng = np.random.default_rng(seed)

    def epoch(self, samples: int) -> float:
        idx = self.rng.permutation(self.x.shape[0])[:samples]
        with flush_subnormals():
            t0 = time.perf_counter()
            self.model.train(self.x, self.y, idx, 64)
            return time.perf_counter() - t0


def median(xs):
    return statistics.median(xs)


# ---------------------------------------------------------------------- background load (Linux)
def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (from /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def timed(fn):
    """(result, share of the machine's CPUs that other processes used while fn ran)."""
    try:
        b0, c0, t0 = _machine_busy(), _own_cpu(), time.perf_counter()
    except OSError:
        return fn(), float("nan")
    result = fn()
    wall = time.perf_counter() - t0
    other = max(0.0, (_machine_busy() - b0) - (_own_cpu() - c0))
    return result, other / max(wall * len(os.sched_getaffinity(0)), 1e-9)


def wait_quiet(max_other=0.10, window=1.0, max_wait=60.0) -> float:
    """Wait until other processes use less than ``max_other`` of the machine (or ``max_wait`` passes)."""
    start = time.perf_counter()
    while True:
        _, frac = timed(lambda: time.sleep(window))
        if not frac > max_other or time.perf_counter() - start > max_wait:
            return frac


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=5_000, help="images per timed CNN run (extrapolated)")
    ap.add_argument("--rounds", type=int, default=9, help="alternating rounds of engine and reference")
    ap.add_argument("--lstm-samples", type=int, default=10_000, help="images per timed LSTM epoch (0: skip)")
    ap.add_argument("--lstm-rounds", type=int, default=3)
    ap.add_argument("--no-reference", action="store_true", help="time the engine only")
    ap.add_argument("--max-wait", type=float, default=60.0, help="seconds to wait for a quiet machine per round")
    ap.add_argument("--max-bg", type=float, default=0.15,
                    help="rounds where other processes took more than this share of the CPUs are set aside")
    args = ap.parse_args()
    scale = EPOCH / args.samples
    x, y = synthetic()

    engine = EngineRunner("mnist-cnn", x, y)
    reference = None
    if not args.no_reference and (bench_dir() / "numpy_cnn.py").is_file():
        reference = ReferenceRunner(x, y)
    else:
        print(f"(no reference: {bench_dir() / 'numpy_cnn.py'} not found or --no-reference)")
    # warm-up: page faults, BLAS threads, buffers
    engine.epoch(640)
    if reference is not None:
        reference.epoch(640)
    rounds = []  # (engine s/epoch, engine bg, reference s/epoch or None, reference bg)
    for r in range(args.rounds):
        wait_quiet(max_wait=args.max_wait)
        first_ref = reference is not None and r % 2 == 1  # alternate who goes first
        rt = rbg = None
        if first_ref:
            rt, rbg = timed(lambda: reference.epoch(args.samples))
        et, ebg = timed(lambda: engine.epoch(args.samples))
        if reference is not None and not first_ref:
            rt, rbg = timed(lambda: reference.epoch(args.samples))
        et *= scale
        line = f"round {r + 1:2d}: engine {et:6.2f} s/epoch (bg {ebg:.2f})"
        if reference is not None:
            rt *= scale
            line += f"   reference {rt:6.2f} s/epoch (bg {rbg:.2f})   ratio {et / rt:.3f}"
        rounds.append((et, ebg, rt, rbg))
        print(line, flush=True)
    clean = [x for x in rounds if x[1] <= args.max_bg and (x[2] is None or x[3] <= args.max_bg)]
    used = clean if len(clean) >= 3 else rounds
    note = f"{len(used)} of {len(rounds)} rounds" + ("" if used is clean else " (too few clean rounds: all used)")
    e_times = [x[0] for x in used]
    print(f"mnist-cnn engine    : {median(e_times):.2f} s/epoch (median of {note}; {args.samples} images "
          f"per run, extrapolated to {EPOCH:,})")
    if reference is not None:
        r_times = [x[2] for x in used]
        ratios = [x[0] / x[2] for x in used]
        print(f"reference numpy_cnn : {median(r_times):.2f} s/epoch")
        print(f"ratio engine/reference: {median(ratios):.3f} (median of per-round ratios), "
              f"{median(e_times) / median(r_times):.3f} (ratio of medians), "
              f"{min(e_times) / min(r_times):.3f} (ratio of fastest runs)")

    if args.lstm_samples:
        lstm = EngineRunner("mnist-lstm", x, y)
        lstm.epoch(1280)
        runs = []
        for r in range(args.lstm_rounds):
            wait_quiet(max_wait=args.max_wait)
            t, bg = timed(lambda: lstm.epoch(args.lstm_samples))
            t *= EPOCH / args.lstm_samples
            runs.append((t, bg))
            print(f"lstm round {r + 1}: {t:6.2f} s/epoch (bg {bg:.2f})", flush=True)
        clean = [t for t, bg in runs if bg <= args.max_bg]
        times = clean if clean else [t for t, _ in runs]
        print(f"mnist-lstm engine   : {median(times):.2f} s/epoch (median of {len(times)} of {len(runs)} rounds, "
              f"batch {lstm.batch}, {args.lstm_samples} images per run, extrapolated to {EPOCH:,})")


if __name__ == "__main__":
    main()
