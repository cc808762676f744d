"""Pilot tests of the training screen's Inside tab and Draw key: the tab opened while training (live
inspections from copies taken between batches), paused and after the run; stepping samples; the
Draw pad from the screen and its Inside key with the user's digit."""

from __future__ import annotations

import asyncio

import numpy as np
from test_training_support import glyph_arrays, small_preset, wait_for

from nntui.tui.draw.screen import DrawScreen
from nntui.tui.inside.inside_screen import InsideScreen
from nntui.tui.inside.inside_view import InsideView
from nntui.tui.training.harness import TrainingHarnessApp
from nntui.tui.training.inside_tab import InsideTab
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()


def harness(preset, **kwargs):
    kwargs.setdefault("arrays", ARRAYS)
    return TrainingHarnessApp(lambda: TrainingScreen(preset, **kwargs))


def training(app) -> TrainingScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, TrainingScreen))
    return screen


def test_inside_tab_live_while_training_then_paused_and_ended():
    async def go():
        app = harness(small_preset(epochs=10_000, batch_size=16))  # not ending by itself: s stops it
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "running",
                           what="the run to start")
            s = training(app)
            tab = s.query_one(InsideTab)
            assert tab.tap is not None and not tab.tap.wanted  # hidden: nothing is captured while training
            captures = tab.tap.captures
            await pilot.pause(0.3)
            assert tab.tap.captures == captures
            await pilot.press("i")
            assert s.query_one("#training-tabs").active == "tab-inside" and tab.shown and tab.tap.wanted
            await wait_for(pilot, lambda: tab.inspections >= 2, what="two live inspections")
            view = tab.view
            assert view.model is not s.state.model  # a shadow: the view never reads the trained arrays
            assert view.inspection.snapshot.grad is not None
            assert app.focused is view
            before = view.sample
            await pilot.press("right")
            assert view.sample == (before + 1) % len(view.samples)
            await pilot.press("4")
            assert int(view.samples.digits[view.sample]) == 4
            # paused: one more inspection of the paused weights, then nothing while it waits
            await pilot.press("space")
            await wait_for(pilot, lambda: s.phase == "paused", what="the pause")
            step = s.snapshot.global_step
            await wait_for(pilot, lambda: view.inspection is not None and view.inspection.snapshot.step == step,
                           what="the paused inspection")
            # a single step while paused: its update is recorded
            await pilot.press("n")
            await wait_for(pilot, lambda: view.inspection.snapshot.step == step + 1, what="the stepped inspection")
            assert view.inspection.snapshot.update is not None
            # leaving the tab: the tap stops capturing, the inspector thread ends
            await pilot.press("i")
            assert s.query_one("#training-tabs").active != "tab-inside" and not tab.tap.wanted
            await pilot.press("s")
            await wait_for(pilot, lambda: s.phase == "ended", what="the end of the run")
            await pilot.press("i")
            await wait_for(pilot, lambda: view.inspection.snapshot.step == s.state.steps_done,
                           what="the final weights")
            np.testing.assert_array_equal(view.inspection.snapshot.theta, s.state.model.theta)
    asyncio.run(go())


def test_misclassified_key_in_the_tab_and_draw_key_with_inside():
    async def go():
        app = harness(small_preset(epochs=1))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                           what="the run to end")
            s = training(app)
            assert s.check_action("draw", ()) is True
            await pilot.press("i")
            tab = s.query_one(InsideTab)
            await wait_for(pilot, lambda: tab.inspections >= 1, what="an inspection")
            view = tab.view
            await pilot.press("m")  # the view's key (not the screen's metrics) while the tab is shown
            assert isinstance(app.screen, TrainingScreen)  # no save prompt
            assert view.note or view.sample > 0
            await pilot.press("D")
            await wait_for(pilot, lambda: isinstance(app.screen, DrawScreen) and app.screen.reader is not None,
                           what="the pad")
            pad = app.screen
            pad.drawing.canvas.load_pixels(ARRAYS.x_test[0])
            pad.drawing.announce(True)
            await wait_for(pilot, lambda: pad.reading is not None and pad.reading.prepared is not None,
                           what="a reading")
            await pilot.press("i")
            await wait_for(pilot, lambda: isinstance(app.screen, InsideScreen)
                           and app.screen.query_one(InsideView).samples is not None, what="the Inside screen")
            inside = app.screen.query_one(InsideView)
            assert inside.samples.drawn == 1 and inside.sample == 0 and int(inside.samples.classes[0]) == -1
            assert len(inside.samples) == len(ARRAYS.y_test) + 1
            await pilot.press("escape")
            await pilot.press("escape")
            assert isinstance(app.screen, TrainingScreen)
    asyncio.run(go())


def test_draw_key_hidden_before_weights_dimmed_while_running():
    async def go():
        app = harness(small_preset(epochs=10_000, batch_size=16))  # not ending by itself: s stops it
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "running",
                           what="the run to start")
            s = training(app)
            assert s.check_action("draw", ()) is None
            await pilot.press("D")
            assert isinstance(app.screen, TrainingScreen)
            await pilot.press("s")
            await wait_for(pilot, lambda: s.phase == "ended", what="the end")
    asyncio.run(go())


def test_the_tap_captures_only_between_batches_and_only_when_asked():
    """InsideTap on a hand-driven run: nothing while not wanted; armed one step ahead when wanted; at a
    pause a capture of that moment and the next single step's update."""
    from nntui.engine.probe.forward import shadow_model
    from nntui.preset import build_model, make_trainer
    from nntui.preset.datasets import make_datasets
    from nntui.tui.training.inside_tap import InsideTap
    from nntui.engine.events import BatchEnded

    preset = small_preset(epochs=1, batch_size=32)
    model = build_model(preset.model)
    trainer = make_trainer(preset, model)
    train, val, test = make_datasets(preset, model, ARRAYS)
    tap = InsideTap(refresh=0.0)
    tap.begin(model, trainer.optimizer)
    run = iter(trainer.fit(train, epochs=1, batch_size=32))
    batches = 0
    for event in run:
        tap.on_event(event)
        if isinstance(event, BatchEnded):
            batches += 1
            if batches == 3:
                break
    assert tap.captures == 0 and tap.take(0) is None
    tap.wanted = True
    for event in run:  # armed after this batch, captured after the next
        tap.on_event(event)
        if isinstance(event, BatchEnded) and tap.captures:
            break
    taken = tap.take(0)
    assert taken.live and taken.snapshot.update is not None and taken.snapshot.grad is not None
    np.testing.assert_array_equal(taken.snapshot.theta, model.theta)
    assert not taken.snapshot.theta.flags.writeable
    tap.wanted = False
    tap.on_pause()
    paused = tap.take(0)
    assert not paused.live and paused.snapshot.step == trainer.optimizer.iterations
    for event in run:  # one single step after the pause: its update is in the next pause's capture
        tap.on_event(event)
        if isinstance(event, BatchEnded):
            break
    tap.on_pause()
    stepped = tap.take(0)
    assert stepped.snapshot.step == paused.snapshot.step + 1 and stepped.snapshot.update is not None
    np.testing.assert_allclose(stepped.snapshot.update, stepped.snapshot.theta - paused.snapshot.theta)
    assert shadow_model(model).theta.size == model.theta.size
