"""Seconds per epoch of the `mnist-lstm` preset's network: the engine against PyTorch's CPU nn.LSTM.

Run by hand (never by the test suite), from the repository root, where PyTorch is installed (it is
not a dependency of nntui; without it the script says so and exits):

    python benchmarks/lstm_torch.py [--samples 12800] [--rounds 7] [--threads N] [--torch-threads N]

Both train LSTM(128) reading 28 steps of 28 pixels, then Dense 10 with softmax and categorical
cross-entropy, Adam (learning rate 0.001, epsilon 1e-7 as in Keras), batch 128, on the same
synthetic MNIST-shaped data, in the same process, alternating who goes first round by round, so that
the machine's noise hits both alike. PyTorch runs a plain loop: ``nn.LSTM(batch_first=True)`` and
``nn.Linear`` on the last state, ``F.cross_entropy``, ``torch.optim.Adam``, one ``backward`` and
``step`` per batch (its default intra-op threads unless --torch-threads). The engine trains through
``Trainer.fit`` (its own thread choice unless --threads). Each timed run covers ``--samples``
images, extrapolated to 60,000; printed: each round, the medians, and the median of the per-round
ratios (the figure to trust). ``--wait-quiet`` waits before each round until other processes use
less than 10 % of the CPUs (at most --max-wait seconds).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from bench_common import EPOCH, EngineRunner, own_cpu, summary, synthetic, timed, wait_quiet

try:
    import torch
except ImportError:  # pragma: no cover - torch is optional
    torch = None


class TorchRunner:
    """The same network in PyTorch, trained one epoch over a fresh random subset at each call."""

    def __init__(self, x, y, batch=128, seed=1):
        torch.manual_seed(0)
        self.lstm = torch.nn.LSTM(28, 128, batch_first=True)
        self.dense = torch.nn.Linear(128, 10)
        params = list(self.lstm.parameters()) + list(self.dense.parameters())
        self.opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7)
        self.x = torch.from_numpy(np.ascontiguousarray(x.reshape(-1, 28, 28)))
        self.y = torch.from_numpy(y)
        self.batch = batch
        self.rng = np.random.default_rng(seed)
        self.last_cpu = None

    def epoch(self, samples: int) -> float:
        idx = torch.from_numpy(self.rng.permutation(self.x.shape[0])[:samples])
        c0, t0 = own_cpu(), time.perf_counter()
        for start in range(0, samples, self.batch):
            b = idx[start:start + self.batch]
            xb, yb = self.x[b], self.y[b]
            self.opt.zero_grad(set_to_none=True)
            _, (h, _) = self.lstm(xb)
            loss = torch.nn.functional.cross_entropy(self.dense(h[-1]), yb)
            loss.backward()
            self.opt.step()
        self.last_cpu = own_cpu() - c0
        return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=12_800, help="images per timed run (extrapolated to 60,000)")
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds of engine and PyTorch")
    ap.add_argument("--threads", type=int, default=None, help="the engine's BLAS threads (default: its own choice)")
    ap.add_argument("--torch-threads", type=int, default=None, help="PyTorch's intra-op threads (default: its own)")
    ap.add_argument("--wait-quiet", action="store_true", help="wait for a quiet machine before each round")
    ap.add_argument("--max-wait", type=float, default=60.0)
    ap.add_argument("--max-bg", type=float, default=0.15,
                    help="rounds where other processes took more than this share of the CPUs are set aside")
    args = ap.parse_args()
    if torch is None:
        print("PyTorch is not installed: nothing to compare with (pip install torch to run this benchmark)")
        return 0
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    x, y = synthetic()
    engine = EngineRunner("mnist-lstm", x, y, threads=args.threads)
    ref = TorchRunner(x, y, batch=engine.batch)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} intra-op threads; engine threads: "
          f"{'its own choice' if args.threads is None else args.threads}; {args.samples} images per run", flush=True)
    engine.epoch(1280)  # warm-up: page faults, thread pools, buffers
    ref.epoch(1280)
    scale = EPOCH / args.samples
    rounds = []
    for r in range(args.rounds):
        if args.wait_quiet:
            wait_quiet(max_wait=args.max_wait)
        order = [("engine", engine), ("torch", ref)]
        if r % 2:
            order.reverse()
        got = {}
        for name, runner in order:
            got[name] = timed(lambda runner=runner: runner.epoch(args.samples))
        (et, ebg), (tt, tbg) = got["engine"], got["torch"]
        et, tt = et * scale, tt * scale
        ec, tc = engine.last_cpu * scale, ref.last_cpu * scale
        rounds.append((et, ebg, tt, tbg, ec, tc))
        print(f"round {r + 1:2d}: engine {et:6.2f} s/epoch (cpu {ec:6.2f} s, bg {ebg:.2f}, threads "
              f"{engine.last_threads})   torch {tt:6.2f} s/epoch (cpu {tc:6.2f} s, bg {tbg:.2f})   "
              f"ratio {et / tt:.3f} (cpu {ec / tc:.3f})", flush=True)
    summary("mnist-lstm engine", "torch nn.LSTM", rounds, args.max_bg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
