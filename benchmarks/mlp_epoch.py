"""Seconds per epoch of the `mnist` preset's network: the engine against a hand-written NumPy loop.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/mlp_epoch.py [--rounds 7] [--epochs 2] [--threads N] [--reference-threads N] [--wait-quiet]

Both train Dense 784->512 relu -> Dense 10 softmax with RMSprop, batch 128, on the same synthetic
60,000 x 784 float32 data, in the same process, alternating who goes first round by round, so that
the machine's noise hits both alike. The reference is ../shared/bench/numpy_mlp.py (override with
NNTUI_BENCH_DIR): its `fast` loop (preallocated buffers, in-place ufuncs, flat RMSprop) with
subnormals flushed to zero, as the engine does, and OpenBLAS's default threads unless
--reference-threads. The engine trains through Trainer.fit with its own choice of threads unless
--threads. Each round times --epochs epochs of each (after one untimed warm-up epoch at the start)
and compares their medians; printed: each round, the medians over all rounds, the median of the
per-round ratios (the figure to trust), how many BLAS threads the engine ended with, the share of
the CPUs other processes took during each run ("bg") and the peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from bench_common import EPOCH, EngineRunner, bench_dir, own_cpu, summary, synthetic, timed, wait_quiet

from nntui.engine.fpenv import flush_subnormals  # noqa: E402


class ReferenceRunner:
    """The reference FastMLP (numpy_mlp.py), one epoch over all the data at each call."""

    def __init__(self, x, y, threads=None):
        sys.path.insert(0, str(bench_dir()))
        import numpy_mlp  # type: ignore

        self.model = numpy_mlp.FastMLP(numpy_mlp.init_params(), 128)
        self.x, self.y = x, y
        self.threads = threads
        self.rng = np.random.default_rng(1)
        self.last_cpu = None

    def epoch(self, samples: int) -> float:
        perm = self.rng.permutation(samples)  # over the first ``samples`` rows (its loop covers all rows given)
        limits = threadpool_limits(self.threads, user_api="blas") if self.threads else None
        try:
            with flush_subnormals():
                c0, t0 = own_cpu(), time.perf_counter()
                self.model.train_epoch(self.x[:samples], self.y[:samples], perm, 128)
                self.last_cpu = own_cpu() - c0
                return time.perf_counter() - t0
        finally:
            if limits is not None:
                limits.restore_original_limits()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds of engine and reference")
    ap.add_argument("--epochs", type=int, default=2, help="timed epochs of each per round")
    ap.add_argument("--samples", type=int, default=60_000, help="images per timed epoch (figures per 60,000)")
    ap.add_argument("--threads", type=int, default=None, help="the engine's BLAS threads (default: its own choice)")
    ap.add_argument("--reference-threads", type=int, default=None, help="the reference's (default: OpenBLAS's)")
    ap.add_argument("--wait-quiet", action="store_true", help="wait for a quiet machine before each round")
    ap.add_argument("--max-wait", type=float, default=60.0)
    ap.add_argument("--max-bg", type=float, default=0.15)
    args = ap.parse_args()
    if not (bench_dir() / "numpy_mlp.py").is_file():
        print(f"no reference: {bench_dir() / 'numpy_mlp.py'} not found (set NNTUI_BENCH_DIR)")
        return 1
    x, y = synthetic()
    engine = EngineRunner("mnist", x, y, threads=args.threads)
    reference = ReferenceRunner(x, y, threads=args.reference_threads)
    print(f"engine threads: {'its own choice' if args.threads is None else args.threads}; reference threads: "
          f"{args.reference_threads or 'OpenBLAS default'}; {os.cpu_count()} CPUs", flush=True)
    engine.epoch(args.samples)  # warm-up: page faults, thread pools, buffers
    reference.epoch(args.samples)
    rounds = []
    for r in range(args.rounds):
        if args.wait_quiet:
            wait_quiet(max_wait=args.max_wait)
        runners = [("engine", engine), ("reference", reference)]
        if r % 2:
            runners.reverse()
        got = {}
        for name, runner in runners:
            runs = []
            for _ in range(args.epochs):
                seconds, bg = timed(lambda: runner.epoch(args.samples))
                runs.append((seconds, bg, runner.last_cpu))
            scale = EPOCH / args.samples  # per 60,000 samples
            got[name] = (statistics.median(t for t, _, _ in runs) * scale, max(bg for _, bg, _ in runs),
                         statistics.median(c for _, _, c in runs) * scale)
        (et, ebg, ec), (rt, rbg, rc) = got["engine"], got["reference"]
        rounds.append((et, ebg, rt, rbg, ec, rc))
        print(f"round {r + 1:2d}: engine {et:6.3f} s/epoch (cpu {ec:6.3f} s, bg {ebg:.2f}, threads "
              f"{engine.last_threads})   reference {rt:6.3f} s/epoch (cpu {rc:6.3f} s, bg {rbg:.2f})   "
              f"ratio {et / rt:.3f} (cpu {ec / rc:.3f})", flush=True)
    summary("mnist engine", "numpy_mlp fast", rounds, args.max_bg)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (both loops and the data): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
