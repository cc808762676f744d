"""Snapshots of the builder (SVGs under __snapshots__/; update with --snapshot-update after looking at them).

The training screen is shown as installed (a stand-in class), so the footer and status look as they do
in the real app; nothing on these screens depends on a clock or randomness.
"""

from __future__ import annotations

from preset_texts import HEADS
from tui_helpers import NARROW, WIDE, make_app

from nntui.preset import loads
from nntui.tui.app import NntuiApp

GRAPH = """
name = "two-heads"
description = "a trunk with two outputs"
[model]
input_shape = [28, 28, 1]
outputs = ["digit", "parity"]
[[model.layers]]
type = "Flatten"
name = "pixels"
[[model.layers]]
type = "Dense"
name = "trunk"
units = 64
activation = "relu"
""" + HEADS + """\
optimizer = { type = "adam", learning_rate = 0.001 }
batch_size = 64
"""


def app(preset: str = "mnist") -> NntuiApp:
    a = make_app(preset)
    return a


def keys(*presses):
    async def run_before(pilot):
        await pilot.pause()
        for key in presses:
            await pilot.press(key)
        await pilot.pause()
    return run_before


def test_mnist_80x24(snap_compare):
    assert snap_compare(app(), terminal_size=NARROW, run_before=keys())


def test_mnist_120x40(snap_compare):
    assert snap_compare(app(), terminal_size=WIDE, run_before=keys("down"))


def test_conv2d_after_dense_is_flagged_120x40(snap_compare):
    """Conv2D after Dense: the row is marked ✗ with the reason and fix; the rows below show '?'."""
    assert snap_compare(app(), terminal_size=WIDE,
                        run_before=keys("down", "a", *"conv2d", "enter", *"32", "tab", "3", "enter"))


def test_conv2d_after_dense_is_flagged_80x24(snap_compare):
    assert snap_compare(app(), terminal_size=NARROW,
                        run_before=keys("down", "a", *"conv2d", "enter", *"32", "tab", "3", "enter"))


def test_add_layer_palette(snap_compare):
    """Unfiltered: every registered type by family (the core family comes first)."""
    assert snap_compare(app(), terminal_size=NARROW, run_before=keys("down", "a"))


def test_add_layer_palette_filtered_120x40(snap_compare):
    assert snap_compare(app(), terminal_size=WIDE, run_before=keys("down", "a", *"pool"))


def test_layer_form_with_an_invalid_value(snap_compare):
    assert snap_compare(app(), terminal_size=NARROW, run_before=keys("down", "e", "-", "5"))


def test_keras_code_view(snap_compare):
    assert snap_compare(app(), terminal_size=WIDE, run_before=keys("k"))


def test_graph_model_shows_connections_120x40(snap_compare):
    graph = NntuiApp(loads(GRAPH), cursor_blink=False, speed_probe=None)
    assert snap_compare(graph, terminal_size=WIDE, run_before=keys("down", "down", "down"))


def test_loss_misfit_80x24(snap_compare):
    a = app()
    a.document.set_loss("binary_crossentropy")
    assert snap_compare(a, terminal_size=NARROW, run_before=keys("down", "down"))


def test_graph_drawing_inception_120x40(snap_compare):
    """g draws the graph: the three branches in columns, split under stem_pool, joined at block."""
    assert snap_compare(app("mnist-inception"), terminal_size=WIDE, run_before=keys("g", "down", "down", "down"))


def test_graph_drawing_inception_80x24_scrolls(snap_compare):
    """At 80x24 the drawing scrolls with the cursor (here at the last node)."""
    assert snap_compare(app("mnist-inception"), terminal_size=NARROW, run_before=keys("g", "end"))


def test_graph_drawing_with_a_misfit_120x40(snap_compare):
    """branch_3x3 without padding gives 11x11: the Concatenate is marked ✗ (red), the layers below '?'."""
    a = app("mnist-inception")
    a.document.update_layer(3, dict(a.document.layers[3].config, padding="valid"))
    assert snap_compare(a, terminal_size=WIDE, run_before=keys("g"))


def test_multihead_graph_and_per_output_settings_120x40(snap_compare):
    """Two outputs: the drawing marks them; the loss panel has loss, target and weight per output."""
    assert snap_compare(app("mnist-multihead"), terminal_size=WIDE, run_before=keys("g", "down", "down"))
