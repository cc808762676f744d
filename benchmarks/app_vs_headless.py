"""Seconds per epoch inside the app against --headless, for the same preset, and the key response time.

Run by hand (never by the test suite), from the repository root:

    NNTUI_DATA_DIR=../shared/data/mnist python benchmarks/app_vs_headless.py [--preset mnist]
        [--epochs 3] [--rounds 2] [--size 120x40] [--keys 20] [--wait-quiet] [--inside]

Both sides train through the engine's one generator (``Trainer.fit``) on the same arrays, in the same
process, alternating headless/app (and which goes first) so that the machine's noise hits both alike:

* headless: what ``nntui --headless`` does (build, make_trainer, make_datasets, iterate the run into
  a live ProgressReporter writing to a buffer);
* app: the real app (``NntuiApp``, the builder underneath) run headless (``App.run_test``) with
  ``TrainingScreen`` pushed, waiting for the end; the worker thread trains while the UI thread renders
  plots, anatomy and table as it would on screen.

* ``--inside``: a third side each round, the app with the training screen's Inside tab open from the
  first batch on (its inspector thread refreshing twice a second, the view redrawn each time); it also
  prints what one refresh cost the inspector thread (median and max).

The figure compared is each epoch's ``train_seconds`` from the EpochEnded events (the engine's own
clock), medians over all epochs of all rounds. Without NNTUI_DATA_DIR a synthetic 60,000/10,000 set
of random digits is used (same shapes, same cost).

``--keys N`` (with ``--inside``: the Inside tab open) then trains in the app again and presses space N times while a Dense 512 network trains:
each press pauses (the worker finishes its batch, posts a paused snapshot, the screen shows it), then
space resumes. It reports the time from the key press to (a) the screen's handler having run
("pausing…" shown), (b) the worker's acknowledgement handled by the screen, (c) the next frame
rendered after that.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntui.data.mnist import MnistArrays  # noqa: E402
from nntui.engine.events import EpochEnded  # noqa: E402
from nntui.headless.progress import ProgressReporter  # noqa: E402
from nntui.preset import build_model, full_check, load_preset, make_trainer  # noqa: E402
from nntui.preset.datasets import load_arrays, make_datasets  # noqa: E402


def cpu_busy(seconds: float = 2.0) -> float:
    """The share of all CPUs busy over ``seconds`` (from /proc/stat; 0 where it is unavailable)."""
    def sample():
        with open("/proc/stat") as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except OSError:
        return 0.0
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_for_quiet(limit: float = 0.10, patience: float = 3600.0) -> None:
    """On a shared machine: wait until other processes leave the CPUs (mostly) idle for 5 s."""
    start = time.monotonic()
    busy = cpu_busy(5.0)
    waited = False
    while busy > limit and time.monotonic() - start < patience:
        if not waited:
            print(f"(other processes keep {busy:.0%} of the CPUs busy: waiting)", flush=True)
            waited = True
        time.sleep(10)
        busy = cpu_busy(5.0)


def arrays_for(preset) -> MnistArrays:
    if os.environ.get("NNTUI_DATA_DIR"):
        return load_arrays(preset)
    rng = np.random.default_rng(0)
    return MnistArrays(rng.integers(0, 256, (60_000, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60_000, dtype=np.uint8),
                       rng.integers(0, 256, (10_000, 28, 28), dtype=np.uint8), rng.integers(0, 10, 10_000, dtype=np.uint8),
                       "synthetic random digits")


def headless(preset, arrays) -> list[float]:
    """Train like ``nntui --headless``; the train_seconds of each epoch."""
    model = build_model(preset.model)
    assert full_check(preset, model).error is None
    trainer = make_trainer(preset, model)
    train, val, test = make_datasets(preset, model, arrays)
    reporter = ProgressReporter(io.StringIO(), live=True, color=True)
    t = preset.training
    seconds = []
    for event in trainer.fit(train, epochs=t.epochs, batch_size=t.batch_size, validation=val, test=test):
        reporter.handle(event)
        if isinstance(event, EpochEnded):
            seconds.append(event.train_seconds)
    return seconds


def make_app(preset, arrays, size):
    """The real app (builder underneath) with the training screen pushed, else the screen's own harness."""
    from nntui.tui.training.harness import TrainingHarnessApp
    from nntui.tui.training.screen import TrainingScreen

    def screen():
        return TrainingScreen(preset, arrays=arrays, continue_training=False)

    try:
        from nntui.tui import app as app_module
        from nntui.tui.app import NntuiApp
    except ImportError:
        return TrainingHarnessApp(screen)

    class App(NntuiApp):
        CSS_PATH = str(Path(app_module.__file__).parent / NntuiApp.CSS_PATH)

        def on_mount(self) -> None:
            self.call_after_refresh(lambda: self.push_screen(screen()))

    return App(preset)


WAITS = {"snapshots": 0, "waited": 0.0}  # the app's last run: snapshots posted, seconds the worker waited for frames


async def in_app(preset, arrays, size, inside: bool = False, refreshes: list | None = None, layer: int = 1) -> list[float]:
    """Train inside the app (headless Textual), the screen drawing as usual; the train_seconds per epoch.

    ``inside``: open the Inside tab as soon as the screen is there, on ``layer`` (``refreshes`` gets what
    each of its inspections cost the inspector thread, the number shown and what each cost the UI thread).
    Also counts, in WAITS, the snapshots the worker posted and how long it waited for their frames.
    """
    from nntui.tui.training.worker import TrainingJob

    WAITS.update(snapshots=0, waited=0.0)
    post_snapshot = TrainingJob._post_snapshot

    def counted(job, history, **kw):
        start = time.perf_counter()
        post_snapshot(job, history, **kw)
        WAITS["snapshots"] += 1
        WAITS["waited"] += time.perf_counter() - start

    TrainingJob._post_snapshot = counted
    try:
        return await _in_app(preset, arrays, size, inside, refreshes, layer)
    finally:
        TrainingJob._post_snapshot = post_snapshot


async def _in_app(preset, arrays, size, inside, refreshes, layer) -> list[float]:
    from nntui.tui.training.inside_tab import InsideTab
    from nntui.tui.training.screen import TrainingScreen

    app = make_app(preset, arrays, size)
    opened = not inside
    async with app.run_test(size=size):
        while not (isinstance(app.screen, TrainingScreen) and app.screen.phase in ("ended", "failed")):
            if not opened and isinstance(app.screen, TrainingScreen) and app.screen.is_mounted:
                app.screen.action_inside()
                app.screen.query_one(InsideTab).view.chosen_layer = layer
                opened = True
            await asyncio.sleep(0.05)
        screen = app.screen
        if screen.phase == "failed":
            raise SystemExit("the run failed in the app")
        if inside and refreshes is not None:
            tab = screen.query_one(InsideTab)
            refreshes.append((list(tab.refresh_seconds), tab.inspections, list(tab.draw_seconds)))
        return [ev.train_seconds for ev in screen.epoch_events]


async def key_latency(preset, arrays, size, presses: int, inside: bool = False) -> dict[str, list[float]]:
    """Press space (pause) while training; time until the binding ran, the worker acknowledged, a frame drew.

    The key goes in as a terminal key would (an events.Key posted to the app), not through Pilot.press
    (which also waits for the whole app to settle).
    """
    from textual import events
    from textual.screen import Screen

    from nntui.tui.training.screen import TrainingScreen

    frames: list[float] = []
    original = Screen._compositor_refresh

    def recording(self):
        original(self)
        frames.append(time.perf_counter())

    Screen._compositor_refresh = recording
    app = make_app(preset, arrays, size)
    handled, shown, acked, drawn = [], [], [], []
    try:
        async with app.run_test(size=size):
            while not (isinstance(app.screen, TrainingScreen) and app.screen.phase == "running"
                       and app.screen.snapshot is not None and app.screen.snapshot.global_step > 20):
                await asyncio.sleep(0.05)
            screen = app.screen
            if inside:  # the Inside tab open on the first layer while the keys are pressed
                from nntui.tui.training.inside_tab import InsideTab
                screen.action_inside()
                screen.query_one(InsideTab).view.chosen_layer = 1
            for _ in range(presses):
                await asyncio.sleep(0.7)  # let it train (and redraw) for a while
                if screen.phase != "running":
                    break
                t0 = time.perf_counter()
                app.post_message(events.Key("space", " "))
                while "pause" not in screen.key_times:
                    await asyncio.sleep(0.0002)
                t_key = screen.key_times["pause"]
                handled.append(t_key - t0)
                while not frames or frames[-1] < t_key:
                    await asyncio.sleep(0.0002)
                shown.append(frames[-1] - t0)
                while screen.phase != "paused":
                    await asyncio.sleep(0.0002)
                t_ack = time.perf_counter()
                acked.append(t_ack - t0)
                while not frames or frames[-1] < t_ack:
                    await asyncio.sleep(0.0002)
                drawn.append(frames[-1] - t0)
                app.post_message(events.Key("space", " "))  # resume
                while screen.phase != "running":
                    await asyncio.sleep(0.001)
            screen.action_stop()
            while screen.phase != "ended":
                await asyncio.sleep(0.05)
    finally:
        Screen._compositor_refresh = original
    return {"binding ran ('pausing…' set)": handled, "frame with 'pausing…' drawn": shown,
            "worker acknowledged (paused at batch n)": acked, "frame with the paused state drawn": drawn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--size", default="120x40", help="terminal size of the app, WxH")
    parser.add_argument("--keys", type=int, default=0, help="also measure the key response with N presses")
    parser.add_argument("--inside", action="store_true", help="also train in the app with the Inside tab open")
    parser.add_argument("--inside-layer", type=int, default=1,
                        help="with --inside: the layer shown (0 the input, 1 the first layer, ...)")
    parser.add_argument("--wait-quiet", action="store_true",
                        help="before each round, wait until other processes leave the CPUs idle")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    preset = load_preset(args.preset).with_overrides(epochs=args.epochs)
    arrays = arrays_for(preset)
    print(f"preset {preset.name}, {args.epochs} epochs x {args.rounds} rounds, batch {preset.training.batch_size}, "
          f"data: {arrays.source}, app size {size[0]}x{size[1]}", flush=True)
    head, app, rounds, inside_rounds, refreshes = [], [], [], [], []
    for r in range(args.rounds):
        if args.wait_quiet:
            wait_for_quiet()
        load = os.getloadavg()[0]
        if load > 1.5:
            print(f"(load average {load:.1f}: other processes share the CPU; figures are noisy)", flush=True)
        if r % 2 == 0:  # alternating which goes first
            h = headless(preset, arrays)
            a = asyncio.run(in_app(preset, arrays, size))
        else:
            a = asyncio.run(in_app(preset, arrays, size))
            h = headless(preset, arrays)
        head += h
        app += a
        rounds.append((h, a))
        line = (f"round {r + 1}: headless " + " ".join(f"{s:.3f}" for s in h) + " | app " + " ".join(f"{s:.3f}" for s in a)
                + f" ({WAITS['snapshots']} snapshots, the worker waited {WAITS['waited']:.2f} s for their frames"
                f" = {WAITS['waited'] / max(sum(a), 1e-9):.1%} of the training time)")
        if args.inside:
            i = asyncio.run(in_app(preset, arrays, size, inside=True, refreshes=refreshes, layer=args.inside_layer))
            inside_rounds.append((h, i))
            line += " | app+Inside " + " ".join(f"{s:.3f}" for s in i) + f" ({refreshes[-1][1]} inspections shown)"
        print(line, flush=True)
    ratios = [statistics.median(a) / statistics.median(h) for h, a in rounds]
    print(f"per-round ratio app/headless: {' '.join(f'{r:.3f}' for r in ratios)}; median {statistics.median(ratios):.3f}")
    mh, ma = statistics.median(head), statistics.median(app)
    print(f"train seconds per epoch (median): headless {mh:.3f} s, app {ma:.3f} s, ratio app/headless {ma / mh:.3f}")
    # on a shared machine the fastest epoch of each side is the one least disturbed by other processes
    nh, na = min(head), min(app)
    print(f"train seconds per epoch (fastest): headless {nh:.3f} s, app {na:.3f} s, ratio app/headless {na / nh:.3f}")
    if inside_rounds:
        ratios = [statistics.median(i) / statistics.median(h) for h, i in inside_rounds]
        print(f"per-round ratio app+Inside/headless: {' '.join(f'{r:.3f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.3f}")
        mi, ni = statistics.median(x for _, i in inside_rounds for x in i), min(x for _, i in inside_rounds for x in i)
        print(f"app+Inside train seconds per epoch: median {mi:.3f} s (ratio {mi / mh:.3f}), fastest {ni:.3f} s "
              f"(ratio {ni / nh:.3f})")
        costs = sorted(c * 1000 for cs, _, _ in refreshes for c in cs)
        draws = sorted(c * 1000 for _, _, ds in refreshes for c in ds)
        if costs:
            print(f"one Inside refresh (inspector thread): median {statistics.median(costs):.1f} ms, "
                  f"max {costs[-1]:.1f} ms ({len(costs)} refreshes)")
        if draws:
            print(f"one Inside refresh drawn (UI thread, handler to frame): median {statistics.median(draws):.1f} ms, "
                  f"max {draws[-1]:.1f} ms")
    if args.keys:
        if args.wait_quiet:
            wait_for_quiet()
        keys_preset = preset.with_overrides(epochs=1000)
        result = asyncio.run(key_latency(keys_preset, arrays, size, args.keys, inside=args.inside))
        if args.inside:
            print("key presses with the Inside tab open:")
        for name, values in result.items():
            ms = sorted(v * 1000 for v in values)
            print(f"key press -> {name}: median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms "
                  f"({len(ms)} presses)")


if __name__ == "__main__":
    main()
