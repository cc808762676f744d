"""Feature maps: each channel of an image-shaped output as a small grey picture, scaled per map.

As many channels as fit are shown at once, at most :data:`PAGE_MAX`, each as large as the room
allows (tiny maps enlarged, large ones shrunk to half or a third); the first line says which
channels are shown and how many more there are, and :meth:`FeatureMaps.turn` pages through them.
Under each map: its channel number and its peak value (each map is scaled to its own range, so the
peak says how strongly the channel responds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.message import Message
from textual.reactive import reactive

from ..common.css import tcss
from .canvas import Canvas
from .canvas_widget import CanvasWidget
from .pictures import grey_picture, scaled_size
from .styles import DIM, KEY, TEXT, TITLE, VALUE, num

PAGE_MAX = 16
SCALES = (4, 3, 2, 1, 0.5, 1 / 3)
MIN_PIXELS = 10  # a large map is never shrunk below this many pixels across
CAPTION = 7  # a tile is at least this wide, for its caption


@dataclass(frozen=True, eq=False)
class MapsData:
    """One sample's output of a layer: ``values`` (h, w, channels); ``key`` names the layer (a new one: page 0)."""

    values: np.ndarray
    key: str = ""
    sequence: bool = False  # (timesteps, features) drawn as one picture


def tile_layout(h: int, w: int, channels: int, width: int, height: int) -> tuple[float, int, int]:
    """(scale, maps per row, rows of maps) for the largest scale at which min(channels, PAGE_MAX) maps fit."""
    want = min(channels, PAGE_MAX)
    options = []
    for scale in SCALES:
        if scale < 1 and max(h, w) * scale < MIN_PIXELS:
            continue
        cols, rows = scaled_size(h, w, scale)
        if cols > width or rows + 1 > height:
            continue
        per_row = max(1, (width + 1) // (max(cols, CAPTION) + 1))
        n_rows = max(1, height // (rows + 1))
        options.append((scale, per_row, n_rows))
        if per_row * n_rows >= want:
            return scale, per_row, n_rows
    if options:
        return options[-1]
    return SCALES[-1], 1, 1


class FeatureMaps(CanvasWidget):
    """A page of channels; ``page`` is the widget's own, reset when a new layer is shown."""

    DEFAULT_CSS = tcss(__file__)

    maps: reactive[MapsData | None] = reactive(None)
    page: reactive[int] = reactive(0)

    class Paged(Message):
        """The channels shown changed (a page turned, or the room changed)."""

        def __init__(self, channels: range) -> None:
            super().__init__()
            self.channels = channels

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.per_page = PAGE_MAX
        self._key = ""
        self._announced: tuple[int, int] | None = None

    def _announce(self) -> None:
        shown = self.shown
        if (shown.start, shown.stop) != self._announced:
            self._announced = (shown.start, shown.stop)
            self.post_message(self.Paged(shown))

    def watch_maps(self, maps: MapsData | None) -> None:
        if maps is not None and maps.key != self._key:
            self._key = maps.key
            self.page = 0
        self.redraw()
        self._announce()

    def watch_page(self) -> None:
        self.redraw()
        self._announce()

    @property
    def channels(self) -> int:
        m = self.maps
        return 0 if m is None else (1 if m.sequence else int(m.values.shape[-1]))

    @property
    def pages(self) -> int:
        return max(1, -(-self.channels // max(1, self.per_page)))

    @property
    def shown(self) -> range:
        """The channels on the current page."""
        first = self.page * self.per_page
        return range(first, min(self.channels, first + self.per_page))

    def turn(self, delta: int) -> None:
        """Page forward (+1) or back (-1), wrapping around."""
        if self.pages > 1:
            self.page = (self.page + delta) % self.pages

    def _per_page(self, width: int, height: int) -> tuple[float, int, int]:
        m = self.maps
        h, w = m.values.shape[:2]
        scale, per_row, n_rows = tile_layout(h, w, self.channels, width, height - 1)
        per_page = max(1, min(PAGE_MAX, per_row * n_rows))
        if per_page != self.per_page:
            self.per_page = per_page
            self.set_reactive(FeatureMaps.page, min(self.page, self.pages - 1))  # no redraw: drawing now
            self._announce()
        return scale, per_row, n_rows

    def draw(self, canvas: Canvas) -> None:
        m = self.maps
        if m is None or canvas.height < 3:
            return
        if m.sequence:
            self._draw_sequence(canvas, m.values)
            return
        h, w, c = m.values.shape
        scale, per_row, _ = self._per_page(canvas.width, canvas.height)
        shown = self.shown
        head = [(f"{c} feature maps ", TITLE), (f"{h}×{w}", TEXT)]
        if len(shown) < c:
            head += [(f" · #{shown.start}–#{shown.stop - 1}", TEXT), (f" · +{c - len(shown)} more ", DIM),
                     ("[ ]", KEY), (" page", DIM)]
        head += [(" · each scaled to its own range", DIM)]
        canvas.spans(0, 0, head)
        cols, rows = scaled_size(h, w, scale)
        tile = max(cols, CAPTION) + 1
        for k, ch in enumerate(shown):
            x, y = (k % per_row) * tile, 1 + (k // per_row) * (rows + 1)
            a = m.values[..., ch]
            peak = float(a.max())
            canvas.block(x, y, grey_picture(a, float(a.min()), peak, scale))
            canvas.spans(x, y + rows, [(f"#{ch} ", DIM), (num(peak, 2) if peak > 0 else "· 0", VALUE if peak > 0 else DIM)],
                         tile - 1)

    def _draw_sequence(self, canvas: Canvas, values: np.ndarray) -> None:
        t, f = values.shape[:2]
        canvas.spans(0, 0, [(f"{t} timesteps ↓ × {f} features →", TITLE), (" · scaled to its range", DIM)])
        scale = next((s for s in SCALES if scaled_size(t, f, s)[0] <= canvas.width
                      and scaled_size(t, f, s)[1] <= canvas.height - 1), SCALES[-1])
        a = values.reshape(t, f)
        canvas.block(0, 1, grey_picture(a, float(a.min()), float(a.max()), scale))
