"""Snapshots of the Draw pad: a digit drawn on the canvas, its prepared input and the bars, with fixed
weights (a template per digit, see draw_support.py), at 80x24 and 120x40.

Update with ``pytest tests/tui/test_draw_snapshots.py --snapshot-update`` and look at every SVG.
"""

from __future__ import annotations

import pytest
from draw_support import drawn_canvas, multihead_preset, multihead_weights, template_preset, template_weights
from test_training_support import wait_for

from nntui.tui.draw.harness import DrawHarnessApp
from nntui.tui.draw.screen import DrawScreen


class SnapshotApp(DrawHarnessApp):
    ENABLE_COMMAND_PALETTE = False


def app_for(preset, weights, **kwargs):
    return SnapshotApp(lambda: DrawScreen(preset, weights, about="fixed templates", **kwargs))


def drawing(digit: int | None, cursor=(23, 20)):
    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, DrawScreen) and pilot.app.screen.readings >= 1,
                       what="the first reading")
        screen = pilot.app.screen
        if digit is not None:
            pad = screen.drawing
            pad.canvas.pixels[...] = drawn_canvas(digit).pixels
            pad.cursor = cursor
            done = screen.readings
            pad.announce()
            await wait_for(pilot, lambda: screen.readings > done and not screen._reading_now, what="the reading")
        await pilot.pause(0.1)
    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_draw_pad_with_a_digit(snap_compare, size):
    assert snap_compare(app_for(template_preset(), template_weights()), terminal_size=size, run_before=drawing(2))


def test_draw_pad_multihead_120x40(snap_compare):
    assert snap_compare(app_for(multihead_preset(), multihead_weights()), terminal_size=(120, 40),
                        run_before=drawing(7))


def test_draw_pad_empty_80x24(snap_compare):
    assert snap_compare(app_for(template_preset(), template_weights()), terminal_size=(80, 24),
                        run_before=drawing(None))


def test_draw_pad_for_a_model_that_cannot_read_drawings_80x24(snap_compare):
    assert snap_compare(app_for(template_preset("32"), {}), terminal_size=(80, 24), run_before=drawing(3))
