"""Seconds to read Kaggle's MNIST train.csv layout (42,000 rows of label + 784 pixels) with load_csv.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/csv_load.py [--rows 42000] [--rounds 3]

Writes the CSV into a temporary folder (from the real MNIST when NNTUI_DATA_DIR points at it, else
random pixels), then times, alternating in the same process: nntui's load_csv; NumPy's own C reader
with floats (np.loadtxt, float32), the floor for a pure-NumPy reader; and the plain Python way (the csv
module and float() per cell) on a tenth of the rows, scaled up. Prints the median of each and ratios.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.data import load_csv, load_mnist  # noqa: E402


def write_csv(path: Path, rows: int) -> None:
    if os.environ.get("NNTUI_DATA_DIR"):
        mnist = load_mnist(download=False)
        x, y = mnist.x_train[:rows].reshape(-1, 784), mnist.y_train[:rows]
    else:
        rng = np.random.default_rng(0)
        x = rng.integers(0, 256, (rows, 784)) * (rng.random((rows, 784)) < 0.2)
        y = rng.integers(0, 10, rows)
    header = ",".join(["label"] + [f"pixel{i}" for i in range(784)])
    np.savetxt(path, np.concatenate([y[:, None], x], axis=1), fmt="%d", delimiter=",", header=header, comments="")


def python_loop(path: Path, limit: int) -> None:
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        [[float(cell) for cell in row] for _, row in zip(range(limit), reader)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=42000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.csv"
        write_csv(path, args.rows)
        print(f"{path.stat().st_size / 1e6:.0f} MB, {args.rows} rows")
        times = {"load_csv": [], "np.loadtxt float32": [], "csv + float() (scaled)": []}
        for _ in range(args.rounds):
            t = time.perf_counter()
            load_csv(path, test_split=0.1)
            times["load_csv"].append(time.perf_counter() - t)
            t = time.perf_counter()
            np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
            times["np.loadtxt float32"].append(time.perf_counter() - t)
            t = time.perf_counter()
            python_loop(path, args.rows // 10)
            times["csv + float() (scaled)"].append((time.perf_counter() - t) * 10)
    base = statistics.median(times["load_csv"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:24s} {median:6.2f} s  ({median / base:.2f} x load_csv)")


if __name__ == "__main__":
    main()
