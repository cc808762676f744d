"""Issue 18, "a real new and honest saving": ctrl+n starts `untitled`; ctrl+s saves to the open file."""

from __future__ import annotations

from textual.widgets import Input
from tui_helpers import NARROW

from nntui.preset import loads
from nntui.tui.builder.save import SaveScreen
from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.common.confirm import ConfirmScreen


async def test_new_starts_untitled_with_no_description_and_no_file(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        preset = app.document.preset
        assert preset.name == "untitled" and preset.description == ""
        assert app.document.path is None and not app.document.builtin and not app.document.dirty
        assert app.screen.title == "nntui · untitled" and app.screen.sub_title == "not saved yet"
        await pilot.press("a", "d", "enter", *"10", "tab", *"softmax", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveScreen)
        assert dialog.query_one("#path", Input).value == "untitled.toml"  # never mnist.toml
        assert dialog.query_one("#description", Input).has_focus  # the first empty field
        await pilot.press(*"logistic regression", "shift+tab")
        await pilot.press("ctrl+u", *"logreg")  # the name: the proposed file follows it
        await pilot.pause()
        assert dialog.query_one("#path", Input).value == "logreg.toml"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        saved = loads((tmp_path / "logreg.toml").read_text())
        assert saved.name == "logreg" and saved.description == "logistic regression"
        assert app.document.path == tmp_path / "logreg.toml" and not app.document.dirty


async def test_new_asks_before_discarding_unsaved_changes(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "c", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.document.preset.name == "mnist" and len(app.document.layers) == 3
        await pilot.press("ctrl+n", "y")
        await pilot.pause()
        assert app.document.preset.name == "untitled" and app.document.layers == []


async def test_ctrl_s_saves_straight_to_the_open_file_and_save_as_asks(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+s")  # a shipped preset: asks where, the first time
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        assert app.screen.query_one("#path", Input).has_focus  # nothing empty: the file
        await pilot.press("enter")
        await pilot.pause()
        target = tmp_path / "mnist.toml"
        assert target.is_file() and app.document.path == target
        await pilot.press("down", "d", "ctrl+s")  # the open file: written at once, no dialog
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and not app.document.dirty
        assert len(loads(target.read_text()).model.layers) == 1
        await pilot.press("S")  # save as: asks for a new path
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        await pilot.press("ctrl+u", *"other", "enter")
        await pilot.pause()
        assert (tmp_path / "other.toml").is_file() and app.document.path == tmp_path / "other.toml"


async def test_an_unwritable_target_is_a_marked_field_before_writing(app_factory, tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one("#path", Input)
        field.value = "afile/x.toml"
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#save-error")
        assert isinstance(app.screen, SaveScreen) and error.display and field.has_class("-invalid")
        assert "is not a folder" in str(error.render())


async def test_ctrl_s_on_a_file_that_cannot_be_written_now_asks_where_saying_why(app_factory, tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = "gone/m.toml"
        await pilot.press("enter")
        await pilot.pause()
        (folder / "m.toml").unlink()
        folder.rmdir()
        await pilot.press("down", "d", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen) and app.document.dirty
        assert "does not exist" in str(app.screen.query_one("#save-error").render())
        assert app.screen.query_one("#path", Input).has_class("-invalid")
