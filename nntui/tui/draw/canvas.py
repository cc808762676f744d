"""The drawing canvas: a 28x28 :class:`~nntui.data.handwriting.Canvas` in half blocks, painted with the
mouse or the keyboard, its brush cursor always visible.

Mouse: press and drag paints; the right button, or a modifier (ctrl, shift, alt) held with the left one,
erases. Keyboard: the arrow keys move the brush one pixel (shift: four; home, page up, end, page down
diagonally), space puts the pen down or lifts it (moving with the pen down paints), x toggles the
eraser, c clears. Every change posts :class:`DrawCanvas.Changed` (``final`` at the end of a stroke:
mouse release or a key), which coalesces while the screen is busy.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from ...data.handwriting import SIZE, Canvas
from ..common.css import tcss
from .picture import ROWS, Picture, picture_line

PEN_UP = (255, 170, 60)  # the cursor's colour: where the brush is, pen lifted
PEN_DOWN = (90, 220, 120)  # pen down: moving paints
ERASING = (240, 90, 90)  # eraser on
FAST = 4  # pixels per shift+arrow


def clamp(value: float) -> int:
    return min(SIZE - 1, max(0, int(round(value))))


class DrawCanvas(Picture, can_focus=True):
    """The pad's canvas; ``canvas`` holds the pixels, ``cursor`` is the brush's (row, column)."""

    DEFAULT_CSS = tcss(__file__)
    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False, tooltip="Move the brush up (paints with the pen down)"),
        Binding("down", "move(1, 0)", "Down", show=False, tooltip="Move the brush down"),
        Binding("left", "move(0, -1)", "Left", show=False, tooltip="Move the brush left"),
        Binding("right", "move(0, 1)", "Right", show=False, tooltip="Move the brush right"),
        Binding("shift+up", f"move(-{FAST}, 0)", show=False, tooltip=f"Move the brush {FAST} pixels up"),
        Binding("shift+down", f"move({FAST}, 0)", show=False, tooltip=f"Move the brush {FAST} pixels down"),
        Binding("shift+left", f"move(0, -{FAST})", show=False, tooltip=f"Move the brush {FAST} pixels left"),
        Binding("shift+right", f"move(0, {FAST})", show=False, tooltip=f"Move the brush {FAST} pixels right"),
        Binding("home", "move(-1, -1)", show=False, tooltip="Move the brush up and left"),
        Binding("pageup", "move(-1, 1)", show=False, tooltip="Move the brush up and right"),
        Binding("end", "move(1, -1)", show=False, tooltip="Move the brush down and left"),
        Binding("pagedown", "move(1, 1)", show=False, tooltip="Move the brush down and right"),
        Binding("space", "pen", "Pen", tooltip="Put the pen down or lift it"),
        Binding("x", "eraser", "Eraser", tooltip="Toggle the eraser"),
        Binding("c", "clear", "Clear", tooltip="Clear the canvas"),
    ]

    pen_down = reactive(False)
    eraser = reactive(False)
    cursor = reactive((SIZE // 2, SIZE // 2))
    revision = reactive(0)  # bumped by every change of the pixels

    class Changed(Message):
        """The drawing changed; ``final`` when a stroke ended (a later reading should come at once)."""

        def __init__(self, canvas: "DrawCanvas", final: bool) -> None:
            super().__init__()
            self.canvas = canvas
            self.final = final

        def can_replace(self, message: Message) -> bool:
            # only the latest drawing matters; a newer change replaces this one unless it would lose "final"
            return isinstance(message, DrawCanvas.Changed) and (message.final or not self.final)

        @property
        def control(self) -> "DrawCanvas":
            return self.canvas

    def __init__(self, canvas: Canvas | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.canvas = canvas or Canvas()
        self._last: tuple[float, float] | None = None  # the mouse's previous point while a button is held
        self._mouse_erases = False

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        if y >= ROWS:
            return Strip.blank(self.size.width)
        colour = ERASING if self.eraser else PEN_DOWN if self.pen_down else PEN_UP
        return picture_line(self.canvas.pixels, y, {self.cursor: colour})

    def stroke(self, start, end=None, *, erase: bool = False, final: bool = True) -> None:
        """Paint (erase) from ``start`` to ``end`` (points in pixels) and announce the change."""
        if self.canvas.stroke(start, end, erase=erase):
            self.announce(final)

    def announce(self, final: bool = True) -> None:
        """Redraw and tell the screen that the pixels changed (after any change to ``canvas``)."""
        self.revision += 1
        self.post_message(self.Changed(self, final))

    # ------------------------------------------------------------------ keys
    def action_move(self, rows: int, cols: int) -> None:
        before = self.cursor
        after = (clamp(before[0] + rows), clamp(before[1] + cols))
        self.cursor = after
        if self.pen_down and after != before:
            self.stroke(before, after, erase=self.eraser)

    def action_pen(self) -> None:
        self.pen_down = not self.pen_down
        if self.pen_down:
            self.stroke(self.cursor, erase=self.eraser)

    def action_eraser(self) -> None:
        self.eraser = not self.eraser

    def action_clear(self) -> None:
        if not self.canvas.empty:
            self.canvas.clear()
            self.announce()

    # ------------------------------------------------------------------ mouse
    def point(self, event: events.MouseEvent) -> tuple[float, float]:
        """The pointer as (row, column) in pixels: a cell's centre, or the exact spot when the terminal reports pixels."""
        region = self.content_region
        x, y = event.pointer_screen_x - region.x, event.pointer_screen_y - region.y
        if float(x).is_integer() and float(y).is_integer():
            x, y = x + 0.5, y + 0.5
        return 2.0 * y - 0.5, x - 0.5

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button not in (1, 3):
            return
        event.stop()
        self.focus()
        self.capture_mouse()
        self._mouse_erases = event.button == 3 or event.ctrl or event.shift or event.meta or self.eraser
        self._last = self.point(event)
        self.cursor = (clamp(self._last[0]), clamp(self._last[1]))
        self.stroke(self._last, erase=self._mouse_erases, final=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        point = self.point(event)
        if self._last is not None:
            event.stop()
            self.stroke(self._last, point, erase=self._mouse_erases, final=False)
            self._last = point
        self.cursor = (clamp(point[0]), clamp(point[1]))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._last is None:
            return
        event.stop()
        self._last = None
        self.release_mouse()
        self.post_message(self.Changed(self, True))
