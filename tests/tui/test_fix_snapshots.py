"""Snapshots of the fix chooser (f) at both sizes, and of the chooser without a known fix."""

from __future__ import annotations

from fix_cases import NO_FIX
from tui_helpers import NARROW, WIDE, make_app

from nntui.preset import loads

CONV2D_ON_TOP = ("a", *"conv2d", "enter", *"32", "tab", "3", "enter")


def keys(*presses):
    async def run_before(pilot):
        await pilot.pause()
        for key in presses:
            await pilot.press(key)
        await pilot.pause()
    return run_before


def test_fix_chooser_80x24(snap_compare):
    """A Conv2D on top of the (784,) input: two fixes, each with its rows, shapes and parameters."""
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=keys(*CONV2D_ON_TOP, "f"))


def test_fix_chooser_120x40(snap_compare):
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=keys(*CONV2D_ON_TOP, "f"))


def test_fix_chooser_without_a_known_fix_80x24(snap_compare):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.replace_document(loads(NO_FIX))
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)
