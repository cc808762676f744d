"""The Keras code view's export (e): model.py and weights.npz into a folder, checked before writing."""

from __future__ import annotations

import numpy as np
from textual.widgets import Input
from tui_helpers import NARROW

from nntui.preset.build import build_model
from nntui.preset.keras_code import keras_code
from nntui.preset.weights_file import save_weights
from nntui.tui.builder.keras_code import KerasCodeScreen
from nntui.tui.builder.keras_export import ExportKerasScreen
from nntui.tui.common.confirm import ConfirmScreen
from nntui.tui.common.start_state import weights_state


async def open_export(app, pilot):
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(app.screen, KerasCodeScreen)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExportKerasScreen)


async def type_folder(pilot, app, text: str):
    field = app.screen.query_one("#export-path", Input)
    field.value = text
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_export_writes_the_code_and_the_weights_the_next_run_starts_from(app_factory, tmp_path):
    app = app_factory()
    source = build_model(app.document.preset.model).build(seed=0)
    source.set_weights({k: np.full_like(v, 0.25) for k, v in source.get_weights().items()})
    save_weights(source, tmp_path / "w.npz")
    app.trained = weights_state(app.document.snapshot(), tmp_path / "w.npz")
    app.start_note = ("starts from the weights in w.npz", app.trained)
    async with app.run_test(size=NARROW) as pilot:
        await open_export(app, pilot)
        note = str(app.screen.query_one(".note").render())
        assert "weights in w.npz" in note
        assert app.screen.query_one("#export-path", Input).value == "mnist-keras"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KerasCodeScreen)
    folder = tmp_path / "mnist-keras"
    assert (folder / "model.py").read_text() == keras_code(app.document.preset)
    with np.load(folder / "weights.npz") as written:
        assert set(written.files) == set(source.get_weights())
        assert all(np.all(written[k] == 0.25) for k in written.files)


async def test_export_of_an_untrained_model_says_fresh_weights(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await open_export(app, pilot)
        assert "fresh initial weights" in str(app.screen.query_one(".note").render())
        await type_folder(pilot, app, "out/keras")  # out/ does not exist: refused, nothing written
        assert isinstance(app.screen, ExportKerasScreen)
        assert "does not exist" in str(app.screen.query_one("#export-error").render())
        assert not app.screen.query_one("#export-path", Input).is_valid
        assert not (tmp_path / "out").exists()
        (tmp_path / "a-file").write_text("x")
        await type_folder(pilot, app, "a-file")
        assert "is a file" in str(app.screen.query_one("#export-error").render())
        await type_folder(pilot, app, "fresh")
        assert isinstance(app.screen, KerasCodeScreen)
    assert {p.name for p in (tmp_path / "fresh").iterdir()} == {"model.py", "weights.npz"}


async def test_export_asks_before_replacing_a_model_py(app_factory, tmp_path):
    folder = tmp_path / "mnist-keras"
    folder.mkdir()
    (folder / "model.py").write_text("# mine\n")
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await open_export(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExportKerasScreen)
        assert (folder / "model.py").read_text() == "# mine\n"
        assert not (folder / "weights.npz").exists()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, KerasCodeScreen)


async def test_a_model_that_does_not_fit_has_no_export(app_factory):
    app = app_factory()
    app.apply(lambda d: d.set_input_shape([7]))
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KerasCodeScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, KerasCodeScreen)
