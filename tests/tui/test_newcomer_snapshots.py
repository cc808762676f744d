"""Snapshots for issue 18's keys and saving: the save dialog of a new model, the settings dialog's
Keep/Cancel, the training screen's own help (look at each SVG before accepting it)."""

from __future__ import annotations

import pytest
from test_training_support import glyph_arrays, small_preset, wait_for
from tui_helpers import NARROW, WIDE, make_app

from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()


def keys(*presses, toasts=True):
    """Press the keys; ``toasts=False`` clears the toasts before the picture (each lasts a few seconds
    of the clock, so whether one is still there would depend on the machine's speed)."""
    async def run_before(pilot):
        await pilot.pause()
        for key in presses:
            await pilot.press(key)
        if not toasts:
            pilot.app.clear_notifications()
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_save_dialog_of_a_new_model(snap_compare, size):
    """ctrl+n, one layer, ctrl+s: name untitled, the description empty and focused, untitled.toml."""
    assert snap_compare(make_app(cwd="/home/learner"), terminal_size=size,  # a fixed folder in the dialog's note
                        run_before=keys("ctrl+n", "a", "d", "enter", *"10", "tab", *"softmax", "enter", "ctrl+s",
                                            toasts=False))


def test_settings_dialog_keep_or_cancel_80x24(snap_compare):
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=keys("o"))


def test_help_on_the_training_screen_120x40(snap_compare):
    def training(preset, data_dir):
        return TrainingScreen(small_preset(epochs=1), arrays=ARRAYS, pause_at=3, deterministic=True)

    async def run_before(pilot):
        app = pilot.app
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                       what="the pause")
        await pilot.pause(0.2)
        await pilot.press("question_mark")
        await pilot.pause()
    assert snap_compare(make_app(training_screen=training), terminal_size=WIDE, run_before=run_before)
