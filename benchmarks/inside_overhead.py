"""What live inspection costs the training thread: epochs with a RunInspector refreshing twice a second
against the same epochs without it, alternating in one process (the machine's noise hits both alike).

Run by hand (never by the test suite), from the repository root:

    python benchmarks/inside_overhead.py [--preset mnist] [--rounds 3] [--limit 20000]

Synthetic data of MNIST's shape (random pixels, random labels); the figure that matters is the
ratio of the per-round medians, inspected / plain (1.00 = free). The UI's part (drawing the view)
is measured by benchmarks/inside_view.py and, in the app, by benchmarks/app_vs_headless.py.
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

from nntui.engine.training import Dataset  # noqa: E402
from nntui.engine.probe import RunInspector  # noqa: E402
from nntui.preset import build_model, load_preset, make_trainer  # noqa: E402


def epoch_seconds(name: str, limit: int, inspect: bool, seed: int) -> tuple[float, int]:
    preset = load_preset(name)
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    rng = np.random.default_rng(seed)
    shape = tuple(model.input_shape[1:])
    x = rng.random((limit, *shape), dtype=np.float32)
    targets = []
    for layer in model.output_layers():
        k = layer.output_shape[-1]
        targets.append(np.eye(k, dtype=np.float32)[rng.integers(0, k, limit)] if k > 1
                       else rng.integers(0, 2, (limit, 1)).astype(np.float32))
    inspector = RunInspector(model, trainer.optimizer, x[:256], refresh=0.5) if inspect else None
    refreshes = 0
    t0 = time.perf_counter()
    for event in trainer.fit(Dataset(x, targets), epochs=1, batch_size=preset.training.batch_size):
        if inspector is not None and inspector.on_event(event) is not None:
            refreshes += 1
    return time.perf_counter() - t0, refreshes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=20_000)
    args = parser.parse_args()
    ratios, plain_s, inspected_s, counts = [], [], [], []
    for r in range(args.rounds):
        plain, _ = epoch_seconds(args.preset, args.limit, False, r)
        inspected, n = epoch_seconds(args.preset, args.limit, True, r)
        ratios.append(inspected / plain)
        plain_s.append(plain)
        inspected_s.append(inspected)
        counts.append(n)
        print(f"round {r + 1}: plain {plain:.2f} s, inspected {inspected:.2f} s ({n} inspections), "
              f"ratio {inspected / plain:.3f}")
    print(f"{args.preset}: median plain {statistics.median(plain_s):.2f} s, inspected "
          f"{statistics.median(inspected_s):.2f} s, per-round ratio median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
