"""Hostile use: resizing every screen from 200x60 down to 40x12 and back, and thousands of random key
presses on every screen (fixed seed). Nothing may raise, and the app must still answer at the end.

Keys are handed to the app as the terminal driver would (one Key event each), and the test waits only
until the app's message queues are empty, not for the CPU to go idle: a training run keeps the CPU
busy, and the point is to press keys while things are happening (a dialog still opening, a run
starting, a worker posting snapshots).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import unicodedata
from collections import Counter
from pathlib import Path

from test_training_support import glyph_arrays
from textual import events
from textual.geometry import Size
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.screen import Screen
from tui_helpers import install_training_screen

from nntui.preset import load_preset
from nntui.tui.app import NntuiApp
from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.builder.settings_dialog import TrainingSettingsScreen
from nntui.tui.common.help import HelpScreen
from nntui.tui.training import screen as training_module
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()
SIZES = [(200, 60), (120, 40), (80, 24), (60, 18), (40, 12), (80, 24), (120, 40), (200, 60)]


# ------------------------------------------------------------------------------------------ driving
def key_event(key: str) -> events.Key:
    """The Key event the terminal driver would send for ``key`` (as Pilot.press builds it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def quiet(app) -> bool:
    screen = app.screen
    focused = screen.focused
    return not (app.message_queue_size or screen.message_queue_size or (focused and focused.message_queue_size))


async def settle(app, spins: int = 400) -> None:
    """Let the app work until its queues have stayed empty for a few turns of the event loop."""
    calm = 0
    for _ in range(spins):
        await asyncio.sleep(0)
        calm = calm + 1 if quiet(app) else 0
        if calm >= 4:
            return


async def press(app, key: str) -> None:
    app._driver.send_message(key_event(key))
    await settle(app)


async def resize(app, width: int, height: int) -> None:
    size = Size(width, height)
    app._driver._size = size
    app.post_message(events.Resize(size, size))
    await settle(app)
    await asyncio.sleep(0.01)  # timers (debounced layouts) get their turn too
    await settle(app)


async def wait_until(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    t0 = time.monotonic()
    while not predicate():
        assert time.monotonic() - t0 < timeout, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def alive(app) -> None:
    """No exception has reached the app (it would have exited)."""
    assert app._exception is None, f"{type(app._exception).__name__}: {app._exception}"
    assert app.is_running


class Recorder:
    """What the run visited: screens, key presses per screen, training runs that failed and why."""

    def __init__(self) -> None:
        self.screens: Counter[str] = Counter()
        self.failures: list[str] = []


def hostile_app(tmp_path, preset: str = "mnist", *, recorder: Recorder | None = None, epochs: int = 2,
                limit: int = 300, pause_at: int | None = None) -> NntuiApp:
    """The real app on a shipped preset with the real training screen on a small synthetic MNIST.

    Quitting is recorded instead of done (random keys press q and ctrl+q too; the app must go on).
    """
    app = NntuiApp(load_preset(preset), cursor_blink=False, cwd=tmp_path, typeahead=False, speed_probe=None)
    recorder = recorder or Recorder()

    class Training(TrainingScreen):
        CSS_PATH = str(Path(training_module.__file__).with_name("screen.tcss"))

        def on_training_failed(self, message) -> None:
            recorder.failures.append(message.text)
            super().on_training_failed(message)

    def factory(preset, data_dir):
        small = preset.with_overrides(epochs=epochs, limit=limit)
        return Training(small, data_dir, arrays=ARRAYS, pause_at=pause_at, interval=0.05)

    install_training_screen(app, factory)
    app.quit_requests = 0

    def exit(*args, **kwargs):
        app.quit_requests += 1
    app.exit = exit
    app.deliver_screenshot = lambda *a, **k: None  # the command palette's "screenshot" writes nowhere
    app.recorder = recorder
    return app


async def back_to_builder(app) -> None:
    """Close whatever is on top of the builder (dialogs, the training screen, the command palette)."""
    for _ in range(20):
        if isinstance(app.screen, BuilderScreen) and len(app.screen_stack) == 1:
            return
        if len(app.screen_stack) > 1:
            await app.pop_screen()
        await settle(app)
    assert isinstance(app.screen, BuilderScreen)


async def to_the_stack(app) -> None:
    """The builder's table view with the focus on it (random keys may have left it in a side-panel field)."""
    builder = app.screen
    if builder.graph_mode:
        await press(app, "g")
    builder.query_one("#stack").focus()
    await settle(app)


async def through_sizes(app, what: str) -> None:
    for width, height in SIZES:
        await resize(app, width, height)
        alive(app)
    app.recorder.screens[what] += 1


# ------------------------------------------------------------------------------------------ (a) resizing
BUILDER_SCREENS = [
    # (what, keys that open it from the builder with the cursor on layer 0 of mnist)
    ("builder table", []),
    ("palette", ["a"]),
    ("palette, filtered", ["a", "p", "o", "o", "l"]),
    ("layer form", ["e"]),
    ("layer form with a misfit", ["a", "c", "o", "n", "v", "enter", "3", "2", "tab", "3", "enter", "e"]),
    ("branch palette", ["b"]),
    ("merge form", ["m", "enter"]),
    ("input shape", ["i"]),
    ("keras code", ["k"]),
    ("help", ["question_mark"]),
    ("save", ["ctrl+s"]),
    ("open", ["ctrl+o"]),
    ("load weights", ["w"]),
    ("load weights with an error", ["w", "ctrl+u", *"nope.npz", "enter"]),
    ("quit question", ["d", "q"]),
    ("command palette", ["ctrl+p"]),
    ("command palette, filtered", ["ctrl+p", *"grap"]),
]


async def test_resizing_every_builder_screen_from_200x60_to_40x12_and_back(tmp_path):
    app = hostile_app(tmp_path)
    async with app.run_test(size=(200, 60)):
        await settle(app)
        for what, keys in BUILDER_SCREENS:
            await back_to_builder(app)
            app.replace_document(load_preset("mnist"))
            await settle(app)
            await press(app, "down")
            for key in keys:
                await press(app, key)
            await asyncio.sleep(0.05)
            await settle(app)
            opened = type(app.screen).__name__
            await through_sizes(app, f"{what} ({opened})")
        # the graph drawing, the narrow-terminal settings dialog and Textual's key panel
        await back_to_builder(app)
        app.replace_document(load_preset("mnist-inception"))
        await press(app, "g")
        await press(app, "end")
        await through_sizes(app, "builder graph drawing")
        await back_to_builder(app)
        app.push_screen(TrainingSettingsScreen())
        await settle(app)
        await through_sizes(app, "training settings dialog")
        await back_to_builder(app)
        app.action_show_help_panel()
        await settle(app)
        await through_sizes(app, "builder with Textual's key panel")
        alive(app)
    assert len(app.recorder.screens) == len(BUILDER_SCREENS) + 3


async def test_resizing_the_training_screen_while_training_paused_and_finished(tmp_path):
    recorder = Recorder()
    # training: enough epochs to still be running after twelve resizes
    app = hostile_app(tmp_path, recorder=recorder, epochs=200, limit=600)
    async with app.run_test(size=(200, 60)):
        await settle(app)
        await press(app, "t")
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        await wait_until(lambda: screen.phase == "running", what="the run to start")
        await through_sizes(app, "training screen, training")
        assert screen.phase in ("running", "pausing", "paused")
        await press(app, "space")
        await wait_until(lambda: screen.phase == "paused", what="the pause")
        await through_sizes(app, "training screen, paused")
        await press(app, "2")  # the results tab, still paused (wide: 1 Curves, 2 Results, 3 Inside)
        await through_sizes(app, "training screen, paused, results tab")
        await press(app, "s")
        await wait_until(lambda: screen.phase == "ended", what="the stop")
        await through_sizes(app, "training screen, stopped")
        await press(app, "w")  # the save prompt over the finished run
        await through_sizes(app, "training screen, save prompt")
        await press(app, "escape")
        await press(app, "escape")
        assert isinstance(app.screen, BuilderScreen)
        alive(app)
    app = hostile_app(tmp_path, recorder=recorder, epochs=1)
    async with app.run_test(size=(200, 60)):
        await settle(app)
        await press(app, "t")
        screen = app.screen
        await wait_until(lambda: screen.phase == "ended", what="the run to finish")
        await through_sizes(app, "training screen, finished")
        await press(app, "1")
        await through_sizes(app, "training screen, finished, curves tab")
        alive(app)
    assert not recorder.failures


# ------------------------------------------------------------------------------------------ (b) random keys
NAVIGATION = ["enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "home", "end", "pageup",
              "pagedown", "backspace", "delete", "space", "ctrl+u", "ctrl+p"]
SEED = int(os.environ.get("NNTUI_HOSTILE_SEED", "7"))  # another seed: explore by hand
PRINTABLE = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-_ ()[]=?*/")


def binding_keys() -> list[str]:
    """Every key bound on any screen of the app (and the app's own, and Textual's)."""
    from textual.app import App

    from nntui.tui.builder import (
        input_shape,
        keras_code,
        keras_export,
        layer_form,
        load_weights,
        open_preset,
        palette,
        save,
        settings_dialog,
    )
    from nntui.tui.builder import screen as builder
    from nntui.tui.builder.graph_view import GraphView
    from nntui.tui.common import confirm, help
    from nntui.tui.training import save_prompt
    from nntui.tui.training import screen as training
    classes = [NntuiApp, App, builder.BuilderScreen, confirm.ConfirmScreen, help.HelpScreen,
               input_shape.InputShapeScreen, keras_code.KerasCodeScreen, keras_export.ExportKerasScreen,
               layer_form.LayerFormScreen,
               load_weights.LoadWeightsScreen, open_preset.OpenPresetScreen, palette.PaletteScreen, save.SaveScreen,
               training.TrainingScreen, save_prompt.TrainingSavePrompt, settings_dialog.TrainingSettingsScreen,
               GraphView]
    keys = set()
    for cls in classes:
        for binding in cls.BINDINGS:
            key = binding.key if hasattr(binding, "key") else binding[0]
            keys.update(k.strip() for k in key.split(","))
    return sorted(keys)


TRAINING_KEYS = sorted({k.strip() for b in TrainingScreen.BINDINGS for k in b.key.split(",")})
PHASES = [
    # (what, preset, start keys, presses)
    ("builder on mnist", "mnist", [], 600),
    ("layer form on mnist", "mnist", ["down", "e"], 300),
    ("builder on mnist-inception, graph drawing", "mnist-inception", ["g"], 700),
    ("training screen (mnist)", "mnist", ["t"], 800),
    ("builder on mnist-multihead", "mnist-multihead", ["o"], 600),
]


async def test_thousands_of_random_keys_on_every_screen(tmp_path, monkeypatch):
    """3,000 key presses (seed 7): bindings of every screen, navigation and printable keys, in random order."""
    monkeypatch.chdir(tmp_path)  # the training screen's save prompts write relative to the working folder
    rng = random.Random(SEED)
    bound = binding_keys()
    recorder = Recorder()
    app = hostile_app(tmp_path, recorder=recorder)
    total = 0
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)):
        await settle(app)
        for what, preset, start, presses in PHASES:
            await back_to_builder(app)
            app.replace_document(load_preset(preset))
            await settle(app)
            await to_the_stack(app)
            for key in start:
                await press(app, key)
            training = what.startswith("training")
            for _ in range(presses):
                r = rng.random()
                screen = app.screen
                if training and isinstance(screen, BuilderScreen) and r < 0.6:
                    key = "t"  # back to training whenever the model fits
                elif training and r < 0.55:
                    key = rng.choice(TRAINING_KEYS)
                else:
                    key = rng.choice(bound if r < 0.5 else NAVIGATION if r < 0.75 else PRINTABLE)
                name = "TrainingScreen" if isinstance(screen, TrainingScreen) else type(screen).__name__
                recorder.screens[name] += 1
                await press(app, key)
                total += 1
                alive(app)
            if rng.random() < 0.5:  # now and then a resize in the middle of it all
                await resize(app, rng.choice([80, 120, 200]), rng.choice([24, 40, 60]))
        # still responsive: back on the builder, help opens and closes, an edit applies
        await back_to_builder(app)
        await resize(app, 120, 40)
        app.replace_document(load_preset("mnist"))
        await to_the_stack(app)
        await press(app, "question_mark")
        await asyncio.sleep(0.05)
        await settle(app)
        assert isinstance(app.screen, HelpScreen)
        await press(app, "escape")
        await settle(app)
        assert isinstance(app.screen, BuilderScreen)
        await press(app, "home")  # the input row
        await press(app, "down")
        await press(app, "d")
        await settle(app)
        assert [ls.config["units"] for ls in app.document.layers] == [10]
        alive(app)
    seconds = time.perf_counter() - t0
    assert total == sum(p[3] for p in PHASES) == 3000
    # every kind of screen was reached by the random keys
    reached = set(recorder.screens)
    for name in ("BuilderScreen", "PaletteScreen", "LayerFormScreen", "TrainingScreen", "HelpScreen"):
        assert name in reached, (name, recorder.screens)
    assert not [f for f in recorder.failures if "Error" in f], recorder.failures
    print(f"\n{total} keys in {seconds:.1f} s; key presses per screen: {dict(recorder.screens)}; "
          f"quit requests: {app.quit_requests}; failed runs: {recorder.failures}")


def test_binding_keys_cover_every_screen():
    keys = binding_keys()
    for key in ("a", "b", "m", "O", "g", "w", "space", "n", "s", "r", "escape", "ctrl+s", "question_mark"):
        assert key in keys
    assert issubclass(TrainingScreen, Screen)


# ------------------------------------------------------------------------------------------ crashes found
async def test_page_keys_right_after_a_list_opens_do_not_crash(tmp_path):
    """Found by the random keys: Enter on a Select then PageDown before the drop-down's first layout
    raised KeyError inside Textual's OptionList (the same for the palette's list and the command palette)."""
    from textual.widgets import Select
    app = hostile_app(tmp_path)
    async with app.run_test(size=(120, 40)):
        await settle(app)
        app.screen.query_one("#training").query(Select).first().focus()
        await settle(app)
        for key in ("enter", "pagedown", "pageup", "escape", "a", "pagedown", "pageup", "escape",
                    "ctrl+p", "x", "pagedown", "pageup", "escape"):
            app._driver.send_message(key_event(key))
            await asyncio.sleep(0)
        await settle(app)
        await asyncio.sleep(0.05)
        alive(app)
