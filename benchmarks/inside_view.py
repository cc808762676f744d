"""What the Inside view costs the UI thread, per preset, in milliseconds: a new snapshot shown, and a key.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/inside_view.py [--rounds 10] [--preset mnist ...] [--size 120x40]

For each preset's model (3 training steps on random data of MNIST's shape, 256 random test images),
in Textual's headless test driver at the given size, on its first layer with weights:

* refresh: ``InsideView.show_inspection`` of a new inspection (probe load, the chosen image run
  through every layer, every widget's data) and the frame that draws it;
* key →: the next sample (one image through the network and the frame);
* key m: the next misclassified image (random weights: found in the first batch) and the frame.

Each figure is the minimum over ``--rounds`` (the machine is shared), then the median; wall-clock time
(including Textual's event-loop turns and waits) and, in brackets, the process's CPU time, which is
what the work costs the machine (no training runs meanwhile).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.engine.probe import RunInspector  # noqa: E402
from nntui.preset import build_model, builtin_presets, load_preset, make_trainer  # noqa: E402
from nntui.tui.inside.harness import InsideHarnessApp  # noqa: E402
from nntui.tui.inside.inside_view import InsideView  # noqa: E402
from nntui.tui.inside.samples import InsideSamples  # noqa: E402


def setup(name: str):
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
    test_x = rng.random((256, *shape), dtype=np.float32)
    digits = rng.integers(0, 10, 256)
    output = model.outputs[0]
    samples = InsideSamples(test_x, digits, output, digits, tuple(str(d) for d in range(10)))
    inspector = RunInspector(model, trainer.optimizer, test_x)
    for _ in range(3):
        inspector.recorder.arm()
        trainer.train_step(x, targets)
    return model, samples, inspector, (trainer, x, targets)


async def bench(name: str, rounds: int, size) -> dict:
    model, samples, inspector, (trainer, x, targets) = setup(name)
    app = InsideHarnessApp(model, samples, inspector.inspect())
    rows = {"refresh": [], "key →": [], "key m": []}
    cpu = {k: [] for k in rows}
    async with app.run_test(size=size) as pilot:
        view = app.query_one(InsideView)
        first = next(e.position for e in view.entries if e.has_weights)
        view.chosen_layer = first
        await pilot.pause()
        for _ in range(rounds):
            inspector.recorder.arm()
            trainer.train_step(x, targets)
            found = inspector.inspect(live=True)
            for what, act in (("refresh", None), ("key →", "right"), ("key m", "m")):
                t0, c0 = time.perf_counter(), time.process_time()
                if act is None:
                    view.show_inspection(found, list(inspector.history))
                    await pilot.pause()
                else:
                    await pilot.press(act)
                rows[what].append(1000 * (time.perf_counter() - t0))
                cpu[what].append(1000 * (time.process_time() - c0))
    return {k: (min(v), statistics.median(v), min(cpu[k])) for k, v in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--preset", action="append")
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    for name in args.preset or list(builtin_presets()):
        rows = asyncio.run(bench(name, args.rounds, size))
        print(f"{name} ({args.size}): " + "  ".join(f"{k} {best:.1f} ms (median {med:.1f}; cpu {c:.1f})"
                                                    for k, (best, med, c) in rows.items()))


if __name__ == "__main__":
    main()
