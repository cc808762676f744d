"""Epoch time of each shipped preset when one other busy process shares the machine, against the
same epoch on one BLAS thread without it.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/shared_machine.py [--presets mnist,mnist-cnn,...] [--samples 3200] [--rounds 3]

For each preset, each round times runs of ``--samples`` synthetic images (extrapolated to 60,000),
in an order that rotates from round to round:

- ``alone``: threads=1, no extra load (the baseline: "its single-threaded time alone");
- ``busy``: the engine's own choice of threads (the default), with one busy process
  (a Python loop spinning on one CPU, started half a second before and stopped after);
- ``busy-1``: threads=1 with the busy process (the best any choice of threads can do: what is left
  is the CPU the busy process takes, not threads waiting for each other);
- ``busy-2``: two BLAS threads throughout (OpenBLAS's default on two CPUs) with the busy process:
  what happened before the engine chose its threads (only in the first ``--rounds-2`` rounds: slow).

Printed: each run, the per-round ratios to ``alone`` and their medians per preset (the goal:
busy/alone at most 1.3 on a two-CPU machine), and the share of the CPUs that processes other than
this one and the busy one took ("bg"; on a shared machine the baseline is not alone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench_common import EPOCH, EngineRunner, median, synthetic, timed

PRESETS = ("mnist", "mnist-cnn", "mnist-lstm", "mnist-two-branch", "mnist-multihead", "mnist-inception")


class BusyProcess:
    """One process spinning on a CPU while the block runs (stopped by its own pid afterwards)."""

    def __enter__(self):
        # spins until stopped, or until this process ends (its parent changes)
        code = f"import os\nwhile os.getppid() == {os.getpid()}: pass"
        self.proc = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        return False


def run(runner: EngineRunner, samples: int, threads, busy: bool):
    runner.trainer.threads = threads
    if busy:
        with BusyProcess():
            seconds, bg = timed(lambda: runner.epoch(samples))
        bg = max(0.0, bg - 1.0 / len(os.sched_getaffinity(0)))  # the busy process itself is expected
    else:
        seconds, bg = timed(lambda: runner.epoch(samples))
    return seconds * EPOCH / samples, bg


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default=",".join(PRESETS))
    ap.add_argument("--samples", type=int, default=3_200, help="images per timed run (extrapolated)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rounds-2", type=int, default=1, help="rounds that also time two fixed threads")
    args = ap.parse_args()
    x, y = synthetic()
    cpus = len(os.sched_getaffinity(0))
    print(f"{cpus} CPUs; {args.samples} images per run, seconds per 60,000", flush=True)
    table = []
    for name in args.presets.split(","):
        runner = EngineRunner(name, x, y)
        runner.trainer.threads = 1
        runner.epoch(min(args.samples, 640))  # warm-up
        ratios = {"busy": [], "busy-1": [], "busy-2": []}
        for r in range(args.rounds):
            configs = [("alone", 1, False), ("busy", None, True), ("busy-1", 1, True)]
            if r < args.rounds_2:
                configs.append(("busy-2", 2, True))
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            got, threads = {}, None
            for label, count, busy in order:
                got[label] = run(runner, args.samples, count, busy)
                if label == "busy":
                    threads = runner.last_threads
            base = got["alone"][0]
            line = f"{name:17s} round {r + 1}: alone {base:7.2f} s (bg {got['alone'][1]:.2f})"
            for label in ("busy", "busy-1", "busy-2"):
                if label in got:
                    ratios[label].append(got[label][0] / base)
                    extra = f", threads {threads}" if label == "busy" else ""
                    line += f"  {label} {got[label][0]:7.2f} s (bg {got[label][1]:.2f}{extra}) x{ratios[label][-1]:.2f}"
            print(line, flush=True)
        table.append((name, {k: median(v) if v else float("nan") for k, v in ratios.items()}))
    print("\npreset             busy/alone  busy-1/alone  busy-2/alone  (medians of per-round ratios)")
    for name, m in table:
        print(f"{name:17s}  {m['busy']:10.2f}  {m['busy-1']:12.2f}  {m['busy-2']:12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
