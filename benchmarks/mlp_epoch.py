"""Seconds per epoch of the `mnist` preset's network: the engine against a hand-written NumPy loop.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/mlp_epoch.py [--epochs 3] [--rounds 3]

Both train Dense 784->512 relu -> Dense 10 softmax with RMSprop, batch 128, on the same synthetic
60,000 x 784 float32 data, in the same process, alternating, so that the machine's noise hits both
alike. The reference is ../shared/bench/numpy_mlp.py (override with NNTUI_BENCH_DIR): its `fast`
loop (preallocated buffers, in-place ufuncs, flat RMSprop) with subnormals flushed to zero, as the
engine does. Prints the median seconds per epoch of each, their ratio and the peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.engine import Dataset, Model, Trainer, get_loss, get_optimizer  # noqa: E402
from nntui.engine.events import EpochEnded  # noqa: E402
from nntui.engine.fpenv import flush_subnormals  # noqa: E402
from nntui.engine.layers import Dense  # noqa: E402


def synthetic(n=60_000, seed=0):
    """MNIST-shaped random data: float32 pixels in [0, 1) and labels 0..9 (one-hot)."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=n)
    return x, y, np.eye(10, dtype=np.float32)[y]


def engine_epochs(x, onehot, epochs):
    """Seconds of each epoch of the engine's own training loop (Trainer.fit, train time only)."""
    model = Model((784,), [Dense(units=512, activation="relu"), Dense(units=10, activation="softmax")]).build(seed=0)
    trainer = Trainer(model, [get_loss("categorical_crossentropy")], get_optimizer("rmsprop"))
    times = []
    for event in trainer.fit(Dataset(x, [onehot]), epochs=epochs, batch_size=128):
        if isinstance(event, EpochEnded):
            times.append(event.train_seconds)
    return times


def reference_epochs(x, y, epochs):
    """Seconds of each epoch of the reference FastMLP, with subnormals flushed like the engine."""
    bench = Path(os.environ.get("NNTUI_BENCH_DIR", REPO.parent / "shared" / "bench"))
    if not (bench / "numpy_mlp.py").is_file():
        return None
    sys.path.insert(0, str(bench))
    import numpy_mlp  # type: ignore

    model = numpy_mlp.FastMLP(numpy_mlp.init_params(), 128)
    rng = np.random.default_rng(1)
    times = []
    with flush_subnormals():
        for _ in range(epochs):
            perm = rng.permutation(x.shape[0])
            t0 = time.perf_counter()
            model.train_epoch(x, y, perm, 128)
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3, help="epochs per round")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of engine and reference")
    args = ap.parse_args()
    x, y, onehot = synthetic()
    engine, reference = [], []
    for r in range(args.rounds):
        e = engine_epochs(x, onehot, args.epochs)
        ref = reference_epochs(x, y, args.epochs)
        engine += e[1:] or e  # the first epoch pays for page faults and BLAS start-up
        if ref is not None:
            reference += ref[1:] or ref
        print(f"round {r + 1}: engine {[f'{t:.3f}' for t in e]} s"
              + (f"  reference {[f'{t:.3f}' for t in ref]} s" if ref is not None else ""), flush=True)
    med_e = statistics.median(engine)
    print(f"engine    : {med_e:.3f} s/epoch (median of {len(engine)})")
    if reference:
        med_r = statistics.median(reference)
        print(f"reference : {med_r:.3f} s/epoch (median of {len(reference)})")
        print(f"ratio engine/reference: {med_e / med_r:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (both loops and the data): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
