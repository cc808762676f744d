"""The Draw pad: draw a digit and watch the network read it.

Push it on any app with a preset and weights (``model.get_weights()``, or loaded from a file)::

    app.push_screen(DrawScreen(preset, weights, about="trained for 5 epochs"))

The canvas (:mod:`.canvas`) on the left; beside it the prepared 28x28 input, the drawing as MNIST
would have made it (:func:`nntui.data.handwriting.prepare`), which is exactly what the model gets; then
what the network reads (:mod:`.bars`). The model is a copy of its own (:class:`~nntui.preset.reader.DigitReader`),
built in a thread; each reading runs in a thread worker that only posts :class:`DrawScreen.Read`, at
once after a stroke ends and at most every ``read_interval`` seconds (``READ_INTERVAL``) while one goes on. A model
that cannot read drawings (its input is not 784 values) still shows the preparation, and says why.

``inside``: called with the prepared 28x28 image when the user sends the drawing to the Inside view
(the key is hidden without it).
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Static

from ...data.handwriting import CENTRE, input_problem, prepare
from ...preset.preset import Preset
from ...preset.reader import EMPTY, DigitReader, DrawingUnavailable, Reading
from ..common.base import Page
from ..common.help import HelpScreen, Sections, binding_rows
from .bars import ReadingBars
from .canvas import FAST, DrawCanvas
from .picture import Picture
from .steps import PreparationSteps

READ_INTERVAL = 0.25  # seconds between readings while a stroke goes on
LOADING = "Loading the model…"
MOVE_KEYS = [("↑ ↓ ← →", "Move the brush one pixel (moving with the pen down paints)"),
             ("shift+arrows", f"Move the brush {FAST} pixels"),
             ("home pgup end pgdn", "Move the brush diagonally: ↖ ↗ ↙ ↘")]
MOUSE_KEYS = [("drag", "Paint with the mouse (press, move, release)"),
              ("right-drag / ctrl+drag", "Erase with the mouse (or shift / alt held with the left button)")]
WIDE = (110, 38)  # from this size on, the preparation is also shown step by step


class DrawScreen(Page):
    """The pad for ``preset`` with ``weights``; ``about`` says where the weights come from."""

    CSS_PATH = "screen.tcss"
    AUTO_FOCUS = "DrawCanvas"
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Close the pad"),
        Binding("i", "inside", "Inside", tooltip="Follow the drawing through every layer (the Inside view)"),
        Binding("question_mark", "help", "Help", key_display="?", show=False, tooltip="List every key"),
    ]

    class ReaderReady(Message):
        """The model copy is built (``reader``), or why it cannot read drawings (``problem``)."""

        def __init__(self, reader: DigitReader | None, problem: str | None) -> None:
            super().__init__()
            self.reader = reader
            self.problem = problem

    class Read(Message):
        """A reading of the drawing as it was when the reading started."""

        def __init__(self, reading: Reading, pixels: np.ndarray) -> None:
            super().__init__()
            self.reading = reading
            self.pixels = pixels

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, DrawScreen.Read)

    def __init__(self, preset: Preset, weights: dict[str, np.ndarray], *, about: str = "",
                 inside: Callable[[np.ndarray], None] | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.preset = preset
        self.weights = weights
        self.about = about
        self.inside = inside
        self.reader: DigitReader | None = None
        self.problem: str | None = input_problem(preset.model.input_shape)
        self.reading: Reading | None = None
        self.readings = 0  # readings shown so far (tests wait on it)
        self._reading_now = False
        self._dirty = False
        self._dirty_final = False
        self._last_read = 0.0
        self._timer: Timer | None = None
        self.read_interval = READ_INTERVAL
        self._inside_ready = False
        self._shown_pixels: np.ndarray | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(self._title_text(), id="draw-title")
        with Horizontal(id="draw-panels"):
            with Vertical(id="draw-canvas-panel", classes="draw-panel") as panel:
                panel.border_title = "your drawing"
                yield DrawCanvas(id="draw-canvas")
            with Vertical(id="draw-prepared-panel", classes="draw-panel") as panel:
                panel.border_title = "what the network sees"
                yield Picture(id="draw-prepared")
            with Vertical(id="draw-reading-panel", classes="draw-panel") as panel:
                panel.border_title = "reading"
                yield ReadingBars(id="draw-bars")
        yield PreparationSteps(id="draw-steps")
        yield Static(id="draw-brush")
        yield Static(id="draw-preparation")
        yield Footer()

    def _title_text(self) -> str:
        about = f" · weights {self.about}" if self.about else ""
        return f"Draw a digit · {self.preset.name}{about}"

    def on_resize(self, event) -> None:
        wide = event.size.width >= WIDE[0] and event.size.height >= WIDE[1]
        if wide != self.has_class("-wide"):
            self.set_class(wide, "-wide")
            if wide and self.reading is not None:  # the steps are drawn only while shown
                self.query_one(PreparationSteps).show(self._shown_pixels, self.reading.prepared)

    def on_mount(self) -> None:
        self.set_class(self.size.width >= WIDE[0] and self.size.height >= WIDE[1], "-wide")
        self.drawing = self.query_one(DrawCanvas)
        self.bars = self.query_one(ReadingBars)
        self.prepared = self.query_one("#draw-prepared", Picture)
        self.steps = self.query_one(PreparationSteps)
        self._brush = self.query_one("#draw-brush", Static)
        self._preparation = self.query_one("#draw-preparation", Static)
        for attribute in ("cursor", "pen_down", "eraser"):
            self.watch(self.drawing, attribute, self._brush_changed, init=False)
        self._brush_changed()
        self._show(None)
        if self.problem is None:
            self._load_reader()
        else:  # no model to read with: the preparation is still shown
            self._dirty = self._dirty_final = True
            self._schedule()

    @work(thread=True, group="draw-reader", description="building the model copy")
    def _load_reader(self) -> None:
        try:
            reader, problem = DigitReader(self.preset, self.weights), None
        except DrawingUnavailable as exc:
            reader, problem = None, str(exc)
        except Exception as exc:  # noqa: BLE001 - a line on the pad, never a traceback that ends the app
            reader, problem = None, f"The model could not be built: {type(exc).__name__}: {exc}"
        self.post_message(self.ReaderReady(reader, problem))

    def on_draw_screen_reader_ready(self, message: ReaderReady) -> None:
        self.reader, self.problem = message.reader, message.problem
        self._dirty, self._dirty_final = True, True
        self._schedule()

    # ------------------------------------------------------------------ readings
    def on_draw_canvas_changed(self, message: DrawCanvas.Changed) -> None:
        self._dirty = True
        self._dirty_final = self._dirty_final or message.final
        self._schedule()

    def _schedule(self) -> None:
        """Start a reading now, or when the interval since the last one is over (one at a time)."""
        if not self._dirty or self._reading_now or (self.reader is None and self.problem is None):
            return
        wait = 0.0 if self._dirty_final else self._last_read + self.read_interval - time.monotonic()
        if wait > 0:
            if self._timer is None:
                self._timer = self.set_timer(wait, self._timer_done)
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._dirty = self._dirty_final = False
        self._reading_now = True
        self._last_read = time.monotonic()
        self._read(self.drawing.canvas.pixels.copy())

    def _timer_done(self) -> None:
        self._timer = None
        self._schedule()

    @work(thread=True, group="draw-reading", description="reading the drawing")  # no repr of the pixels
    def _read(self, pixels: np.ndarray) -> None:
        reader = self.reader
        reading = reader.read(pixels) if reader is not None else Reading(prepare(pixels), ())
        self.post_message(self.Read(reading, pixels))

    def on_draw_screen_read(self, message: Read) -> None:
        self._reading_now = False
        self._show(message.reading, message.pixels)
        self.readings += 1
        self._schedule()

    def _show(self, reading: Reading | None, pixels: np.ndarray | None = None) -> None:
        self.reading = reading
        self.bars.reading = reading if reading is not None and reading.heads else None
        self.bars.note = (f"Cannot read drawings. {self.problem}" if self.problem
                          else LOADING if self.reader is None else EMPTY)
        if self.bars.has_class("-unavailable") != (self.problem is not None):
            self.bars.set_class(self.problem is not None, "-unavailable")
        prepared = reading.prepared if reading is not None else None
        self.prepared.image = prepared.image if prepared is not None else None
        if self.has_class("-wide"):
            self.steps.show(pixels, prepared)
        self._shown_pixels = pixels
        self._preparation.update(self._preparation_text(reading), layout=False)  # a fixed height: no reflow
        inside = reading is not None and reading.prepared is not None
        if self.inside is not None and inside != self._inside_ready:
            self._inside_ready = inside
            self.refresh_bindings()

    def _preparation_text(self, reading: Reading | None) -> str:
        prepared = reading.prepared if reading is not None else None
        if prepared is None:
            return ("The network sees your drawing prepared as MNIST's digits were: its box scaled to fit "
                    f"20x20, its centre of mass moved to ({CENTRE:.0f}, {CENTRE:.0f}).")
        _, _, height, width = prepared.box
        h, w = prepared.size
        scaled = f"scaled x{prepared.scale:.2f} to {h}x{w}" if (h, w) != (height, width) else "kept at 20"
        (r0, c0) = prepared.drawn_centre
        return (f"Prepared as MNIST was: the {height}x{width} box of ink {scaled}, its centre of mass "
                f"({r0:.1f}, {c0:.1f}) moved to ({CENTRE:.0f}, {CENTRE:.0f}).")

    def _brush_changed(self, *_) -> None:
        canvas = self.drawing
        row, col = canvas.cursor
        pen = "eraser " + ("down" if canvas.pen_down else "up") if canvas.eraser else \
            "pen " + ("down" if canvas.pen_down else "up")
        self._brush.update(
            f"Brush ({row}, {col}), {pen} · arrows move it · mouse drag paints, right-drag erases", layout=False)

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "inside":
            if self.inside is None:
                return False  # hidden: no Inside view to send to
            return True if self.reading is not None and self.reading.prepared is not None else None  # dimmed
        return True

    def action_inside(self) -> None:
        if self.inside is not None and self.reading is not None and self.reading.prepared is not None:
            self.inside(self.reading.prepared.image.copy())

    def action_back(self) -> None:
        self.dismiss(None)

    def help_sections(self) -> Sections:
        """The pad's keys for the help dialog: the canvas's, the mouse, the screen's."""
        canvas = binding_rows(b for b in DrawCanvas.BINDINGS if not b.action.startswith("move"))
        screen = binding_rows(b for b in self.BINDINGS
                              if b.action != "help" and (b.action != "inside" or self.inside is not None))
        return [("Drawing (the canvas)", MOVE_KEYS + canvas + MOUSE_KEYS), ("The pad", screen)]

    def action_help(self) -> None:
        if not isinstance(self.app.screen, HelpScreen):
            app_help = getattr(self.app, "help_sections", None)  # nntui's app adds the keys of everywhere
            self.app.push_screen(HelpScreen(app_help(self) if callable(app_help) else self.help_sections()))
