"""Issue 18, "keys that behave the same everywhere": ? per screen, Esc cancels, Enter takes the completion,
the tab keys follow the tabs shown, t says why it cannot train, End scrolls the Keras code."""

from __future__ import annotations

from test_training_support import glyph_arrays, small_preset, wait_for
from tui_helpers import NARROW, WIDE

from nntui.tui.builder.screen import BuilderScreen
from nntui.tui.common.help import HelpScreen
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()


def paused_training(preset, data_dir):
    return TrainingScreen(small_preset(epochs=1), arrays=ARRAYS, pause_at=3, deterministic=True)


def help_rows(app) -> dict[str, list[tuple[str, str]]]:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return dict(screen.sections)


async def _help_on_training(app_factory, size):
    app = app_factory(training_screen=paused_training)
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                       what="the pause")
        await pilot.press("question_mark")
        await pilot.pause()
        sections = help_rows(app)
        keys = {k for k, _ in sections["Training"]}
        assert {"space / p", "n / .", "s", "t / enter", "r", "w", "m", "esc / b"} <= keys, keys
        assert "Builder" not in sections and "Everywhere" in sections  # its own keys, plus the global ones
        tabs = sections["Tabs"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
        return app, tabs


async def test_help_on_the_training_screen_lists_its_own_keys_and_the_tabs_shown(app_factory):
    _, tabs = await _help_on_training(app_factory, WIDE)
    assert tabs == [("1", "The Curves tab"), ("2", "The Results tab"), ("3", "The Inside tab")]  # no Anatomy tab at 120 columns
    _, tabs = await _help_on_training(app_factory, NARROW)
    assert tabs == [("1", "The Curves tab"), ("2", "The Anatomy tab"), ("3", "The Results tab"), ("4", "The Inside tab")]


async def test_tab_keys_number_the_tabs_that_exist(app_factory):
    app = app_factory(training_screen=paused_training)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                       what="the pause")
        screen = app.screen
        tabs = screen.query_one("#training-tabs")
        assert screen.check_action("tab_number", (4,)) is False  # only three tabs here (Curves, Results, Inside)
        await pilot.press("2")
        await pilot.pause()
        assert tabs.active == "tab-results"
        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "tab-live"


async def test_help_on_other_screens_is_their_own(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("k", "question_mark")
        await pilot.pause()
        sections = help_rows(app)
        assert "Builder" not in sections and "Everywhere" in sections
        assert any("copy" in what.lower() for _, rows in sections.items() for _, what in rows)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)


async def test_enter_takes_the_completion_shown_in_grey(app_factory):
    from nntui.tui.builder.layer_form import LayerFormScreen
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "e")
        await pilot.pause()
        assert isinstance(app.screen, LayerFormScreen)
        await pilot.press("tab", "ctrl+u", *"soft")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert app.document.layers[0].config["activation"] == "softmax"
        await pilot.press("e", "tab", "ctrl+u", *"relu", "enter")  # a whole valid name stays as typed
        await pilot.pause()
        assert app.document.layers[0].config["activation"] == "relu"


async def test_esc_in_the_settings_dialog_keeps_nothing(app_factory):
    from nntui.tui.builder.settings_dialog import TrainingSettingsScreen
    from nntui.tui.common.field_editor import FieldEditor
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, TrainingSettingsScreen)
        app.screen.query_one("#optimizer").value = "sgd"  # as choosing sgd in the list does
        await pilot.pause()
        assert app.document.preset.training.optimizer.type == "sgd"  # shown at once
        epochs = app.screen.query_one("#loop-epochs", FieldEditor)
        epochs.input.focus()
        await pilot.press("ctrl+u", *"7", "enter", "ctrl+u", "9")  # 7 applied, 9 only typed
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        training = app.document.preset.training
        assert training.optimizer.type == "rmsprop" and training.epochs == 5 and not app.document.dirty
        assert "rmsprop" in str(app.screen.query_one("#status").render())


async def test_esc_in_the_side_panel_gives_the_keys_back_to_the_stack(app_factory):
    from nntui.tui.common.field_editor import FieldEditor
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        epochs = app.screen.query_one("#loop-epochs", FieldEditor)
        epochs.input.focus()
        await pilot.press("ctrl+u", "8")  # typed, not applied
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#stack")
        assert app.document.preset.training.epochs == 5 and epochs.input.value == "5"
        await pilot.press("a")  # a key again: the palette opens
        await pilot.pause()
        assert app.screen.__class__.__name__ == "PaletteScreen"


async def test_end_scrolls_the_keras_code_to_its_end(app_factory):
    from textual.widgets import TextArea
    app = app_factory("mnist-inception")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("k")
        await pilot.pause()
        area = app.screen.query_one("#code", TextArea)
        assert area.max_scroll_y > 0 and area.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert area.scroll_y == area.max_scroll_y and area.cursor_location[0] == area.document.line_count - 1
        await pilot.press("home")
        await pilot.pause()
        assert area.scroll_y == 0 and area.cursor_location == (0, 0)


async def test_t_on_a_model_that_does_not_fit_says_why(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("down", "a", *"conv", "enter", *"32", "tab", "3", "enter")  # Conv2D after Dense
        await pilot.pause()
        assert app.screen.check_action("train", ()) is None  # the footer shows Train disabled
        before = len(app._notifications)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        said = list(app._notifications)[before:]
        assert said and said[-1].title == "Cannot train yet" and "Conv2D" in said[-1].message
