"""The builder's Inside (I) and Draw (D) keys, and the app opened with ``--load-weights FILE --draw``."""

from __future__ import annotations

import time

from tui_helpers import make_app

from nntui.preset import build_model, load_preset
from nntui.preset.weights_file import save_weights
from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.common.start_state import weights_state
from nntui.tui.draw.screen import DrawScreen
from nntui.tui.inside.inside_screen import InsideScreen
from nntui.tui.inside.inside_view import InsideView


async def settle(pilot, predicate, what: str, timeout: float = 60.0) -> None:
    t0 = time.monotonic()
    while not predicate():
        assert time.monotonic() - t0 < timeout, f"timed out waiting for {what}"
        await pilot.pause(0.02)


def saved_weights(tmp_path, preset: str = "mnist"):
    model = build_model(load_preset(preset).model).build(seed=3)
    path = tmp_path / f"{preset}.npz"
    save_weights(model, path)
    return path


async def test_inside_key_shows_fresh_weights_and_draw_is_hidden_without_weights(fake_mnist_dir):
    app = make_app("mnist", data_dir=fake_mnist_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        builder = app.screen
        assert isinstance(builder, BuilderScreen)
        assert builder.check_action("draw", ()) is False and builder.check_action("inside", ()) is True
        await pilot.press("D")
        assert isinstance(app.screen, BuilderScreen)
        await pilot.press("I")
        await settle(pilot, lambda: isinstance(app.screen, InsideScreen)
                     and app.screen.query_one(InsideView).samples is not None, "the Inside view")
        assert "fresh weights (seed" in app.screen.weights
        await pilot.press("escape")
        assert isinstance(app.screen, BuilderScreen)


async def test_loaded_weights_offer_draw_and_the_pad_sends_the_digit_inside(fake_mnist_dir, tmp_path):
    app = make_app("mnist", data_dir=fake_mnist_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        path = saved_weights(tmp_path)
        state = weights_state(app.document.snapshot(), path)
        app.trained, app.start_note = state, (f"starts from the weights in {path}", state)
        builder = app.screen
        assert builder.check_action("draw", ()) is True
        await pilot.press("D")
        await settle(pilot, lambda: isinstance(app.screen, DrawScreen) and app.screen.reader is not None, "the pad")
        pad = app.screen
        assert f"loaded from {path}" in pad.about
        for key in ["space", "down", "down", "down", "down", "down", "down", "down", "down", "space"]:
            await pilot.press(key)
        await settle(pilot, lambda: pad.reading is not None and pad.reading.prepared is not None, "a reading")
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, InsideScreen)
                     and app.screen.query_one(InsideView).samples is not None, "the drawing inside")
        view = app.screen.query_one(InsideView)
        assert view.samples.drawn == 1 and view.sample == 0
        assert view.samples.source_of(0) == "drawn" and view.samples.source_of(1) == "test"


async def test_the_app_opened_with_draw_weights_shows_the_pad_at_once(tmp_path):
    path = saved_weights(tmp_path)
    app = make_app("mnist", draw_weights=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DrawScreen), "the pad")
        assert app.trained is not None and app.trained.matches(app.document.preset)
        await pilot.press("escape")
        assert isinstance(app.screen, BuilderScreen)
        assert builder_draw(app) is True


def builder_draw(app) -> bool:
    return app.screen.check_action("draw", ())
