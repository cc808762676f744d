"""Pilot tests of the Draw pad: drawing with the keys and the mouse, the readings, the multi-head and
unavailable cases, the hook to the Inside view."""

from __future__ import annotations

import numpy as np
from draw_support import (
    DIRECTIONS, STROKES, drawn_canvas, keys_for, multihead_preset, multihead_weights, template_preset, template_weights,
)
from test_training_support import wait_for

from nntui.data.handwriting import Canvas, prepare
from nntui.preset.reader import EMPTY
from nntui.tui.draw.canvas import DrawCanvas
from nntui.tui.draw.harness import DrawHarnessApp
from nntui.tui.draw.screen import READ_INTERVAL, DrawScreen


def pad_app(preset=None, weights=None, **kwargs) -> DrawHarnessApp:
    preset = preset or template_preset()
    weights = template_weights() if weights is None else weights
    return DrawHarnessApp(lambda: DrawScreen(preset, weights, **kwargs))


async def ready(pilot) -> DrawScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DrawScreen) and pilot.app.screen.readings >= 1,
                   what="the pad's first reading")
    return pilot.app.screen


def shows_the_drawing(screen: DrawScreen) -> bool:
    """Whether the reading shown is that of the drawing as it is now, and no other is on its way."""
    reading, now = screen.reading, prepare(screen.drawing.canvas.pixels)
    if reading is None or screen._reading_now or screen._timer is not None:
        return False
    if now is None or reading.prepared is None:
        return now is None and reading.prepared is None
    return np.array_equal(reading.prepared.image, now.image)


async def settled(pilot, screen: DrawScreen) -> None:
    await wait_for(pilot, lambda: shows_the_drawing(screen), what="the reading of the drawing")


def bars_text(screen: DrawScreen) -> str:
    return str(screen.bars.render())


async def test_drawing_a_one_with_the_keys():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        pad = screen.query_one(DrawCanvas)
        assert screen.focused is pad and bars_text(screen) == EMPTY
        await pilot.press(*keys_for(STROKES[1]))
        await settled(pilot, screen)
        ink = pad.canvas.pixels
        assert (ink[5:24, 14] == 1.0).all() and ink[8, 11] == 1.0 and ink[:, :9].max() == 0.0
        assert pad.cursor == (23, 14) and not pad.pen_down
        assert screen.reading.digit.best == 1 and bars_text(screen).startswith("reads 1")
        assert "Brush (23, 14), pen up" in str(screen.query_one("#draw-brush").render())
        prepared = screen.query_one("#draw-prepared")
        assert np.array_equal(prepared.image, prepare(ink).image)


def replayed(keys, start) -> Canvas:
    """The canvas the keys should make: a stroke between the brush's positions while the pen is down."""
    canvas, at, down = Canvas(), start, False
    for key in keys:
        if key == "space":
            down = not down
            if down:
                canvas.stroke(at)
            continue
        dr, dc = next(d for d, name in DIRECTIONS.items() if name == key)
        before, at = at, (at[0] + dr, at[1] + dc)
        if down:
            canvas.stroke(before, at)
    return canvas


async def test_digits_drawn_with_the_keys_are_the_strokes_between_the_brush_positions():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        pad = screen.query_one(DrawCanvas)
        for digit in (7,):  # diagonals
            keys = keys_for(STROKES[digit], start=pad.cursor)
            expected = replayed(keys, pad.cursor)
            await pilot.press("c", *keys)
            await settled(pilot, screen)
            assert np.array_equal(pad.canvas.pixels, expected.pixels), digit
            assert np.array_equal(screen.reading.prepared.image, prepare(expected.pixels).image)
            # and they look like the digit drawn with smooth strokes
            assert np.abs(expected.pixels - drawn_canvas(digit).pixels).mean() < 0.06, digit


async def test_the_eraser_and_clear():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        pad = screen.query_one(DrawCanvas)
        await pilot.press(*keys_for([[(10, 14), (23, 14)]]))
        await pilot.press("up", "up", "up", "x", "space")  # eraser down at (20, 14)
        assert pad.eraser and pad.pen_down and pad.canvas.pixels[20, 14] == 0.0
        await pilot.press("up", "up", "space", "x")
        assert pad.canvas.pixels[18:21, 14].max() == 0.0 and pad.canvas.pixels[10, 14] == 1.0
        assert not pad.eraser and not pad.pen_down
        await pilot.press("c")
        await settled(pilot, screen)
        assert pad.canvas.empty and screen.reading.empty and bars_text(screen) == EMPTY
        assert screen.query_one("#draw-prepared").image is None


async def test_the_brush_stays_on_the_canvas():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        pad = (await ready(pilot)).query_one(DrawCanvas)
        await pilot.press(*["shift+up"] * 5, *["home"] * 3)
        assert pad.cursor == (0, 11)
        await pilot.press(*["pagedown"] * 40)
        assert pad.cursor == (27, 27)


async def test_drawing_with_the_mouse_press_move_release():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        pad = screen.query_one(DrawCanvas)
        await pilot.mouse_down(DrawCanvas, offset=(14, 2))  # cell (14, 2): pixel rows 4 and 5
        for y in range(3, 12):
            await pilot.hover(DrawCanvas, offset=(14, y))
        await pilot.mouse_up(DrawCanvas, offset=(14, 11))
        await settled(pilot, screen)
        ink = pad.canvas.pixels
        assert (ink[4:24, 14] == 1.0).all() and ink[:3].max() == 0.0 and ink[25:].max() == 0.0
        assert pad.cursor == (22, 14) and screen.reading.digit.best == 1
        # a move without a button only moves the cursor
        await pilot.hover(DrawCanvas, offset=(3, 3))
        assert pad.cursor == (6, 3) and np.array_equal(pad.canvas.pixels, ink)


async def test_the_right_button_or_a_modifier_erases():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        pad = screen.query_one(DrawCanvas)
        await pilot.mouse_down(DrawCanvas, offset=(10, 5))
        await pilot.hover(DrawCanvas, offset=(20, 5))
        await pilot.mouse_up(DrawCanvas, offset=(20, 5))
        assert (pad.canvas.pixels[10:12, 10:21] == 1.0).all()
        await pilot.mouse_down(DrawCanvas, offset=(11, 5), button=3)
        await pilot.mouse_up(DrawCanvas, offset=(11, 5))
        assert pad.canvas.pixels[10:12, 11].max() == 0.0 and pad.canvas.pixels[10, 15] == 1.0
        await pilot.mouse_down(DrawCanvas, offset=(15, 5), control=True)
        await pilot.hover(DrawCanvas, offset=(20, 5))
        await pilot.mouse_up(DrawCanvas, offset=(20, 5))
        assert pad.canvas.pixels[10:12, 15:21].max() == 0.0 and pad.canvas.pixels[10, 13] == 1.0


async def test_a_drag_is_read_a_few_times_a_second_and_at_once_when_it_ends():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await settled(pilot, screen)
        before = screen.readings
        await pilot.mouse_down(DrawCanvas, offset=(5, 2))  # read within the interval after the last reading
        await wait_for(pilot, lambda: screen.readings == before + 1 and not screen._reading_now)
        screen.read_interval = 3600.0  # a slow clock: the moves of the drag all come "within the interval"
        for x in range(6, 24):
            await pilot.hover(DrawCanvas, offset=(x, 2 + (x % 3)))
        assert screen.readings == before + 1 and screen._timer is not None and screen._dirty
        await pilot.mouse_up(DrawCanvas, offset=(23, 4))  # the end of the stroke is read at once
        await settled(pilot, screen)
        assert screen.readings == before + 2 and READ_INTERVAL <= 0.5
        assert np.array_equal(screen.reading.prepared.image, prepare(screen.drawing.canvas.pixels).image)


async def test_a_multihead_model_shows_each_head():
    for size, digit_title, parity_title in [((120, 40), "digit reads 7 ", "parity reads odd "),
                                            ((80, 24), "digit: 7 ", "parity: odd ")]:  # narrow: shorter titles
        app = pad_app(multihead_preset(), multihead_weights())
        async with app.run_test(size=size) as pilot:
            screen = await ready(pilot)
            screen.drawing.canvas.pixels[...] = drawn_canvas(7).pixels
            screen.drawing.announce()
            await settled(pilot, screen)
            digit, parity = screen.reading.heads
            assert digit.best == 7 and parity.labels[parity.best] == "odd"
            lines = bars_text(screen).splitlines()
            assert lines[0].startswith(digit_title) and lines[11].startswith(parity_title), lines
            assert [line.split()[0] for line in lines[12:14]] == ["even", "odd"]  # the parity's two bars


async def test_a_model_whose_input_is_not_784_values_says_why_and_still_prepares():
    async with pad_app(template_preset("32"), {}).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert bars_text(screen).startswith("Cannot read drawings. The pad draws 28x28 = 784 pixels")
        assert screen.bars.has_class("-unavailable")
        screen.drawing.canvas.pixels[...] = drawn_canvas(3).pixels
        screen.drawing.announce()
        await settled(pilot, screen)
        assert screen.reading.heads == () and screen.query_one("#draw-prepared").image is not None
        assert bars_text(screen).startswith("Cannot read drawings.")


async def test_weights_that_do_not_fit_say_so():
    async with pad_app(weights={"dense/kernel": np.zeros((3, 3), np.float32)}).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert "The weights do not fit the model" in bars_text(screen)


async def test_the_inside_key_sends_the_prepared_drawing():
    sent = []
    async with pad_app(inside=sent.append).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.check_action("inside", ()) is None  # nothing drawn yet: shown, disabled
        await pilot.press("i")
        assert sent == []
        await pilot.press(*keys_for(STROKES[1]))
        await settled(pilot, screen)
        assert screen.check_action("inside", ()) is True
        await pilot.press("i")
        assert len(sent) == 1 and np.array_equal(sent[0], screen.reading.prepared.image)
    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.check_action("inside", ()) is False  # no Inside view: the key is hidden


async def test_escape_closes_the_pad():
    async with pad_app().run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, DrawScreen)


async def test_question_mark_lists_the_pads_keys():
    from nntui.tui.common.help import HelpScreen

    async with pad_app().run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        rows = [keys for _, section in screen.help_sections() for keys, _ in section]
        assert rows[:3] == ["↑ ↓ ← →", "shift+arrows", "home pgup end pgdn"]
        assert {"space", "x", "c", "esc"} <= set(rows) and "i" not in rows  # no Inside view here
        await pilot.press("escape")
        assert pilot.app.screen is screen
