"""The app on data beyond MNIST: the builder's data panel, status line and open dialog; the training
screen's decision boundary (taken by the worker between batches, at most twice a second), its head,
and the results of a 2-D run (the test points on the plane, the class names)."""

from __future__ import annotations

import numpy as np
from test_training_support import wait_for
from tui_helpers import WIDE

from nntui.engine.events import BatchEnded
from nntui.preset import load_preset, loads
from nntui.preset.datasets import load_arrays
from nntui.preset.run import prepare_run
from nntui.preset.toml_writer import dumps
from nntui.tui.boundary.plane import grid_points
from nntui.tui.boundary.widget import DecisionBoundary
from nntui.tui.builder.data_panel import DataPanel
from nntui.tui.builder.open_preset import shipped_options
from nntui.tui.common.field_editor import FieldEditor
from nntui.tui.training.boundary_probe import INTERVAL, RESOLUTION, BoundaryProbe
from nntui.tui.training.harness import TrainingHarnessApp
from nntui.tui.training.screen import TrainingScreen


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


# --- the builder ---------------------------------------------------------------------------------------


async def test_the_data_panel_switches_the_data_set_and_edits_its_settings(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(DataPanel)
        assert "Ready to train on MNIST (28x28, 10 classes)" in status(app)
        assert not panel.query(".data")  # MNIST has no settings of its own
        app.apply(lambda d: d.set_dataset("spiral"))
        await pilot.pause()
        await pilot.pause()
        assert [e.field.name for e in panel.query(".data").results(FieldEditor)] == [
            "samples", "test_samples", "noise", "seed"]
        assert app.document.preset.model.input_shape == (2,)
        assert "categorical_crossentropy needs one output per class (2 units for 2 classes)" in status(app)
        assert "spiral: 2 values, 2 classes · 500 training, 500 test" in str(panel.query_one("#data-sizes").render())
        noise = panel.query_one("#data-noise", FieldEditor)
        noise.input.focus()
        noise.input.value = "0.3"
        await pilot.press("enter")
        await pilot.pause()
        assert app.document.preset.data.noise == 0.3
        assert app.document.undo() and app.document.preset.data.noise == 0.0


async def test_a_csv_path_typed_in_the_panel_is_found_and_shaped(app_factory, tmp_path):
    rows = np.concatenate([(np.arange(20) % 3)[:, None], np.ones((20, 4), int)], axis=1)
    np.savetxt(tmp_path / "d.csv", rows, fmt="%d", delimiter=",", header="label,a,b,c,d", comments="")
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        app.apply(lambda d: d.set_dataset("csv"))
        await pilot.pause()
        await pilot.pause()
        assert "Data: data.path: no file yet" in status(app)
        path = app.screen.query_one("#data-path", FieldEditor)
        path.input.focus()
        path.input.value = "d.csv"  # relative to the folder the app started in
        await pilot.press("enter")
        await pilot.pause()
        assert app.document.preset.data.path == str(tmp_path / "d.csv")
        assert app.document.preset.model.input_shape == (4,)
        assert "d.csv: 4 values, 3 classes" in str(app.screen.query_one("#data-sizes").render())
        assert "3 units for 3 classes" in status(app)


def test_the_open_dialog_lists_each_shipped_presets_data_set():
    options = {o.id: str(o.prompt) for o in shipped_options()}
    assert options["playground-spiral"].split()[:2] == ["playground-spiral", "spiral"]
    assert options["fashion-mnist-cnn"].split()[:2] == ["fashion-mnist-cnn", "fashion_mnist"]


# --- the probe -----------------------------------------------------------------------------------------


def test_the_probe_reads_the_model_between_batches_at_most_twice_a_second():
    preset = load_preset("playground-xor").with_overrides(epochs=1)
    setup = prepare_run(preset)
    data = setup.datasets(load_arrays(preset))
    probe = BoundaryProbe.for_run(setup, data)
    run = iter(setup.fit(data, 1))
    event = next(e for e in run if isinstance(e, BatchEnded))
    first = probe.take(100.0)
    grid = grid_points(RESOLUTION, RESOLUTION)
    expected = setup.trainer.predict(grid)[0][:, 0].reshape(RESOLUTION, RESOLUTION)
    np.testing.assert_allclose(first.probability, expected, rtol=1e-6)
    assert first.points.shape == (500, 2) and first.predicted.shape == (500,)
    next(run)  # another batch: the weights move, but the frame handed out stays as it was
    np.testing.assert_array_equal(first.probability, expected)
    assert probe.take(100.0 + INTERVAL / 2) is first  # not due yet
    assert probe.take(100.0 + INTERVAL) is not first and probe.take(100.0 + INTERVAL, force=True) is not first
    assert event.step == 1


def test_no_probe_without_two_inputs_and_two_classes():
    preset = loads(dumps(load_preset("playground-xor")).replace('dataset = "xor"', 'dataset = "gaussian"'))
    setup = prepare_run(preset)
    assert BoundaryProbe.for_run(setup, setup.datasets(load_arrays(preset))) is not None
    mnist = load_preset("mnist")
    from test_training_support import glyph_arrays
    setup = prepare_run(mnist)
    assert BoundaryProbe.for_run(setup, setup.datasets(glyph_arrays())) is None


# --- the training screen -------------------------------------------------------------------------------


async def test_the_training_screen_draws_the_boundary_and_marks_the_test_points():
    preset = load_preset("playground-xor").with_overrides(epochs=4)
    app = TrainingHarnessApp(lambda: TrainingScreen(preset, deterministic=True))
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.info is not None)
        screen = app.screen
        assert screen.info.boundary and screen.info.data_text == "500 xor points, 2 values, 2 classes"
        assert "500 xor points, 2 values, 2 classes" in str(screen.query_one("#training-title").render())
        await wait_for(pilot, lambda: screen.phase == "ended", timeout=120)
        await pilot.pause()
        plane = screen.query_one("#boundary-plane", DecisionBoundary)
        assert plane.frame is not None and plane.frame is screen.result.snapshot.boundary
        result = screen.result
        assert result.class_names == ("orange", "blue") and result.misclassified == ()
        assert result.boundary is not None and len(result.boundary.labels) == 500
        assert int(result.boundary.wrong.sum()) == result.test_errors
        results_plane = screen.query_one("#results-plane", DecisionBoundary)
        assert results_plane.display and results_plane.frame is result.boundary


async def test_fashion_names_its_classes_in_the_results():
    from test_training_support import glyph_arrays
    from nntui.data.fashion_mnist import CLASS_NAMES
    from nntui.data.mnist import MnistArrays

    g = glyph_arrays()
    arrays = MnistArrays(g.x_train, g.y_train, g.x_test, g.y_test, "glyphs", CLASS_NAMES, "Fashion-MNIST")
    preset = load_preset("fashion-mnist").with_overrides(epochs=1, batch_size=32)
    app = TrainingHarnessApp(lambda: TrainingScreen(preset, arrays=arrays, deterministic=True))
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended",
                       timeout=120)
        result = app.screen.result
        assert result.class_names == CLASS_NAMES and not app.screen.info.boundary
        assert all(t in CLASS_NAMES and p in CLASS_NAMES for _, t, p, _ in result.misclassified)
        assert app.screen.info.data_text.startswith("540 Fashion-MNIST images, 28x28, 10 classes")
