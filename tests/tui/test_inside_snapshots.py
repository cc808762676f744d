"""Snapshots of the Inside view on its own (the harness), deterministic: fixed seed, the synthetic glyph
digits, a dense and a convolutional model trained 30 steps, the same keys pressed.

Update with ``pytest tests/tui/test_inside_snapshots.py --snapshot-update`` and look at every SVG as a PNG.
"""

from __future__ import annotations

import pytest
from inside_support import conv_preset, dense_preset, inside_app

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


def pressing(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.1)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_inside_dense_first_layer(snap_compare, size):
    """The mnist-like network's first Dense layer: heat strip, its units' weights as pictures, histograms."""
    assert snap_compare(inside_app(dense_preset()), terminal_size=size, run_before=pressing("down"))


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_inside_conv_feature_maps(snap_compare, size):
    """A Conv2D's 16 feature maps for a misclassified digit, with the kernels (the second page at 80x24)."""
    keys = ("m", "down", "down") + (("right_square_bracket",) if size == (80, 24) else ())
    assert snap_compare(inside_app(conv_preset(filters=16)), terminal_size=size, run_before=pressing(*keys))


def test_inside_output_probabilities_120x40(snap_compare):
    assert snap_compare(inside_app(dense_preset()), terminal_size=(120, 40), run_before=pressing("7", "down", "down"))


def test_inside_conv_weights_and_health_80x24(snap_compare):
    """The compact layout's weights part, then all the health notes."""
    assert snap_compare(inside_app(conv_preset(filters=16)), terminal_size=(80, 24),
                        run_before=pressing("down", "down", "v"))


def test_inside_health_expanded_80x24(snap_compare):
    assert snap_compare(inside_app(dense_preset()), terminal_size=(80, 24), run_before=pressing("h"))
