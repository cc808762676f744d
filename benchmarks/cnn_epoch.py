"""Seconds per epoch of the `mnist-cnn` preset's convnet against a hand-written NumPy loop.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/cnn_epoch.py [--samples 5000] [--rounds 9] [--threads N] [--reference-threads N] [--wait-quiet]

The engine trains the model of presets/mnist-cnn.toml (its optimiser and batch size) through its own
loop (Trainer.fit; the time is the epoch's training time, without evaluation) on `--samples`
synthetic MNIST-shaped images, with its own choice of BLAS threads unless --threads; the figure is
extrapolated to 60,000 images. The reference is ../shared/bench/numpy_cnn.py (override with
NNTUI_BENCH_DIR): the same network, RMSprop and batch 64, im2col in NHWC with 16-image chunks for
conv2, OpenBLAS's default threads unless --reference-threads. It trains on the same data, in the
same process, alternating who goes first round by round, so that the machine's noise hits both
alike; both run with float32 subnormals flushed to zero. With --wait-quiet each round first waits
(up to --max-wait seconds) until other processes use less than 10 % of the CPUs; the share they took
during each run is printed ("bg"), and rounds where either run saw more than --max-bg are set aside
when at least three clean rounds remain. Printed: each round, the medians, and the median of the
per-round ratios (the figure to trust: each ratio compares two runs seconds apart).

The `mnist-lstm` preset is measured against PyTorch by lstm_torch.py.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from bench_common import EPOCH, EngineRunner, bench_dir, own_cpu, summary, synthetic, timed, wait_quiet

from nntui.engine.fpenv import flush_subnormals


class ReferenceRunner:
    """The reference NumpyCNN (numpy_cnn.py), trained over a fresh random subset at each call."""

    def __init__(self, x, y, seed=1, threads=None):
        sys.path.insert(0, str(bench_dir()))
        import numpy_cnn  # type: ignore

        self.model = numpy_cnn.NumpyCNN(numpy_cnn.glorot_params(), batch=64, conv1="gemm", chunk=16)
        self.x = x.reshape(-1, 28, 28, 1)
        self.y = y
        self.threads = threads
        self.rng = np.random.default_rng(seed)
        self.last_cpu = None

    def epoch(self, samples: int) -> float:
        idx = self.rng.permutation(self.x.shape[0])[:samples]
        limits = threadpool_limits(self.threads, user_api="blas") if self.threads else None
        try:
            with flush_subnormals():
                c0, t0 = own_cpu(), time.perf_counter()
                self.model.train(self.x, self.y, idx, 64)
                self.last_cpu = own_cpu() - c0
                return time.perf_counter() - t0
        finally:
            if limits is not None:
                limits.restore_original_limits()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=5_000, help="images per timed run (extrapolated)")
    ap.add_argument("--rounds", type=int, default=9, help="alternating rounds of engine and reference")
    ap.add_argument("--threads", type=int, default=None, help="the engine's BLAS threads (default: its own choice)")
    ap.add_argument("--reference-threads", type=int, default=None, help="the reference's (default: OpenBLAS's)")
    ap.add_argument("--wait-quiet", action="store_true", help="wait for a quiet machine before each round")
    ap.add_argument("--max-wait", type=float, default=60.0, help="seconds to wait for a quiet machine per round")
    ap.add_argument("--max-bg", type=float, default=0.15,
                    help="rounds where other processes took more than this share of the CPUs are set aside")
    args = ap.parse_args()
    if not (bench_dir() / "numpy_cnn.py").is_file():
        print(f"no reference: {bench_dir() / 'numpy_cnn.py'} not found (set NNTUI_BENCH_DIR)")
        return 1
    scale = EPOCH / args.samples
    x, y = synthetic()
    engine = EngineRunner("mnist-cnn", x, y, threads=args.threads)
    reference = ReferenceRunner(x, y, threads=args.reference_threads)
    print(f"engine threads: {'its own choice' if args.threads is None else args.threads}; reference threads: "
          f"{args.reference_threads or 'OpenBLAS default'}; {args.samples} images per run", flush=True)
    engine.epoch(640)  # warm-up: page faults, thread pools, buffers
    reference.epoch(640)
    rounds = []
    for r in range(args.rounds):
        if args.wait_quiet:
            wait_quiet(max_wait=args.max_wait)
        runners = [("engine", engine), ("reference", reference)]
        if r % 2:
            runners.reverse()
        got = {name: timed(lambda runner=runner: runner.epoch(args.samples)) for name, runner in runners}
        (et, ebg), (rt, rbg) = got["engine"], got["reference"]
        et, rt = et * scale, rt * scale
        ec, rc = engine.last_cpu * scale, reference.last_cpu * scale
        rounds.append((et, ebg, rt, rbg, ec, rc))
        print(f"round {r + 1:2d}: engine {et:6.2f} s/epoch (cpu {ec:6.2f} s, bg {ebg:.2f}, threads "
              f"{engine.last_threads})   reference {rt:6.2f} s/epoch (cpu {rc:6.2f} s, bg {rbg:.2f})   "
              f"ratio {et / rt:.3f} (cpu {ec / rc:.3f})", flush=True)
    summary("mnist-cnn engine", "numpy_cnn", rounds, args.max_bg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
