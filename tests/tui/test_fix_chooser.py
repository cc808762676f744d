"""Pilot tests of the fix chooser (f): every kind of misfit fixed with f and Enter, undone with u."""

from __future__ import annotations

from fix_cases import CASES, NO_FIX
from tui_helpers import NARROW, WIDE, layer_types

from nntui.preset import loads
from nntui.preset.edit import content
from nntui.preset.fixes import misfit_of
from nntui.tui.builder.fix_chooser import FixChooserScreen
from nntui.tui.builder.screen import BuilderScreen


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_every_kind_of_misfit_is_fixed_with_f_and_enter(app_factory):
    """For each misfit the engine reports with a fix: the status line offers f, the chooser lists the
    fixes, and Enter applies the first as one edit that makes the misfit go away (u undoes it: below)."""
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for case in CASES:
            app.replace_document(loads(case.text))
            await pilot.pause()
            misfit = misfit_of(app.document.check())
            assert "· f: fix" in status(app), case.id
            await pilot.press("f")
            assert isinstance(app.screen, FixChooserScreen), case.id
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, BuilderScreen), case.id
            after = misfit_of(app.document.check())
            assert after is None or (after.name, after.reason) != (misfit.name, misfit.reason), case.id
            assert app.document.undo_label.startswith("fix: "), case.id


async def test_a_conv2d_after_the_784_input_is_fixed_with_f_and_enter(app_factory):
    """The issue's example, typed: a Conv2D on top of the mnist preset, then f, Enter."""
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("a", *"conv2d", "enter", *"32", "tab", "3", "enter")
        await pilot.pause()
        assert layer_types(app) == ["Conv2D", "Dense", "Dense"]
        assert "Fix: Insert Reshape(target_shape=(28, 28, 1)) above conv2d · f: fix (2 ways)" in status(app)
        await pilot.press("f")
        chooser = app.screen
        assert isinstance(chooser, FixChooserScreen)
        assert [f.title for f in chooser.report.fixes] == [
            "Insert Reshape(target_shape=(28, 28, 1)) above conv2d", "Change the input shape to (28, 28, 1)"]
        await pilot.press("enter")
        await pilot.pause()
        assert layer_types(app) == ["Reshape", "Conv2D", "Dense", "Dense"]
        assert app.document.layers[0].config["target_shape"] == (28, 28, 1)
        assert app.document.check().report.rows[1].output_shape == (None, 26, 26, 32)
        assert app.screen.query_one("#stack").cursor_row == 1  # on the new Reshape
        # the next misfit (Dense on images) has its own fix: the first Dense gets a Flatten above it
        assert "Fix: Add Flatten() above dense, the first Dense that receives an image" in status(app)
        await pilot.press("f", "enter")
        await pilot.pause()
        assert layer_types(app) == ["Reshape", "Conv2D", "Flatten", "Dense", "Dense"]
        assert app.document.check().ready
        await pilot.press("u", "u")
        await pilot.pause()
        assert layer_types(app) == ["Conv2D", "Dense", "Dense"]


async def test_down_chooses_another_fix_and_escape_applies_nothing(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a", *"conv2d", "enter", *"32", "tab", "3", "enter")
        await pilot.pause()
        before = content(app.document.preset)
        await pilot.press("f", "down", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and content(app.document.preset) == before
        await pilot.press("f", "down", "enter")
        await pilot.pause()
        assert app.document.preset.model.input_shape == (28, 28, 1)
        assert layer_types(app) == ["Conv2D", "Dense", "Dense"]


async def test_the_chooser_says_when_there_is_no_known_fix(app_factory):
    app = app_factory()
    async with app.run_test(size=WIDE) as pilot:
        app.replace_document(loads(NO_FIX))
        await pilot.pause()
        assert "f: fix" not in status(app)
        before = content(app.document.preset)
        await pilot.press("f")
        chooser = app.screen
        assert isinstance(chooser, FixChooserScreen)
        assert "No known fix" in str(chooser.query_one("#none").render())
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen) and content(app.document.preset) == before


async def test_f_on_a_model_that_fits(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, BuilderScreen)
        assert any("Nothing to fix" in str(n.message) for n in app._notifications)
