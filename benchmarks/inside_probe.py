"""What one refresh of the Inside view costs for each shipped preset, in milliseconds.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/inside_probe.py [--rounds 20] [--preset mnist ...]

For each preset's model (fresh weights after 3 training steps on random data of MNIST's shape):

* capture: between two batches, ``StepRecorder.arm`` + ``capture`` (copies of theta, state, grad
  and the last update) - the only part the training thread pays;
* load + one sample: ``Probe.load`` of the snapshot and ``Probe.outputs`` for one test image
  (every layer's output, copied);
* dead units: one live refresh's chunk of the probe set (``DeadUnitWindow.update``), and the whole
  probe set (once per epoch; not part of a refresh);
* stats + health: ``layer_statistics`` and ``check_health`` on a 50-entry history;
* histograms: weight and gradient histograms of the largest layer.

Each figure is the minimum over ``--rounds`` repetitions (the machine is shared: the minimum is the
cost without interference), then the median as a second figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.engine.probe import (  # noqa: E402
    Probe,
    StepRecorder,
    check_health,
    histogram,
    layer_statistics,
    probe_batch_size,
)
from nntui.engine.probe.inspector import PROBE_SET, DeadUnitWindow  # noqa: E402
from nntui.preset import build_model, builtin_presets, load_preset, make_trainer  # noqa: E402


def timed(fn, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return min(times), statistics.median(times)


def bench(name: str, rounds: int) -> dict:
    preset = load_preset(name)
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    rng = np.random.default_rng(0)
    shape = tuple(model.input_shape[1:])
    bs = preset.training.batch_size
    x = rng.random((bs, *shape), dtype=np.float32)
    targets = []
    for layer in model.output_layers():
        k = layer.output_shape[-1]
        targets.append(np.eye(k, dtype=np.float32)[rng.integers(0, k, bs)] if k > 1
                       else rng.integers(0, 2, (bs, 1)).astype(np.float32))
    recorder = StepRecorder(model, trainer.optimizer)
    for _ in range(3):
        trainer.train_step(x, targets)
    probe = Probe(model)
    n_probe = PROBE_SET
    px = rng.random((n_probe, *shape), dtype=np.float32)
    state = {}

    def capture():
        recorder.arm()
        trainer.optimizer.iterations += 1  # stands in for the step between arm and capture
        state["snap"] = recorder.capture()

    def one_sample():
        probe.load(state["snap"])
        probe.outputs(px[0])

    window = DeadUnitWindow(probe, px, probe_batch_size(model))

    def dead():
        state["dead"] = window.update()

    def dead_all():
        probe.dead_fractions(px)

    history = []

    def stats_health():
        history.append(layer_statistics(probe.layout, state["snap"], state.get("dead")))
        del history[:-50]
        check_health(history, [{"loss": 0.3, "accuracy": 0.9, "val_loss": 0.3, "val_accuracy": 0.9}] * 3,
                     [0.3] * 200)

    big = max(probe.layout, key=lambda s: s.size)
    main = big.main

    def histograms():
        snap = state["snap"]
        histogram(snap.theta[main.start:main.stop], 32)
        histogram(snap.grad[main.start:main.stop], 32, symmetric=True)

    rows = {"capture": timed(capture, rounds)}
    rows["load + one sample"] = timed(one_sample, rounds)
    dead()
    rows[f"dead units ({window.chunk} of {n_probe} samples)"] = timed(dead, rounds)
    rows["stats + health"] = timed(stats_health, rounds)
    rows[f"histograms ({main.stop - main.start:,} weights)"] = timed(histograms, rounds)
    return rows, timed(dead_all, max(3, rounds // 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--preset", action="append")
    args = parser.parse_args()
    names = args.preset or list(builtin_presets())
    for name in names:
        rows, full = bench(name, args.rounds)
        total = sum(v[0] for v in rows.values())
        print(f"{name}: {total:.2f} ms per refresh (sum of minimums)")
        for what, (best, med) in rows.items():
            print(f"  {what:<36} {best:7.2f} ms  (median {med:.2f})")
        print(f"  {'(per epoch: dead units, whole set)':<36} {full[0]:7.2f} ms  (median {full[1]:.2f})")


if __name__ == "__main__":
    main()
