"""Snapshots of the training screen (pytest-textual-snapshot), deterministic: fixed seed, small synthetic
digits, clock-based figures hidden (``deterministic=True``), the run paused at a fixed step or finished.

Update with ``pytest tests/tui/test_training_snapshots.py --snapshot-update`` and look at every SVG.
"""

from __future__ import annotations

import pytest
from test_training_support import exploding_preset, glyph_arrays, wait_for

from nntui.preset import load_preset
from nntui.tui.training.harness import TrainingHarnessApp
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()
PAUSE_AT = 30  # epoch 2, batch 13 of 17


def mnist_small():
    """The shipped mnist network on the synthetic digits: 540 training images, batch 32, 3 epochs."""
    return load_preset("mnist").with_overrides(epochs=3, batch_size=32)


class SnapshotApp(TrainingHarnessApp):
    ENABLE_COMMAND_PALETTE = False


def app_for(preset, **kwargs):
    return SnapshotApp(lambda: TrainingScreen(preset, arrays=ARRAYS, deterministic=True, **kwargs))


async def press_and_settle(pilot, keys) -> None:
    """Press ``keys``, then wait until every anatomy picture holds the screen's last snapshot (the
    paused anatomy is drawn a moment after the paused head, by a timer), however loaded the machine is,
    so that the picture never shows the frame before."""
    app = pilot.app
    for key in keys:
        await pilot.press(key)
    await wait_for(pilot, lambda: anatomy_settled(app.screen), what="the anatomy's last frame")
    await pilot.pause(0.2)
    await pilot.wait_for_scheduled_animations()


def anatomy_settled(screen) -> bool:
    return screen.snapshot is None or all(a.snapshot is screen.snapshot for a in screen._anatomies)


async def reach(pilot, phase: str) -> TrainingScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == phase, what=phase)
    return app.screen


def until(phase: str, *keys: str):
    async def run_before(pilot) -> None:
        await reach(pilot, phase)
        await press_and_settle(pilot, keys)
    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_training_paused_mid_run(snap_compare, size):
    assert snap_compare(app_for(mnist_small(), pause_at=PAUSE_AT), terminal_size=size, run_before=until("paused"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_training_finished(snap_compare, size):
    assert snap_compare(app_for(mnist_small()), terminal_size=size, run_before=until("ended"))


def test_training_anatomy_tab_80x24(snap_compare):
    assert snap_compare(app_for(mnist_small(), pause_at=PAUSE_AT), terminal_size=(80, 24),
                        run_before=until("paused", "2"))


def test_training_finished_curves_120x40(snap_compare):
    assert snap_compare(app_for(mnist_small()), terminal_size=(120, 40), run_before=until("ended", "1"))


def test_training_loss_not_finite_80x24(snap_compare):
    assert snap_compare(app_for(exploding_preset()), terminal_size=(80, 24), run_before=until("ended"))


def until_inside(phase: str, *keys: str):
    """The run in ``phase``, then i: the Inside tab once it shows the weights of that moment."""
    async def run_before(pilot) -> None:
        from nntui.tui.training.inside_tab import InsideTab

        screen = await reach(pilot, phase)
        await pilot.press("i")
        tab = screen.query_one(InsideTab)
        step = screen.state.steps_done
        await wait_for(pilot, lambda: tab.view.inspection is not None and tab.view.inspection.snapshot.step == step,
                       what="the inspection of the paused weights")
        await press_and_settle(pilot, keys)
    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_training_inside_tab_paused(snap_compare, size):
    assert snap_compare(app_for(mnist_small(), pause_at=PAUSE_AT), terminal_size=size,
                        run_before=until_inside("paused"))


def test_training_inside_tab_finished_first_dense_120x40(snap_compare):
    assert snap_compare(app_for(mnist_small()), terminal_size=(120, 40), run_before=until_inside("ended", "down"))


def test_training_inside_tab_conv_paused_80x24(snap_compare):
    """mnist-cnn paused in its first epoch, the Inside tab on the first convolution's feature maps."""
    preset = load_preset("mnist-cnn").with_overrides(epochs=1, batch_size=64)
    assert snap_compare(app_for(preset, pause_at=4), terminal_size=(80, 24), run_before=until_inside("paused", "down"))
