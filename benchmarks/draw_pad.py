"""What a stroke on the Draw pad costs: the brush, the preparation, the reading per shipped preset, and
the time from a key press to the screen showing the new reading.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/draw_pad.py [--rounds 200] [--keys 60]

Part 1 times, per shipped preset with its seeded weights, the medians over ``--rounds`` calls of:
a stroke on the canvas (``Canvas.stroke``, one segment), ``prepare`` (box, scaling, centring) and
``DigitReader.read`` (prepare + the model's forward pass on one drawing). Part 2 runs the pad
(``App.run_test``, mnist) and draws ``--keys`` arrow keys with the pen down (a zigzag, at most 126): for each key, the time
until its handler has painted the canvas, and until the reading of that drawing is on screen (the
reading runs in a thread worker; the key handler never waits for it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.data.handwriting import Canvas, prepare  # noqa: E402
from nntui.preset import build_model, builtin_presets, load_preset  # noqa: E402
from nntui.preset.reader import DigitReader  # noqa: E402

TWO = [(8, 9), (6, 11), (5, 14), (6, 17), (8, 19), (11, 19), (14, 16), (18, 12), (22, 9), (23, 9), (23, 20)]


def median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def costs(rounds: int) -> None:
    canvas = Canvas()
    for a, b in zip(TWO, TWO[1:]):
        canvas.stroke(a, b)
    pixels = canvas.pixels.copy()
    print(f"stroke (one segment): {median_ms(lambda: Canvas().stroke((5, 5), (20, 17)), rounds):.3f} ms")
    print(f"prepare:              {median_ms(lambda: prepare(pixels), rounds):.3f} ms")
    for name in builtin_presets():
        preset = load_preset(name)
        model = build_model(preset.model).build(seed=preset.training.seed)
        reader = DigitReader(preset, model.get_weights())
        reader.read(pixels)
        print(f"read, {name:<18}  {median_ms(lambda: reader.read(pixels), rounds):.3f} ms")


async def key_latency(keys: int) -> None:
    from textual import events

    from nntui.tui.draw.harness import DrawHarnessApp
    from nntui.tui.draw.screen import DrawScreen

    preset = load_preset("mnist")
    weights = build_model(preset.model).build(seed=0).get_weights()
    app = DrawHarnessApp(lambda: DrawScreen(preset, weights))
    painted, shown = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, DrawScreen) and app.screen.readings):
            await asyncio.sleep(0.01)
        screen = app.screen
        pad = screen.drawing
        await pilot.press("home", *["left"] * 8, "space")  # the pen down at (13, 5)
        legs = ["right"] * 16 + ["down"] * 2 + ["left"] * 16 + ["down"] * 2  # a zigzag: every key paints new ink
        for i in range(keys):
            key = legs[i % len(legs)]
            before, readings = pad.revision, screen.readings
            t0 = time.perf_counter()
            app.post_message(events.Key(key, None))
            while pad.revision == before:
                await asyncio.sleep(0.0005)
            painted.append(time.perf_counter() - t0)
            while screen.readings == readings or screen._reading_now or screen._dirty:
                await asyncio.sleep(0.0005)
            shown.append(time.perf_counter() - t0)

    def line(what, values):
        values = sorted(v * 1000 for v in values)
        print(f"{what}: median {statistics.median(values):.1f} ms, 90th percentile "
              f"{values[int(0.9 * (len(values) - 1))]:.1f} ms, max {values[-1]:.1f} ms")
    print(f"{keys} keys with the pen down (mnist):")
    line("  key -> canvas painted", painted)
    line("  key -> its reading on screen", shown)


def main() -> None:
    if os.environ.get("DRAW_BENCH_TRACE"):
        import faulthandler
        faulthandler.dump_traceback_later(40)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--keys", type=int, default=60)
    args = parser.parse_args()
    if args.rounds:
        costs(args.rounds)
    asyncio.run(key_latency(args.keys))


if __name__ == "__main__":
    main()
