"""The Inside view (Pilot): stepping through samples, jumping to misclassified ones and to a digit,
choosing layers, paging channels with their kernels, the compact layout's parts, health, a fresh model;
and the pure pieces it draws with."""

from __future__ import annotations

import numpy as np
import pytest
from inside_support import conv_preset, dense_preset, inside_app, trained
from test_training_support import small_preset

from nntui.preset import build_model, load_preset
from nntui.tui.inside.entries import layer_entries, settings_text
from nntui.tui.inside.feature_maps import FeatureMaps, tile_layout
from nntui.tui.inside.harness import InsideHarnessApp
from nntui.tui.inside.health_lines import HealthLines
from nntui.tui.inside.heat_strip import strip_columns
from nntui.tui.inside.inside_view import InsideView
from nntui.tui.inside.kernel_pictures import KernelPictures
from nntui.tui.inside.layer_detail import LayerDetail
from nntui.tui.inside.layer_head import LayerHead
from nntui.tui.inside.layer_list import LayerList
from nntui.tui.inside.pictures import column_chart, grey_picture, resize, sparkline
from nntui.tui.inside.sample_bar import SampleBar
from nntui.tui.inside.samples import classes_of, next_of_digit
from nntui.tui.inside.weight_histograms import WeightHistograms, bins_for


def view_of(app) -> InsideView:
    return app.query_one(InsideView)


async def test_arrows_step_through_the_test_images():
    app = inside_app(dense_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        assert view.sample == 0
        await pilot.press("right", "right")
        assert view.sample == 2 and app.query_one(SampleBar).info.index == 2
        await pilot.press("left", "left", "left")
        assert view.sample == len(view.samples) - 1  # wraps around
        assert app.query_one("#inside-input").picture.caption.startswith(f"#{view.sample:,}")


async def test_m_jumps_to_the_next_misclassified_image():
    app = inside_app(dense_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        for _ in range(3):
            before = view.sample
            await pilot.press("m")
            info = app.query_one(SampleBar).info
            assert view.sample != before and not info.correct and info.true_name != info.predicted_name


async def test_a_digit_key_jumps_to_the_next_image_of_that_digit():
    app = inside_app(dense_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        await pilot.press("3")
        first = view.sample
        assert view.samples.digits[first] == 3
        await pilot.press("3")
        assert view.sample != first and view.samples.digits[view.sample] == 3
        assert app.query_one(SampleBar).info.true_name in ("3", app.query_one(SampleBar).info.true_name)


async def test_layers_are_chosen_with_the_arrows_and_a_click():
    app = inside_app(conv_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        names = [e.name for e in view.entries]
        assert names == ["input", "reshape", "conv2d", "max_pooling2d", "flatten", "dense"]
        await pilot.press("down", "down")
        assert view.chosen_layer == 2 and app.query_one(LayerList).selected == 2
        assert app.query_one(LayerHead).entry.name == "conv2d"
        assert app.query_one(FeatureMaps).display and app.query_one(KernelPictures).display
        await pilot.press("j")
        assert app.query_one(LayerDetail).detail.entry.name == "max_pooling2d"
        await pilot.click(LayerList, offset=(3, 5))
        assert view.chosen_layer == 5 and app.query_one(LayerDetail).detail.probabilities is not None


async def test_brackets_page_the_feature_maps_and_their_kernels():
    app = inside_app(conv_preset(filters=32))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "down")
        await pilot.pause()
        maps, kernels = app.query_one(FeatureMaps), app.query_one(KernelPictures)
        assert maps.channels == 32 and maps.pages > 1
        first = maps.shown
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert maps.page == 1 and maps.shown.start == first.stop
        assert (kernels.data.first, kernels.data.stop) == (maps.shown.start, maps.shown.stop)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert maps.page == maps.pages - 1  # wraps to the last page
        await pilot.press("right")  # another sample keeps the page
        assert maps.page == maps.pages - 1
        await pilot.press("down")  # another layer starts at its first page
        await pilot.pause()
        assert maps.page == 0


async def test_the_compact_layout_shows_one_part_at_a_time_and_health_on_demand():
    app = inside_app(conv_preset())
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        assert view.compact and app.query_one(HealthLines).brief
        await pilot.press("down", "down")
        head = app.query_one(LayerHead)
        assert head.panes == ("output", "weights", "kernels") and head.pane == "output"
        assert app.query_one(FeatureMaps).display and not app.query_one(WeightHistograms).display
        await pilot.press("v")
        assert head.pane == "weights" and app.query_one(WeightHistograms).display
        await pilot.press("v", "v")
        assert head.pane == "output"
        await pilot.press("h")
        assert app.query_one(HealthLines).has_class("-expanded") and not app.query_one("#inside-body").display
        await pilot.press("h")
        assert app.query_one("#inside-body").display


async def test_the_dense_layer_on_pixels_shows_its_units_as_pictures():
    app = inside_app(dense_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")
        detail = app.query_one(LayerDetail).detail
        assert detail.units is not None and detail.units.image == (28, 28)
        assert detail.vector is not None and detail.weights.gradients is not None
        strongest = int(np.argmax(detail.units.activations))
        assert f"unit #{strongest}" in "".join(s.text for s in app.query_one("#detail-units").render_line(15))


async def test_a_fresh_model_shows_its_weights_and_says_gradients_come_later():
    preset = dense_preset()
    model, samples, _, _ = trained(preset, steps=0)
    app = InsideHarnessApp(model, samples)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")
        data = app.query_one(WeightHistograms).data
        assert data.gradients is None and data.stats.weight_std > 0 and data.stats.update_ratio is None


def test_entries_describe_each_layer_of_the_shipped_presets():
    from nntui.engine.probe import Probe

    mnist = build_model(load_preset("mnist").model).build()
    entries = layer_entries(mnist, Probe(mnist))
    assert [(e.name, e.kind, e.unit_image) for e in entries] == [
        ("input", "image", None), ("dense", "vector", (28, 28)), ("dense_1", "probabilities", None)]
    cnn = build_model(load_preset("mnist-cnn").model).build()
    entries = layer_entries(cnn, Probe(cnn))
    assert [e.kind for e in entries][:4] == ["image", "maps", "maps", "maps"]
    assert entries[1].settings == "32 × 3×3 relu" and entries[2].settings == "2×2"
    assert all(e.unit_image is None for e in entries)  # its Dense reads feature maps, not pixels
    lstm = build_model(load_preset("mnist-lstm").model).build()
    kinds = {e.name: e.kind for e in layer_entries(lstm, Probe(lstm))}
    assert kinds["input"] == "image" and kinds["lstm"] == "vector"
    multi = build_model(load_preset("mnist-multihead").model).build()
    kinds = {e.name: e.kind for e in layer_entries(multi, Probe(multi))}
    assert kinds["digit"] == "probabilities" and kinds["parity"] == "probabilities"


def test_settings_text_of_other_layers():
    from nntui.engine import create_layer

    assert settings_text(create_layer("Dropout", rate=0.25)) == "rate 0.25"
    assert settings_text(create_layer("LSTM", units=128)) == "128"
    assert settings_text(create_layer("Conv2D", filters=4, kernel_size=5, strides=2, padding="same")) == \
        "4 × 5×5 stride 2 same"


def test_tiles_take_the_largest_scale_that_fits_sixteen_maps():
    assert tile_layout(26, 26, 32, 88, 20)[0] == 0.5  # 13x13-pixel tiles
    assert tile_layout(3, 3, 64, 88, 20)[0] == 3  # tiny maps enlarged (x4 fits only 12)
    assert tile_layout(26, 26, 3, 88, 20) == (1, 3, 1)  # three fit at full size
    assert tile_layout(26, 26, 4, 88, 20)[0] == 0.5  # a fourth does not: all four at half size


def test_pure_drawing_pieces():
    assert resize(np.ones((3, 3)), 2).shape == (6, 6) and resize(np.ones((26, 26)), 0.5).shape == (13, 13)
    rows = grey_picture(np.arange(12, dtype=np.float32).reshape(3, 4))
    assert len(rows) == 2 and all(len(r) == 4 for r in rows)
    assert column_chart([0, 4, 8], 2) == ["  █", " ██"]
    assert sparkline([1, 10, 100], 3, log=True) == "▁▅█" and sparkline([None, 1.0], 2) == " ▅"
    assert strip_columns(10, 80) == 10 and strip_columns(512, 86) == 64
    assert bins_for(401_408, 31) == 31 and bins_for(72, 31) == 15
    assert classes_of(np.array([[0.1, 0.9], [0.8, 0.2]])).tolist() == [1, 0]
    assert classes_of(np.array([[0.7], [0.2]])).tolist() == [1, 0]


def test_next_of_digit_wraps_and_reports_none():
    model, samples, _, _ = trained(small_preset(), steps=0)
    digits = samples.digits
    i = next_of_digit(samples, len(samples) - 1, int(digits[0]))
    assert i == 0
    assert next_of_digit(samples, 0, 11) is None


async def test_each_classifying_output_names_its_classes():
    """mnist-multihead: the digit judged in the sample bar, the parity head's bars read even/odd."""
    preset = load_preset("mnist-multihead").with_overrides(epochs=1, batch_size=32)
    app = inside_app(preset, steps=5)
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        assert view.samples.output == "digit" and app.query_one(SampleBar).info.predicted_name.isdigit()
        view.chosen_layer = next(e.position for e in view.entries if e.name == "parity")
        await pilot.pause()
        data = app.query_one(LayerDetail).detail.probabilities
        assert data.names == ("even", "odd") and data.true_class == view.samples.digits[view.sample] % 2


async def test_the_inside_screen_shows_a_model_that_is_not_training():
    """What the builder opens: fresh weights, the test images loaded in a worker, no gradients yet."""
    from textual.app import App

    from inside_support import ARRAYS
    from nntui.tui.inside.inside_screen import InsideScreen

    preset = dense_preset()
    model = build_model(preset.model).build(seed=0)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(InsideScreen(preset, model, arrays=ARRAYS, weights="fresh weights (seed 0)"))

    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        from test_training_support import wait_for

        await wait_for(pilot, lambda: isinstance(app.screen, InsideScreen) and app.screen.query_one(InsideView).samples
                       is not None, what="test images")
        view = app.screen.query_one(InsideView)
        assert view.inspection.stats[0].grad_norm is None and view.inspection.stats[0].weight_std > 0
        assert any(n.check == "dead_units" for n in view.inspection.notes)
        await pilot.press("right")
        assert view.sample == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, InsideScreen)


PRESETS = ["mnist-lstm", "mnist-multihead", "mnist-inception"]  # a sequence, two outputs, merged maps
KEYS = ["left", "right", "up", "down", "j", "k", "m", "v", "h", "left_square_bracket", "right_square_bracket",
        *[str(d) for d in range(10)]]


@pytest.mark.parametrize("name", PRESETS)
async def test_every_shipped_preset_takes_random_keys_at_every_size(name):
    """Graphs, sequences, several outputs: 45 random keys (seed 5) while resizing down to 40x12."""
    import random

    from textual.geometry import Size

    preset = load_preset(name).with_overrides(epochs=1, batch_size=64)
    app = inside_app(preset, steps=2)
    rng = random.Random(5)
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        for size in [(80, 24), (40, 12), (160, 50)]:
            await pilot.resize_terminal(*size)
            for key in rng.choices(KEYS, k=15):
                await pilot.press(key)
            assert app.size == Size(*size)
        for position in range(len(view.entries)):  # every layer drawn once at the end
            view.chosen_layer = position
            await pilot.pause()
        assert app.query_one(LayerDetail).detail.entry.name == view.entries[-1].name
