"""Pilot tests of the builder's other screens: save (with overwrite confirmation), open, Keras code, help."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea
from tui_helpers import NARROW, layer_types

from nntui.preset import loads
from nntui.preset.keras_code import keras_code
from nntui.tui.builder.keras_code import KerasCodeScreen
from nntui.tui.builder.open_preset import OpenPresetScreen
from nntui.tui.builder.save import SaveScreen
from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.common.confirm import ConfirmScreen
from nntui.tui.common.help import HelpScreen


def same(a, b) -> bool:
    return (a.name, a.data, a.model, a.training) == (b.name, b.data, b.model, b.training)


async def test_save_then_overwrite_only_after_confirming_then_reopen(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "c")  # a change: the model is dirty
        await pilot.pause()
        assert app.document.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        assert app.screen.query_one("#path").value == "mnist.toml"  # never the shipped file itself
        await pilot.press("enter")
        await pilot.pause()
        target = tmp_path / "mnist.toml"
        assert isinstance(app.screen, BuilderScreen)
        assert same(loads(target.read_text()), app.document.preset)
        assert not app.document.dirty and app.document.path == target
        saved = target.read_text()

        # another change: ctrl+s saves straight to the open file, no question
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and not app.document.dirty
        assert same(loads(target.read_text()), app.document.preset)
        saved = target.read_text()

        # save as (S) onto an existing file: asks first; "n" keeps the file as it was
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen) and app.screen.query_one("#path").value == "mnist.toml"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen) and target.read_text() == saved
        await pilot.press("enter", "y")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert same(loads(target.read_text()), app.document.preset) and not app.document.dirty
        assert [p.name for p in tmp_path.iterdir()] == ["mnist.toml"]  # no temp file left behind

        # open it again: same model
        await pilot.press("c", "ctrl+o")  # (dirty again: asks before discarding)
        await pilot.pause()
        assert isinstance(app.screen, OpenPresetScreen)
        app.screen.query_one("#path").focus()
        await pilot.press(*"mnist.toml", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert same(app.document.preset, loads(target.read_text()))
        assert app.document.path == target and not app.document.dirty and not app.document.can_undo


async def test_save_errors_are_shown_in_the_dialog(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        path_input = app.screen.query_one("#path")
        path_input.value = "no/such/folder/x.toml"
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#save-error")
        assert isinstance(app.screen, SaveScreen) and error.display
        assert "does not exist" in str(error.render())
        path_input.value = "plain"
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "plain.toml").is_file()  # .toml added


async def test_path_dialogs_resolve_in_the_working_folder_and_mark_the_refused_field(app_factory, tmp_path,
                                                                                      monkeypatch):
    from nntui.tui.training.save_prompt import TrainingSavePrompt
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the process's folder is not the app's
    (tmp_path / "runs").mkdir()
    app = app_factory()  # app.cwd is tmp_path
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one("#path")
        field.value = "runs"  # a folder: refused, never saved beside it as runs.toml
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#save-error")
        assert error.display and "runs: is a folder" in str(error.render()) and field.has_class("-invalid")
        assert not (tmp_path / "runs.toml").exists()
        await pilot.press("x")  # the next keystroke takes the mark and the line away
        await pilot.pause()
        assert not field.has_class("-invalid") and not error.display
        await pilot.press("escape")
        await pilot.pause()
        chosen = []
        app.push_screen(TrainingSavePrompt("Save the weights", "w.npz", ".npz"), chosen.append)
        await pilot.pause()
        await pilot.press("ctrl+u", *"weights", "enter")
        await pilot.pause()
        assert chosen == [str(tmp_path / "weights.npz")]  # in the app's working folder, as the builder's dialogs


async def test_open_a_shipped_preset(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        options = app.screen.query_one("#shipped", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "mnist-cnn" in ids
        options.highlighted = ids.index("mnist-cnn")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert app.document.preset.name == "mnist-cnn" and app.document.builtin
        assert layer_types(app)[0] == "Conv2D"
        assert app.document.check().ready
        rows = app.document.check().report.rows
        assert rows[0].output_shape == (None, 26, 26, 32)


async def test_open_a_bad_file_shows_its_error_line(app_factory, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[model]\ninput_shape = [784]\n[[model.layers]]\ntype = "Dense"\nunits = 0\n'
                   '[training]\nloss = "mse"\n')
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n")
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path").focus()
        await pilot.press(*"bad.toml", "enter")
        await pilot.pause()
        error = str(app.screen.query_one("#open-error").render())
        assert isinstance(app.screen, OpenPresetScreen)
        assert "bad.toml: model.layers[0].units: expected a positive integer, got 0" in error
        app.screen.query_one("#path").value = "broken.toml"
        await pilot.press("enter")
        await pilot.pause()
        assert "TOML syntax error" in str(app.screen.query_one("#open-error").render())
        app.screen.query_one("#path").value = "missing.toml"
        await pilot.press("enter")
        await pilot.pause()
        assert "no such file" in str(app.screen.query_one("#open-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and app.document.preset.name == "mnist"


async def test_keras_code_view_and_copy(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "c", "k")
        await pilot.pause()
        assert isinstance(app.screen, KerasCodeScreen)
        code = app.screen.query_one(TextArea).text
        assert code == keras_code(app.document.preset)
        assert code.count('keras.layers.Dense(512, activation="relu", name=') == 2
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == code
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)


async def test_help_lists_every_builder_key(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = {what: keys for _, rows in app.help_sections() for keys, what in rows}
        for binding in BuilderScreen.BINDINGS:
            assert binding.tooltip in shown
        assert shown["Move the selected layer up"] == "shift+↑ / K"
        assert any("ctrl+p" in keys for keys in shown.values())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)


async def test_command_palette_offers_the_builder_actions(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Add layer", "Edit layer", "Keras code", "Save", "Open", "Loss, optimizer, training"):
            assert title in titles


async def test_save_under_a_new_name(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#name").value = "my model"
        app.screen.query_one("#path").value = "mine"
        await pilot.press("enter")
        await pilot.pause()
        saved = loads((tmp_path / "mine.toml").read_text())
        assert saved.name == "my model" == app.document.preset.name
        assert not app.document.dirty and app.document.can_undo  # the rename is one undoable step
